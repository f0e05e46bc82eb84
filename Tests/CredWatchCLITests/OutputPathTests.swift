import Foundation
import Testing

/// Where `--output` and `--reset-list` write, end to end: standard output, special files written
/// in place, links followed, and the paths refused before anything is scanned.
@Suite("output paths")
struct OutputPathTests {
    typealias Fixture = ScanContractTests.Fixture

    private static func scan(_ fixture: Fixture, _ extra: [String], inputs: [String]? = nil) throws -> CLI.Outcome {
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        return try CLI.run(
            ["scan"] + (inputs ?? [dump]) + ["--accounts", fixture.accounts, "--org", fixture.org] + extra,
            directory: fixture.directory
        )
    }

    private static func kind(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    /// Runs `credwatch scan dump.txt` (written afresh), or `credwatch scan INPUTS…`, through
    /// `sh -c` with `redirection` (`$0` is the executable), in the fixture's folder.
    private static func shell(
        _ fixture: Fixture,
        _ extra: [String],
        inputs: [String]? = nil,
        redirection: String
    ) throws -> CLI.Outcome {
        let inputs = try inputs ?? [fixture.file("dump.txt", ScanContractTests.combolist)]
        return try CLI.run(
            ["-c", "exec \"$0\" \"$@\" \(redirection)", CLI.executable.path, "scan"] + inputs
                + ["--accounts", fixture.accounts, "--org", fixture.org] + extra,
            directory: fixture.directory,
            program: URL(fileURLWithPath: "/bin/sh")
        )
    }

    private static func identity(_ path: String) -> [UInt64]? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return [UInt64(info.st_dev), UInt64(info.st_ino), UInt64(info.st_mode)]
    }

