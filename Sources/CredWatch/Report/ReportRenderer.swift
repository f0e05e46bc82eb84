/// The report formats credwatch writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// One JSON object per finding per line: for SIEMs, scripts and `diff`.
    case jsonl
    /// The same fields flattened, for spreadsheets.
    case csv
    /// Aligned columns for a terminal.
    case table
}

/// How a report is rendered; the CLI decides colour (a terminal and no `NO_COLOR`) and width.
public struct ReportOptions: Sendable {
    /// Write cleartext passwords (`--reveal-passwords`); never the default.
    public var revealPasswords = false
    /// Colour severities with ANSI escapes (table only).
    public var useColor = false
    /// Columns the table must fit in.
    public var terminalWidth = 120

    public init() {}
}

/// Renders findings. Output is deterministic: the findings are put in report order first, so
/// the same findings give the same bytes whatever order the caller holds them in.
public enum ReportRenderer {
    public static func render(_ findings: [Finding], as format: ReportFormat, options: ReportOptions) -> [UInt8] {
        // Positions, not copies: a report of a million findings is sorted without moving them.
        let order = Finding.reportOrderIndices(findings)
        var output: [UInt8] = []
        switch format {
        case .jsonl:
            for index in order {
                JSON.appendFinding(findings[index], revealPasswords: options.revealPasswords, to: &output)
                output.append(0x0A)
            }
        case .csv:
            CSV.appendRow(ReportField.columnNames(revealPasswords: options.revealPasswords), to: &output)
            for index in order {
                CSV.appendRow(CSV.cells(of: findings[index], revealPasswords: options.revealPasswords), to: &output)
            }
        case .table:
            output = Array(Table.render(order.map { findings[$0] }, options: options).utf8)
        }
        return output
    }

    /// The accounts to force-reset, one row each with the reasons (CSV ready for PowerShell
    /// `Import-Csv`): `Identity` is the sAMAccountName when the export has it (what
    /// `Set-ADUser -Identity` accepts), else the UPN or mail.
    public static func resetList(_ findings: [Finding]) -> [UInt8] {
        let order = Finding.reportOrderIndices(findings)
        var rows: [Account: ResetRow] = [:]
        for index in order where findings[index].action == .forceReset {
            guard let account = findings[index].directoryAccount else { continue }
            rows[account, default: ResetRow(account: account, severity: findings[index].severity)].add(findings[index])
        }
        // An infected organisation machine of the user is a reason, not a row of its own.
        for index in order where findings[index].kind == .infectedMachine {
            guard let account = findings[index].directoryAccount else { continue }
            rows[account]?.addMachines(findings[index].machines)
        }
        var output: [UInt8] = []
        CSV.appendRow(["Identity", "SamAccountName", "UserPrincipalName", "Mail", "Severity", "Reasons"], to: &output)
        let sorted = rows.values.sorted {
            $0.severity != $1.severity ? $0.severity > $1.severity : $0.account.identifier < $1.account.identifier
        }
        for row in sorted {
            CSV.appendRow(
                [
                    row.account.identifier, row.account.sam ?? "", row.account.upn ?? "", row.account.mail ?? "",
                    row.severity.rawValue, row.reasons,
                ],
                to: &output
            )
        }
        return output
    }
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
        let subject: String
        switch finding.kind {
        case .reuse: subject = "password reused on \(finding.host ?? "another site")"
        case .credential, .cookie, .infectedMachine, .unknownAccount:
            subject = finding.platform.map { "\($0) credential" } ?? "credential without URL"
        }
        let sources = finding.placesSeen == 1 ? "1 source" : "\(finding.placesSeen) sources"
        let current = finding.passwordCurrent == true ? " (password still current)" : ""
        exposureReasons.append("\(subject) in \(sources)\(current)")
        addMachines(finding.machines)
    }

    mutating func addMachines(_ machines: [VictimMachine]) {
        for machine in machines where machine.isOrganisationMachine { machineLabels.insert(machine.label) }
    }

    /// Exposures in report order, then infected organisation machines by name.
    var reasons: String {
        (exposureReasons + machineLabels.sorted().map { "infected org machine \($0)" }).joined(separator: "; ")
    }
}
