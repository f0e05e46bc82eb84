/// The terminal table: the columns an analyst acts on first (action, account, platform,
/// machine), fitted to the width by narrowing the least useful columns first, severities
/// coloured on request, and totals by severity and by action. Widths are display widths (a
/// CJK character or an emoji takes two columns, a combining mark none), and every unsafe
/// character is written as its escape (`DisplayText.escaped`): a hostile login must not move
/// the cursor, recolour the terminal, reverse the text or hide a character.
enum Table {
    private struct Column {
        let title: String
        /// The title over short words (`SEV` over `crit`).
        var shortTitle: String? = nil
        /// The column is never narrowed below this (or its natural width, if smaller).
        let minimumWidth: Int
        /// Every column is first narrowed down to this only, so that no column is cut to its
        /// minimum while another is still wide.
        let comfortableWidth: Int
        /// Columns are narrowed in increasing order of priority, each down to its minimum.
        let priority: Int
        /// Cut at the head (`…/All Passwords.txt:12`): the tail of a path tells rows apart.
        var keepsTail = false
        /// Full and short spelling of a fixed vocabulary (`force-reset`/`reset`): the short one
        /// is used when the full ones do not fit, so words are never cut.
        let cell: (Finding, _ short: Bool) -> String
    }

    private static let gap = "  "

    static func render(_ findings: [Finding], options: ReportOptions) -> String {
        let columns = columns(revealPasswords: options.revealPasswords)
        let width = max(options.terminalWidth, 1)
        // Full words (`force-reset`) when the table fits with every column at its comfortable
        // width; short ones (`reset`) otherwise, rather than cut words.
        var rows = cells(columns, findings, short: false)
        var titles = columns.map(\.title)
        var widths = layout(columns, rows: [titles] + rows, width: width, comfortableOnly: true)
        if widths.reduce(0, +) + gap.count * (columns.count - 1) > width {
            rows = cells(columns, findings, short: true)
            titles = columns.map { $0.shortTitle ?? $0.title }
        }
        widths = layout(columns, rows: [titles] + rows, width: width, comfortableOnly: false)

        var text = ""
        let header = line(titles, columns, widths: widths, width: width)
        text += options.useColor ? Color.bold + header + Color.reset : header
        text += "\n"
        for (finding, row) in zip(findings, rows) {
            var rendered = line(row, columns, widths: widths, width: width)
            if options.useColor {
                // The severity is the first column: colour exactly its padded width.
                let split = rendered.index(rendered.startIndex, offsetBy: min(widths[0], rendered.count))
                rendered = Color.of(finding.severity) + rendered[..<split] + Color.reset + rendered[split...]
            }
            text += rendered + "\n"
        }
        text += fitted(total(findings), width: width) + "\n"
        for todoLine in wrapped(todo(findings), width: width) { text += todoLine + "\n" }
        var legend: [String] = []
        if findings.contains(where: { $0.accountDisabled == true }) {
            legend.append("!account = disabled in the export")
        }
        if findings.contains(where: { $0.kind == .unknownAccount && $0.login != nil }) {
            legend.append("?login = matches no account")
        }
        if !legend.isEmpty { text += fitted(legend.joined(separator: ", "), width: width) + "\n" }
        return text
    }

    private static func cells(_ columns: [Column], _ findings: [Finding], short: Bool) -> [[String]] {
        findings.map { finding in columns.map { DisplayText.escaped($0.cell(finding, short)) } }
    }

