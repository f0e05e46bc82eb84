import Foundation

/// What a report says about the run itself, for the record of the incident a DPO keeps (GDPR
/// Art. 33(5): the facts, the effects, the remedial action): what was read, how much, and what
/// could not be.
public struct RunFacts: Sendable {
    /// The counters of the run (the summary written to stderr and `--summary`).
    public var summary: RunSummary
    /// The inputs as named on the command line (`-` for standard input; bytes that are not
    /// UTF-8 as `\xNN`).
    public var inputs: [String]
    /// The organisation profile's name.
    public var organisation: String?

    public init(summary: RunSummary, inputs: [String], organisation: String? = nil) {
        self.summary = summary
        self.inputs = inputs
        self.organisation = organisation
    }
}

/// `--format html` and `--html FILE`: one self-contained page for the people who decide (the
/// CISO, the DPO): the counts and what to do first, charts, the accounts to reset, every finding
/// in a table that filters and sorts in the page, and the facts of the run. Inline CSS and SVG
/// and one inline script, allowed by hash in a Content-Security-Policy that allows nothing else,
/// so the page makes no request. No value becomes markup (`HTMLWriter`), no URL becomes a link,
/// and it never holds a password or a cookie value, whatever the options: a page is printed,
/// mailed and kept, and the people it is for never need the secret.
enum HTMLReport {
    /// `findings` in report order.
    static func render(_ findings: [Finding], options: ReportOptions) -> [UInt8] {
        var page = HTMLWriter()
        let title = "credwatch report" + (options.run?.organisation.map { ": " + $0 } ?? "")
        let reported = Timestamp(options.reportedAt).iso8601
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        page.text(HTMLAssets.contentSecurityPolicy, limit: .max)
        page.raw("\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<meta name=\"generator\" content=\"credwatch ")
        page.text(options.productVersion)
        page.raw("\">\n<title>")
        page.text(title)
        page.raw(" (")
        page.text(reported)
        page.raw(")</title>\n<style>")
        page.asset(.style)
        page.raw("</style>\n</head>\n<body>\n<header>\n<h1>")
        page.text(title)
        page.raw("</h1>\n<p class=\"muted\">Exposed accounts found in infostealer logs and combolists, reported ")
        page.text(reported)
        page.raw(" by credwatch ")
        page.text(options.productVersion)
        page.raw(
            ". Confidential: it names people and their accounts. It holds no password and no cookie value.</p>\n"
        )
        page.raw("<nav aria-label=\"Sections\" class=\"noprint\"><a href=\"#summary\">Summary</a> · ")
        page.raw("<a href=\"#charts\">Charts</a> · <a href=\"#reset\">Accounts to reset</a> · ")
        page.raw("<a href=\"#findings\">All findings</a> · <a href=\"#run\">The run</a></nav>\n</header>\n<main>\n")
        // The reset list's own rows, built once for the summary and the table.
        let resetEntries = ReportRenderer.resetEntries(findings)
        summary(findings, resetEntries: resetEntries, run: options.run, into: &page)
        charts(findings, into: &page)
        resetTable(resetEntries, into: &page)
        findingsTable(findings, into: &page)
        runFacts(options: options, reported: reported, into: &page)
        page.raw("</main>\n<script>")
        page.asset(.script)
        page.raw("</script>\n</body>\n</html>\n")
        return page.bytes
    }

    // MARK: Summary