    @Test(arguments: ["-", "/dev/stdout", "/dev/./stdout", "//dev/stdout", "/dev/../dev/stdout", "/dev/fd/../fd/1"])
    func standardOutputSpellings(name: String) throws {
        let fixture = try Fixture()
        let outcome = try Self.scan(fixture, ["--quiet", "--output", name])
        #expect(outcome.status == 1)
        #expect(outcome.jsonLines.contains { $0["account"] as? String == "jdupont" })
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("-").path))
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).sorted() == [
                "accounts.csv", "dump.txt", "org.toml",
            ]
        )
    }

    /// Every spelling of standard output is standard output: with `--reset-list -` both would go
    /// there.
    @Test(arguments: ["/dev/./stdout", "//dev/stdout", "/dev/../dev/stdout", "/proc/self/fd/./1"])
    func standardOutputSpellingsWithResetListToStandardOutput(name: String) throws {
        let fixture = try Fixture()
        let outcome = try Self.scan(fixture, ["--output", name, "--reset-list", "-"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--reset-list and --output both go to standard output"))
        #expect(outcome.stdout.isEmpty)
    }

    /// `--output` naming the file the shell opened as standard output is standard output: the
    /// report is appended as `>>` asked, the file never replaced; with `--reset-list -` both
    /// would go there.
    @Test func fileThatIsStandardOutputIsWrittenThroughIt() throws {
        let fixture = try Fixture()
        let out = try fixture.file("out.jsonl", "earlier\n")
        chmod(out, 0o644)
        let before = Self.identity(out)
        let appended = try Self.shell(fixture, ["--quiet", "--output", "out.jsonl"], redirection: ">> out.jsonl")
        #expect(appended.status == 1, "\(appended.stderr)")
        #expect(Self.identity(out) == before)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.hasPrefix("earlier\n{"))
        #expect(text.contains("\"account\":\"jdupont\""))
        let both = try Self.shell(fixture, ["--output", out, "--reset-list", "-"], redirection: ">> out.jsonl")
        #expect(both.status == 2)
        #expect(both.stderr.contains("both go to standard output"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == text)
    }

    /// Standard error appended to a log (`2>>cron.log`): an output naming it, as a descriptor or
    /// as the file, is refused, and the log keeps its inode, its mode and its earlier lines.
    @Test(arguments: ["/dev/stderr", "/dev/fd/2", "/proc/self/fd/2", "/proc/$$/fd/2", "/dev/./stderr", "log-link"])
    func standardErrorIsNeverReplaced(name: String) throws {
        let fixture = try Fixture()
        let log = try fixture.file("cron.log", "earlier run\n")
        chmod(log, 0o644)
        symlink("cron.log", fixture.directory.appendingPathComponent("log-link").path)
        let before = Self.identity(log)
        // `$$` is the shell's process, which `exec` turns into credwatch's: expanded by the shell.
        let outcome =
            name.contains("$")
            ? try Self.shell(fixture, [], redirection: "--output \(name) 2>> cron.log")
            : try Self.shell(fixture, ["--output", name], redirection: "2>> cron.log")
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(Self.identity(log) == before)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.hasPrefix("earlier run\ncredwatch: "))
        #expect(
            text.contains("names one of credwatch's open descriptors; redirect with the shell instead")
                || text.contains("is credwatch's standard error: refusing to replace it")
        )
        #expect(!text.contains("jdupont"))
    }

    @Test func standardErrorFileByNameIsRefused() throws {
        let fixture = try Fixture()
        let log = try fixture.file("cron.log", "earlier run\n")
        let before = Self.identity(log)
        let outcome = try Self.shell(fixture, ["--reset-list", log], redirection: "2>> cron.log")
        #expect(outcome.status == 2)
        #expect(Self.identity(log) == before)
        let text = try String(contentsOfFile: log, encoding: .utf8)
        #expect(text.hasPrefix("earlier run\n"))
        #expect(text.contains("--reset-list \(log) is credwatch's standard error: refusing to replace it"))
    }

    /// Standard input read as the input (`-`, or no INPUT) from a file: no output may name that
    /// file, by its path or as a descriptor; the dump is left byte for byte, nothing scanned.
    @Test(arguments: [
        (["-"], "/dev/stdin"), ([], "/dev/stdin"), (["-"], "/dev/fd/0"), (["-"], "/proc/self/fd/0"),
        ([], "dump.txt"), (["-"], "dump.txt"), ([], "./alias.txt"), (["-"], "/dev/./stdin"),
    ])
    func standardInputIsNeverReplaced(inputs: [String], output: String) throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        symlink("dump.txt", fixture.directory.appendingPathComponent("alias.txt").path)
        let before = Self.identity(dump)
        let outcome = try Self.shell(fixture, ["--output", output], inputs: inputs, redirection: "< dump.txt")
        #expect(outcome.status == 2)
        #expect(outcome.stdout.isEmpty)
        #expect(
            outcome.stderr.contains("--output \(output) is the input (standard input): refusing to overwrite it")
                || outcome.stderr.contains(
                    "--output \(output) names one of credwatch's open descriptors; redirect with the shell instead"
                )
        )
        #expect(Self.identity(dump) == before)
        #expect(try String(contentsOfFile: dump, encoding: .utf8) == ScanContractTests.combolist)
    }

    /// Standard input still reads as an input, and another output is written.
    @Test func standardInputFromAFileIsScanned() throws {
        let fixture = try Fixture()
        _ = try fixture.file("dump.txt", ScanContractTests.combolist)
        let report = fixture.directory.appendingPathComponent("report.jsonl").path
        let outcome = try Self.shell(fixture, ["--quiet", "--output", report], inputs: [], redirection: "< dump.txt")
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(try String(contentsOfFile: report, encoding: .utf8).contains("\"account\":\"jdupont\""))
    }

    /// A FIFO is written in place: its reader gets the report, and it stays a FIFO.
    @Test func fifoGetsTheReport() throws {
        let fixture = try Fixture()
        let fifo = fixture.directory.appendingPathComponent("report.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let reader = PipeReader(path: fifo)
        let outcome = try Self.scan(fixture, ["--quiet", "--output", fifo])
        let delivered = reader.finish()
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        let report = String(decoding: try #require(delivered), as: UTF8.self)
        #expect(report.contains("\"account\":\"jdupont\""))
        #expect(Self.kind(fifo) == S_IFIFO)
    }

    /// A character device is written in place. A private null device is tried first, so that a
    /// regression cannot turn the machine's /dev/null into a file.
    @Test(.enabled(if: geteuid() == 0, "creating a device node needs root"))
    func characterDeviceStaysADevice() throws {
        let fixture = try Fixture()
        let device = fixture.directory.appendingPathComponent("null").path
        try #require(mknod(device, S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0)
        let private_ = try Self.scan(fixture, ["--quiet", "--output", device])
        #expect(private_.status == 1)
        try #require(Self.kind(device) == S_IFCHR)
        let system = try Self.scan(fixture, ["--quiet", "--output", "/dev/null"])
        #expect(system.status == 1)
        #expect(system.stdout.isEmpty)
        #expect(Self.kind("/dev/null") == S_IFCHR)
    }

    /// A link to a regular file, and a read-only file: refused before the scan (exit status 2),
    /// the file's bytes unchanged, nothing committed to the state. Run as root, a report
    /// replacing what a link points to could replace any file of the system.
    @Test(arguments: ["link", "read-only"])
    func fileThatMustNotBeReplacedIsRefused(which: String) throws {
        let fixture = try Fixture()
        let reports = fixture.directory.appendingPathComponent("reports")
        try FileManager.default.createDirectory(at: reports, withIntermediateDirectories: false)
        let file = reports.appendingPathComponent("latest.jsonl").path
        #expect(FileManager.default.createFile(atPath: file, contents: Data("old\n".utf8)))
        var output = file
        if which == "link" {
            output = fixture.directory.appendingPathComponent("latest.jsonl").path
            try FileManager.default.createSymbolicLink(atPath: output, withDestinationPath: "reports/latest.jsonl")
        } else {
            chmod(file, 0o444)
        }
        let state = fixture.directory.appendingPathComponent("state.db").path
        let outcome = try Self.scan(fixture, ["--quiet", "--output", output, "--state", state])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains(which == "link" ? "symbolic link" : "read-only"))
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "old\n")
        #expect(!FileManager.default.fileExists(atPath: state))
        #expect(try FileManager.default.contentsOfDirectory(atPath: reports.path) == ["latest.jsonl"])
    }

    /// Each file the run reads or keeps, named as the output (directly or through a link):
    /// exit status 2, the file's bytes unchanged, nothing scanned.
    @Test(arguments: ["input", "input through a link", "inside an input folder", "accounts", "org", "key", "state"])
    func outputOverARunFileIsRefused(which: String) throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let key = try fixture.file("key", CLI.key)
        chmod(key, 0o600)
        let state = fixture.directory.appendingPathComponent("state.db").path
        let dumps = fixture.directory.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: false)
        let inside = dumps.appendingPathComponent("victim.txt").path
        try ScanContractTests.combolist.write(toFile: inside, atomically: true, encoding: .utf8)
        let link = fixture.directory.appendingPathComponent("alias").path
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: dump)
        let base = ["--accounts", fixture.accounts, "--org", fixture.org, "--fingerprint-key-file", key]
        // A first run creates the state, so that there is something to destroy.
        let first = try CLI.run(["scan", dump] + base + ["--state", state, "--quiet"])
        try #require(first.status == 1)

        let (inputs, output): ([String], String) =
            switch which {
            case "input": ([dump], dump)
            case "input through a link": ([dump], link)
            case "inside an input folder": ([dumps.path], inside)
            case "accounts": ([dump], fixture.accounts)
            case "org": ([dump], fixture.org)
            case "key": ([dump], key)
            default: ([dump], state)
            }
        let before = try Data(contentsOf: URL(fileURLWithPath: output))
        let outcome = try CLI.run(["scan"] + inputs + base + ["--state", state, "--output", output])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--output \(output)"))
        #expect(outcome.stderr.contains("refusing to overwrite it"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: output)) == before)
        // Nothing scanned: no report, no summary.
        #expect(outcome.stdout.isEmpty)
        #expect(!outcome.stderr.contains("findings"))
    }

    /// The state's journal and lock, the hash exports and the pattern packs are protected too,
    /// and so is everything the reset list could overwrite.
    @Test func resetListOverConfigurationIsRefused() throws {
        let fixture = try Fixture()
        let hashes = try fixture.file("ntds.txt", "jdupont:31d6cfe0d16ae931b73c59d7e0c089c0\n")
        chmod(hashes, 0o600)
        let pack = try fixture.file("extra.toml", "")
        let packs = fixture.directory.appendingPathComponent("packs")
        try FileManager.default.createDirectory(at: packs, withIntermediateDirectories: false)
        let oldReset = packs.appendingPathComponent("reset.csv").path
        #expect(FileManager.default.createFile(atPath: oldReset, contents: Data("old".utf8)))
        for (options, output) in [
            (["--hashes", hashes], hashes),
            (["--patterns", pack], pack),
            (["--patterns", packs.path], oldReset),
            (
                ["--state", fixture.directory.appendingPathComponent("s.db").path],
                fixture.directory.appendingPathComponent("s.db-journal").path
            ),
        ] {
            let before = FileManager.default.contents(atPath: output)
            let outcome = try Self.scan(fixture, options + ["--reset-list", output])
            #expect(outcome.status == 2, "\(options)")
            #expect(outcome.stderr.contains("--reset-list \(output)"), "\(options)")
            #expect(FileManager.default.contents(atPath: output) == before)
            #expect(outcome.stdout.isEmpty)
        }
    }

    /// A new file in a folder of pattern packs the run loads (the shipped packs' folder, here a
    /// copy named by CREDWATCH_PATTERNS; a `--patterns` folder) would be a broken pack for every
    /// later run: refused, nothing created. Below an input folder a new file is still allowed.
    @Test func newFileInALoadedPatternFolderIsRefused() throws {
        let fixture = try Fixture()
        let shipped = fixture.directory.appendingPathComponent("shipped")
        try FileManager.default.createDirectory(at: shipped, withIntermediateDirectories: false)
        try FileManager.default.copyItem(
            at: CLI.repository.appendingPathComponent("Patterns/health.toml"),
            to: shipped.appendingPathComponent("health.toml")
        )
        let packs = fixture.directory.appendingPathComponent("packs")
        try FileManager.default.createDirectory(
            at: packs.appendingPathComponent("site"),
            withIntermediateDirectories: true
        )
        let environment = ["CREDWATCH_PATTERNS": shipped.path]
        func listing() throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: fixture.directory.path).sorted()
        }
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let before = try listing()
        for (option, output, extra) in [
            ("--output", shipped.appendingPathComponent("x.toml").path, [String]()),
            ("--summary", shipped.appendingPathComponent("run.json").path, []),
            ("--reset-list", packs.appendingPathComponent("reset.csv").path, ["--patterns", packs.path]),
            ("--output", packs.appendingPathComponent("site/report.toml").path, ["--patterns", packs.path]),
        ] {
            let outcome = try CLI.run(
                ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, option, output] + extra,
                environment: environment,
                directory: fixture.directory
            )
            #expect(outcome.status == 2, "\(output)")
            #expect(outcome.stderr.contains("\(option) \(output) lies inside the "), "\(output)")
            #expect(outcome.stderr.contains("which every run loads: refusing to create a file there"))
            #expect(outcome.stdout.isEmpty)
            #expect(try listing() == before)
        }
        // The next run still loads its packs.
        let next = try CLI.run(
            ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--patterns", packs.path],
            environment: environment
        )
        #expect(next.status == 1, "\(next.stderr)")
        // Below an input folder, a new file is still allowed.
        let dumps = fixture.directory.appendingPathComponent("dumps")
        try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: false)
        try ScanContractTests.combolist.write(
            to: dumps.appendingPathComponent("combo.txt"),
            atomically: true,
            encoding: .utf8
        )
        let report = dumps.appendingPathComponent("report.jsonl").path
        let inside = try CLI.run(
            ["scan", dumps.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--output", report],
            environment: environment
        )
        #expect(inside.status == 1, "\(inside.stderr)")
        #expect(FileManager.default.fileExists(atPath: report))
    }

    /// A folder the run cannot create files in fails at once (exit status 2), before the input
    /// is even opened: the input is a FIFO nobody writes, which a scan would wait on. Run as
    /// an unprivileged user (root may write in any folder).
    @Test(arguments: ["--output", "--reset-list", "--summary", "--html"])
    func unwritableFolderIsRefusedBeforeScanning(option: String) throws {
        let fixture = try Fixture()
        let locked = fixture.directory.appendingPathComponent("locked")
        try FileManager.default.createDirectory(at: locked, withIntermediateDirectories: false)
        let existing = locked.appendingPathComponent("old.csv").path
        #expect(FileManager.default.createFile(atPath: existing, contents: Data("old".utf8)))
        chmod(existing, 0o666)
        chmod(locked.path, 0o555)
        let fifo = fixture.directory.appendingPathComponent("never.fifo").path
        try #require(mkfifo(fifo, 0o666) == 0)
        for output in [locked.appendingPathComponent("new.jsonl").path, existing] {
            let arguments = ["scan", fifo, "--accounts", fixture.accounts, "--org", fixture.org, option, output]
            let outcome =
                geteuid() == 0
                ? try CLI.run(
                    ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.executable.path] + arguments,
                    program: URL(fileURLWithPath: "/usr/bin/setpriv"),
                    timeout: 30
                )
                : try CLI.run(arguments, timeout: 30)
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(
                outcome.stderr.contains(
                    "\(option) \(output): cannot create a file in the folder \(locked.path): Permission denied"
                )
            )
            #expect(outcome.stdout.isEmpty)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: locked.path) == ["old.csv"])
        #expect(FileManager.default.contents(atPath: existing) == Data("old".utf8))
    }

    /// Root passes every permission check; a folder on a read-only file system (a read-only
    /// tmpfs mounted in a private mount namespace) is refused all the same.
    @Test(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")))
    func readOnlyFileSystemIsRefusedBeforeScanning() throws {
        let fixture = try Fixture()
        let mounted = fixture.directory.appendingPathComponent("ro")
        try FileManager.default.createDirectory(at: mounted, withIntermediateDirectories: false)
        let fifo = fixture.directory.appendingPathComponent("never.fifo").path
        try #require(mkfifo(fifo, 0o600) == 0)
        let output = mounted.appendingPathComponent("report.jsonl").path
        let outcome = try CLI.run(
            [
                "--mount", "sh", "-c", "mount -t tmpfs -o ro tmpfs \"$0\" || exit 99; exec \"$@\"", mounted.path,
                CLI.executable.path, "scan", fifo, "--accounts", fixture.accounts, "--org", fixture.org,
                "--output", output,
            ],
            program: URL(fileURLWithPath: "/usr/bin/unshare"),
            timeout: 30
        )
        try #require(outcome.status != 99, "no read-only mount possible here: \(outcome.stderr)")
        #expect(outcome.status == 2, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("--output \(output): the folder \(mounted.path) is on a read-only file system"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func resetListSameAsOutputIsRefused() throws {
        let fixture = try Fixture()
        let report = fixture.directory.appendingPathComponent("report.csv").path
        let same = try Self.scan(fixture, ["--output", report, "--reset-list", report])
        #expect(same.status == 2)
        #expect(same.stderr.contains("--reset-list \(report) and --output \(report) are the same file"))
        #expect(!FileManager.default.fileExists(atPath: report))
        let bothStdout = try Self.scan(fixture, ["--reset-list", "/dev/stdout"])
        #expect(bothStdout.status == 2)
        #expect(bothStdout.stderr.contains("both go to standard output"))
        #expect(bothStdout.stdout.isEmpty)
    }

    /// A path that is not UTF-8 reaches credwatch with U+F780…U+F7FF standing for its bytes:
    /// refused for every output, before anything is scanned, and nothing is created.
    @Test(arguments: ["--output", "--reset-list", "--summary", "--html"])
    func nonUTF8OutputIsRefused(option: String) throws {
        let fixture = try Fixture()
        let name = fixture.directory.appendingPathComponent("report-\u{F7E9}t\u{F7E9}.jsonl").path
        let outcome = try Self.scan(fixture, [option, name])
        #expect(outcome.status == 2)
        #expect(
            outcome.stderr.contains(
                "\(option) \(fixture.directory.path)/report-\\xE9t\\xE9.jsonl is not valid UTF-8: "
                    + "name the output with a UTF-8 path"
            )
        )
        #expect(outcome.stdout.isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory.path).sorted() == [
                "accounts.csv", "dump.txt", "org.toml",
            ]
        )
    }

    @Test func folderOrMissingFolderIsRefused() throws {
        let fixture = try Fixture()
        let folder = try Self.scan(fixture, ["--output", fixture.directory.path])
        #expect(folder.status == 2)
        #expect(folder.stderr.contains("is a folder"))
        let missing = fixture.directory.appendingPathComponent("absent/report.jsonl").path
        let absent = try Self.scan(fixture, ["--reset-list", missing])
        #expect(absent.status == 2)
        #expect(absent.stderr.contains("does not exist"))
        #expect(absent.stdout.isEmpty)
    }
}

/// Reads a FIFO to its end on another thread; `finish` returns what was read, or nil (after
/// unblocking the reader) when no writer came.
final class PipeReader: @unchecked Sendable {
    private let path: String
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(path: String) {
        self.path = path
        Thread.detachNewThread { [self] in
            let handle = FileHandle(forReadingAtPath: path)
            data = handle?.readDataToEndOfFile() ?? Data()
            try? handle?.close()
            done.signal()
        }
    }

    func finish(timeout: Double = 5) -> Data? {
        if done.wait(timeout: .now() + timeout) == .timedOut {
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            done.wait()
            return nil
        }
        return data
    }
}