    private static func columns(revealPasswords: Bool) -> [Column] {
        var columns = [
            Column(title: "SEVERITY", shortTitle: "SEV", minimumWidth: 4, comfortableWidth: 8, priority: 9) {
                finding,
                short in
                short ? shortSeverity(finding.severity) : finding.severity.rawValue
            },
            Column(title: "ACTION", minimumWidth: 7, comfortableWidth: 15, priority: 9) { finding, short in
                short ? shortAction(finding.action) : finding.action.rawValue
            },
            Column(title: "ACCOUNT", minimumWidth: 8, comfortableWidth: 18, priority: 8) { finding, _ in
                account(of: finding)
            },
            Column(title: "PLATFORM", minimumWidth: 8, comfortableWidth: 14, priority: 7) { finding, _ in
                finding.platform ?? finding.host ?? "-"
            },
            Column(title: "MACHINE", minimumWidth: 8, comfortableWidth: 16, priority: 6) { finding, _ in
                guard let machine = finding.machine else { return "-" }
                let others = finding.machines.count - 1 + finding.machinesOmitted
                return machine.label + (machine.isOrganisationMachine ? " [org]" : "")
                    + (others > 0 ? " +\(others)" : "")
            },
            Column(title: "WHY", minimumWidth: 10, comfortableWidth: 24, priority: 5) { finding, _ in why(finding) },
        ]
        if revealPasswords {
            // A cut password is useless to whoever asked to see it: never narrowed.
            columns.append(
                Column(title: "PASSWORD", minimumWidth: .max, comfortableWidth: .max, priority: 10) { finding, _ in
                    finding.passwordEvidence?.cleartext ?? "-"
                }
            )
        }
        columns.append(
            Column(title: "SOURCE", minimumWidth: 12, comfortableWidth: 28, priority: 4, keepsTail: true) {
                finding,
                _ in
                guard let first = finding.sources.first else { return "-" }
                let more = finding.placesSeen > 1 ? " +\(finding.placesSeen - 1)" : ""
                return "\(first.path):\(first.line)\(more)"
            }
        )
        return columns
    }

    /// The account, after `!` when disabled; for an unknown login, the login itself after `?`
    /// (marks in front, so that narrowing never cuts them off; the legend ends the table).
    private static func account(of finding: Finding) -> String {
        if let account = finding.account { return (finding.accountDisabled == true ? "!" : "") + account }
        if finding.kind == .unknownAccount, let login = finding.login { return "?" + login }
        return "-"
    }

    /// Why the action: the fact that decided it, in a few words.
    static func why(_ finding: Finding) -> String {
        let fromOrganisation = finding.machines.contains(where: \.isOrganisationMachine)
        switch finding.kind {
        case .infectedMachine:
            return fromOrganisation ? "infected org machine" : "infected machine of the user"
        case .cookie:
            return "session cookie " + (finding.cookie?.name ?? "")
        case .unknownAccount:
            return "login matches no account"
        case .reuse:
            if finding.accountDisabled == true { return "account disabled" }
            return finding.passwordCurrent == true ? "reused, password current" : "password may be reused"
        case .credential:
            if finding.accountDisabled == true { return "account disabled" }
            if finding.passwordCurrent == true { return "password still current" }
            if finding.passwordCurrent == false { return "password no longer current" }
            if finding.changedAfterTheft == true { return "changed after the theft" }
            if fromOrganisation { return "stolen on an org machine" }
            return finding.platform == nil ? "password, no URL" : "working login"
        }
    }

