import ArgumentParser
import CredWatch
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// `credwatch scan`: the scan contract (see the README).
struct Scan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Scan stealer logs and combolists for the organisation's exposed accounts.",
        discussion: """
            Exit status: 0 nothing found and every input read; 1 findings reported; 2 fatal (bad \
            arguments, unreadable accounts/profile/patterns, an output path that is a folder, one of \
            the run's own files or descriptors, or in a folder it cannot write: nothing scanned); 3 \
            nothing found but some input could not be read completely.
            """
    )

    @Argument(help: "Files, directories (read recursively) or - for stdin. None: stdin.")
    var inputs: [String] = []

    @Option(help: "Account export: Active Directory style CSV, or one login per line.")
    var accounts: String

    @Option(help: "Organisation profile (TOML): domains, machine names, the site's own platforms.")
    var org: String?

    @Option(help: "Pattern file or folder added to the shipped packs (repeatable).")
    var patterns: [String] = []

    @Flag(help: "Do not load the shipped pattern packs (Patterns/).")
    var noDefaultPatterns = false

    @Option(help: "Report format: jsonl, csv, table, ecs or cef (default: table on a terminal, else jsonl).")
    var format: ReportFormat?

    @Option(
        help: """
            Write the report to this file (0600, replaced atomically; a FIFO or device is written in \
            place; - is stdout) instead of stdout.
            """
    )
    var output: String?

    @Option(
        help: "Write the accounts to force-reset to this CSV (for Import-Csv | Set-ADUser); same rules as --output."
    )
    var resetList: String?

    @Option(
        help: """
            Write the run summary as JSON to this file: counters, every input not read completely \
            with the reason, and whether the delivery succeeded (same rules as --output).
            """
    )
    var summary: String?

    @Option(
        help: """
            Also send each finding as an RFC 5424 message (structured data and a CEF body) to \
            udp://HOST[:PORT], tcp://HOST[:PORT], tls://HOST[:PORT] (with --syslog-ca) or unix:PATH \
            (/dev/log). A message that cannot be sent fails the delivery: exit status 2, the state unchanged.
            """
    )
    var syslog: String?

    @Option(help: "With --syslog tls://: the CA certificates (PEM) the server's certificate must chain to.")
    var syslogCa: String?

    // `.unconditional`: `--threads -5` is a value out of range, not a missing value.
    @Option(
        parsing: .unconditional,
        help: "Parse+match worker threads (default: the number of cores; 8 per core, 256 at most)."
    )
    var threads: Int?

    @Flag(help: "No progress line and no summary on stderr (errors are still named).")
    var quiet = false

    @Flag(help: "Do not report organisation accounts seen on sites that are not its platforms.")
    var noReuse = false

    @Flag(
        help: """
            Also report reuse for logins without a domain (jdupont) on sites that are not the \
            organisation's: common account names are strangers' user names on every forum.
            """
    )
    var reuseBareLogins = false

    @Flag(help: "Write cleartext passwords into the report. Never do this for a report that is kept.")
    var revealPasswords = false

    @Option(help: "File holding the organisation's secret key for password fingerprints (HMAC-SHA256).")
    var fingerprintKeyFile: String?

    @Option(help: "Password-hash export to tell whether leaked passwords are current (repeatable).")
    var hashes: [String] = []

    @Flag(help: "Accept hash exports that group or others can read.")
    var allowInsecureHashes = false

    @Option(help: "SQLite state of earlier runs (created 0600): remembers what was reported.")
    var state: String?

    @Flag(help: "With --state: report only findings the state has not seen.")
    var newOnly = false

    @Flag(help: "With --state: skip inputs already scanned (same path, size, mtime and content digest).")
    var skipSeenInputs = false

    @Option(parsing: .unconditional, help: "With --state: forget findings not seen for this many days (1 to 36500).")
    var retention: Int = 90

    @Option(parsing: .unconditional, help: "Skip (and count) lines longer than this many bytes (16 to 1 GiB).")
    var maxLineLength: Int = ScanLimits().maxLineLength

    @Option(
        parsing: .unconditional,
        help: "Cut off an archive member or gzip stream after this many decompressed bytes (1 KiB to 1 PiB)."
    )
    var maxMemberSize: Int64 = ScanLimits().maxMemberSize

    @Option(
        parsing: .unconditional,
        help: "Cut off a member whose compression ratio exceeds this (zip and gzip bombs; 1 to 1000000)."
    )
    var maxRatio: Int64 = ScanLimits().maxCompressionRatio

    @Option(parsing: .unconditional, help: "Skip archives nested deeper than this (0 to 64).")
    var maxDepth: Int = ScanLimits().maxNestingDepth

    /// Numeric options outside their range are usage errors (exit status 2), before anything is
    /// allocated: a billion threads or a negative limit never reaches the pipeline.
    func validate() throws {
        if let threads {
            try Self.check(threads, ScanConfiguration.threadRange, "--threads", " (8 per core, 256 at most)")
        }
        try Self.check(maxLineLength, ScanLimits.lineLengthRange, "--max-line-length", " bytes (1 GiB)")
        try Self.check(maxMemberSize, ScanLimits.memberSizeRange, "--max-member-size", " bytes (1 KiB to 1 PiB)")
        try Self.check(maxRatio, ScanLimits.compressionRatioRange, "--max-ratio", "")
        try Self.check(maxDepth, ScanLimits.nestingDepthRange, "--max-depth", " containers")
        try Self.check(retention, StateOptions.retentionRange, "--retention", " days")
        if reuseBareLogins && noReuse {
            throw ValidationError("--reuse-bare-logins and --no-reuse contradict each other")
        }
        if (newOnly || skipSeenInputs) && state == nil {
            throw ValidationError("--new-only and --skip-seen-inputs need --state")
        }
    }

    private static func check<Value: BinaryInteger>(
        _ value: Value,
        _ range: ClosedRange<Value>,
        _ option: String,
        _ unit: String
    ) throws {
        guard range.contains(value) else {
            throw ValidationError(
                "\(option) must be between \(range.lowerBound) and \(range.upperBound)\(unit); got \(value)"
            )
        }
    }

    func run() throws {
        signal(SIGPIPE, SIG_IGN)
        let outputs = try ScanOutputs(command: self)
        let diagnostics = Diagnostics()
        let setup: ScanSetup
        do {
            setup = try ScanSetup(command: self, diagnostics: diagnostics)
        } catch {
            throw FatalError("\(error)")
        }

        var limits = ScanLimits()
        limits.maxLineLength = maxLineLength
        limits.maxMemberSize = maxMemberSize
        limits.maxCompressionRatio = maxRatio
        limits.maxNestingDepth = maxDepth
        var configuration = ScanConfiguration(
            inputs: inputs.map(RawArguments.path),
            limits: limits,
            threads: threads ?? ProcessInfo.processInfo.activeProcessorCount
        )
        configuration.inflateBackend = setup.inflateBackend
        let session = ScanSession(
            configuration: configuration,
            context: setup.context,
            diagnostics: diagnostics,
            store: setup.store,
            policy: ScanSession.Policy(newOnly: newOnly, skipSeenInputs: skipSeenInputs)
        )
        let showProgress = !quiet && Terminal.isTerminal(2)
        let outcome = session.scan(progress: showProgress ? { Terminal.showProgress($0) } : nil)
        if showProgress { Terminal.clearProgress() }

        let options = reportOptions(outputs, reportedAt: outcome.now)
        var sent: [SentOutput] = []
        if let destination = outputs.syslog {
            let messages = Syslog.messages(outcome.findings, options: options)
            sent.append(
                SentOutput(name: "--syslog \(destination.url)") {
                    try SyslogTransport.send(messages, to: destination)
                }
            )
        }
        do {
            try session.deliver(
                outcome,
                to: rendered(outcome.findings, to: outputs, options: options, profile: setup.context.profile),
                sending: sent,
                summary: outputs.summary
            )
        } catch {
            // Nothing of this run was recorded as seen: the next run reports it again.
            throw FatalError("\(error); the state was not changed")
        }
        if !quiet {
            var stderr = StandardError()
            let summary = RunSummary(
                diagnostics: diagnostics,
                findings: outcome.findings,
                elapsed: outcome.elapsed,
                accounts: setup.context.accounts.census
            )
            stderr.write(summary.render())
        }
        // Exit with the account index, the pattern tables and the findings still allocated:
        // freeing them one object at a time would take a tenth of a second for nothing.
        setup.store?.close()
        Foundation.exit(session.exitStatus(outcome))
    }

    /// How the report and the syslog messages are rendered.
    private func reportOptions(_ outputs: ScanOutputs, reportedAt: Date) -> ReportOptions {
        let toTerminal = outputs.report == .standardOutput && Terminal.isTerminal(1)
        var options = ReportOptions()
        options.revealPasswords = revealPasswords
        options.useColor = toTerminal && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
        options.terminalWidth = Terminal.width(1)
        options.reportedAt = reportedAt
        options.productVersion = Credwatch.configuration.version
        return options
    }

    /// The report (in the chosen format) and the reset list, rendered for delivery.
    private func rendered(
        _ report: FindingReport,
        to outputs: ScanOutputs,
        options: ReportOptions,
        profile: OrganisationProfile
    ) -> [RunOutput] {
        let toTerminal = outputs.report == .standardOutput && Terminal.isTerminal(1)
        let chosen = format ?? (toTerminal ? .table : .jsonl)
        var delivered = [
            RunOutput(
                name: output == nil ? "the report to standard output" : "--output \(outputs.report.path)",
                target: outputs.report,
                content: ReportRenderer.content(report, as: chosen, options: options)
            )
        ]
        if let resetList = outputs.resetList {
            delivered.append(
                RunOutput(
                    name: "--reset-list \(resetList.path)",
                    target: resetList,
                    bytes: ReportRenderer.resetList(report, serviceAccounts: profile.serviceAccounts)
                )
            )
        }
        return delivered
    }
}
