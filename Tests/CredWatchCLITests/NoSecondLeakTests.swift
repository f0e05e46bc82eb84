import CSQLite
import Foundation
import Testing

/// Issue 15 §6 end to end: passwords planted in every position a hostile dump can put them in
/// reach no output of the executable — report in every format, reset list, state, stderr —
/// unless `--reveal-passwords`, and then only in the `password` field.
@Suite("no second leak")
struct NoSecondLeakTests {
    typealias Fixture = ScanContractTests.Fixture

    /// What every planted secret contains (matched ignoring case: hosts and keys are
    /// lower-cased; `%21` is the percent-encoded `!`).
    static let mark = "zq8"

    /// A folder of hostile inputs: a combolist whose lines put passwords in the query (the
    /// issue's Mediboard line), a password-named parameter, the fragment, the userinfo, the
    /// login (a login that is its password), the URL's path and an innocent parameter; a file
    /// and a zip member named after the password they hold; a victim folder whose cookie file
    /// holds a session value, once also as the cookie's name.
    static func plant(in fixture: Fixture) throws -> String {
        let dump = fixture.directory.appendingPathComponent("dump")
        let victim = dump.appendingPathComponent("FR[77AB] victim")
        try FileManager.default.createDirectory(
            at: victim.appendingPathComponent("Cookies"),
            withIntermediateDirectories: true
        )
        let platform = "https://mediboard.clinique-exemple.fr"
        let combolist = [
            "\(platform)/index.php?login=jdupont:Zq8!leak-1&m=dPpatients:jdupont:Zq8!leak-1",
            "\(platform)/index.php?pwd=Zq8!leak-2&x=1:ghost2:Zq8!leak-2b",
            "\(platform)/index.php?PassWord=Zq8%21leak-3:ghost3:Zq8!leak-3b",
            "\(platform)/app#access_token=Zq8!leak-4:jdupont:Zq8!leak-4b",
            "https://amartin:Zq8!leak-5@mediboard.clinique-exemple.fr/:jdupont:Zq8!leak-5b",
            "\(platform)/index.php:Zq8!leak-6:Zq8!leak-6",
            "\(platform)/Zq8!leak-7/index.php:ghost7:Zq8!leak-7",
            "\(platform)/index.php?t=Zq8!leak-8:ghost8:Zq8!leak-8",
            "\(platform)/index.php?login=ghost9:Zq8!leak-9|ghost9|Zq8!leak-9",
            "\(platform)/index.php?q=a:ghost10:tsimon:Zq8!leak-10",
        ].joined(separator: "\n")
        try (combolist + "\n").write(to: dump.appendingPathComponent("combo.txt"), atomically: true, encoding: .utf8)
        try "\(platform)/:jdupont:Zq8!leak-11\n".write(
            to: dump.appendingPathComponent("Zq8!leak-11.txt"),
            atomically: true,
            encoding: .utf8
        )
        let member = Array("\(platform)/:ghost12:Zq8!leak-12\n".utf8)
        try Data(CLI.repeatedStoredZip("Zq8!leak-12.txt", member, copies: 1))
            .write(to: dump.appendingPathComponent("pack.zip"))
        let information = """
            IP: 203.0.113.47
            UserName: Camille
            MachineName: DESKTOP-7QK2M1L
            HWID: 77AB77AB77AB77AB
            Log date: 11/3/2024 10:22:14 AM

            """
        try information.write(
            to: victim.appendingPathComponent("UserInformation.txt"),
            atomically: true,
            encoding: .utf8
        )
        try [
            "# Netscape HTTP Cookie File",
            "#HttpOnly_mediboard.clinique-exemple.fr\tFALSE\t/\tTRUE\t0\tPHPSESSID\tZq8!leak-13cookie",
            "mediboard.clinique-exemple.fr\tFALSE\t/Zq8!leak-14\tTRUE\t0\tZq8!leak-14\tZq8!leak-14",
            "",
        ].joined(separator: "\n").write(
            to: victim.appendingPathComponent("Cookies/Chrome.txt"),
            atomically: true,
            encoding: .utf8
        )
        return dump.path
    }

    /// Every row of every table of the SQLite state, as text, read with the C API.
    static func dumpState(_ path: String) throws -> String {
        var database: OpaquePointer?
        guard sqlite3_open_v2(path, &database, SQLITE_OPEN_READONLY, nil) == SQLITE_OK else {
            throw CocoaError(.fileReadUnknown)
        }
        defer { sqlite3_close(database) }
        func rows(_ sql: String) -> [[String]] {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(database, sql, -1, &statement, nil) == SQLITE_OK else { return [] }
            defer { sqlite3_finalize(statement) }
            var result: [[String]] = []
            while sqlite3_step(statement) == SQLITE_ROW {
                result.append(
                    (0..<sqlite3_column_count(statement)).map { column in
                        sqlite3_column_text(statement, column).map { String(cString: $0) } ?? ""
                    }
                )
            }
            return result
        }
        var text = ""
        for table in rows("SELECT name FROM sqlite_master WHERE type = 'table'").map(\.[0]) {
            for row in rows("SELECT * FROM \"\(table)\"") { text += table + ": " + row.joined(separator: " ") + "\n" }
        }
        return text
    }

