import Foundation

/// The report formats credwatch writes.
public enum ReportFormat: String, Sendable, CaseIterable {
    /// One JSON object per finding per line: for SIEMs, scripts and `diff`.
    case jsonl
    /// The same fields flattened, for spreadsheets.
    case csv
    /// Aligned columns for a terminal.
    case table
    /// One Elastic Common Schema 8.x document per finding per line (NDJSON), for Elasticsearch
    /// and OpenSearch.
    case ecs
    /// One ArcSight CEF:0 event per finding per line, for QRadar, ArcSight and Sentinel.
    case cef
    /// One self-contained page for people (the CISO, the DPO): counts, charts, the accounts to
    /// reset, every finding, the run's facts. Never a password, even when revealing them.
    case html
}

/// How a report is rendered; the CLI decides colour (a terminal and no `NO_COLOR`) and width.
public struct ReportOptions: Sendable {
    /// Write cleartext passwords (`--reveal-passwords`); never the default.
    public var revealPasswords = false
    /// Colour severities with ANSI escapes (table only).
    public var useColor = false
    /// Columns the table must fit in.
    public var terminalWidth = 120
    /// When the run reported (JSONL and CSV `reported_at`, ECS `@timestamp`, CEF `rt`, the
    /// syslog timestamp). The CLI sets the run's (or `SOURCE_DATE_EPOCH`'s); the default keeps
    /// renderings of the same findings byte-identical.
    public var reportedAt = Date(timeIntervalSince1970: 0) {
        didSet { reportedAtText = Timestamp(reportedAt).iso8601 }
    }
    /// `reportedAt` in ISO 8601: formatted once, not once per finding.
    private(set) var reportedAtText = Timestamp(Date(timeIntervalSince1970: 0)).iso8601
    /// credwatch's version (CEF's Device Version).
    public var productVersion = CredWatchVersion.number
    /// Threads that render the line formats (JSONL, CSV, ECS, CEF); at most the number of
    /// cores is used. The CLI gives the scan's `--threads`. The bytes do not depend on it.
    public var threads = 1
    /// The run the HTML report records (inputs, counters, what could not be read); nil: the
    /// page says it was not given.
    public var run: RunFacts?

    public init() {}
}

/// Renders findings. Output is deterministic: the findings are put in report order first, so
/// the same findings give the same bytes whatever order the caller holds them in.
public enum ReportRenderer {
    public static func render(_ findings: [Finding], as format: ReportFormat, options: ReportOptions) -> [UInt8] {
        render(FindingReport(findings), as: format, options: options)
    }

    public static func render(_ report: FindingReport, as format: ReportFormat, options: ReportOptions) -> [UInt8] {
        var sink = ByteSink()
        write(report, as: format, options: options, to: &sink)
        return sink.bytes
    }

    /// The report as an output's content: rendered into the output while it is delivered, one
    /// finding at a time (the same bytes as `render`).
    public static func content(_ report: FindingReport, as format: ReportFormat, options: ReportOptions)
        -> OutputContent
    {
        .writer { sink in write(report, as: format, options: options, to: &sink) }
    }

    static func write(_ report: FindingReport, as format: ReportFormat, options: ReportOptions, to sink: inout ByteSink)
    {
        // Each finding is built (from the report's records) when it is written, and dropped.
        switch format {
        case .jsonl:
            writeLines(report, options: options, to: &sink) { finding, output in
                JSON.appendFinding(finding, options: options, to: &output)
                output.append(0x0A)
            }
        case .csv:
            sink.append { CSV.appendRow(ReportField.columnNames(revealPasswords: options.revealPasswords), to: &$0) }
            writeLines(report, options: options, to: &sink) { finding, output in
                CSV.appendRow(CSV.cells(of: finding, options: options), to: &output)
            }
        case .table:
            sink.write(Table.render(Array(report), options: options).utf8)
        case .ecs:
            writeLines(report, options: options, to: &sink) { finding, output in
                ECS.appendDocument(finding, options: options, to: &output)
                output.append(0x0A)
            }
        case .cef:
            writeLines(report, options: options, to: &sink) { finding, output in
                CEF.appendEvent(finding, options: options, to: &output)
                output.append(0x0A)
            }
        case .html:
            // A page with totals and tables over every finding: rendered whole.
            sink.write(HTMLReport.render(Array(report), options: options))
        }
    }

    /// Findings rendered per thread and per round by `writeLines`: a round holds this many
    /// lines per thread in memory (a finding lists at most `Finding.maxListedSources`).
    static let linesPerBatch = 512

    /// Writes the line `line` renders of each finding, in report order. A line depends on its
    /// finding alone, so each round renders consecutive batches on up to `options.threads`
    /// threads (a report of a million findings is otherwise written by one core while the
    /// others wait) and writes them in order: the same bytes as one thread.
    private static func writeLines(
        _ report: FindingReport,
        options: ReportOptions,
        to sink: inout ByteSink,
        _ line: @escaping @Sendable (Finding, inout [UInt8]) -> Void
    ) {
        // A round is one batch per thread used (never more than the cores), so its memory is bounded.
        let threads = max(1, min(options.threads, ProcessInfo.processInfo.activeProcessorCount))
        var start = 0
        while start < report.count && !sink.hasFailed {
            let round = start..<min(report.count, start + threads * linesPerBatch)
            let batches = inParallel(round.count, threads: threads, minimumPart: linesPerBatch) { part in
                var bytes: [UInt8] = []
                for position in part { line(report[round.lowerBound + position], &bytes) }
                return bytes
            }
            for batch in batches { sink.write(batch) }
            start = round.upperBound
        }
    }
}
