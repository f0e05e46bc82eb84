import Foundation
import Testing

/// The scan contract end to end, through the built executable: arguments, exit statuses,
/// JSONL fields, files written, and no cleartext password by default.
@Suite("scan contract")
struct ScanContractTests {
    /// A small organisation built in a temporary folder.
    struct Fixture {
        let directory: URL
        var accounts: String { directory.appendingPathComponent("accounts.csv").path }
        var org: String { directory.appendingPathComponent("org.toml").path }

        init() throws {
            directory = try CLI.temporaryDirectory()
            let accounts = """
                \u{FEFF}sAMAccountName,userPrincipalName,mail,Enabled,displayName\r
                jdupont,jean.dupont@clinique-exemple.fr,jean.dupont@clinique-exemple.fr,True,"Dupont, Jean"\r
                amartin,anne.martin@clinique-exemple.fr,anne.martin@clinique-exemple.fr,False,Anne Martin\r

                """
            try accounts.write(toFile: self.accounts, atomically: true, encoding: .utf8)
            let org = """
                name = "Groupe Exemple"
                email_domains = ["clinique-exemple.fr"]
                netbios_domains = ["GROUPEEXEMPLE"]
                [[platform]]
                id = "mediboard"
                name = "Mediboard"
                severity = "critical"
                match = ["mediboard.clinique-exemple.fr"]

                """
            try org.write(toFile: self.org, atomically: true, encoding: .utf8)
        }

        func file(_ name: String, _ contents: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        func file(_ name: String, data: Data) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try data.write(to: URL(fileURLWithPath: path))
            return path
        }
    }

    static let leakedPassword = "Tr0ub4dor&3:with:colons"
    static let combolist = """
        # free logs t.me/example
        https://mediboard.clinique-exemple.fr/index.php:JEAN.DUPONT@clinique-exemple.fr:\(leakedPassword)
        https://mediboard.clinique-exemple.fr.evil.example/login:jdupont:decoy-1
        https://www.example.test/login:alice@mail.example:decoy-2

        """

    @Test func helpExitsZero() throws {
        let outcome = try CLI.run(["scan", "--help"])
        #expect(outcome.status == 0)
        #expect(outcome.stdoutText.contains("--accounts"))
    }

    @Test func missingAccountsIsFatal() throws {
        let outcome = try CLI.run(["scan", "whatever.txt"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--accounts"))
    }

    @Test func unknownOptionIsFatal() throws {
        let fixture = try Fixture()
        let outcome = try CLI.run(["scan", "--accounts", fixture.accounts, "--no-such-flag"])
        #expect(outcome.status == 2)
    }

    /// An export whose rows hold no identity is a fatal error that names it; no report is written.
    @Test func exportWithoutAccountsIsFatal() throws {
        let fixture = try Fixture()
        let empty = try fixture.file("empty-export.csv", "sAMAccountName,mail\r\n,\r\n")
        let dump = try fixture.file("dump.txt", Self.combolist)
        let outcome = try CLI.run(["scan", dump, "--accounts", empty, "--org", fixture.org])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("empty-export.csv"))
        #expect(outcome.stderr.contains("no accounts found"))
        #expect(outcome.stdout.isEmpty)
    }

    @Test func unreadableAccountsIsFatalAndNamed() throws {
        let outcome = try CLI.run(["scan", "--accounts", "/nonexistent/accounts.csv"], stdin: Data())
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("/nonexistent/accounts.csv"))
    }

