import Foundation
import Testing

/// What a ticket system and a reader of the JSONL need beyond the exposure: an `id` to
/// de-duplicate on, when the run reported it (`reported_at`), the input's own date when there
/// is no log date (`input_modified`), the site of a reuse and the account of a machine's user.
@Suite("report identity and dates")
struct ReportIdentityTests {
    static let fixedTime = ["SOURCE_DATE_EPOCH": "1732084200"]  // 2024-11-20T06:30:00Z

    static func scanSamples(environment: [String: String] = fixedTime) throws -> [[String: Any]] {
        let outcome = try CLI.run(
            [
                "scan", "Samples/logs", "--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml",
                "--quiet", "--format", "jsonl",
            ],
            environment: environment
        )
        #expect(outcome.status == 1, "\(outcome.stderr)")
        return outcome.jsonLines
    }

    @Test func everyFindingHasAShortStableIDThatHidesTheFingerprint() throws {
        let findings = try Self.scanSamples()
        #expect(!findings.isEmpty)
        var ids: [String: String] = [:]
        for finding in findings {
            let id = try #require(finding["id"] as? String, "\(finding)")
            #expect(id.count == 16 && id.allSatisfy(\.isHexDigit), "\(id)")
            let key = try #require(finding["exposure_key"] as? String)
            #expect(!key.contains(id))
            if let fingerprint = finding["password_fingerprint"] as? String {
                #expect(!fingerprint.contains(id) && !id.contains(fingerprint.prefix(8)))
            }
            ids[id] = key
        }
        // One id per exposure.
        #expect(ids.count == findings.count)

        // The same in another run at another time; another key gives other ids.
        let later = try Self.scanSamples(environment: ["SOURCE_DATE_EPOCH": "1800000000"])
        #expect(Set(later.compactMap { $0["id"] as? String }) == Set(ids.keys))
        let otherKey = try Self.scanSamples(environment: ["CREDWATCH_FINGERPRINT_KEY": "another-key-0123456789abcdef"])
        #expect(Set(otherKey.compactMap { $0["id"] as? String }).isDisjoint(with: ids.keys))
    }

    @Test func everyFindingSaysWhenTheRunReportedIt() throws {
        for finding in try Self.scanSamples() {
            #expect(finding["reported_at"] as? String == "2024-11-20T06:30:00Z", "\(finding)")
        }
        // Without SOURCE_DATE_EPOCH: the run's own time.
        let before = Date().addingTimeInterval(-1)
        let now = try Self.scanSamples(environment: [:])
        let stamp = try #require(now.first?["reported_at"] as? String)
        let date = try #require(ISO8601DateFormatter().date(from: stamp))
        #expect(date >= before && date <= Date())
    }

    /// A combolist has no log date: its findings carry the file's modification time, that of
    /// the archive holding it, and the earliest when several files list the exposure.
    @Test func findingsWithoutALogDateCarryTheInputsModificationTime() throws {
        let directory = try CLI.temporaryDirectory()
        let accounts = directory.appendingPathComponent("accounts.csv").path
        try "sAMAccountName,mail,Enabled\njdupont,jean.dupont@clinique-exemple.fr,True\n"
            .write(toFile: accounts, atomically: true, encoding: .utf8)
        let line = "https://mediboard.clinique-exemple.fr/:jean.dupont@clinique-exemple.fr:S3cret-2024\n"
        let older = directory.appendingPathComponent("old.txt").path
        let newer = directory.appendingPathComponent("new.txt").path
        let packed = directory.appendingPathComponent("packed.txt.gz").path
        try line.write(toFile: older, atomically: true, encoding: .utf8)
        try line.write(toFile: newer, atomically: true, encoding: .utf8)
        try CLI.gzip("https://portail.clinique-exemple.fr/:jean.dupont@clinique-exemple.fr:Other-2024\n")
            .write(to: URL(fileURLWithPath: packed))
        let dates: [(String, Double)] = [(older, 1_700_000_000), (newer, 1_710_000_000), (packed, 1_720_000_000)]
        for (path, seconds) in dates {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: seconds)],
                ofItemAtPath: path
            )
        }
        let org = directory.appendingPathComponent("org.toml").path
        try """
        name = "x"
        email_domains = ["clinique-exemple.fr"]
        [[platform]]
        id = "mediboard"
        severity = "critical"
        match = ["mediboard.clinique-exemple.fr"]
        [[platform]]
        id = "portail"
        severity = "high"
        match = ["portail.clinique-exemple.fr"]
        """.write(toFile: org, atomically: true, encoding: .utf8)
        let outcome = try CLI.run(
            ["scan", newer, older, packed, "--accounts", accounts, "--org", org, "--quiet", "--no-default-patterns"],
            environment: Self.fixedTime
        )
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let findings = outcome.jsonLines
        let mediboard = try #require(findings.first { $0["platform"] as? String == "mediboard" })
        #expect(mediboard["input_modified"] as? String == "2023-11-14T22:13:20Z", "\(mediboard)")
        #expect(mediboard["first_log_date"] == nil)
        let portail = try #require(findings.first { $0["platform"] as? String == "portail" })
        #expect(portail["input_modified"] as? String == "2024-07-03T09:46:40Z", "\(portail)")

        // A stealer log's findings have their log date instead.
        for finding in try Self.scanSamples() where finding["last_log_date"] != nil {
            #expect(finding["input_modified"] == nil, "\(finding)")
        }
    }

    @Test func reuseNamesTheSiteAndMachinesNameTheirAccount() throws {
        let findings = try Self.scanSamples()
        let reuse = findings.filter { $0["kind"] as? String == "reuse" }
        #expect(!reuse.isEmpty)
        for finding in reuse {
            #expect((finding["host"] as? String)?.isEmpty == false, "\(finding)")
        }
        // The infected organisation machine's user is an account of the export.
        let machine = try #require(findings.first { $0["kind"] as? String == "infected_machine" })
        #expect(machine["machine_account"] as? String == machine["account"] as? String)
        #expect(machine["machine_account"] != nil)
    }

    /// CSV has the same new columns, after those its readers already use.
    @Test func csvAppendsTheNewColumns() throws {
        let outcome = try CLI.run(
            [
                "scan", "Samples/logs", "--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml",
                "--quiet", "--format", "csv",
            ],
            environment: Self.fixedTime
        )
        let header = outcome.stdoutText.split(separator: "\r\n").first.map(String.init) ?? ""
        #expect(
            header.hasSuffix(",exposure_key,sources_offset,id,reported_at,input_modified,machine_account"),
            "\(header)"
        )
    }
}