    private static func shortSeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "crit"
        case .high: "high"
        case .medium: "med"
        case .low: "low"
        }
    }

    private static func shortAction(_ action: Action) -> String {
        switch action {
        case .forceReset: "reset"
        case .revokeSessions: "revoke"
        case .reimageDevice: "reimage"
        case .review: "review"
        case .manualRotation: "manual"
        }
    }

    private static func naturalWidths(_ columns: [Column], _ rows: [[String]]) -> [Int] {
        var widths = columns.map { _ in 0 }
        for row in rows {
            for (index, cell) in row.enumerated() { widths[index] = max(widths[index], DisplayText.width(cell)) }
        }
        return widths
    }

    /// Natural widths, then narrowed until the line fits: first the least useful columns, each
    /// down to its comfortable width; then, when that is not enough, the widest column one
    /// character at a time down to the minimums, so that the room left is shared (when nothing
    /// can narrow further, `line` cuts the line itself).
    private static func layout(_ columns: [Column], rows: [[String]], width: Int, comfortableOnly: Bool) -> [Int] {
        var widths = naturalWidths(columns, rows)
        var total = widths.reduce(0, +) + gap.count * (columns.count - 1)
        for index in columns.indices.sorted(by: { columns[$0].priority < columns[$1].priority }) {
            guard total > width else { return widths }
            let target = min(columns[index].comfortableWidth, widths[index])
            let cut = min(widths[index] - target, total - width)
            widths[index] -= cut
            total -= cut
        }
        guard !comfortableOnly else { return widths }
        let minimums = zip(columns, widths).map { min($0.minimumWidth, $1) }
        while total > width {
            var widest: Int?
            for index in widths.indices where widths[index] > minimums[index] {
                guard let current = widest else {
                    widest = index
                    continue
                }
                if widths[index] > widths[current]
                    || (widths[index] == widths[current] && columns[index].priority < columns[current].priority)
                {
                    widest = index
                }
            }
            guard let widest else { break }
            widths[widest] -= 1
            total -= 1
        }
        return widths
    }

    private static func line(_ cells: [String], _ columns: [Column], widths: [Int], width: Int) -> String {
        var parts: [String] = []
        for (index, (cell, columnWidth)) in zip(cells, widths).enumerated() {
            let cut = columns[index].keepsTail ? fittedTail(cell, width: columnWidth) : fitted(cell, width: columnWidth)
            parts.append(cut + String(repeating: " ", count: max(columnWidth - DisplayText.width(cut), 0)))
        }
        var text = parts.joined(separator: gap)
        while text.last == " " { text.removeLast() }
        return fitted(text, width: width)
    }

    /// `text`, cut to `width` columns with a leading `…` when wider.
    static func fittedTail(_ text: String, width: Int) -> String {
        DisplayText.fitted(text, width: width, keepingTail: true)
    }

    /// `text`, cut to `width` columns with a trailing `…` when wider.
    static func fitted(_ text: String, width: Int) -> String {
        DisplayText.fitted(text, width: width)
    }

    /// `3 findings: 1 critical, 1 high, 0 medium, 1 low`.
    private static func total(_ findings: [Finding]) -> String {
        let noun = findings.count == 1 ? "finding" : "findings"
        let bySeverity = Severity.allCases.reversed().map { severity in
            "\(findings.count { $0.severity == severity }) \(severity.rawValue)"
        }
        return "\(findings.count) \(noun): " + bySeverity.joined(separator: ", ")
    }

    /// What to do, by action, only the actions there is something to do for (so that the line
    /// fits a terminal): `to do: reset 3 accounts, reset 1 disabled account, rotate 1 service
    /// account by hand, reimage 1 machine, revoke 2 sessions, review 4`, or `to do: nothing`.
    /// The counts are the HTML page's "what to do first" (`ActionTotals`).
    static func todo(_ findings: [Finding]) -> String {
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        let totals = ActionTotals(findings)
        var items: [String] = []
        if totals.accountsToReset > 0 { items.append("reset " + count(totals.accountsToReset, "account")) }
        if totals.disabledAccountsToReset > 0 {
            items.append("reset " + count(totals.disabledAccountsToReset, "disabled account"))
        }
        if totals.accountsToRotateManually > 0 {
            items.append("rotate " + count(totals.accountsToRotateManually, "service account") + " by hand")
        }
        if totals.sessionsToRevoke > 0 { items.append("revoke " + count(totals.sessionsToRevoke, "session")) }
        if totals.machinesToReimage > 0 { items.append("reimage " + count(totals.machinesToReimage, "machine")) }
        if totals.toReview > 0 { items.append("review \(totals.toReview)") }
        return "to do: " + (items.isEmpty ? "nothing" : items.joined(separator: ", "))
    }

    /// A `to do` line in lines of at most `width` columns, broken after a comma, the next lines
    /// indented under the first item (no count is ever cut off).
    static func wrapped(_ todo: String, width: Int) -> [String] {
        let indent = String(repeating: " ", count: "to do: ".count)
        var lines: [String] = []
        var current = ""
        for item in todo.split(separator: ", ", omittingEmptySubsequences: false) {
            let candidate = current.isEmpty ? String(item) : current + ", " + item
            if current.isEmpty || DisplayText.width(candidate) + 1 <= width {
                current = candidate
            } else {
                lines.append(current + ",")
                current = indent + item
            }
        }
        lines.append(current)
        return lines.map { fitted($0, width: width) }
    }

    private enum Color {
        static let reset = "\u{1B}[0m"
        static let bold = "\u{1B}[1m"

        static func of(_ severity: Severity) -> String {
            switch severity {
            case .critical: "\u{1B}[1;31m"
            case .high: "\u{1B}[31m"
            case .medium: "\u{1B}[33m"
            case .low: "\u{1B}[36m"
            }
        }
    }
}