    @Test func badProfileIsFatalWithFileAndLine() throws {
        let fixture = try Fixture()
        let org = try fixture.file(
            "bad.toml",
            """
            name = "X"
            [[platform]]
            id = "p"
            name = "P"
            severity = "urgent"
            match = ["a.example"]

            """
        )
        let outcome = try CLI.run(["scan", "--accounts", fixture.accounts, "--org", org], stdin: Data())
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("bad.toml:5"))
    }

    @Test func findingsGiveStatusOneAndContractFields() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let outcome = try CLI.run(["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"])
        #expect(outcome.status == 1)
        let findings = outcome.jsonLines
        let credential = try #require(findings.first { $0["kind"] as? String == "credential" })
        #expect(credential["severity"] as? String == "critical")
        #expect(credential["action"] as? String == "force-reset")
        #expect(credential["account"] as? String == "jdupont")
        #expect(credential["account_disabled"] as? Bool == false)
        #expect(credential["platform"] as? String == "mediboard")
        #expect(credential["host"] as? String == "mediboard.clinique-exemple.fr")
        #expect(credential["url"] as? String == "https://mediboard.clinique-exemple.fr/index.php")
        #expect(credential["login"] as? String == "JEAN.DUPONT@clinique-exemple.fr")
        #expect((credential["password_fingerprint"] as? String)?.count == 64)
        #expect(credential["password_length"] as? Int == Self.leakedPassword.count)
        let sources = try #require(credential["sources"] as? [[String: Any]])
        #expect(sources.first?["path"] as? String == dump)
        #expect(sources.first?["line"] as? Int == 2)
        #expect(sources.first?["family"] as? String == "ulp")
        // The look-alike host is not the platform (jdupont there is only password reuse).
        for finding in findings where finding["kind"] as? String != "reuse" {
            #expect(!(finding["host"] as? String ?? "").contains("evil.example"))
        }
        // No cleartext password anywhere without --reveal-passwords.
        #expect(!outcome.stdoutText.contains(Self.leakedPassword))
        #expect(!outcome.stderr.contains(Self.leakedPassword))
    }

    @Test func revealPasswordsIsExplicit() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let outcome = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--reveal-passwords",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stdoutText.contains(Self.leakedPassword))
    }

    @Test func nothingFoundIsZero() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("clean.txt", "https://www.example.test/:bob@mail.example:nothing\n")
        let outcome = try CLI.run(["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"])
        #expect(outcome.status == 0)
        #expect(outcome.stdout.isEmpty)
    }

    @Test func incompleteInputWithoutFindingsIsThree() throws {
        let fixture = try Fixture()
        var gzip = try CLI.gzip(String(repeating: "https://www.example.test/:bob@mail.example:nothing\n", count: 2000))
        gzip = gzip.prefix(gzip.count / 2)
        let truncated = try fixture.file("cut.txt.gz", data: gzip)
        let outcome = try CLI.run(["scan", truncated, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"])
        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("cut.txt.gz"))
    }

    @Test func missingInputIsNamedAndOthersStillScanned() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let outcome = try CLI.run([
            "scan", "/nonexistent/dump.txt", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("/nonexistent/dump.txt"))
    }

    @Test func gzipOnStdin() throws {
        let fixture = try Fixture()
        let outcome = try CLI.run(
            ["scan", "-", "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"],
            stdin: try CLI.gzip(Self.combolist)
        )
        #expect(outcome.status == 1)
        #expect(outcome.jsonLines.contains { $0["account"] as? String == "jdupont" })
        let sources = outcome.jsonLines.first?["sources"] as? [[String: Any]]
        #expect(sources?.first?["path"] as? String == "-")
    }

    /// A decompression library the build does not have is named in a warning; the scan goes
    /// on with the default one.
    @Test func unknownInflateLibraryIsWarnedAbout() throws {
        let fixture = try Fixture()
        let outcome = try CLI.run(
            ["scan", "-", "--accounts", fixture.accounts, "--org", fixture.org],
            stdin: try CLI.gzip(Self.combolist),
            environment: ["CREDWATCH_INFLATE": "fastest"]
        )
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains("warning: CREDWATCH_INFLATE=fastest names no inflate library of this build (zlib")
        )
        #expect(outcome.jsonLines.contains { $0["account"] as? String == "jdupont" })
    }

    /// `CREDWATCH_INFLATE` reaches the decode stage: each library words a corrupt block its own
    /// way (zlib "invalid block type", ISA-L "invalid block header").
    @Test func inflateLibraryIsTheOneTheEnvironmentNames() throws {
        let fixture = try Fixture()
        // A gzip header, then deflate data whose first block has the reserved type.
        let damaged = Data([0x1F, 0x8B, 0x08, 0x00, 0, 0, 0, 0, 0x00, 0x03] + [UInt8](repeating: 0xFF, count: 64))
        func run(_ library: String) throws -> String {
            try CLI.run(
                ["scan", "-", "--accounts", fixture.accounts, "--org", fixture.org],
                stdin: damaged,
                environment: ["CREDWATCH_INFLATE": library]
            ).stderr
        }
        #expect(try run("zlib").contains("corrupt gzip data after 0 bytes: invalid block type"))
        let isal = try run("isal")
        if !isal.contains("names no inflate library of this build") {
            #expect(isal.contains("corrupt gzip data after 0 bytes: invalid block header"))
        }
    }

    @Test func outputFileIsOwnerOnlyAndResetListWritten() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let report = fixture.directory.appendingPathComponent("report.jsonl").path
        let reset = fixture.directory.appendingPathComponent("reset.csv").path
        let outcome = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet",
            "--output", report, "--reset-list", reset,
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stdout.isEmpty)
        for path in [report, reset] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
        let resetText = try String(contentsOfFile: reset, encoding: .utf8)
        #expect(resetText.hasPrefix("Identity,"))
        #expect(resetText.contains("jdupont"))
    }

    @Test func csvAndTableFormats() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let csv = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "csv",
        ])
        #expect(csv.status == 1)
        #expect(csv.stdoutText.hasPrefix("kind,"))
        let table = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "table",
        ])
        #expect(table.status == 1)
        #expect(table.stdoutText.contains("jdupont"))
        #expect(!table.stdoutText.contains("\u{1B}["))
    }

    @Test func sameReportWhateverTheThreadCount() throws {
        let fixture = try Fixture()
        var lines = ""
        for index in 0..<5000 {
            lines += "https://site\(index % 97).example.test/login:user\(index)@mail.example:pw\(index)\n"
            if index % 500 == 0 {
                lines += "https://mediboard.clinique-exemple.fr/:jdupont:secret\(index)\n"
                lines += "https://mediboard.clinique-exemple.fr/:ghost\(index):x\n"
            }
        }
        let dump = try fixture.file("many.txt", lines)
        let one = try CLI.run([
            "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--threads", "1",
        ])
        // The run's time (`reported_at`) fixed, as reproducible reports do.
        let fixedTime = ["SOURCE_DATE_EPOCH": "1732084200"]
        let four = try CLI.run(
            ["scan", dump, dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--threads", "4"],
            environment: fixedTime
        )
        let fourAgain = try CLI.run(
            ["scan", dump, dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--threads", "4"],
            environment: fixedTime
        )
        #expect(one.status == 1)
        #expect(four.stdout == fourAgain.stdout)
        #expect(one.jsonLines.count == four.jsonLines.count)
    }

    @Test func summaryOnStderrUnlessQuiet() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", Self.combolist)
        let loud = try CLI.run(["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org])
        #expect(loud.status == 1)
        #expect(loud.stderr.contains("findings"))
        let quiet = try CLI.run(["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"])
        #expect(!quiet.stderr.contains("findings"))
    }
}
