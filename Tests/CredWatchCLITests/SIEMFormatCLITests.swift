import CredWatch
import Foundation
import Testing

/// `--format ecs` and `--format cef` through the built executable, field by field against the
/// JSONL of the same samples, and with hostile values.
@Suite("SIEM formats")
struct SIEMFormatCLITests {
    /// The JSONL findings of the samples, by exposure key.
    static func samplesJSONL(_ extra: [String] = []) throws -> [String: [String: Any]] {
        var findings: [String: [String: Any]] = [:]
        for finding in try SamplesTests.scanSamples(extra).jsonLines {
            findings[try #require(finding["exposure_key"] as? String)] = finding
        }
        return findings
    }

    static func scanSamples(as format: String, _ extra: [String] = []) throws -> CLI.Outcome {
        let outcome = try SamplesTests.scanSamples(["--format", format] + extra)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        return outcome
    }

    static func plantedPasswords() throws -> [String] {
        let data = try Data(contentsOf: CLI.samples.appendingPathComponent("expected-findings.json"))
        let planted = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        return planted.compactMap { $0["password"] as? String }.filter { $0.count >= 6 }
    }

    @Test func ecsCarriesEveryFindingOfTheSamplesFieldByField() throws {
        let before = Date(timeIntervalSinceNow: -1)
        let outcome = try Self.scanSamples(as: "ecs")
        let after = Date(timeIntervalSinceNow: 1)
        let jsonl = try Self.samplesJSONL()
        let documents = outcome.jsonLines
        #expect(documents.count == jsonl.count && documents.count >= 20)
        #expect(outcome.stdoutText.split(separator: "\n").count == documents.count)
        let severities = ["low": 3, "medium": 5, "high": 8, "critical": 10]
        for document in documents {
            func at(_ path: String) -> Any? { SIEMReading.value(document, path) }
            let vendor = try #require(document["credwatch"] as? [String: Any])
            let key = try #require(vendor["exposure_key"] as? String)
            let finding = try #require(jsonl[key])
            let machine = finding["machine"] as? [String: Any]
            let timestamp = try #require(document["@timestamp"] as? String)
            let date = try #require(ISO8601DateFormatter().date(from: timestamp))
            #expect(date >= before.addingTimeInterval(-1) && date <= after)
            #expect(at("ecs.version") as? String == "8.11.0")
            #expect(at("event.kind") as? String == "alert")
            #expect(at("event.action") as? String == finding["action"] as? String)
            #expect(at("event.severity") as? Int == severities[finding["severity"] as? String ?? ""])
            #expect(at("event.dataset") as? String == "credwatch.finding")
            #expect((at("rule.id") as? String)?.hasPrefix("credwatch-triage-") == true)
            #expect(at("rule.name") as? String == finding["kind"] as? String)
            #expect(at("user.name") as? String == (finding["account"] ?? finding["login"]) as? String)
            #expect(at("user.full_name") as? String == finding["display_name"] as? String)
            #expect(at("url.full") as? String == finding["url"] as? String)
            #expect(at("url.domain") as? String == finding["host"] as? String)
            if let url = finding["url"] as? String, let path = at("url.path") as? String {
                #expect(path.hasPrefix("/") && url.contains(path))
            }
            #expect(at("host.hostname") as? String == machine?["hostname"] as? String)
            #expect(at("host.ip") as? [String] == (machine?["ip"] as? String).map { [$0] })
            #expect(at("source.geo.country_iso_code") as? String == machine?["country"] as? String)
            let users = at("related.user") as? [String] ?? []
            for key in ["account", "login"] {
                if let name = finding[key] as? String { #expect(users.contains(name)) }
            }
            if let host = finding["host"] as? String {
                #expect((at("related.hosts") as? [String])?.contains(host) == true)
            }
            #expect(
                at("tags") as? [String]
                    == ["credwatch", finding["kind"], finding["severity"], finding["action"]].compactMap {
                        $0 as? String
                    }
            )
            // Everything else as the JSONL has it, nothing written twice (`@timestamp` is the
            // run's `reported_at`).
            var rest = finding
            for key in ["kind", "action", "account", "display_name", "url", "host", "reported_at"] { rest[key] = nil }
            #expect(vendor as NSDictionary == rest as NSDictionary)
        }
        let kinds = Set(documents.compactMap { SIEMReading.value($0, "rule.name") as? String })
        #expect(kinds == ["credential", "cookie", "infected_machine", "reuse", "unknown_account"])
        // The samples' accounts have mail addresses; their victim machines say where they were.
        #expect(documents.contains { SIEMReading.value($0, "user.email") as? String != nil })
        #expect(documents.contains { SIEMReading.value($0, "source.geo.country_iso_code") as? String == "FR" })
    }

    @Test func cefCarriesEveryFindingOfTheSamplesFieldByField() throws {
        let outcome = try Self.scanSamples(as: "cef")
        let jsonl = try Self.samplesJSONL()
        let lines = outcome.stdoutText.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.last == "" && lines.count == jsonl.count + 1)
        let severities = ["low": "3", "medium": "5", "high": "8", "critical": "10"]
        for line in lines.dropLast() {
            let event = try #require(SIEMReading.parseCEF(String(line)), "\(line)")
            let pairs = event.pairs
            let key = try #require(pairs["cs4"])
            let finding = try #require(jsonl[key])
            let machine = finding["machine"] as? [String: Any]
            #expect(event.header[0] == "credwatch" && event.header[1] == "credwatch" && event.header[2] == "0.1.0")
            #expect(event.header[3] == finding["kind"] as? String)
            #expect(!event.header[4].isEmpty)
            #expect(event.header[5] == severities[finding["severity"] as? String ?? ""])
            #expect(Int64(pairs["rt"] ?? "") != nil)
            #expect(pairs["act"] == finding["action"] as? String)
            #expect(pairs["cat"] == finding["kind"] as? String)
            #expect(pairs["duser"] == (finding["account"] ?? finding["login"]) as? String)
            #expect(pairs["suser"] == machine?["user"] as? String)
            #expect(pairs["shost"] == machine?["hostname"] as? String)
            #expect(pairs["src"] == machine?["ip"] as? String)
            #expect(pairs["dhost"] == finding["host"] as? String)
            #expect(pairs["request"] == finding["url"] as? String)
            #expect(pairs["cnt"] == (finding["count"] as? Int).map(String.init))
            #expect(pairs["cs1"] == finding["platform"] as? String)
            #expect(pairs["cs2"] == finding["login"] as? String)
            let cookie = finding["cookie"] as? [String: Any]
            #expect(pairs["cs3"] == (finding["password_fingerprint"] ?? cookie?["value_fingerprint"]) as? String)
            let source = try #require((finding["sources"] as? [[String: Any]])?.first)
            #expect(pairs["cs5"] == "\(source["path"] as? String ?? ""):\(source["line"] as? Int ?? 0)")
            #expect(pairs["cs6"] == finding["last_log_date"] as? String)
            #expect(pairs["msg"]?.isEmpty == false)
            let labels = [
                "cs1": "platform", "cs2": "login", "cs3": "fingerprint", "cs4": "exposureKey", "cs5": "firstSource",
                "cs6": "lastLogDate",
            ]
            for (key, label) in labels { #expect(pairs[key + "Label"] == (pairs[key] == nil ? nil : label)) }
            #expect(pairs["flexString1"] == nil)
        }
    }

    @Test func passwordsAppearOnlyWithRevealPasswordsAsInJSONL() throws {
        let planted = try Self.plantedPasswords()
        #expect(!planted.isEmpty)
        for format in ["ecs", "cef"] {
            let hidden = try Self.scanSamples(as: format).stdoutText
            for password in planted { #expect(!hidden.contains(password), "\(format)") }
            let revealed = try Self.scanSamples(as: format, ["--reveal-passwords"]).stdoutText
            #expect(planted.contains { revealed.contains($0) }, "\(format)")
        }
        let revealed = try Self.scanSamples(as: "ecs", ["--reveal-passwords"]).jsonLines
        #expect(revealed.contains { SIEMReading.value($0, "credwatch.password") is String })
        let cef = try Self.scanSamples(as: "cef", ["--reveal-passwords"]).stdoutText
        #expect(
            cef.split(separator: "\n").contains {
                SIEMReading.parseCEF(String($0))?.pairs["flexString1Label"] == "password"
            }
        )
    }

    /// Logins, URLs and file names holding `|`, `=`, `\`, `"`, `]`, a line break, an escape
    /// sequence and a right-to-left override: each finding stays one line, nothing raw that
    /// could forge or disguise an event gets through, and parsing gives the values back.
    @Test func hostileValuesAreEscapedAndComeBackIntact() throws {
        let fixture = try ScanContractTests.Fixture()
        // What the combolist parser keeps: `|`, `=` and `"` end a login, `|` a URL; the file
        // name carries them.
        let hostile = "ev\\il]x\u{1B}[31m\u{202E}gpj.exe\u{7F}z"
        let lines = [
            "https://mediboard.clinique-exemple.fr/a=b\\c\u{202E}/x.php:\(hostile)@clinique-exemple.fr:Pw-hostile-1!",
            "https://mediboard.clinique-exemple.fr/login:jean.dupont@clinique-exemple.fr:Pw-hostile-2!",
        ]
        let dump = try fixture.file("dump|=\\\"]\n\u{202E}txt.exe", lines.joined(separator: "\n") + "\n")
        func scan(_ format: String) throws -> CLI.Outcome {
            try CLI.run([
                "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", format,
            ])
        }
        let jsonl = try scan("jsonl")
        #expect(jsonl.status == 1, "\(jsonl.stderr)")
        let findings = jsonl.jsonLines
        #expect(findings.count == 2)
        let unknown = try #require(findings.first { ($0["login"] as? String)?.hasPrefix("ev\\il]") == true })
        #expect(unknown["login"] as? String == hostile + "@clinique-exemple.fr")

        let forbidden: [[UInt8]] = [[0x1B], [0x7F], Array("\u{202E}".utf8)]
        func containsRaw(_ data: Data) -> Bool {
            let bytes = [UInt8](data)
            return forbidden.contains { needle in
                bytes.indices.contains { bytes[$0...].starts(with: needle) }
            }
        }

        let ecs = try scan("ecs")
        #expect(ecs.stdoutText.split(separator: "\n").count == findings.count)
        #expect(!containsRaw(ecs.stdout))
        for (document, finding) in zip(ecs.jsonLines, findings) {
            #expect(SIEMReading.value(document, "credwatch.login") as? String == finding["login"] as? String)
            #expect(SIEMReading.value(document, "url.full") as? String == finding["url"] as? String)
            let sources = SIEMReading.value(document, "credwatch.sources") as? [[String: Any]]
            #expect(sources?.first?["path"] as? String == dump)
        }

        let cef = try scan("cef")
        let cefLines = cef.stdoutText.split(separator: "\n")
        #expect(cefLines.count == findings.count)
        #expect(!containsRaw(cef.stdout))
        for (line, finding) in zip(cefLines, findings) {
            let pairs = try #require(SIEMReading.parseCEF(String(line))).pairs
            #expect(pairs["cs2"] == SIEMReading.shown(finding["login"] as? String ?? "", keepingLineBreaks: true))
            #expect(pairs["request"] == SIEMReading.shown(finding["url"] as? String ?? "", keepingLineBreaks: true))
            #expect(
                pairs["cs5"] == SIEMReading.shown(dump, keepingLineBreaks: true)
                    + ":\(finding["kind"] as? String == "unknown_account" ? 1 : 2)"
            )
            #expect(
                pairs.keys.allSatisfy {
                    $0.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                }
            )
        }
    }
}
