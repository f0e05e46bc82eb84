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

        let outcome = try scan([root.path], fixture)

        #expect(outcome.status == 1)
        #expect(credentialAccounts(outcome) == ["jdupont"])
        #expect(outcome.stderr.contains("credwatch: inputs 1 (50 duplicate paths not read again)"))
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

    /// A file's role is judged from its path inside the dump, never from the folders it was
    /// saved under: a combolist in `~/Downloads`, `telegram/` or `cookies/` is read; a file named
    /// on the command line is read whatever its name; inside a walked tree, a stealer's browser
    /// history is skipped by name, and counted.
    @Test func rolesComeFromThePathInsideTheDumpOnly() throws {
        let fixture = try Fixture()
        let other = Self.leaked.replacingOccurrences(of: "jdupont", with: "amartin")
        for folder in ["Downloads", "telegram", "cookies"] {
            try FileManager.default.createDirectory(
                at: fixture.directory.appendingPathComponent(folder),
                withIntermediateDirectories: true
            )
        }
        let named = try fixture.file("Downloads/combolist.txt", Self.leaked)
        let history = try fixture.file("history.txt", other)
        _ = try fixture.file("telegram/c.txt", Self.leaked)
        let walked = fixture.directory.appendingPathComponent("telegram").path
        let bang = try fixture.file(
            "Passwords (1)!.txt",
            "URL: https://mediboard.clinique-exemple.fr/\nUsername: amartin\nPassword: Bang-1\n\n"
        )

        for input in [named, history, walked, bang] {
            let outcome = try scan([input], fixture)
            #expect(outcome.status == 1, "\(input): \(outcome.stderr)")
            #expect(credentialAccounts(outcome).count == 1, "\(input)")
        }

        let tree = fixture.directory.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try Self.leaked.write(to: tree.appendingPathComponent("History.txt"), atomically: false, encoding: .utf8)
        let skipped = try scan([tree.path], fixture)
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("files skipped by name (history, screenshots, wallets…) 1"))
    }

    /// Two arguments that differ only in bytes that are not UTF-8 are two inputs.
    @Test func argumentsThatAreNotUTF8StayDistinct() throws {
        let fixture = try Fixture()
        let other = Self.leaked.replacingOccurrences(of: "jdupont", with: "amartin")
        let script = """
            cd "$1" && printf '%s' "$2" > "$(printf 'in\\351.txt')" && printf '%s' "$3" > "$(printf 'in\\350.txt')" \
            && exec "$CREDWATCH" scan "$(printf 'in\\351.txt')" "$(printf 'in\\350.txt')" \
            --accounts "$4" --org "$5" --format jsonl
            """
        let outcome = try CLI.run(
            ["-c", script, "sh", fixture.directory.path, Self.leaked, other, fixture.accounts, fixture.org],
            program: URL(fileURLWithPath: "/bin/sh")
        )
        #expect(outcome.status == 1, "\(outcome.stderr)")
        #expect(Set(credentialAccounts(outcome)) == ["jdupont", "amartin"])
        #expect(!outcome.stderr.contains("duplicate"))
    }

    /// A fatal message quoting a path with a newline stays one line.
    @Test func fatalMessagesStayOneLine() throws {
        let fixture = try Fixture()
        let outcome = try CLI.run(
            [
                "scan", "--accounts", fixture.directory.path + "/nothing\ncredwatch: errors 0, warnings 0 (all clean)",
                "--org", fixture.org,
            ]
        )
        #expect(outcome.status == 2)
        #expect(!outcome.stderr.contains("\ncredwatch: errors 0"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }
}
