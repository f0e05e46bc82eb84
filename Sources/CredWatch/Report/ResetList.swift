/// What the reset list (`--reset-list`) tells the operator to do with one account.
public enum ResetAction: String, Sendable {
    /// Set a random password, require a change at logon, end the sessions: the leaked password
    /// stops working now, not at the next logon (which the attacker may be first to).
    case reset
    /// A disabled account: a random password only, so that re-enabling it later does not bring
    /// the leaked password back.
    case resetDisabled = "reset-disabled"
    /// A service or shared account (the profile's `service_accounts`): resetting it would break
    /// what runs with it, so its owner rotates the secret by hand.
    case manual
}

extension ReportRenderer {
    /// The accounts whose password must change, one row each with what to do and why (CSV ready
    /// for PowerShell `Import-Csv`, read by `Samples/reset-accounts.ps1`):
    /// - every account of a `force-reset` finding;
    /// - a disabled account with a `credential` finding (`reset-disabled`);
    /// - the user of an infected organisation machine (everything typed on it is exposed);
    /// - the profile's service accounts (`Account.isServiceAccount`, whose forced resets the
    ///   triage made `manual-rotation`) get `manual` instead of a reset.
    ///
    /// `Identity` is the sAMAccountName when the export has it (what `Set-ADUser -Identity`
    /// accepts), else the UPN or mail, which the script resolves with a filter.
    public static func resetList(_ findings: [Finding]) -> [UInt8] {
        resetList(FindingReport(findings))
    }

    public static func resetList(_ report: FindingReport) -> [UInt8] {
        var output: [UInt8] = []
        CSV.appendRow(
            ["Identity", "SamAccountName", "UserPrincipalName", "Mail", "Enabled", "Severity", "Action", "Reasons"],
            to: &output
        )
        for entry in resetEntries(report) {
            let account = entry.account
            CSV.appendRow(
                [
                    account.identifier, account.sam ?? "", account.upn ?? "", account.mail ?? "",
                    account.isEnabled ? "True" : "False", entry.severity.rawValue, entry.action.rawValue,
                    entry.reasons,
                ],
                to: &output
            )
        }
        return output
    }

    /// The rows of the reset list, most severe first, then by account (the CSV above and the
    /// HTML report's table of accounts to reset).
    static func resetEntries(_ findings: [Finding]) -> [ResetEntry] {
        resetEntries(FindingReport(findings))
    }

    static func resetEntries(_ report: FindingReport) -> [ResetEntry] {
        var rows: [Account: ResetRow] = [:]
        for finding in report {
            guard let account = finding.directoryAccount else { continue }
            let listed =
                finding.action == .forceReset || finding.action == .manualRotation || finding.kind == .infectedMachine
                || (finding.kind == .credential && !account.isEnabled)
            guard listed else { continue }
            rows[account, default: ResetRow(account: account, severity: finding.severity)].add(finding)
        }
        let sorted = rows.values.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity : $0.account.identifier < $1.account.identifier
        }
        return sorted.map { row in
            let action: ResetAction =
                row.account.isServiceAccount
                ? .manual : row.account.isEnabled ? .reset : .resetDisabled
            return ResetEntry(account: row.account, severity: row.severity, action: action, reasons: row.reasons)
        }
    }
}

/// One account of the reset list: what to do with it, and why.
struct ResetEntry {
    let account: Account
    let severity: Severity
    let action: ResetAction
    /// The exposures and infected organisation machines that put it there, `; `-separated.
    let reasons: String
}

/// One account of the reset list and why it is there.
private struct ResetRow {
    let account: Account
    var severity: Severity
    private var exposureReasons: [String] = []
    private var machineLabels = Set<String>()

    init(account: Account, severity: Severity) {
        self.account = account
        self.severity = severity
    }

    mutating func add(_ finding: Finding) {
        severity = max(severity, finding.severity)
        for machine in finding.machines where machine.isOrganisationMachine { machineLabels.insert(machine.label) }
        guard finding.kind != .infectedMachine else { return }
        let subject: String
        switch finding.kind {
        case .reuse: subject = "password reused on \(finding.host ?? "another site")"
        case .credential, .cookie, .infectedMachine, .unknownAccount:
            subject = finding.platform.map { "\($0) credential" } ?? "credential without URL"
        }
        let sources = finding.placesSeen == 1 ? "1 source" : "\(finding.placesSeen) sources"
        let current = finding.passwordCurrent == true ? " (password still current)" : ""
        exposureReasons.append("\(subject) in \(sources)\(current)")
    }