    static func leaks(_ text: String) -> Bool { text.lowercased().contains(mark) }

    static func leaks(_ data: Data) -> Bool { leaks(String(decoding: data, as: UTF8.self)) }

    @Test func plantedPasswordsReachNoOutput() throws {
        let fixture = try Fixture()
        let dump = try Self.plant(in: fixture)
        let state = fixture.directory.appendingPathComponent("state.db").path
        let reset = fixture.directory.appendingPathComponent("reset.csv").path
        let base = ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org]

        let jsonl = try CLI.run(base + ["--format", "jsonl", "--reset-list", reset, "--state", state])
        #expect(jsonl.status == 1, "\(jsonl.stderr)")
        // Not vacuous: the planted exposures are reported.
        let findings = jsonl.jsonLines
        #expect(findings.contains { $0["kind"] as? String == "credential" && $0["account"] as? String == "jdupont" })
        #expect(findings.contains { $0["kind"] as? String == "credential" && $0["account"] as? String == "amartin" })
        let unknown = Set(
            findings.compactMap { $0["kind"] as? String == "unknown_account" ? $0["login"] as? String : nil }
        )
        for login in ["ghost2", "ghost3", "ghost7", "ghost8", "ghost9", "ghost12", "[REDACTED]"] {
            #expect(unknown.contains(login), "\(login) in \(unknown)")
        }
        #expect(findings.count { $0["kind"] as? String == "cookie" } == 2)
        #expect(findings.contains { ($0["url"] as? String)?.contains("login=jdupont:[REDACTED]&m=dPpatients") == true })
        #expect(
            findings.contains {
                (($0["sources"] as? [[String: Any]])?.first?["path"] as? String)?.hasSuffix("/dump/[REDACTED].txt")
                    == true
            }
        )
        #expect(!Self.leaks(jsonl.stdout), "\(jsonl.stdoutText)")
        #expect(!Self.leaks(jsonl.stderr), "\(jsonl.stderr)")
        #expect(!Self.leaks(try Data(contentsOf: URL(fileURLWithPath: reset))))
        #expect(try String(contentsOfFile: reset, encoding: .utf8).contains("jdupont"))

        // The state: every row, the raw file, and what `state show` prints.
        let rows = try Self.dumpState(state)
        #expect(rows.contains("exposures: "))
        #expect(!Self.leaks(rows), "\(rows)")
        #expect(!Self.leaks(try Data(contentsOf: URL(fileURLWithPath: state))))
        let show = try CLI.run(["state", "show", state])
        #expect(show.status == 0)
        #expect(!Self.leaks(show.stdout) && !Self.leaks(show.stderr))

        for format in ["csv", "table"] {
            let outcome = try CLI.run(base + ["--format", format])
            #expect(outcome.status == 1)
            #expect(outcome.stdoutText.contains("jdupont"))
            #expect(!Self.leaks(outcome.stdout), "\(outcome.stdoutText)")
            #expect(!Self.leaks(outcome.stderr))
        }
    }

    /// With `--reveal-passwords` the planted passwords are shown — in the `password` field
    /// only, every other field staying redacted.
    @Test func revealShowsThemOnlyAsThePassword() throws {
        let fixture = try Fixture()
        let dump = try Self.plant(in: fixture)
        let outcome = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--reveal-passwords",
            "--format", "jsonl",
        ])
        #expect(outcome.status == 1)
        let passwords = Set(outcome.jsonLines.compactMap { $0["password"] as? String })
        for planted in ["Zq8!leak-1", "Zq8!leak-2b", "Zq8!leak-5", "Zq8!leak-6", "Zq8!leak-11", "Zq8!leak-12"] {
            #expect(passwords.contains(planted), "\(planted) in \(passwords)")
        }
        for var finding in outcome.jsonLines {
            finding.removeValue(forKey: "password")
            let rest = try JSONSerialization.data(withJSONObject: finding)
            #expect(!Self.leaks(rest), "\(String(decoding: rest, as: UTF8.self))")
        }
        let csv = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--reveal-passwords",
            "--format", "csv",
        ])
        #expect(csv.stdoutText.contains("Zq8!leak-1"))
    }

    /// Issue 19: a victim folder named after one account's password. Every record read in it
    /// carries the folder in its source path: the other accounts', the cookies', the system
    /// information's. The password is in no output, whether the record whose password names the
    /// folder comes first or last.
    @Test(arguments: [true, false]) func folderNamedAfterAPasswordLeaksItThroughNoOtherRecord(ownerFirst: Bool)
        throws
    {
        let fixture = try Fixture()
        let password = "Zq8Fold1xx"
        let victim = fixture.directory.appendingPathComponent("dump/\(password)")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        let platform = "https://mediboard.clinique-exemple.fr"
        func entry(_ login: String, _ secret: String) -> String {
            "URL: \(platform)/login\nUsername: \(login)\nPassword: \(secret)\n===============\n"
        }
        let owner = entry("jdupont", password)
        let others =
            entry("amartin", "Other-pass-1") + entry("ghost2", "Other-pass-2")
            + entry("anne.martin@clinique-exemple.fr", "Other-pass-3")
        try (ownerFirst ? owner + others : others + owner).write(
            to: victim.appendingPathComponent("Passwords.txt"),
            atomically: true,
            encoding: .utf8
        )
        try "mediboard.clinique-exemple.fr\tFALSE\t/\tTRUE\t0\tPHPSESSID\tsession-value-1\n".write(
            to: victim.appendingPathComponent("Cookies.txt"),
            atomically: true,
            encoding: .utf8
        )
        try "IP: 203.0.113.47\nUserName: Camille\nLog date: 11/3/2024 10:22:14 AM\n".write(
            to: victim.appendingPathComponent("UserInformation.txt"),
            atomically: true,
            encoding: .utf8
        )
        let dump = victim.deletingLastPathComponent().path
        func output(_ name: String) -> String { fixture.directory.appendingPathComponent(name).path }
        let state = output("state.db")
        let base = ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"]

        let jsonl = try CLI.run(
            base + [
                "--format", "jsonl", "--state", state, "--reset-list", output("reset.csv"), "--html", output("r.html"),
            ]
        )
        #expect(jsonl.status == 1, "\(jsonl.stderr)")
        // Not vacuous: the other records of the folder are reported, with a path.
        let paths = jsonl.jsonLines.flatMap { finding in
            ((finding["sources"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String }
        }
        #expect(jsonl.jsonLines.contains { $0["account"] as? String == "amartin" })
        #expect(jsonl.jsonLines.contains { $0["kind"] as? String == "cookie" })
        #expect(paths.count >= 4 && paths.allSatisfy { $0.contains("/dump/[REDACTED]/") }, "\(paths)")
        #expect(!Self.leaks(jsonl.stdout), "\(jsonl.stdoutText)")
        for file in ["reset.csv", "r.html", "state.db"] {
            #expect(!Self.leaks(try Data(contentsOf: URL(fileURLWithPath: output(file)))), "\(file)")
        }
        let rows = try Self.dumpState(state)
        #expect(rows.contains("exposures: ") && !Self.leaks(rows), "\(rows)")
        let show = try CLI.run(["state", "show", state])
        #expect(show.status == 0 && !Self.leaks(show.stdout), "\(show.stdoutText)")

        for format in ["csv", "table", "ecs", "cef", "html"] {
            let outcome = try CLI.run(base + ["--format", format])
            #expect(outcome.status == 1, "\(format): \(outcome.stderr)")
            #expect(outcome.stdoutText.contains("[REDACTED]"), "\(format)")
            #expect(!Self.leaks(outcome.stdout), "\(format): \(outcome.stdoutText)")
        }

        let partial = output("part.jsonl")
        let emitted = try CLI.run(base + ["--emit", "partial", "--output", partial])
        #expect(emitted.status != 2, "\(emitted.stderr)")
        let partialText = try String(contentsOfFile: partial, encoding: .utf8)
        #expect(partialText.contains("[REDACTED]") && !Self.leaks(partialText), "\(partialText)")

        // The victim folder itself named as the input: the page's run facts name it redacted.
        let named = try CLI.run(
            ["scan", victim.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "html"]
        )
        #expect(named.status == 1, "\(named.stderr)")
        #expect(named.stdoutText.contains("Inputs named") && !Self.leaks(named.stdout), "\(named.stdoutText)")
        // And the partial of that scan, whose named inputs a merge's page lists.
        let namedPartial = output("named.jsonl")
        let emittedNamed = try CLI.run(
            ["scan", victim.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"]
                + ["--emit", "partial", "--output", namedPartial]
        )
        #expect(emittedNamed.status != 2, "\(emittedNamed.stderr)")
        let namedText = try String(contentsOfFile: namedPartial, encoding: .utf8)
        #expect(namedText.contains("\"named\"") && !Self.leaks(namedText), "\(namedText)")
    }
}