    private static func summary(
        _ findings: [Finding],
        resetEntries: [ResetEntry],
        run: RunFacts?,
        into page: inout HTMLWriter
    ) {
        var bySeverity = [Severity: Int]()
        var byKind = [FindingKind: Int]()
        for finding in findings {
            bySeverity[finding.severity, default: 0] += 1
            byKind[finding.kind, default: 0] += 1
        }
        page.raw("<section id=\"summary\" aria-labelledby=\"summary-title\">\n<h2 id=\"summary-title\">Summary</h2>\n")
        page.raw("<p id=\"total\" data-count=\"")
        page.number(findings.count)
        page.raw("\"><strong>")
        page.number(findings.count)
        page.raw(findings.count == 1 ? " exposure" : " exposures")
        page.raw("</strong> of the organisation's accounts, sessions and machines.</p>\n")
        if let run, run.summary.errors > 0 {
            page.raw("<p class=\"notice\" id=\"incomplete\"><strong>The run is incomplete:</strong> ")
            page.number(run.summary.errors)
            page.raw(
                " inputs or archive members could not be read completely (listed under <a href=\"#run\">The run</a>); "
            )
            page.raw("what they hold is not in this report.</p>\n")
        }
        page.raw("<div class=\"counts\">\n<table id=\"by-severity\">\n<caption>Findings by severity</caption>\n")
        page.raw(
            "<thead><tr><th scope=\"col\">Severity</th><th scope=\"col\" class=\"num\">Findings</th></tr></thead>\n<tbody>\n"
        )
        for severity in Severity.allCases.reversed() {
            page.raw("<tr data-severity=\"")
            page.text(severity.rawValue)
            page.raw("\"><th scope=\"row\">")
            badge(severity, into: &page)
            page.raw("</th><td class=\"num\">")
            page.number(bySeverity[severity] ?? 0)
            page.raw("</td></tr>\n")
        }
        page.raw("</tbody>\n</table>\n<table id=\"by-kind\">\n<caption>Findings by kind</caption>\n")
        page.raw(
            "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\" class=\"num\">Findings</th></tr></thead>\n<tbody>\n"
        )
        for kind in FindingKind.allCases {
            page.raw("<tr data-kind=\"")
            page.text(kind.rawValue)
            page.raw("\"><th scope=\"row\">")
            page.text(describe(kind))
            page.raw(" <code>")
            page.text(kind.rawValue)
            page.raw("</code></th><td class=\"num\">")
            page.number(byKind[kind] ?? 0)
            page.raw("</td></tr>\n")
        }
        page.raw("</tbody>\n</table>\n</div>\n")
        whatToDoFirst(findings, resetEntries: resetEntries, into: &page)
        page.raw("</section>\n")
    }

    /// The actions in the order they end the exposure: passwords first (a leaked password
    /// works until it changes), then the machines the stealer had, then live sessions, then
    /// what needs a person to judge.
    private static func whatToDoFirst(
        _ findings: [Finding],
        resetEntries entries: [ResetEntry],
        into page: inout HTMLWriter
    ) {
        let totals = ActionTotals(findings, resetEntries: entries)
        page.raw("<h3 id=\"todo-title\">What to do first</h3>\n<ol id=\"todo\" aria-labelledby=\"todo-title\">\n")
        var steps = 0
        if totals.accountsToReset > 0 {
            steps += 1
            page.raw("<li id=\"todo-reset\"><strong>Reset ")
            page.number(totals.accountsToReset)
            page.raw(totals.accountsToReset == 1 ? " account" : " accounts")
            page.raw("</strong>")
            if totals.criticalAccountsToReset > 0 {
                page.raw(" (")
                page.number(totals.criticalAccountsToReset)
                page.raw(" critical)")
            }
            page.raw(" now: a random password, a change required at logon, sessions ended (see ")
            page.raw("<a href=\"#reset\">Accounts to reset</a>; <code>--reset-list</code> writes the same rows for ")
            page.raw("<code>reset-accounts.ps1</code>).</li>\n")
        }
        if totals.disabledAccountsToReset > 0 {
            steps += 1
            page.raw("<li id=\"todo-reset-disabled\"><strong>Reset the password of ")
            page.number(totals.disabledAccountsToReset)
            page.raw(totals.disabledAccountsToReset == 1 ? " disabled account" : " disabled accounts")
            page.raw("</strong>: a random password only, so that re-enabling it does not bring the leaked ")
            page.raw("password back (<code>reset-disabled</code> in <a href=\"#reset\">Accounts to reset</a>).</li>\n")
        }
        if totals.accountsToRotateManually > 0 {
            steps += 1
            page.raw("<li id=\"todo-manual\"><strong>Rotate ")
            page.number(totals.accountsToRotateManually)
            page.raw(
                totals.accountsToRotateManually == 1 ? " service or shared account" : " service or shared accounts"
            )
            page.raw("</strong> by hand with their owners: a reset would break what runs with them.</li>\n")
        }
        if totals.machinesToReimage > 0 {
            steps += 1
            var names = Set<String>()
            for finding in findings where finding.action == .reimageDevice {
                if let machine = finding.machine { names.insert(machine.label) }
            }
            page.raw("<li id=\"todo-reimage\"><strong>Reimage ")
            page.number(totals.machinesToReimage)
            page.raw(totals.machinesToReimage == 1 ? " organisation machine" : " organisation machines")
            page.raw("</strong>")
            if !names.isEmpty {
                page.raw(" (")
                page.text(names.sorted().prefix(10).joined(separator: ", "))
                if names.count > 10 { page.raw(", …") }
                page.raw(")")
            }
            page.raw(": the stealer had them, and everything typed on them is exposed.</li>\n")
        }
        if totals.sessionsToRevoke > 0 {
            steps += 1
            page.raw("<li id=\"todo-revoke\"><strong>Revoke the sessions</strong> of ")
            page.number(totals.sessionsToRevoke)
            page.raw(totals.sessionsToRevoke == 1 ? " finding" : " findings")
            page.raw(
                ": stolen session cookies, and passwords changed since the theft whose sessions may live on.</li>\n"
            )
        }
        if totals.toReview > 0 {
            steps += 1
            page.raw("<li id=\"todo-review\"><strong>Review ")
            page.number(totals.toReview)
            page.raw(totals.toReview == 1 ? " finding" : " findings")
            page.raw("</strong>: logins that match no account, organisation logins on other sites (a password may be ")
            page.raw("reused), disabled accounts.</li>\n")
        }
        if steps == 0 { page.raw("<li>Nothing to act on.</li>\n") }
        page.raw("</ol>\n")
    }

