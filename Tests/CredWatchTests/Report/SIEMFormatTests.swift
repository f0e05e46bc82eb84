import Foundation
import Testing

@testable import CredWatch

/// ECS, CEF and syslog messages, built from findings in process (the CLI tests check them on
/// the samples and against a real rsyslog).
@Suite struct SIEMFormatTests {
    typealias F = ReportFixture

    static let hostile = "a|b=c\\d\ne\rf\tg\u{1B}[31mh\u{202E}txt.exe\u{7F}i\u{85}j]k\"l"

    static func options(revealing: Bool = false) -> ReportOptions {
        var options = ReportOptions()
        options.revealPasswords = revealing
        options.reportedAt = Date(timeIntervalSince1970: 1_732_084_200.5)
        options.productVersion = "9.9.9"
        return options
    }

    /// The ECS documents of `F.mixedRun`, by exposure key.
    static func ecsDocuments(revealing: Bool = false) throws -> [String: [String: Any]] {
        let output = ReportRenderer.render(F.aggregate(F.mixedRun), as: .ecs, options: options(revealing: revealing))
        var documents: [String: [String: Any]] = [:]
        for line in output.split(separator: 0x0A) {
            let document = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let vendor = try #require(document["credwatch"] as? [String: Any])
            documents[try #require(vendor["exposure_key"] as? String)] = document
        }
        return documents
    }

    static func value(_ document: [String: Any], _ path: String) -> Any? {
        var current: Any? = document
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }

    // MARK: severity

    @Test func severityScalesAreDocumentedOnes() {
        #expect(Severity.allCases.map(\.siemLevel) == [3, 5, 8, 10])
        #expect(Severity.allCases.map(\.syslogSeverity) == [5, 4, 3, 2])
    }

    @Test func theActionRuleGaveEachFindingItsAction() throws {
        for finding in F.aggregate(F.mixedRun) {
            let number = try #require(TriageRules.actionRule(of: finding))
            #expect(TriageRules.table[number - 1].action == finding.action, "\(finding)")
            #expect(TriageRules.table[number - 1].kinds.contains(finding.kind))
        }
    }

    // MARK: JSON

    @Test func jsonWritesCharactersThatDisguiseTextAsEscapes() throws {
        var output: [UInt8] = []
        JSON.appendString("a\u{202E}b\u{85}c\u{7F}d\u{2028}e\u{200F}f\u{2066}é€🩺", to: &output)
        #expect(output.reportText == #""a\u202eb\u0085c\u007fd\u2028e\u200ff\u2066é€🩺""#)
        let back = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
        #expect(back == "a\u{202E}b\u{85}c\u{7F}d\u{2028}e\u{200F}f\u{2066}é€🩺")
    }

    // MARK: ECS

    @Test func ecsDocumentsCarryTheIssuesFieldsWithECSTypes() throws {
        let documents = try Self.ecsDocuments()
        let findings = F.aggregate(F.mixedRun)
        #expect(documents.count == findings.count)
        for finding in findings {
            let document = try #require(documents[finding.exposureKey])
            #expect(document["@timestamp"] as? String == "2024-11-20T06:30:00Z")
            #expect(Self.value(document, "ecs.version") as? String == "8.11.0")
            #expect(Self.value(document, "event.kind") as? String == "alert")
            let categories = try #require(Self.value(document, "event.category") as? [String])
            #expect(!categories.isEmpty && Set(categories).isSubset(of: ["iam", "session", "host", "malware"]))
            let types = try #require(Self.value(document, "event.type") as? [String])
            #expect(!types.isEmpty && Set(types).isSubset(of: ["user", "info"]))
            #expect(Self.value(document, "event.action") as? String == finding.action.rawValue)
            #expect(Self.value(document, "event.severity") as? Int == finding.severity.siemLevel)
            #expect(Self.value(document, "event.dataset") as? String == "credwatch.finding")
            #expect(Self.value(document, "rule.name") as? String == finding.kind.rawValue)
            let rule = try #require(TriageRules.actionRule(of: finding))
            #expect(Self.value(document, "rule.id") as? String == "credwatch-triage-\(rule)")
            #expect(Self.value(document, "user.name") as? String == finding.account ?? finding.login)
            #expect(Self.value(document, "user.full_name") as? String == finding.displayName)
            #expect(Self.value(document, "url.full") as? String == finding.url)
            #expect(Self.value(document, "url.domain") as? String == finding.host)
            #expect(Self.value(document, "url.path") as? String == (finding.url == nil ? nil : "/index.php"))
            #expect(Self.value(document, "host.hostname") as? String == finding.machine?.hostname)
            #expect(Self.value(document, "host.ip") as? [String] == finding.machine.map { _ in ["192.0.2.10"] })
            #expect(
                Self.value(document, "source.geo.country_iso_code") as? String == finding.machine.map { _ in "FR" }
            )
            let related = try #require(Self.value(document, "related.user") as? [String])
            if let login = finding.login { #expect(related.contains(login)) }
            #expect(Set(related).count == related.count)
            #expect(
                Self.value(document, "tags") as? [String]
                    == ["credwatch", finding.kind.rawValue, finding.severity.rawValue, finding.action.rawValue]
            )
        }
        let jdupont = try #require(documents.values.first { Self.value($0, "user.name") as? String == "jdupont" })
        #expect(Self.value(jdupont, "user.email") as? String == "jean.dupont@clinique-exemple.fr")
    }

