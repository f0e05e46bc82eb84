import Foundation
import Testing

/// Configuration mistakes that used to shrink a run silently, through the executable (issue 15):
/// each is fatal (exit 2, naming the file and line) or a warning, and the summary says what was
/// loaded.
@Suite("loud configuration")
struct LoudConfigurationTests {
    typealias Fixture = ScanContractTests.Fixture

    static let org = profile()

    /// The profile, with `extra` lines from line 4 on (before the platform tables).
    static func profile(_ extra: String = "") -> String {
        """
        name = "Groupe Exemple"
        email_domains = ["clinique-exemple.fr"]
        netbios_domains = ["GROUPEEXEMPLE"]
        \(extra)
        [[platform]]
        id = "mediboard"
        name = "Mediboard"
        severity = "critical"
        match = ["mediboard.clinique-exemple.fr"]

        """
    }

    /// Five credentials of five accounts on Mediboard: all `force-reset` when the export is read.
    static let fiveCredentials = (1...5).map {
        "https://mediboard.clinique-exemple.fr/:user\($0)@clinique-exemple.fr:Secret-\($0)!\n"
    }.joined()

    static func export(strayQuoteAt row: Int? = nil) -> String {
        "sAMAccountName,mail,displayName,department\n"
            + (1...5).map { number in
                let name = number == row ? "\"Toto Garnier" : "User \(number)"
                return "user\(number),user\(number)@clinique-exemple.fr,\(name),Bloc\n"
            }.joined()
    }

    func scan(_ fixture: Fixture, accounts: String, org: String = Self.org, _ extra: [String] = []) throws
        -> CLI.Outcome
    {
        let accountsPath = try fixture.file("export.csv", accounts)
        let orgPath = try fixture.file("profile.toml", org)
        let dump = try fixture.file("dump.txt", Self.fiveCredentials)
        return try CLI.run(["scan", dump, "--accounts", accountsPath, "--org", orgPath] + extra)
    }

    /// The issue's export: a display name `"Toto Garnier` swallowed every row after it, and
    /// five `force-reset` credentials became `unknown_account`. Now nothing is scanned.
    @Test func strayQuoteInTheExportIsFatalNamingItsLine() throws {
        let fixture = try Fixture()
        let outcome = try scan(fixture, accounts: Self.export(strayQuoteAt: 2))
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("export.csv:3: a quoted field opens here"))
        #expect(outcome.stderr.contains("never closed"))
        #expect(outcome.stdout.isEmpty)