    // MARK: Accounts to reset

    private static func resetTable(_ entries: [ResetEntry], into page: inout HTMLWriter) {
        page.raw(
            "<section id=\"reset\" aria-labelledby=\"reset-title\">\n<h2 id=\"reset-title\">Accounts to reset</h2>\n"
        )
        page.raw("<p>Each account whose password must change, with what to do and why: <code>reset</code> (a random ")
        page.raw("password now, a change required at logon, sessions ended), <code>reset-disabled</code> (a random ")
        page.raw("password only, so that re-enabling the account does not bring the leaked one back), ")
        page.raw("<code>manual</code> (a service or shared account its owners rotate).</p>\n")
        page.raw("<table id=\"reset-list\">\n<caption>")
        page.number(entries.count)
        page.raw(entries.count == 1 ? " account to reset" : " accounts to reset")
        page.raw("</caption>\n<thead><tr><th scope=\"col\">Identity</th><th scope=\"col\">Name</th>")
        page.raw("<th scope=\"col\">User principal name</th><th scope=\"col\">Mail</th><th scope=\"col\">Enabled</th>")
        page.raw(
            "<th scope=\"col\">Severity</th><th scope=\"col\">Action</th><th scope=\"col\">Why</th></tr></thead>\n<tbody>\n"
        )
        for entry in entries {
            let account = entry.account
            page.raw("<tr data-action=\"")
            page.text(entry.action.rawValue)
            page.raw("\"><th scope=\"row\">")
            page.text(account.identifier)
            page.raw("</th><td>")
            page.text(account.displayName ?? "")
            page.raw("</td><td>")
            page.text(account.upn ?? "")
            page.raw("</td><td>")
            page.text(account.mail ?? "")
            page.raw("</td><td>")
            page.raw(account.isEnabled ? "yes" : "no")
            page.raw("</td><td>")
            badge(entry.severity, into: &page)
            page.raw("</td><td><code>")
            page.text(entry.action.rawValue)
            page.raw("</code></td><td>")
            page.text(entry.reasons, limit: 2 * HTMLWriter.valueLimit)
            page.raw("</td></tr>\n")
        }
        if entries.isEmpty { page.raw("<tr><td colspan=\"8\">No account to reset.</td></tr>\n") }
        page.raw("</tbody>\n</table>\n</section>\n")
    }

    // MARK: All findings

    private static func findingsTable(_ findings: [Finding], into page: inout HTMLWriter) {
        page.raw(
            "<section id=\"findings\" aria-labelledby=\"findings-title\">\n<h2 id=\"findings-title\">All findings</h2>\n"
        )
        page.raw("<div class=\"controls\" role=\"search\" aria-label=\"Filter the findings\">\n")
        page.raw(
            "<label for=\"filter-text\">Contains<input id=\"filter-text\" type=\"search\" autocomplete=\"off\"></label>\n"
        )
        filterSelect("severity", "Severity", Severity.allCases.reversed().map(\.rawValue), into: &page)
        filterSelect("kind", "Kind", FindingKind.allCases.map(\.rawValue), into: &page)
        filterSelect("action", "Action", Action.allCases.map(\.rawValue), into: &page)
        page.raw("<p id=\"findings-shown\" aria-live=\"polite\"></p>\n</div>\n")
        page.raw("<div class=\"scroll\">\n<table id=\"findings-table\">\n<caption>")
        page.number(findings.count)
        page.raw(findings.count == 1 ? " finding" : " findings")
        page.raw(", most severe first (select a column title to sort; the URL is shown, never linked, with any ")
        page.raw("password in it replaced by [REDACTED])</caption>\n<thead><tr>")
        let columns: [(title: StaticString, numeric: Bool)] = [
            ("Severity", true), ("Action", false), ("Kind", false), ("Account", false), ("Login", false),
            ("Platform and URL", false), ("Victim machine", false), ("Theft (log date)", false), ("Seen", true),
            ("Why", false), ("First source", false),
        ]
        for column in columns {
            page.raw("<th scope=\"col\"")
            if column.numeric { page.raw(" data-type=\"number\"") }
            page.raw("><button type=\"button\">")
            page.raw(column.title)
            page.raw("</button></th>")
        }
        page.raw("</tr></thead>\n<tbody>\n")
        for finding in findings { findingRow(finding, into: &page) }
        page.raw("</tbody>\n</table>\n</div>\n</section>\n")
    }