    /// Everything that is not an ECS field is under `credwatch`, as the JSONL writes it, and
    /// what an ECS field carries is not written twice.
    @Test func credwatchHoldsTheOtherJSONLFieldsUnchanged() throws {
        let documents = try Self.ecsDocuments()
        let jsonl = ReportRenderer.render(F.aggregate(F.mixedRun), as: .jsonl, options: Self.options())
        let carried = ["kind", "action", "account", "display_name", "url", "host"]
        for line in jsonl.split(separator: 0x0A) {
            var finding = try #require(try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any])
            let key = try #require(finding["exposure_key"] as? String)
            let document = try #require(documents[key])
            // `@timestamp` is the run's `reported_at`, not written twice.
            #expect(document["@timestamp"] as? String == finding["reported_at"] as? String)
            #expect(finding["reported_at"] != nil)
            for key in carried + ["reported_at"] { finding[key] = nil }
            let vendor = try #require(document["credwatch"] as? NSDictionary)
            #expect(vendor == finding as NSDictionary)
        }
        #expect(Set(ECSFields.all.compactMap(\.carries)) == Set(carried))
    }

    @Test func ecsRevealsThePasswordOnlyWhenAsked() throws {
        let hidden = ReportRenderer.render(F.aggregate(F.mixedRun), as: .ecs, options: Self.options())
        #expect(!hidden.reportText.contains("Cardio2024!"))
        let revealed = try Self.ecsDocuments(revealing: true)
        #expect(revealed.values.contains { Self.value($0, "credwatch.password") as? String == "Cardio2024!" })
    }

    @Test func ecsWritesOnlyAddressesAsIPAndOnlyCodesAsCountries() {
        var finding = F.aggregate(F.mixedRun).first { $0.machine != nil }!
        finding.machines[0].ip = "not an address"
        finding.machines[0].country = "France"
        #expect(SIEMValues.machineIP(of: finding) == nil)
        #expect(SIEMValues.countryCode(of: finding) == nil)
        finding.machines[0].ip = "2001:db8::7"
        finding.machines[0].country = "fr"
        #expect(SIEMValues.machineIP(of: finding) == "2001:db8::7")
        #expect(SIEMValues.countryCode(of: finding) == "FR")
    }