        let fixed = try scan(fixture, accounts: Self.export(), ["--format", "jsonl"])
        #expect(fixed.status == 1)
        #expect(fixed.jsonLines.map { $0["kind"] as? String } == Array(repeating: "credential", count: 5))
        #expect(fixed.jsonLines.allSatisfy { $0["action"] as? String == "force-reset" })
    }

    /// `Export-Csv` without `-NoTypeInformation`: the `#TYPE` line used to make the export a
    /// plain list, and every finding an `unknown_account`.
    @Test func powerShellExportWithATypeLineIsReadAsCSV() throws {
        let fixture = try Fixture()
        let export = """
            #TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r
            "SamAccountName","UserPrincipalName","EmailAddress","Enabled","PasswordLastSet"\r
            \((1...5).map { "\"user\($0)\",\"user\($0)@ad.clinique-exemple.fr\",\"user\($0)@clinique-exemple.fr\",\"\($0 == 5 ? "False" : "True")\",\"2\($0)/10/2024 08:00:00\"\r\n" }.joined())
            """
        let outcome = try scan(fixture, accounts: export)
        #expect(outcome.status == 1)
        let kinds = outcome.jsonLines.map { $0["kind"] as? String }
        #expect(kinds == Array(repeating: "credential", count: 5))
        #expect(Set(outcome.jsonLines.compactMap { $0["account"] as? String }) == Set((1...5).map { "user\($0)" }))
        #expect(!outcome.stderr.contains("warning:"))
        #expect(
            outcome.stderr.contains(
                "credwatch: accounts 5 from a CSV export (disabled 1); identities: sam 5, upn 5, mail 5, alias 0\n"
            )
        )
    }

    @Test func csvLookingFileReadAsAPlainListIsAWarning() throws {
        let fixture = try Fixture()
        let outcome = try scan(fixture, accounts: "Identifiant|Courriel\nuser1|user1@clinique-exemple.fr\n")
        #expect(outcome.stderr.contains("warning: "))
        #expect(outcome.stderr.contains("export.csv:1: read as a plain list of logins"))
        #expect(outcome.stderr.contains("accounts 2 from a plain list of logins (disabled 0)"))
    }

    /// An administrator account with its owner's mail: the leaked mail is reported against
    /// both accounts, and the export's sharing is named at start-up.
    @Test func mailSharedByTwoAccountsIsAWarningAndReportedAgainstBoth() throws {
        let fixture = try Fixture()
        let export = Self.export() + "adm-user1,user1@clinique-exemple.fr,Admin User 1,DSI\n"
        let outcome = try scan(fixture, accounts: export)
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains(
                "warning: " + fixture.directory.appendingPathComponent("export.csv").path
                    + ": 1 identity belongs to more than one account; a login that is one of them is reported "
                    + "against every account that owns it: 'user1@clinique-exemple.fr' is the mail of user1 (line 2) "
                    + "and the mail of adm-user1 (line 7)"
            )
        )
        let accounts = outcome.jsonLines.filter { $0["login"] as? String == "user1@clinique-exemple.fr" }
            .compactMap { $0["account"] as? String }
        #expect(accounts.sorted() == ["adm-user1", "user1"])
        #expect(outcome.stderr.contains("1 shared by several accounts"))
    }

    @Test func machineNameMatchingTheEmptyStringIsFatal() throws {
        let fixture = try Fixture()
        for pattern in ["''", "'.*'"] {
            let outcome = try scan(fixture, accounts: Self.export(), org: Self.profile("machine_name = \(pattern)"))
            #expect(outcome.status == 2)
            #expect(outcome.stderr.contains("profile.toml:4: machine_name"))
            #expect(outcome.stderr.contains("matches the empty string"))
            #expect(outcome.stdout.isEmpty)
        }
    }

    /// One victim whose log is dated 3 November 2024, and an export whose PasswordLastSet is
    /// `08/11/2024 10:00:00`: 8 November (after the theft) in fr-FR, 11 August in en-US.
    @Test(arguments: [("dmy", true, "revoke-sessions"), ("mdy", false, "force-reset")])
    func passwordLastSetInThePowerShellCultureOfTheProfile(order: String, changed: Bool, action: String) throws {
        let fixture = try Fixture()
        let victim = fixture.directory.appendingPathComponent("victim")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try "Build ID: test\nMachineName: DESKTOP-1\nUserName: Camille\nLog date: 2024-11-03T10:22:14Z\n"
            .write(to: victim.appendingPathComponent("UserInformation.txt"), atomically: true, encoding: .utf8)
        try "URL: https://mediboard.clinique-exemple.fr/\nUsername: agarnier\nPassword: Garnier77bloc\n\n"
            .write(to: victim.appendingPathComponent("Passwords.txt"), atomically: true, encoding: .utf8)
        let accounts = try fixture.file("export.csv", "sAMAccountName,PasswordLastSet\nagarnier,08/11/2024 10:00:00\n")
        let org = try fixture.file("profile.toml", Self.profile("date_order = \"\(order)\""))
        let outcome = try CLI.run(["scan", victim.path, "--accounts", accounts, "--org", org])
        #expect(outcome.status == 1)
        let credential = try #require(outcome.jsonLines.first { $0["kind"] as? String == "credential" })
        #expect(credential["changed_after_theft"] as? Bool == changed)
        #expect(credential["action"] as? String == action)
        #expect(!outcome.stderr.contains("warning:"))

        // Without date_order the value reads both ways: unknown, and said.
        let unordered = try CLI.run([
            "scan", victim.path, "--accounts", accounts, "--org", try fixture.file("o.toml", Self.org),
        ])
        let unknown = try #require(unordered.jsonLines.first { $0["kind"] as? String == "credential" })
        #expect(unknown["changed_after_theft"] == nil)
        #expect(
            unordered.stderr.contains(
                "export.csv:2: column 2 (PasswordLastSet): '08/11/2024 10:00:00' reads as day/month"
            )
        )
    }

    @Test func unparseablePasswordDateIsAWarningNamingLineAndColumn() throws {
        let fixture = try Fixture()
        let export =
            "sAMAccountName,mail,pwdLastSet\nuser1,user1@clinique-exemple.fr,133750000000000000\n"
            + "user2,user2@clinique-exemple.fr,garbage\nuser3,user3@clinique-exemple.fr,yesterday\n"
        let outcome = try scan(fixture, accounts: export)
        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains(
                "export.csv:3: column 3 (pwdLastSet): 'garbage' (and 1 more value below) is not a date"
            )
        )
        #expect(outcome.stderr.components(separatedBy: "is not a date").count == 2)
        #expect(outcome.stderr.contains("errors 0, warnings 1,"))
    }
}