    private static func filterSelect(
        _ name: StaticString,
        _ label: StaticString,
        _ values: [String],
        into page: inout HTMLWriter
    ) {
        page.raw("<label for=\"filter-")
        page.raw(name)
        page.raw("\">")
        page.raw(label)
        page.raw("<select id=\"filter-")
        page.raw(name)
        page.raw("\"><option value=\"\">all</option>")
        for value in values {
            page.raw("<option value=\"")
            page.text(value)
            page.raw("\">")
            page.text(value.replacingOccurrences(of: "_", with: " "))
            page.raw("</option>")
        }
        page.raw("</select></label>\n")
    }

    private static func findingRow(_ finding: Finding, into page: inout HTMLWriter) {
        page.raw("<tr data-severity=\"")
        page.text(finding.severity.rawValue)
        page.raw("\" data-kind=\"")
        page.text(finding.kind.rawValue)
        page.raw("\" data-action=\"")
        page.text(finding.action.rawValue)
        page.raw("\"><td data-sort=\"")
        page.number(finding.severity.rank)
        page.raw("\">")
        badge(finding.severity, into: &page)
        page.raw("</td><td>")
        page.text(finding.action.rawValue)
        page.raw("</td><td>")
        // `infected machine`, not `infected_machine`: a word break where the column needs one.
        page.text(finding.kind.rawValue.replacingOccurrences(of: "_", with: " "))
        page.raw("</td><td>")
        if let account = finding.account {
            page.text(account)
            if finding.accountDisabled == true { page.raw("<span class=\"tag\">disabled</span>") }
            if let name = finding.displayName {
                page.raw("<span class=\"sub\">")
                page.text(name)
                page.raw("</span>")
            }
        }
        page.raw("</td><td>")
        page.text(finding.login ?? "")
        page.raw("</td><td>")
        page.text(finding.platform ?? finding.host ?? finding.cookie?.domain ?? "")
        if let cookie = finding.cookie {
            page.raw("<span class=\"sub\">cookie <code>")
            page.text(cookie.name)
            page.raw("</code> (value never shown)</span>")
        }
        if let url = finding.url {
            page.raw("<span class=\"sub\"><code>")
            page.text(url)
            page.raw("</code></span>")
        }
        page.raw("</td><td>")
        if let machine = finding.machine {
            page.text(machine.label)
            if machine.isOrganisationMachine { page.raw("<span class=\"tag\">organisation</span>") }
            let others = finding.machines.count - 1 + finding.machinesOmitted
            if others > 0 {
                page.raw("<span class=\"sub\">and ")
                page.number(others)
                page.raw(others == 1 ? " other</span>" : " others</span>")
            }
        }
        page.raw("</td><td class=\"nowrap\" data-sort=\"")
        page.text(finding.lastLogDate?.iso8601 ?? "")
        page.raw("\">")
        page.text(finding.lastLogDate?.date.iso8601 ?? "")
        page.raw("</td><td class=\"num\" data-sort=\"")
        page.number(finding.placesSeen)
        page.raw("\">")
        page.number(finding.placesSeen)
        page.raw("</td><td>")
        page.text(Table.why(finding))
        page.raw("</td><td class=\"source\">")
        if let source = finding.sources.first {
            // The tail tells the rows apart (the head is the folder every row shares); the
            // whole path is the cell's tooltip, and in the JSONL.
            page.raw("<code title=\"")
            page.text(source.path, limit: 2 * HTMLWriter.valueLimit)
            page.raw("\">")
            page.text(Table.fittedTail(source.path, width: 48))
            page.raw(":")
            page.number(source.line)
            page.raw("</code>")
        }
        page.raw("</td></tr>\n")
    }