    /// Exposures in report order, then infected organisation machines by name.
    var reasons: String {
        (exposureReasons + machineLabels.sorted().map { "infected org machine \($0)" }).joined(separator: "; ")
    }
}

/// The service and shared accounts of the profile (`service_accounts`): patterns with `*` and
/// `?`, matched without regard to case against an account's sAMAccountName, UPN, mail and
/// aliases. Their `force-reset` findings become `manual-rotation` (triage rule), and the reset
/// list marks them `manual`: never reset by the script.
public struct ServiceAccounts: Sendable, Equatable {
    public let patterns: [String]

    public static let none = ServiceAccounts(patterns: [])

    public init(patterns: [String]) {
        self.patterns = patterns.map { $0.lowercased() }
    }

    public func contains(_ account: Account) -> Bool {
        !matchingPatterns(account).isEmpty
    }

    /// The positions in `patterns` of those that match `account`.
    func matchingPatterns(_ account: Account) -> [Int] {
        guard !patterns.isEmpty else { return [] }
        let names = ([account.sam, account.upn, account.mail].compactMap { $0 } + account.aliases).map {
            Array($0.lowercased().utf8)
        }
        return patterns.indices.filter { index in
            let pattern = Array(patterns[index].utf8)
            return names.contains { Self.glob(pattern, matches: $0) }
        }
    }

    /// Why `pattern` cannot name service accounts, nil when it can: it must hold a character
    /// that is neither a wildcard nor the `@` and `.` every address has, or it matches every
    /// account (`*`, `?*`, `*@*`, `*.*`) and every forced reset would become a manual one.
    public static func refusal(of pattern: String) -> String? {
        let literal = pattern.unicodeScalars.contains { !["*", "?", "@", ".", " ", "\t"].contains($0) }
        guard !literal else { return nil }
        return "service_accounts pattern '\(pattern)' would match every account (it has no character but "
            + "wildcards, '@' and '.'), so every forced reset would become a manual rotation: name the service "
            + "accounts (such as 'svc-*' or 'accueil.*@clinique-exemple.fr')"
    }

    /// A pattern that matches more than this share of the export is named in a warning: service
    /// accounts are a few, and a pattern that takes most of the staff turns their resets into
    /// manual rotations.
    public static let warnedShare = 0.5

    /// The warnings about patterns that match no account (a typo: the account it meant is reset
    /// as any other) or more than `warnedShare` of them, given the counts of
    /// `AccountList.markServiceAccounts`.
    func warnings(counts: [Int], accounts: Int, file: String) -> [ConfigurationWarning] {
        zip(patterns, counts).compactMap { pattern, count in
            if count == 0 {
                return ConfigurationWarning(
                    file: file,
                    message: "service_accounts pattern '\(pattern)' matches no account of the export"
                )
            }
            guard Double(count) > Double(accounts) * Self.warnedShare else { return nil }
            return ConfigurationWarning(
                file: file,
                message:
                    "service_accounts pattern '\(pattern)' matches \(count) of the \(accounts) accounts (more than "
                    + "half): their forced resets become manual rotations; name the service accounts only"
            )
        }
    }

    /// `*` any run of bytes, `?` one byte. Only the last `*` is retried, so the cost is at most
    /// pattern × name, never exponential.
    static func glob(_ pattern: [UInt8], matches name: [UInt8]) -> Bool {
        var p = 0
        var n = 0
        var star: Int?
        var resume = 0
        while n < name.count {
            if p < pattern.count && (pattern[p] == UInt8(ascii: "?") || pattern[p] == name[n]) {
                p += 1
                n += 1
            } else if p < pattern.count && pattern[p] == UInt8(ascii: "*") {
                star = p
                p += 1
                resume = n
            } else if let star {
                p = star + 1
                resume += 1
                n = resume
            } else {
                return false
            }
        }
        while p < pattern.count && pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.count
    }
}