    @Test func userDomainComesFromADownLevelLoginOrTheUPN() {
        var finding = F.aggregate(F.mixedRun).first { $0.account == "jdupont" }!
        finding.login = "CLINIQUE\\jdupont"
        #expect(SIEMValues.userDomain(of: finding) == "CLINIQUE")
        finding.login = "jdupont"
        finding.directoryAccount?.upn = "jdupont@ad.clinique-exemple.fr"
        #expect(SIEMValues.userDomain(of: finding) == "ad.clinique-exemple.fr")
    }

    // MARK: CEF

    @Test func cefHeaderEscapesPipesAndBackslashes() {
        var output: [UInt8] = []
        CEF.appendHeaderField("a|b\\c=d", to: &output)
        #expect(output.reportText == #"a\|b\\c=d"#)
    }

    @Test func cefExtensionEscapesEqualsBackslashesAndLineBreaksAndShowsTheRest() {
        var output: [UInt8] = []
        CEF.appendExtensionValue(Self.hostile, to: &output)
        #expect(
            output.reportText
                == #"a|b\=c\\d\ne\rf\\x09g\\x1b[31mh\\u{202E}txt.exe\\x7fi\\x85j]k"l"#
        )
        #expect(!output.contains(0x0A) && !output.contains(0x0D) && !output.contains(0x1B))
    }

    /// ` key=value`, the value escaped as CEF does (the escaping itself is tested above).
    static func pair(_ key: String, _ value: String?) -> String? {
        guard let value else { return nil }
        var output: [UInt8] = []
        CEF.appendExtensionValue(value, to: &output)
        return " \(key)=" + output.reportText
    }

    @Test func cefEventsCarryTheStandardKeysAndLabels() throws {
        let findings = F.aggregate(F.mixedRun).sorted(by: Finding.reportOrder)
        let output = ReportRenderer.render(findings, as: .cef, options: Self.options()).reportText
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == findings.count + 1 && lines.last == "")
        for (finding, line) in zip(findings, lines) {
            let header = "CEF:0|credwatch|credwatch|9.9.9|\(finding.kind.rawValue)|\(CEFFields.name(finding.kind))|"
            #expect(line.hasPrefix(header + "\(finding.severity.siemLevel)|rt=1732084200500 act="))
            let expected = [
                Self.pair("act", finding.action.rawValue), Self.pair("cat", finding.kind.rawValue),
                Self.pair("duser", finding.account ?? finding.login), Self.pair("suser", finding.machine?.user),
                Self.pair("shost", finding.machine?.hostname), Self.pair("src", finding.machine?.ip),
                Self.pair("dhost", finding.host), Self.pair("request", finding.url),
                Self.pair("cnt", String(finding.count)), Self.pair("msg", finding.description),
                finding.platform.flatMap { _ in Self.pair("cs1Label", "platform") }, Self.pair("cs1", finding.platform),
                Self.pair("cs2", finding.login),
                Self.pair("cs4Label", "exposureKey"), Self.pair("cs4", finding.exposureKey),
                Self.pair("cs5", finding.sources.first.map { "\($0.path):\($0.line)" }),
            ].compactMap { $0 }
            for pair in expected { #expect(line.contains(pair), "\(pair) not in \(line)") }
            #expect(!line.contains("flexString1"))
        }
        #expect(!output.contains("Cardio2024!"))
        let revealed = ReportRenderer.render(findings, as: .cef, options: Self.options(revealing: true)).reportText
        #expect(revealed.contains(" flexString1Label=password flexString1=Cardio2024!"))
    }
}

/// The README's table of ECS fields is the list kept in the repository: it names exactly the
/// fields the ECS documents have.
@Suite struct ECSFieldListTests {
    @Test func theReadmeListsExactlyTheECSFieldsWritten() throws {
        let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let header = try #require(lines.firstIndex { $0.hasPrefix("| ECS field | type | value |") })
        var listed: [String] = []
        for line in lines[(header + 2)...] {
            guard line.hasPrefix("| `") else { break }
            let name = line.dropFirst(3).prefix { $0 != "`" }
            listed.append(String(name))
        }
        #expect(listed == ["@timestamp"] + ECSFields.all.map(\.name) + ["credwatch.*"])
    }
}
