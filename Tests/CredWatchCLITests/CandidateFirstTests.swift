import Foundation
import Testing

/// Candidate-first scanning (combolist lines turned away by a cheap test before the full parser)
/// is a shortcut: the report, the reset list and the summary's counts must be byte for byte what
/// the full path gives (`--no-candidate-first`, hidden), on the samples and on the benchmark's
/// corpus shape.
@Suite("candidate-first scanning")
struct CandidateFirstTests {
    /// Scans `inputs` with and without the shortcut; returns both outcomes and summaries.
    private static func scanBothWays(
        _ inputs: [String],
        accounts: String,
        org: String,
        in folder: URL
    ) throws -> [(outcome: CLI.Outcome, reset: Data, summary: [String: Any])] {
        try [[], ["--no-candidate-first"]].enumerated().map { number, extra in
            let reset = folder.appendingPathComponent("reset-\(number).csv")
            let summary = folder.appendingPathComponent("summary-\(number).json")
            let outcome = try CLI.runAtFixedTime(
                ["scan"] + inputs + [
                    "--accounts", accounts, "--org", org, "--quiet", "--format", "jsonl", "--threads", "2",
                    "--reset-list", reset.path, "--summary", summary.path,
                ] + extra
            )
            let summaryObject = try JSONSerialization.jsonObject(with: Data(contentsOf: summary)) as? [String: Any]
            return (outcome, try Data(contentsOf: reset), summaryObject ?? [:])
        }
    }

    private static func expectSame(_ runs: [(outcome: CLI.Outcome, reset: Data, summary: [String: Any])]) {
        let (fast, full) = (runs[0], runs[1])
        #expect(fast.outcome.status == full.outcome.status)
        #expect(fast.outcome.stderr == full.outcome.stderr)
        #expect(fast.outcome.stdout == full.outcome.stdout, "the reports differ")
        #expect(fast.reset == full.reset, "the reset lists differ")
        for key in ["lines", "records", "skipped_lines", "findings", "findings_by_kind", "errors", "warnings"] {
            #expect(
                (fast.summary[key] as? NSObject) == (full.summary[key] as? NSObject),
                "summary \(key): \(String(describing: fast.summary[key])) and \(String(describing: full.summary[key]))"
            )
        }
    }

    @Test func samplesGiveTheSameReport() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runs = try Self.scanBothWays(
            ["Samples/logs"],
            accounts: "Samples/accounts.csv",
            org: "Samples/org.toml",
            in: folder
        )
        #expect(runs[0].outcome.status == 1)
        #expect(runs[0].outcome.jsonLines.count >= 20)
        Self.expectSame(runs)
    }

    static let hasPython: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import tomllib"]
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// Runs `Benchmarks/gen_corpus.py` with `arguments`, its output into `file`.
    private static func generate(_ arguments: [String], into file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil)
        let output = try FileHandle(forWritingTo: file)
        defer { try? output.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            ["python3", CLI.repository.appendingPathComponent("Benchmarks/gen_corpus.py").path] + arguments
        process.standardOutput = output
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "gen_corpus.py \(arguments) failed")
    }

    /// The benchmark's ULP shape (every scheme, separator and port form, and planted credentials
    /// in every identity form), plain and gzip'd, with the samples' profile and with one that
    /// adds organisation regexes (run on every URL behind their literals).
    @Test(.enabled(if: hasPython, "needs python3 3.11+ for Benchmarks/gen_corpus.py"))
    func benchmarkCorpusGivesTheSameReport() throws {
        let folder = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: folder) }
        let accounts = folder.appendingPathComponent("accounts.csv")
        let ulp = folder.appendingPathComponent("ulp.txt")
        try Self.generate(["accounts", "--count", "2000", "--seed", "1"], into: accounts)
        try Self.generate(
            ["ulp", "--bytes", "4M", "--seed", "3", "--accounts", accounts.path, "--plant", "300"],
            into: ulp
        )
        // gzip of the file itself (CLI.gzip pipes small texts through memory).
        let gzip = Process()
        gzip.executableURL = URL(fileURLWithPath: "/bin/gzip")
        gzip.arguments = ["-k", "-n", ulp.path]
        try gzip.run()
        gzip.waitUntilExit()
        let gzipped = folder.appendingPathComponent("ulp.txt.gz")
        #expect(FileManager.default.fileExists(atPath: gzipped.path))

        let samplesProfile = CLI.samples.appendingPathComponent("org.toml").path
        let runs = try Self.scanBothWays(
            [ulp.path, gzipped.path],
            accounts: accounts.path,
            org: samplesProfile,
            in: folder
        )
        #expect(runs[0].outcome.status == 1)
        #expect(runs[0].outcome.jsonLines.count >= 300)
        Self.expectSame(runs)

        let withRegex = folder.appendingPathComponent("org-regex.toml")
        try
            (String(contentsOfFile: samplesProfile, encoding: .utf8) + """

                [[platform]]
                id = "intranet"
                name = "Intranet"
                severity = "medium"
                regex = ['^https?://[^/]+/wp-login\\.php', '^https?://[^/]*myrtille[^/]*/']
                """).write(to: withRegex, atomically: true, encoding: .utf8)
        let regexRuns = try Self.scanBothWays([ulp.path], accounts: accounts.path, org: withRegex.path, in: folder)
        #expect(regexRuns[0].outcome.jsonLines.contains { $0["platform"] as? String == "intranet" })
        Self.expectSame(regexRuns)
    }
}
