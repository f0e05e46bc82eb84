import Foundation
import Testing

/// Hostile folder trees and names through the built executable: what a criminal's tarball,
/// extracted as it came, leaves in a dump folder.
@Suite("hostile trees and names through the CLI")
struct HostileTreeCLITests {
    typealias Fixture = ScanContractTests.Fixture

    static let leaked = "https://mediboard.clinique-exemple.fr/index.php:jdupont:Fuite-arbre1\n"

    private func scan(_ inputs: [String], _ fixture: Fixture) throws -> CLI.Outcome {
        try CLI.run(["scan"] + inputs + ["--accounts", fixture.accounts, "--org", fixture.org, "--format", "jsonl"])
    }

    private func credentialAccounts(_ outcome: CLI.Outcome) -> [String] {
        outcome.jsonLines.filter { $0["kind"] as? String == "credential" }.compactMap { $0["account"] as? String }
    }

    /// 5,000 victim folders of stealer files (names like `FR[0000ABCD] [2024-11-03]`), one of
    /// them holding the organisation's credential: the walk reads every file (it used to read
    /// `dirent` names past their record and crash on such trees).
    @Test func aLargeTreeOfVictimFoldersIsReadCompletely() throws {
        let fixture = try Fixture()
        let root = fixture.directory.appendingPathComponent("drop")
        for victim in 0..<5000 {
            let folder = root.appendingPathComponent(
                String(format: "batch%d/FR[%08X] [2024-11-03]", victim / 1000, victim)
            )
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let record = "URL: https://forum.example.test/\nUsername: visitor\(victim)\nPassword: pw\(victim)\n\n"
            try record.write(to: folder.appendingPathComponent("Passwords.txt"), atomically: false, encoding: .utf8)
            try "Computer Name: PC\(victim)\n".write(
                to: folder.appendingPathComponent("UserInformation.txt"),
                atomically: false,
                encoding: .utf8
            )
        }
        let planted = root.appendingPathComponent("batch3/FR[00000F00] [2024-11-03]/Passwords.txt")
        try "URL: https://mediboard.clinique-exemple.fr/\nUsername: jdupont\nPassword: Fuite-arbre1\n\n"
            .write(to: planted, atomically: false, encoding: .utf8)

        let outcome = try scan([root.path], fixture)

        #expect(outcome.status == 1)
        #expect(credentialAccounts(outcome) == ["jdupont"])
        #expect(outcome.stderr.contains("credwatch: inputs 10000, archive members 0"))
        #expect(outcome.stderr.contains("errors 0, warnings 0"))
    }

    /// Folders d0…d25, each with two links to the next: 2^25 paths, each folder walked once.
    @Test func aFanOfLinksEndsQuickly() throws {
        let fixture = try Fixture()
        let root = fixture.directory.appendingPathComponent("fan")
        for level in 0...25 {
            try FileManager.default.createDirectory(
                at: root.appendingPathComponent("d\(level)"),
                withIntermediateDirectories: true
            )
        }
        for level in 0..<25 {
            for name in ["x", "y"] {
                symlink("../d\(level + 1)", root.appendingPathComponent("d\(level)/\(name)").path)
            }
        }
        _ = try fixture.file("fan/d25/f.txt", Self.leaked)

        let outcome = try scan([root.appendingPathComponent("d0").path], fixture)

        #expect(outcome.status == 1)
        #expect(credentialAccounts(outcome) == ["jdupont"])
        #expect(outcome.stderr.contains("credwatch: inputs 1 (25 duplicate paths not read again)"))
    }

    /// A file name carrying terminal escapes and newlines (forging a clean summary line) is
    /// printed escaped: one line, no control character reaches the terminal or the cron log.
    @Test func namesCannotDriveTheTerminalOrForgeLogLines() throws {
        let fixture = try Fixture()
        let hostile = "a\u{1B}[2J\u{1B}]0;OWNED\u{07}\ncredwatch: errors 0, warnings 0 (all clean)\n.txt"
        let junk = Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 131 &+ 7) })
        _ = try fixture.file(hostile, data: junk)
        _ = try fixture.file("leak.txt", Self.leaked)

        let outcome = try scan([fixture.directory.path], fixture)

        #expect(outcome.status == 1)
        #expect(!outcome.stderr.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        #expect(!outcome.stderr.contains("\ncredwatch: errors 0, warnings 0 (all clean)"))
        #expect(
            outcome.stderr.contains(
                "a\\x1b[2J\\x1b]0;OWNED\\x07\\x0acredwatch: errors 0, warnings 0 (all clean)\\x0a.txt"
            )
        )
    }

    /// Names that are not UTF-8, inside a folder and as a command-line argument, are opened by
    /// their bytes and reported with `\xNN` for the bytes that are not text.
    @Test func namesThatAreNotUTF8AreReadAndNamedLosslessly() throws {
        let fixture = try Fixture()
        let script = """
            cd "$1" && mkdir "$(printf 'caf\\351')" && printf '%s' "$2" > "$(printf 'caf\\351/mot\\351.txt')" \
            && printf '%s' "$2" > "$(printf 'arg\\377.txt')" \
            && exec "$CREDWATCH" scan "$(printf 'caf\\351')" "$(printf 'arg\\377.txt')" \
            --accounts "$3" --org "$4" --format jsonl
            """
        let other = Self.leaked.replacingOccurrences(of: "jdupont", with: "amartin")
        let outcome = try CLI.run(
            ["-c", script, "sh", fixture.directory.path, Self.leaked + other, fixture.accounts, fixture.org],
            program: URL(fileURLWithPath: "/bin/sh")
        )

        #expect(outcome.status == 1)
        let paths = Set(
            outcome.jsonLines.flatMap { finding in
                (finding["sources"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
            }
        )
        #expect(paths == ["caf\\xe9/mot\\xe9.txt", "arg\\xff.txt"])
        #expect(!outcome.stderr.contains("error:"))
    }

    /// A file 4,000 folders deep (a path twice PATH_MAX) is read.
    @Test func filesBelowVeryDeepChainsAreRead() throws {
        let fixture = try Fixture()
        let top = fixture.directory.appendingPathComponent("deep")
        mkdir(top.path, 0o700)
        var parent = open(top.path, O_RDONLY | O_DIRECTORY)
        for _ in 0..<4000 {
            mkdirat(parent, "d", 0o700)
            let child = openat(parent, "d", O_RDONLY | O_DIRECTORY)
            close(parent)
            parent = child
        }
        let file = openat(parent, "combo.txt", O_WRONLY | O_CREAT, 0o600)
        _ = Self.leaked.utf8CString.withUnsafeBufferPointer { write(file, $0.baseAddress!, $0.count - 1) }
        close(file)
        close(parent)
        defer { _ = try? CLI.run(["-c", "rm -rf \"$0\"", top.path], program: URL(fileURLWithPath: "/bin/sh")) }

        let outcome = try scan([top.path], fixture)

        #expect(outcome.status == 1)
        #expect(credentialAccounts(outcome) == ["jdupont"])
        let path = outcome.jsonLines.first.flatMap { ($0["sources"] as? [[String: Any]])?.first?["path"] as? String }
        #expect(path == top.path + String(repeating: "/d", count: 4000) + "/combo.txt")
    }
}
