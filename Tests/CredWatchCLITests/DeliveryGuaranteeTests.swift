import Foundation
import Testing

/// The delivery guarantee of scheduled runs, through the built executable: the state records an
/// exposure only once every output of the run holds it. Outputs that fail, signals and SIGKILL
/// at random moments: after each, the next good `--new-only` run reports every exposure the
/// failed run had found and not delivered.
@Suite("delivery before state")
struct DeliveryGuaranteeTests {
    /// The bundled samples: 22 exposures of every kind.
    static let samples = CLI.samples.appendingPathComponent("logs").path

    private static func scanArguments(state: String, _ extra: [String]) -> [String] {
        [
            "scan", samples, "--accounts", CLI.samples.appendingPathComponent("accounts.csv").path,
            "--org", CLI.samples.appendingPathComponent("org.toml").path, "--quiet", "--state", state,
            "--new-only",
        ] + extra
    }

    private static func exposureKeys(_ text: String) -> Set<String> {
        Set(
            text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["exposure_key"] as? String
            }
        )
    }

    private static func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    /// Every exposure of the samples, from a run without state.
    static let allExposures: Set<String> = {
        let outcome = try? CLI.run(
            [
                "scan", samples, "--accounts", CLI.samples.appendingPathComponent("accounts.csv").path,
                "--org", CLI.samples.appendingPathComponent("org.toml").path, "--quiet", "--format", "jsonl",
            ]
        )
        return exposureKeys(outcome?.stdoutText ?? "")
    }()

    /// A good run after a failed one reports everything (the failed run recorded nothing).
    private func expectNothingWasMarkedSeen(
        state: String,
        after failed: CLI.Outcome,
        saysStateUnchanged: Bool = true
    ) throws {
        #expect(failed.status == 2, "\(failed.stderr)")
        if saysStateUnchanged { #expect(failed.stderr.contains("the state was not changed")) }
        let next = try CLI.run(Self.scanArguments(state: state, ["--format", "jsonl"]))
        #expect(next.status == 1)
        #expect(Self.exposureKeys(next.stdoutText) == Self.allExposures)
        #expect(Self.allExposures.count >= 20)
    }

    @Test func reportToAFolderThatCannotBeWrittenLeavesTheStateUntouched() throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        // /proc takes no new files, even from root.
        let failed = try CLI.run(Self.scanArguments(state: state, ["--output", "/proc/credwatch-report.jsonl"]))
        #expect(failed.stderr.contains("cannot deliver --output /proc/credwatch-report.jsonl"))
        try expectNothingWasMarkedSeen(state: state, after: failed)
    }

    @Test func resetListThatCannotBeWrittenLeavesNoReport() throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        let report = folder.appendingPathComponent("report.jsonl").path
        let failed = try CLI.run(Self.scanArguments(state: state, ["--output", report, "--reset-list", "/dev/full"]))
        #expect(failed.stderr.contains("cannot deliver --reset-list /dev/full"))
        // The report was staged, never renamed into place, and its temporary file is gone.
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() == ["state.db", "state.db.lock"]
        )
        try expectNothingWasMarkedSeen(state: state, after: failed)
    }

    @Test func standardOutputOnAFullDiskLeavesTheStateUntouched() throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        let failed = try CLI.run(
            ["-c", "exec \"$CREDWATCH\" \"$@\" > /dev/full", "sh"] + Self.scanArguments(state: state, []),
            program: URL(fileURLWithPath: "/bin/sh")
        )
        #expect(failed.stderr.contains("cannot deliver the report to standard output"))
        #expect(failed.stderr.contains("No space left on device"))
        try expectNothingWasMarkedSeen(state: state, after: failed)
    }

    /// Standard output closed (`>&-`): the first file opened would have taken descriptor 1 (the
    /// state's lock file got the report); the run refuses instead, and the state is not made.
    @Test func closedStandardOutputIsRefused() throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        let failed = try CLI.run(
            ["-c", "exec \"$CREDWATCH\" \"$@\" >&-", "sh"] + Self.scanArguments(state: state, []),
            program: URL(fileURLWithPath: "/bin/sh")
        )
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("standard output is closed"))
        #expect(!FileManager.default.fileExists(atPath: state))
        try expectNothingWasMarkedSeen(state: state, after: failed, saysStateUnchanged: false)
    }

    /// A reader that closed the pipe (`| head -1` on a report larger than the pipe's buffer).
    @Test func standardOutputClosedByItsReaderLeavesTheStateUntouched() throws {
        let fixture = try ScanContractTests.Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        // 3,000 organisation logins nobody knows: a report far larger than a pipe holds.
        let lines = (0..<3000).map {
            "https://mediboard.clinique-exemple.fr/:stranger\($0)@clinique-exemple.fr:pw\($0)"
        }
        let dump = try fixture.file("dump.txt", lines.joined(separator: "\n") + "\n")
        let arguments = [
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state,
            "--new-only",
        ]
        let piped = try CLI.run(
            ["-c", "\"$CREDWATCH\" \"$@\" | head -c 10 > /dev/null; exit ${PIPESTATUS[0]}", "bash"] + arguments,
            program: URL(fileURLWithPath: "/bin/bash")
        )
        #expect(piped.status == 2, "\(piped.stderr)")
        #expect(piped.stderr.contains("Broken pipe"))
        let next = try CLI.run(arguments)
        #expect(next.status == 1)
        #expect(next.jsonLines.count == 3000)
    }

    /// SIGINT, SIGTERM and SIGHUP while a run waits on its input: the shell's exit statuses, no
    /// report, no temporary file, and the state byte for byte as it was.
    @Test(arguments: [(SIGINT, 130), (SIGTERM, 143), (SIGHUP, 129)] as [(Int32, Int32)])
    func signalsEndARunWithoutChangingAnything(signal: Int32, status: Int32) throws {
        let fixture = try ScanContractTests.Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let report = fixture.directory.appendingPathComponent("report.jsonl").path
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let first = try CLI.run(
            ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state]
        )
        #expect(first.status == 1)
        let before = Self.bytes(state)

        let process = Process()
        process.executableURL = CLI.executable
        process.arguments = [
            "scan", dump, "-", "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state,
            "--output", report,
        ]
        var environment = ProcessInfo.processInfo.environment
        environment["CREDWATCH_FINGERPRINT_KEY"] = CLI.key
        environment["CREDWATCH_PATTERNS"] = CLI.repository.appendingPathComponent("Patterns").path
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The run has read the dump and waits for more on standard input.
        input.fileHandleForWriting.write(Data("https://forum.example.test/:someone@example.test:pw\n".utf8))
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, signal)
        process.waitUntilExit()

        #expect(process.terminationStatus == status)
        #expect(Self.bytes(state) == before)
        #expect(!FileManager.default.fileExists(atPath: report))
        let left = try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path)
        #expect(!left.contains { $0.contains(".tmp-") })
    }

    /// SIGKILL at 30 moments spread from start-up to the state's commit. After each, a good
    /// `--new-only` run reports everything the killed run had not delivered: the two reports
    /// together always hold every exposure, and a report the killed run left is always whole.
    @Test func killedRunsNeverLoseAnExposure() throws {
        let folder = try CLI.temporaryDirectory()
        // How long a whole run takes here, so that the kills cover all of it.
        let started = Date()
        let reference = try CLI.run(
            Self.scanArguments(state: folder.appendingPathComponent("reference.db").path, ["--format", "jsonl"])
        )
        let duration = Date().timeIntervalSince(started)
        #expect(reference.status == 1)
        var random = SystemRandomNumberGenerator()
        var delivered = 0
        var reReported = 0
        for round in 0..<30 {
            let state = folder.appendingPathComponent("state-\(round).db").path
            let report = folder.appendingPathComponent("report-\(round).jsonl").path
            let process = Process()
            process.executableURL = CLI.executable
            process.arguments = Self.scanArguments(state: state, ["--output", report])
            var environment = ProcessInfo.processInfo.environment
            environment["CREDWATCH_FINGERPRINT_KEY"] = CLI.key
            environment["CREDWATCH_PATTERNS"] = CLI.repository.appendingPathComponent("Patterns").path
            process.environment = environment
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            try process.run()
            // Spread over 1.2 times the reference run, so that some kills come after the end.
            Thread.sleep(forTimeInterval: Double.random(in: 0..<(duration * 1.2), using: &random))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()

            var seen = Set<String>()
            if let left = Self.bytes(report) {
                seen = Self.exposureKeys(String(decoding: left, as: UTF8.self))
                #expect(seen == Self.allExposures, "round \(round): a report left behind is whole")
                delivered += 1
            }
            let next = try CLI.run(Self.scanArguments(state: state, ["--format", "jsonl"]))
            #expect(next.status <= 1, "round \(round): \(next.stderr)")
            let reported = Self.exposureKeys(next.stdoutText)
            reReported += reported.count
            #expect(seen.union(reported) == Self.allExposures, "round \(round): an exposure was lost")
        }
        print(
            "killedRunsNeverLoseAnExposure: 30 kills, \(delivered) reports delivered, \(reReported) exposures re-reported"
        )
    }

    /// A state file that is not a credwatch state is a fatal error, and it is not touched (another
    /// application's SQLite database is refused too: `StateStoreTests`).
    @Test func corruptStateIsRefusedAndKept() throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: URL(fileURLWithPath: state))
        chmod(state, 0o600)
        let before = Self.bytes(state)
        let outcome = try CLI.run(Self.scanArguments(state: state, []))
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(state))
        #expect(outcome.stdout.isEmpty)
        #expect(Self.bytes(state) == before)
    }
}
