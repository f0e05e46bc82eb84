import Foundation
import Testing

/// The bundled samples (what `make demo` scans) give exactly what Samples/expected-findings.json
/// plants: one finding of each kind, and no decoy.
@Suite("samples")
struct SamplesTests {
    static func scanSamples(_ extra: [String] = []) throws -> CLI.Outcome {
        try CLI.run(
            [
                "scan", "Samples/logs", "--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml", "--quiet",
                "--format", "jsonl",
            ] + extra
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
                for key in ["kind", "account", "platform", "login"] {
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

    @Test func noDecoyMatches() throws {
        let outcome = try Self.scanSamples()
        for finding in outcome.jsonLines where finding["kind"] as? String != "reuse" {
            let host = finding["host"] as? String ?? ""
            #expect(!host.contains("evil.example"))
            #expect(!host.contains("clinique-exemple-fr.example"))
        }
    }

    @Test func reportIsDeterministic() throws {
        let first = try Self.scanSamples(["--threads", "1"])
        let second = try Self.scanSamples(["--threads", "3"])
        #expect(first.stdout == second.stdout)
    }
}
