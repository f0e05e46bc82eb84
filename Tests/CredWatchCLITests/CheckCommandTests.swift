import Foundation
import Testing

/// `credwatch check` loads what `scan` loads, with the same messages, scans nothing, and says
/// what it understood; `credwatch --version` names the libraries in use.
@Suite("check and version")
struct CheckCommandTests {
    static let samples = ["--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml"]

    @Test func describesTheSamplesConfiguration() throws {
        let outcome = try CLI.run(["check"] + Self.samples)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = outcome.stdoutText
        let lines = text.split(separator: "\n").map(String.init)
        func line(_ label: String) -> String? {
            lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label + " ") }
        }
        #expect(line("accounts")?.contains("in Samples/accounts.csv (CSV export)") == true, "\(text)")
        #expect(line("identities")?.contains("sam ") == true)
        // agirard is disabled in the sample export.
        #expect(line("disabled")?.contains("agirard") == true, "\(text)")
        #expect(line("organisation")?.contains("Groupe Exemple (Samples/org.toml)") == true)
        // Given domains and derived ones, each with where it comes from.
        #expect(line("clinique-exemple.fr")?.contains("email_domains") == true, "\(text)")
        #expect(line("clinique-exemple.fr")?.contains("UPN suffix") == true, "\(text)")
        #expect(line("ad.groupe-exemple.fr")?.contains("ad_domains") == true, "\(text)")
        #expect(line("machine names")?.contains("GEX-") == true)
        // Platforms by the file that defines them, with their severities.
        #expect(line("Samples/org.toml")?.contains("critical 1, high 2") == true, "\(text)")
        let health = try #require(lines.first { $0.contains("/Patterns/health.toml") }, "\(text)")
        #expect(health.contains("critical"))
        #expect(line("regexes")?.contains("compiled") == true)
        #expect(line("identity providers")?.contains("entra") == true, "\(text)")
        #expect(line("identity providers")?.contains("identity_providers not set: all count as used") == true)
        #expect(line("service accounts")?.contains("none declared") == true)
        #expect(line("fingerprint key")?.contains("CREDWATCH_FINGERPRINT_KEY") == true)
        #expect(line("hash exports")?.contains("none") == true)
        #expect(lines.last == "usable")
        // Nothing was scanned: no report, no progress.
        #expect(!text.contains("\"kind\""))
    }

    @Test func leavesOutTheShippedPacksWhenTold() throws {
        let outcome = try CLI.run(["check", "--no-default-patterns"] + Self.samples)
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(!outcome.stdoutText.contains("Patterns/"))
        #expect(outcome.stdoutText.contains("  identity providers  none"), "\(outcome.stdoutText)")
    }

    @Test func namesServiceAccountsAndIdentityProvidersInUse() throws {
        let directory = try CLI.temporaryDirectory()
        let org = directory.appendingPathComponent("org.toml").path
        try """
        name = "Groupe Exemple"
        email_domains = ["clinique-exemple.fr"]
        service_accounts = ["svc-*"]
        identity_providers = ["okta"]
        """.write(toFile: org, atomically: true, encoding: .utf8)
        let accounts = directory.appendingPathComponent("accounts.csv").path
        try "sAMAccountName,mail,Enabled\nsvc-backup,,True\njdupont,jean.dupont@clinique-exemple.fr,False\n"
            .write(toFile: accounts, atomically: true, encoding: .utf8)
        let outcome = try CLI.run(["check", "--accounts", accounts, "--org", org])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        let text = outcome.stdoutText
        #expect(text.contains("svc-*: 1 in the export (svc-backup)"), "\(text)")
        #expect(
            text.contains("used: okta; not used (a credential there is high, not critical): adfs, auth0"),
            "\(text)"
        )
        #expect(text.contains(", entra, "), "\(text)")
        #expect(text.contains("disabled") && text.contains("1: jdupont"), "\(text)")
        // No email_domains derivation: the profile names them.
        #expect(!text.contains("derived from the accounts' mail"))
    }

    /// Warnings do not make a configuration unusable; check counts them and scan gives the same.
    @Test func warningsAreShownAndCounted() throws {
        let directory = try CLI.temporaryDirectory()
        let accounts = directory.appendingPathComponent("accounts.csv").path
        try "sAMAccountName,mail,Enabled\njdupont,jean.dupont@clinique-exemple.fr,maybe\n,,True\n"
            .write(toFile: accounts, atomically: true, encoding: .utf8)
        let check = try CLI.run(["check", "--accounts", accounts])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdoutText.hasSuffix("usable, with 2 warning(s) (above, on stderr)\n"), "\(check.stdoutText)")
        let warnings = check.stderr.split(separator: "\n").filter { $0.contains("warning: \(accounts)") }
        #expect(warnings.count == 2, "\(check.stderr)")
        let scan = try CLI.run(["scan", "--accounts", accounts], stdin: Data())
        for warning in warnings { #expect(scan.stderr.contains(warning)) }
    }

    /// A configuration scan refuses is refused by check with the very same message.
    @Test(
        arguments: [
            ["--accounts", "Samples/no-such-export.csv"],
            ["--accounts", "Samples/accounts.csv", "--patterns", "Samples/no-such-pack.toml"],
            ["--accounts", "Samples/accounts.csv", "--org", "BAD_ORG"],
        ]
    )
    func refusesWhatScanRefusesWithTheSameMessage(_ configuration: [String]) throws {
        let directory = try CLI.temporaryDirectory()
        let badOrg = directory.appendingPathComponent("org.toml").path
        try "name = \"x\"\nmachine_name = '(unclosed'\n".write(toFile: badOrg, atomically: true, encoding: .utf8)
        let arguments = configuration.map { $0 == "BAD_ORG" ? badOrg : $0 }
        let check = try CLI.run(["check"] + arguments)
        let scan = try CLI.run(["scan", "Samples/logs", "--quiet"] + arguments)
        #expect(check.status == 2)
        #expect(scan.status == 2)
        #expect(!check.stderr.isEmpty)
        #expect(check.stderr == scan.stderr)
        #expect(check.stdoutText.isEmpty)
    }

    @Test func checksHashExportsAndTheirPermissions() throws {
        let directory = try CLI.temporaryDirectory()
        let export = directory.appendingPathComponent("ntds.txt").path
        try "GROUPEEXEMPLE\\jdupont:1104:aad3b435b51404eeaad3b435b51404ee:8846f7eaee8fb117ad06bdd830b7586c:::\n"
            .write(toFile: export, atomically: true, encoding: .utf8)
        chmod(export, 0o644)
        let open = try CLI.run(["check"] + Self.samples + ["--hashes", export])
        #expect(open.status == 2)
        #expect(open.stderr.contains("readable by group or others (mode 0644)"), "\(open.stderr)")
        let allowed = try CLI.run(["check"] + Self.samples + ["--hashes", export, "--allow-insecure-hashes"])
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdoutText.contains("hash exports        1 hashes"), "\(allowed.stdoutText)")
        #expect(allowed.stdoutText.contains("\(export)  readable, mode 0644"), "\(allowed.stdoutText)")
        chmod(export, 0o600)
        let closed = try CLI.run(["check"] + Self.samples + ["--hashes", export])
        #expect(closed.status == 0, "\(closed.stderr)")
        #expect(closed.stdoutText.contains("readable, mode 0600"))
    }

    @Test func reportsAFingerprintKeyFileAndItsMode() throws {
        let directory = try CLI.temporaryDirectory()
        let key = directory.appendingPathComponent("key").path
        try Data((0..<32).map { UInt8($0) }).write(to: URL(fileURLWithPath: key))
        chmod(key, 0o600)
        let outcome = try CLI.run(["check"] + Self.samples + ["--fingerprint-key-file", key])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdoutText.contains("\(key) (mode 0600)"))
        let short = directory.appendingPathComponent("short").path
        try "too short".write(toFile: short, atomically: true, encoding: .utf8)
        chmod(short, 0o600)
        let refused = try CLI.run(["check"] + Self.samples + ["--fingerprint-key-file", short])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("at least 16 bytes"))
        // A key others may read is unusable, as a hash export is (issue 19: it was a warning).
        chmod(key, 0o644)
        let open = try CLI.run(["check"] + Self.samples + ["--fingerprint-key-file", key])
        #expect(open.status == 2, "\(open.stdoutText)")
        #expect(
            open.stderr.contains("\(key): the fingerprint key is readable by group or others (mode 0644)"),
            "\(open.stderr)"
        )
        #expect(open.stderr.contains("run `chmod 600 \(key)`"))
    }

    @Test func withoutAKeyItSaysFingerprintsWillNotCompare() throws {
        let outcome = try CLI.run(
            ["check"] + Self.samples,
            environment: ["CREDWATCH_FINGERPRINT_KEY": ""]
        )
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdoutText.contains("none: a random key per run"))
    }

    @Test func versionNamesTheLibrariesInUse() throws {
        let outcome = try CLI.run(["--version"])
        #expect(outcome.status == 0)
        let lines = outcome.stdoutText.split(separator: "\n").map(String.init)
        #expect(lines.first == "credwatch 0.1.0")
        for library in ["PCRE2", "zlib", "ISA-L", "SQLite", "OpenSSL"] {
            let line = try #require(lines.first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(library + " ") })
            // A version number, as the library reports it at run time (ISA-L: what it was built with).
            #expect(line.contains { $0.isNumber } || line.contains("not built in"), "\(line)")
        }
    }

    /// CEF's Device Version is the same version string.
    @Test func cefCarriesTheSameVersion() throws {
        let version = try CLI.run(["--version"]).stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        let cef = try CLI.run(["scan", "Samples/logs", "--quiet", "--format", "cef"] + Self.samples)
        let header = cef.stdoutText.split(separator: "\n").first.map(String.init) ?? ""
        #expect(header.hasPrefix("CEF:0|credwatch|credwatch|\(version.dropFirst("credwatch ".count))|"), "\(header)")
    }
}
