import Foundation
import Testing

/// The bundled samples (what `make demo` scans) give exactly what Samples/expected-findings.json
/// plants: one finding of each kind, and no decoy.
@Suite("samples")
struct SamplesTests {
    static func scanSamples(_ extra: [String] = [], environment: [String: String] = [:]) throws -> CLI.Outcome {
        try CLI.run(
            [
                "scan", "Samples/logs", "--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml", "--quiet",
                "--format", "jsonl",
            ] + extra,
            environment: environment
        )
    }

    @Test func everyPlantedExposureIsFound() throws {
        let outcome = try Self.scanSamples()
        #expect(outcome.status == 1)
        #expect(!outcome.stderr.contains("error:"), "\(outcome.stderr)")
        let findings = outcome.jsonLines
        let expectedData = try Data(contentsOf: CLI.samples.appendingPathComponent("expected-findings.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [[String: Any]])
        #expect(!expected.isEmpty)
        for planted in expected {
            let found = findings.contains { finding in
                for key in ["kind", "account", "platform", "login", "severity"] {
                    guard let want = planted[key] as? String else { continue }
                    guard let have = finding[key] as? String, have.lowercased() == want.lowercased() else {
                        return false
                    }
                }
                return true
            }
            #expect(found, "not found: \(planted)")
        }
        let kinds = Set(findings.compactMap { $0["kind"] as? String })
        #expect(kinds == ["credential", "cookie", "infected_machine", "reuse", "unknown_account"])
    }

    /// Samples/expected-decoys.json: look-alike hosts, personal PCs and look-alike cookie
    /// domains that must not become findings (a stranger's login on a host under the
    /// organisation's domain may only be an org-domain unknown account).
    @Test func noDecoyMatches() throws {
        let findings = try Self.scanSamples().jsonLines
        let decoyData = try Data(contentsOf: CLI.samples.appendingPathComponent("expected-decoys.json"))
        let decoys = try #require(try JSONSerialization.jsonObject(with: decoyData) as? [[String: Any]])
        #expect(decoys.count >= 10)
        for decoy in decoys {
            if let login = decoy["login"] as? String {
                for finding in findings where (finding["login"] as? String)?.lowercased() == login.lowercased() {
                    #expect(finding["platform"] as? String == "org-domain", "decoy matched: \(decoy) → \(finding)")
                }
            } else if let domain = decoy["cookie_domain"] as? String {
                let cookies = findings.filter { ($0["cookie"] as? [String: Any])?["domain"] as? String == domain }
                #expect(cookies.isEmpty, "decoy cookie matched: \(decoy)")
            } else if let hostname = decoy["hostname"] as? String {
                let machines = findings.filter {
                    $0["kind"] as? String == "infected_machine"
                        && ($0["machine"] as? [String: Any])?["hostname"] as? String == hostname
                }
                #expect(machines.isEmpty, "decoy machine flagged: \(decoy)")
            }
        }
        for finding in findings where finding["kind"] as? String != "reuse" {
            #expect(!(finding["host"] as? String ?? "").contains("evil.example"))
        }
    }

    /// Without --reveal-passwords no planted password appears anywhere.
    @Test func noPlantedPasswordIsPrinted() throws {
        let outcome = try Self.scanSamples()
        let expectedData = try Data(contentsOf: CLI.samples.appendingPathComponent("expected-findings.json"))
        let expected = try #require(try JSONSerialization.jsonObject(with: expectedData) as? [[String: Any]])
        let passwords = expected.compactMap { $0["password"] as? String }.filter { $0.count >= 6 }
        #expect(!passwords.isEmpty)
        for password in passwords {
            #expect(!outcome.stdoutText.contains(password))
            #expect(!outcome.stderr.contains(password))
        }
    }

    @Test func reportIsDeterministic() throws {
        // The run's time (`reported_at`) fixed, as reproducible reports do.
        let first = try Self.scanSamples(["--threads", "1"], environment: ["SOURCE_DATE_EPOCH": "1732084200"])
        let second = try Self.scanSamples(["--threads", "3"], environment: ["SOURCE_DATE_EPOCH": "1732084200"])
        #expect(first.stdout == second.stdout)
    }
}
