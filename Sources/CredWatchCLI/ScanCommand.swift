import ArgumentParser
import CredWatch
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// What `scan` writes: the report, or a partial result for `credwatch merge`.
enum Emit: String, ExpressibleByArgument {
    case report
    case partial
}

/// `credwatch scan`: the scan contract (see the README).
struct Scan: ParsableCommand, SetupArguments {
    static let configuration = CommandConfiguration(
        abstract: "Scan stealer logs and combolists for the organisation's exposed accounts.",
        discussion: """
            Exit status: 0 nothing found and every input read; 1 findings reported; 2 fatal (bad \
            arguments, unreadable accounts/profile/patterns, an output path that is a folder, one of \
            the run's own files or descriptors, or in a folder it cannot write: nothing scanned; or \
            delivery or syslog failed: a report, reset list or summary could not be written, or \
            --syslog could not send, and the state is left unchanged); 3 nothing found but some \
            input could not be read completely.
            """
    )

    @Argument(help: "Files, directories (read recursively) or - for stdin. None: stdin.")
    var inputs: [String] = []

    @OptionGroup var config: ConfigurationOptions

    @Option(help: "Report format: jsonl, csv, table, ecs, cef or html (default: table on a terminal, else jsonl).")
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
            Also write the HTML report to this file, whatever --format says: one self-contained page \
            (counts, charts, accounts to reset, every finding, the run's facts) that makes no request \
            and never holds a password (same rules as --output).
            """
    )
    var html: String?

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

    @Option(
        help: """
            report (default), or partial: a partial result for `credwatch merge` (sightings under \
            digests of the key and configuration; no password; no state).
            """
    )
    var emit: Emit = .report

    @Option(help: "Read only the lines that start in this byte range of the one plain-text INPUT (START-END).")
    var range: String?

    @Option(help: "Read only the files of shard K of N (K from 0 to N-1, by a stable hash of their path).")
    var shard: String?

    @Option(help: "Name standard input as this path in sources and messages (it carries that file).")
    var stdinName: String?

    @Option(help: "With --stdin-name: the file was found by walking this folder (judged as found there).")
    var stdinFoundIn: String?
    /// Sends every combolist line through the full parser and matcher: the tests compare the
    /// reports with and without candidate-first scanning, which must be the same.
    @Flag(help: .hidden)
    var noCandidateFirst = false

    @Option(
        name: .customLong("archive-password"),
        help:
            "A password to try on encrypted zip, 7z and RAR members (repeatable; `ps` shows it: prefer --archive-passwords)."
    )
    var archivePassword: [String] = []

    @Option(help: "Archive passwords to try, one per line (an owner-only file: chmod 600).")
    var archivePasswords: String?

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
        // ArgumentParser validates these options, merge's option group, before merge itself:
        // the scan options merge refuses are left to merge, which names them as its own.
        guard !Merge.isInvoked else { return }
        if let range {
            guard InputRange(parsing: range) != nil else {
                throw ValidationError("--range must be START-END, byte offsets with START < END; got \(range)")
            }
            guard inputs.count <= 1 else { throw ValidationError("--range reads one INPUT") }
            if let input = inputs.first.map(RawArguments.path), !input.isStandardInput {
                var info = stat()
                let found = (input.bytes + [0]).withUnsafeBytes {
                    stat($0.baseAddress!.assumingMemoryBound(to: CChar.self), &info)
                }
                if found == 0 && info.st_mode & S_IFMT == S_IFDIR {
                    throw ValidationError("--range reads one plain-text file: \(input.display) is a folder")
                }
            }
            guard emit == .partial else {
                throw ValidationError("--range needs --emit partial: its line numbers are the range's")
            }
        }
        if let shard, InputShard(parsing: shard) == nil {
            throw ValidationError("--shard must be K/N with 0 <= K < N <= \(InputShard.maxCount); got \(shard)")
        }
        if let stdinName, standardInputName == nil {
            throw ValidationError(
                "--stdin-name \(RawArguments.path(stdinName).display) does not lie below --stdin-found-in "
                    + (stdinFoundIn.map { RawArguments.path($0).display } ?? "")
            )
        }
        if stdinFoundIn != nil && stdinName == nil { throw ValidationError("--stdin-found-in needs --stdin-name") }
        if emit == .partial {
            // State, new-only and passwords belong to the merge: a partial never holds a password.
            for (given, option) in [
                (state != nil, "--state"), (revealPasswords, "--reveal-passwords"), (resetList != nil, "--reset-list"),
                (format != nil, "--format"),
            ] where given {
                throw ValidationError("\(option) is not for --emit partial: give it to credwatch merge")
            }
        }
    }

    /// `--stdin-name`, named from the argument's bytes as a path argument is (a name that is not
    /// UTF-8 gives the sources a scan of that file gives).
    var standardInputName: StandardInputName? {
        stdinName.flatMap {
            StandardInputName(
                RawArguments.path($0).display,
                foundIn: stdinFoundIn.map { RawArguments.path($0).display }
            )
        }
    }

    /// The inputs as the report names them: as given, standard input as the file it carries.
    var namedInputs: [String] {
        inputs.map { argument in
            let path = RawArguments.path(argument)
            return path.isStandardInput ? standardInputName?.locator ?? path.display : path.display
        }
    }

    /// What the matcher reports, from the flags.
    var emitsPartial: Bool { emit == .partial }

    var matchOptions: MatchContext.Options {
        var options = MatchContext.Options()
        options.reportReuse = !noReuse
        options.reportBareLoginReuse = reuseBareLogins
        options.revealPasswords = revealPasswords
        options.candidateFirst = !noCandidateFirst
        return options
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
        try execute(merging: false)
    }

    /// Scans the inputs, or (`merging`, for `credwatch merge`) merges the partial results they
    /// name; then delivers and commits as one run.
    func execute(merging: Bool) throws {
        signal(SIGPIPE, SIG_IGN)
        let outputs = try ScanOutputs(command: self)
        let diagnostics = Diagnostics()
        let setup: ScanSetup
        do {
            setup = try ScanSetup(command: self, diagnostics: diagnostics)
        } catch {
            throw FatalError("\(error)")
        }
        if revealPasswords { diagnostics.note(Self.revealWarning(reportFormat(outputs))) }
        let policy = ScanSession.Policy(newOnly: newOnly, skipSeenInputs: skipSeenInputs)
        let session: ScanSession
        var inputRange: InputRange?
        var namedInputs = self.namedInputs
        if merging {
            var merge = PartialMerge(binding: try setup.binding(of: self))
            do {
                for path in inputs { try merge.add(contentsOf: path) }
                namedInputs = merge.namedInputs
                session = try ScanSession(
                    merging: merge,
                    context: setup.context,
                    diagnostics: diagnostics,
                    store: setup.store,
                    policy: policy
                )
            } catch {
                throw FatalError("\(error)")
            }
        } else {
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
            inputRange = range.flatMap(InputRange.init(parsing:))
            configuration.inflateBackend = setup.inflateBackend
            configuration.archives = setup.archives
            configuration.range = inputRange
            configuration.shard = shard.flatMap(InputShard.init(parsing:))
            configuration.standardInputName = standardInputName
            configuration.collectsPartial = emit == .partial
            session = ScanSession(
                configuration: configuration,
                context: setup.context,
                diagnostics: diagnostics,
                store: setup.store,
                policy: policy
            )
        }
        let showProgress = !quiet && Terminal.isTerminal(2)
        let outcome = session.scan(progress: showProgress ? { Terminal.showProgress($0) } : nil)
        if showProgress { Terminal.clearProgress() }

        if let partial = outcome.partial {
            let result = PartialResult(
                binding: try setup.binding(of: self),
                range: inputRange?.read,
                counters: PartialCounters(diagnostics),
                unread: diagnostics.unread,
                inputs: outcome.inputs,
                named: namedInputs.map(session.redactedPath),
                modified: PartialResult.modificationTimes(sightings: partial.sightings, machines: partial.machines),
                sightings: partial.sightings,
                machines: partial.machines
            )
            let delivered = RunOutput(
                name: output == nil ? "the partial result to standard output" : "--output \(outputs.report.path)",
                target: outputs.report,
                bytes: result.encoded()
            )
            do {
                try session.deliver(outcome, to: [delivered], summary: outputs.summary)
            } catch {
                throw FatalError("\(error)")
            }
            setup.store?.close()
            Foundation.exit(session.exitStatus(outcome))
        }

        let summary = RunSummary(
            diagnostics: diagnostics,
            findings: outcome.findings,
            elapsed: outcome.elapsed,
            accounts: setup.context.accounts.census
        )
        var options = reportOptions(outputs, reportedAt: ReportTime.fixed ?? outcome.now)
        let profile = setup.context.profile
        options.run = RunFacts(
            summary: summary,
            inputs: namedInputs.map(session.redactedPath),
            organisation: profile.name.isEmpty ? nil : profile.name
        )
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
        options.productVersion = CredWatchVersion.number
        options.threads = threads ?? ProcessInfo.processInfo.activeProcessorCount
        return options
    }

    /// `--format`, else a table on a terminal and JSONL elsewhere.
    private func reportFormat(_ outputs: ScanOutputs) -> ReportFormat {
        format ?? (outputs.report == .standardOutput && Terminal.isTerminal(1) ? .table : .jsonl)
    }

    /// What `--reveal-passwords` does to this run, exactly: only the report in `format` can hold
    /// a cleartext password; the HTML page, the reset list, the summary, syslog messages, the
    /// state and partial results never do.
    static func revealWarning(_ format: ReportFormat) -> String {
        guard format != .html else {
            return "warning: --reveal-passwords has no effect with --format html: the HTML page never holds a "
                + "password, and no other output of this run does (the passwords are shown only by --format jsonl, "
                + "csv, table, ecs or cef)"
        }
        return "warning: --reveal-passwords: the report (--format \(format.rawValue)) holds cleartext passwords; "
            + "do not keep it (the HTML page, the reset list, the summary, syslog messages and the state never hold one)"
    }

    /// The report (in the chosen format), the reset list and the HTML page, rendered for delivery.
    private func rendered(
        _ report: FindingReport,
        to outputs: ScanOutputs,
        options: ReportOptions,
        profile: OrganisationProfile
    ) -> [RunOutput] {
        let chosen = reportFormat(outputs)
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
                    bytes: ReportRenderer.resetList(report)
                )
            )
        }
        if let html = outputs.html {
            delivered.append(
                RunOutput(
                    name: "--html \(html.path)",
                    target: html,
                    bytes: ReportRenderer.render(report, as: .html, options: options)
                )
            )
        }
        return delivered
    }
}
