import CredWatch
import Foundation
import Testing

/// Scheduled runs through the executable: state between runs, key checks, hash exports.
@Suite("scheduled runs")
struct ScheduledRunTests {
    typealias Fixture = ScanContractTests.Fixture

    func scan(_ fixture: Fixture, _ extra: [String], environment: [String: String] = [:]) throws -> CLI.Outcome {
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        return try CLI.run(
            ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"] + extra,
            environment: environment
        )
    }

    @Test func secondRunReportsNothingNew() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let first = try scan(fixture, ["--state", state, "--new-only"])
        #expect(first.status == 1)
        #expect(!first.jsonLines.isEmpty)
        #expect(first.jsonLines.allSatisfy { $0["first_seen"] is String })
        let attributes = try FileManager.default.attributesOfItem(atPath: state)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)

        let second = try scan(fixture, ["--state", state, "--new-only"])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.isEmpty)

        // Without --new-only the known findings come back, with the first run's date.
        let third = try scan(fixture, ["--state", state])
        #expect(third.status == 1)
        let firstDates = Set(first.jsonLines.compactMap { $0["first_seen"] as? String })
        #expect(Set(third.jsonLines.compactMap { $0["first_seen"] as? String }) == firstDates)

        let show = try CLI.run(["state", "show", state])
        #expect(show.status == 0)
        #expect(!show.stdoutText.isEmpty)
        // The state never holds the cleartext password.
        let bytes = try Data(contentsOf: URL(fileURLWithPath: state))
        #expect(bytes.range(of: Data(ScanContractTests.leakedPassword.utf8)) == nil)
    }

    @Test func inputsAlreadyScannedAreSkipped() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let arguments = [
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state,
            "--skip-seen-inputs", "--new-only",
        ]
        #expect(try CLI.run(arguments).status == 1)
        let second = try CLI.run(arguments)
        #expect(second.status == 0)
        #expect(second.stderr.contains("skipped (already scanned)"))
        // A changed input is read again, and only its new exposure is reported.
        try (ScanContractTests.combolist + "https://mediboard.clinique-exemple.fr/:amartin:fresh-one\n")
            .write(toFile: dump, atomically: true, encoding: .utf8)
        let third = try CLI.run(arguments)
        #expect(third.status == 1)
        #expect(third.jsonLines.count == 1)
        #expect(third.jsonLines.first?["account"] as? String == "amartin")
    }

    @Test func stateRefusesAnotherKey() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        #expect(try scan(fixture, ["--state", state]).status == 1)
        let other = try scan(
            fixture,
            ["--state", state],
            environment: ["CREDWATCH_FINGERPRINT_KEY": "another-key-0123456789"]
        )
        #expect(other.status == 2)
        #expect(other.stderr.contains("key"))
    }

    /// Without a key, `--state` fails before a random key is drawn and announced (issue 15).
    @Test func stateNeedsAStableKey() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let outcome = try scan(fixture, ["--state", state], environment: ["CREDWATCH_FINGERPRINT_KEY": ""])
        #expect(outcome.status == 2)
        #expect(!FileManager.default.fileExists(atPath: state))
        #expect(outcome.stderr.contains("--state needs a stable fingerprint key"))
        #expect(!outcome.stderr.contains("random key"))
        #expect(!outcome.stderr.contains("warning"))
    }

    /// `state show` lists the exposures by account, platform and kind, and counts accounts,
    /// not logins or cookies.
    @Test func stateShowListsExposuresByAccountPlatformAndKind() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let dump = try fixture.file(
            "dump.txt",
            ScanContractTests.combolist + "https://mediboard.clinique-exemple.fr/:interne.urgences:x-1\n"
        )
        let run = try CLI.run(
            ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state]
        )
        #expect(run.status == 1)
        let show = try CLI.run(["state", "show", state])
        #expect(show.status == 0)
        let lines = show.stdoutText.split(separator: "\n").map {
            $0.split(separator: " ").prefix(4).joined(separator: " ")
        }
        // The combolist's bare `jdupont` on a forum is no reuse (a stranger's username, by default).
        #expect(show.stdoutText.hasPrefix("state \(state): 2 findings for 1 account, 0 inputs"))
        #expect(
            Array(lines.dropFirst()) == [
                "ACCOUNT PLATFORM KIND EXPOSURES",
                "interne.urgences mediboard unknown_account 1",
                "jdupont mediboard credential 1",
            ]
        )
    }

    /// `state forget --account` takes what its help says (the sAMAccountName, UPN or mail),
    /// says when nothing matched (exit 1), and refuses an empty name (exit 2).
    @Test func stateForgetTakesAnyIdentityAndSaysWhenNothingMatched() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        #expect(try scan(fixture, ["--state", state]).status == 1)

        for empty in ["", "  "] {
            let refused = try CLI.run(["state", "forget", state, "--account", empty])
            #expect(refused.status == 2)
            #expect(refused.stderr.contains("--account needs a name"))
        }
        let nobody = try CLI.run(["state", "forget", state, "--account", "nobody@clinique-exemple.fr"])
        #expect(nobody.status == 1)
        #expect(nobody.stderr.contains("nothing in \(state) matches the account 'nobody@clinique-exemple.fr'"))

        let byMail = try CLI.run(["state", "forget", state, "--account", "Jean.Dupont@clinique-exemple.fr"])
        #expect(byMail.status == 0, "\(byMail.stderr)")
        #expect(byMail.stdoutText == "forgot 1 entry of Jean.Dupont@clinique-exemple.fr\n")
        #expect(try CLI.run(["state", "forget", state, "--account", "jdupont"]).status == 1)
        #expect(
            try CLI.run(["state", "show", state]).stdoutText.hasPrefix("state \(state): 0 findings for 0 accounts")
        )
    }

    @Test func newOnlyNeedsState() throws {
        let fixture = try Fixture()
        #expect(try scan(fixture, ["--new-only"]).status == 2)
    }

    /// An NT hash export holding jdupont's leaked password: the finding becomes current.
    @Test func currentPasswordIsCriticalForceReset() throws {
        let fixture = try Fixture()
        let hash = Array(ScanContractTests.leakedPassword.utf8).withUnsafeBytes { NTHash.hash(password: $0) }
        let line = "GROUPEEXEMPLE\\jdupont:1104:aad3b435b51404eeaad3b435b51404ee:\(Hex.encode(hash)):::\n"
        let export = try fixture.file("ntds.txt", line)
        chmod(export, 0o600)
        let outcome = try scan(fixture, ["--hashes", export])
        #expect(outcome.status == 1)
        let credential = try #require(outcome.jsonLines.first { $0["kind"] as? String == "credential" })
        #expect(credential["password_current"] as? Bool == true)
        #expect(credential["severity"] as? String == "critical")
        #expect(credential["action"] as? String == "force-reset")
        #expect(!outcome.stdoutText.contains(Hex.encode(hash)))
    }

    /// Issue 15 §4 as a new user tried it: a Mediboard row whose hash is SHA-256 of the salt's
    /// hex and `Hôpital19!` in UTF-8, and the password found written in Windows-1252 (as many
    /// stealer files and combolists are), or in UTF-8: current both times.
    @Test func windows1252PasswordAgainstAUTF8MediboardHashIsCurrent() throws {
        let fixture = try Fixture()
        let salt = "3f1c9b0e2a7d4c5b8e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
        let hash = "6533d6f388cdbaa8b5b299d3fea8e54200fb4588f9f4e2c4bee9735c3a80a59e"  // openssl dgst -sha256
        let export = try fixture.file(
            "users.csv",
            "user_id;user_username;user_password;user_salt\n1;jdupont;\(hash);\(salt)\n"
        )
        chmod(export, 0o600)
        let url = Array("https://mediboard.clinique-exemple.fr/index.php:jdupont:".utf8)
        for (name, password) in [
            ("cp1252.txt", [0x48, 0xF4] + Array("pital19!".utf8)), ("utf8.txt", Array("Hôpital19!".utf8)),
        ] {
            let dump = try fixture.file(name, data: Data(url + password + [0x0A]))
            let outcome = try CLI.run([
                "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--hashes", export,
            ])
            #expect(outcome.status == 1, "\(outcome.stderr)")
            let credential = try #require(outcome.jsonLines.first { $0["kind"] as? String == "credential" })
            #expect(credential["password_current"] as? Bool == true, "\(name)")
            #expect(credential["action"] as? String == "force-reset", "\(name)")
            #expect(credential["severity"] as? String == "critical", "\(name)")
            #expect(!outcome.stdoutText.contains("pital19"))
        }
    }

    @Test func worldReadableHashExportIsRefused() throws {
        let fixture = try Fixture()
        let export = try fixture.file("ntds.txt", "jdupont:31d6cfe0d16ae931b73c59d7e0c089c0\n")
        chmod(export, 0o644)
        let refused = try scan(fixture, ["--hashes", export])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("ntds.txt"))
        let allowed = try scan(fixture, ["--hashes", export, "--allow-insecure-hashes"])
        #expect(allowed.status == 1)
    }
}
