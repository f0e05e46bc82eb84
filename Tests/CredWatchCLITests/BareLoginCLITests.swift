import Foundation
import Testing

/// Issue 15 §3 through the executable: strangers whose forum user names equal the export's
/// sAMAccountNames are no `reuse` by default; `--reuse-bare-logins` brings them back.
@Suite("bare logins")
struct BareLoginCLITests {
    typealias Fixture = ScanContractTests.Fixture

    static let strangers = 3000

    /// An export of `strangers` accounts (`u0001`… as sAMAccountNames, mails at the
    /// organisation's domain), a combolist where each sAMAccountName is a stranger's login on a
    /// forum, and where one account in twenty is reused on a forum under its mail.
    static func write(_ fixture: Fixture) throws -> (accounts: String, dump: String, reusedMails: Set<String>) {
        var accounts = "sAMAccountName,userPrincipalName,mail,Enabled\r\n"
        var lines = ""
        var reused: Set<String> = []
        for number in 1...strangers {
            let sam = "agent\(number)"
            let mail = "prenom.nom\(number)@clinique-exemple.fr"
            accounts += "\(sam),\(sam)@clinique-exemple.fr,\(mail),True\r\n"
            lines += "https://forum\(number % 61).example.test/login.php:\(sam):forum-\(number)\n"
            if number % 20 == 0 {
                lines += "https://shop\(number % 7).example.test/account:\(mail):shop-\(number)\n"
                reused.insert(mail)
            }
        }
        lines += "https://mediboard.clinique-exemple.fr/index.php:agent7:medi-7\n"
        return (try fixture.file("export.csv", accounts), try fixture.file("combo.txt", lines), reused)
    }

    @Test func strangersAreNoReuseUnlessAskedFor() throws {
        let fixture = try Fixture()
        let (accounts, dump, reusedMails) = try Self.write(fixture)
        let base = ["scan", dump, "--accounts", accounts, "--org", fixture.org, "--quiet", "--format", "jsonl"]

        let outcome = try CLI.run(base)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let findings = outcome.jsonLines
        let reuse = findings.filter { $0["kind"] as? String == "reuse" }
        #expect(!reuse.contains { ($0["match"] as? [String: Any])?["rule"] as? String == "sam" })
        #expect(Set(reuse.compactMap { $0["login"] as? String }) == reusedMails)
        #expect(reuse.count == reusedMails.count)
        // The bare login on the organisation's platform is still its credential.
        let credential = try #require(findings.first { $0["kind"] as? String == "credential" })
        #expect(credential["account"] as? String == "agent7")
        #expect(credential["platform"] as? String == "mediboard")
        #expect(findings.count == reusedMails.count + 1)

        let all = try CLI.run(base + ["--reuse-bare-logins"])
        #expect(all.status == 1, "\(all.stderr)")
        let allReuse = all.jsonLines.filter { $0["kind"] as? String == "reuse" }
        #expect(allReuse.count == Self.strangers + reusedMails.count)
        #expect(
            allReuse.filter { ($0["match"] as? [String: Any])?["rule"] as? String == "sam" }.count == Self.strangers
        )
    }

    @Test func reuseBareLoginsContradictsNoReuse() throws {
        let fixture = try Fixture()
        let outcome = try CLI.run(
            ["scan", "--accounts", fixture.accounts, "--org", fixture.org, "--no-reuse", "--reuse-bare-logins"],
            stdin: Data()
        )
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--reuse-bare-logins and --no-reuse"))
    }
}
