import Foundation
import Testing

/// Packs come as encrypted 7z, zip and RAR: scanned in process, with their member names, and
/// with the archive passwords given on the command line or in an owner-only file.
@Suite("archive packs and passwords")
struct ArchivePasswordCLITests {
    static let password = "infected-t.me/chan"

    /// The 7-Zip tool (`make test-deps` installs it).
    static let sevenZip: String? = ["/usr/bin/7zz", "/usr/bin/7z", "/usr/local/bin/7zz"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    private func run(_ tool: String, _ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(tool) \(arguments)")
    }

    private func sampleArguments(_ input: String) -> [String] {
        [
            "scan", input, "--accounts", CLI.samples.appendingPathComponent("accounts.csv").path, "--org",
            CLI.samples.appendingPathComponent("org.toml").path,
        ]
    }

    /// What a finding is, without where it was found.
    private func findings(_ outcome: CLI.Outcome) -> [String] {
        outcome.jsonLines.filter { $0["kind"] != nil && $0["account"] != nil || $0["login"] != nil }.map {
            [$0["kind"], $0["account"], $0["login"], $0["platform"], $0["password_fingerprint"]]
                .map { "\($0 ?? "-")" }.joined(separator: "|")
        }.sorted()
    }

    /// An encrypted 7z of the sample logs gives the findings the folder gives (the README's old
    /// `7z x -so | credwatch scan -` gave none of them), from a file and from standard input.
    @Test func anEncryptedSevenZipPackGivesTheFindingsOfItsFolder() throws {
        let tool = try #require(Self.sevenZip, "7-Zip is installed by make test-deps")
        let directory = try CLI.temporaryDirectory()
        let pack = directory.appendingPathComponent("pack.7z").path
        try run(tool, ["a", "-bd", "-t7z", "-p" + Self.password, "-mhe=on", pack, "logs"], in: CLI.samples)
        let passwords = directory.appendingPathComponent("passwords.txt").path
        try "wrong-one\n\(Self.password)\n".write(toFile: passwords, atomically: true, encoding: .utf8)
        chmod(passwords, 0o600)

        let folder = try CLI.run(sampleArguments(CLI.samples.appendingPathComponent("logs").path))
        #expect(folder.status == 1)
        let expected = findings(folder)
        #expect(expected.count > 5)

        let packed = try CLI.run(sampleArguments(pack) + ["--archive-passwords", passwords])
        #expect(packed.status == 1, "\(packed.stderr)")
        #expect(findings(packed) == expected)
        #expect(packed.stdoutText.contains("pack.7z!logs/"))

        let streamed = try CLI.run(
            sampleArguments("-") + ["--archive-password", Self.password],
            stdin: try Data(contentsOf: URL(fileURLWithPath: pack))
        )
        #expect(streamed.status == 1, "\(streamed.stderr)")
        #expect(findings(streamed) == expected)
        for outcome in [packed, streamed] {
            #expect(!outcome.stdoutText.contains(Self.password))
            #expect(!outcome.stderr.contains(Self.password))
        }
    }

    /// A pack no password opens is incomplete (exit 3), its members named, no password shown.
    @Test func aWrongPasswordMakesTheRunIncomplete() throws {
        let directory = try CLI.temporaryDirectory()
        let logs = directory.appendingPathComponent("logs")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        try ScanContractTests.combolist.write(
            to: logs.appendingPathComponent("dump.txt"),
            atomically: true,
            encoding: .utf8
        )
        try run("/usr/bin/zip", ["-q", "-r", "-P", Self.password, "pack.zip", "logs"], in: directory)
        let fixture = try ScanContractTests.Fixture()
        let pack = directory.appendingPathComponent("pack.zip").path
        let outcome = try CLI.run(
            ["scan", pack, "--accounts", fixture.accounts, "--org", fixture.org, "--archive-password", "guess-1"]
        )
        #expect(outcome.status == 3, "\(outcome.stderr)")
        #expect(outcome.stderr.contains("\(pack)!logs/dump.txt: encrypted member: none of the 1 archive passwords"))
        #expect(!outcome.stderr.contains("guess-1"))

        let opened = try CLI.run(
            ["scan", pack, "--accounts", fixture.accounts, "--org", fixture.org, "--archive-password", Self.password]
        )
        #expect(opened.status == 1, "\(opened.stderr)")
        #expect(!opened.stdoutText.contains(Self.password) && !opened.stderr.contains(Self.password))
    }

    /// The passwords file is a secret: refused when group or others may read it.
    @Test func aPasswordsFileOthersCanReadIsRefused() throws {
        let fixture = try ScanContractTests.Fixture()
        let passwords = try fixture.file("passwords.txt", "\(Self.password)\n")
        chmod(passwords, 0o644)
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let outcome = try CLI.run(
            ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--archive-passwords", passwords]
        )
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("archive passwords are readable by group or others (mode 0644)"))
        #expect(!outcome.stderr.contains(Self.password))
    }

    /// A passwords file without a password is most likely the wrong file: refused, rather than
    /// a scan that then says no password was given.
    @Test func anEmptyPasswordsFileIsRefused() throws {
        let fixture = try ScanContractTests.Fixture()
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        for contents in ["", "\n\n"] {
            let passwords = try fixture.file("passwords.txt", contents)
            chmod(passwords, 0o600)
            let outcome = try CLI.run(
                ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--archive-passwords", passwords]
            )
            #expect(outcome.status == 2, "\(outcome.stderr)")
            #expect(
                outcome.stderr.contains("\(passwords): archive passwords: the file holds no password"),
                "\(outcome.stderr)"
            )
        }
    }
}