    // MARK: The run

    private static func runFacts(options: ReportOptions, reported: String, into page: inout HTMLWriter) {
        page.raw("<section id=\"run\" aria-labelledby=\"run-title\">\n<h2 id=\"run-title\">The run</h2>\n")
        page.raw("<p>The facts of this run, for the record of personal data breaches the controller keeps (GDPR ")
        page.raw("Art. 33(5)): what was examined, when, and what could not be read. The findings above are its ")
        page.raw("effects; the accounts to reset, the remedial action.</p>\n")
        page.raw("<dl class=\"facts\" id=\"run-facts\">\n")
        fact("Reported", [reported], into: &page)
        fact("credwatch version", [options.productVersion], into: &page)
        guard let run = options.run else {
            page.raw("</dl>\n<p>The run's counters were not given to this rendering.</p>\n</section>\n")
            return
        }
        let summary = run.summary
        if let organisation = run.organisation { fact("Organisation", [organisation], into: &page) }
        if let accounts = summary.accounts { fact("Account export", [accounts.summary], into: &page) }
        fact("Inputs named", run.inputs.isEmpty ? ["standard input"] : run.inputs, into: &page)
        let counters: [(label: StaticString, value: Int, isBytes: Bool)] = [
            ("Inputs read", summary.inputs, false), ("Duplicate paths not read again", summary.duplicates, false),
            ("Archive members", summary.members, false), ("Bytes read", summary.bytesRead, true),
            ("Bytes decoded", summary.bytesDecoded, true), ("Lines", summary.lines, false),
            ("Records", summary.records, false), ("Skipped lines", summary.skippedLines, false),
            ("Files skipped by name", summary.skippedByName, false), ("Findings", summary.findingCount, false),
            ("Errors", summary.errors, false), ("Warnings", summary.warnings, false),
        ]
        for (label, value, isBytes) in counters {
            page.raw("<dt>")
            page.raw(label)
            page.raw("</dt><dd>")
            page.number(value)
            if isBytes && value >= 1000 {
                page.raw(" (")
                page.text(Quantity.bytes(value))
                page.raw(")")
            }
            page.raw("</dd>\n")
        }
        fact("Elapsed", [Quantity.decimal(summary.elapsed) + " s"], into: &page)
        fact(
            "Complete",
            [summary.errors == 0 ? "yes: every input was read completely" : "no: see the inputs not read below"],
            into: &page
        )
        page.raw("</dl>\n")
        guard !summary.unread.isEmpty else {
            page.raw("</section>\n")
            return
        }
        page.raw("<table id=\"unread\">\n<caption>Inputs and archive members not read completely</caption>\n")
        page.raw("<thead><tr><th scope=\"col\">Input</th><th scope=\"col\">Reason</th></tr></thead>\n<tbody>\n")
        for entry in summary.unread {
            page.raw("<tr><td><code>")
            page.text(entry.locator, limit: 2 * HTMLWriter.valueLimit)
            page.raw("</code></td><td>")
            page.text(entry.reason)
            page.raw("</td></tr>\n")
        }
        page.raw("</tbody>\n</table>\n")
        let notListed = summary.errors - summary.unread.count
        if notListed > 0 {
            page.raw("<p>And ")
            page.number(notListed)
            page.raw(" more not listed.</p>\n")
        }
        page.raw("</section>\n")
    }

    /// A term and its values, one a line.
    private static func fact(_ label: StaticString, _ values: [String], into page: inout HTMLWriter) {
        page.raw("<dt>")
        page.raw(label)
        page.raw("</dt><dd>")
        for (index, value) in values.enumerated() {
            if index > 0 { page.raw("<br>") }
            page.text(value)
        }
        page.raw("</dd>\n")
    }

    // MARK: Pieces

    static func badge(_ severity: Severity, into page: inout HTMLWriter) {
        page.raw("<span class=\"badge sev-")
        page.text(severity.rawValue)
        page.raw("\">")
        page.text(severity.rawValue)
        page.raw("</span>")
    }

    static func describe(_ kind: FindingKind) -> String {
        switch kind {
        case .credential: "Leaked credential"
        case .cookie: "Stolen session cookie"
        case .infectedMachine: "Infected organisation machine"
        case .reuse: "Organisation login on another site"
        case .unknownAccount: "Unknown login on a platform"
        }
    }
}
