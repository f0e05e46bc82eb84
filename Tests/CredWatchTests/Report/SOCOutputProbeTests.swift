import Foundation
import Testing

@testable import CredWatch

/// What a probe of the SOC outputs found (issue 19): service-account patterns that match
/// everyone, an action that differed between formats, table columns out of line, invisible
/// characters reaching the terminal, control characters inside CSV cells, and `javascript:`
/// URLs read as hosts.
@Suite struct SOCOutputProbeTests {
    typealias F = ReportFixture

    // MARK: Service-account patterns

    @Test(arguments: ["*", "**", "?*", "*@*", "*.*", "*@*.*", "?@?", "  ", "@"])
    func patternsThatMatchEveryAccountAreRefused(pattern: String) {
        #expect(ServiceAccounts.refusal(of: pattern)?.contains("would match every account") == true)
        let text = "name = \"X\"\nservice_accounts = [\"svc-*\", \"\(pattern)\"]\n"
        let error = MatchFixture.configurationError {
            _ = try MatchFixture.withFile("org.toml", text) { try OrganisationProfile.load(path: $0) }
        }
        #expect(error?.line == 2)
        #expect(error?.message.contains("would match every account") == true, "\(String(describing: error))")
    }

    @Test(arguments: ["svc-*", "*-adm", "accueil.*@clinique-exemple.fr", "a?c", "*@clinique-exemple.fr"])
    func patternsWithALiteralAreAccepted(pattern: String) {
        #expect(ServiceAccounts.refusal(of: pattern) == nil)
    }

    /// A pattern that matches none of the export (a typo) or more than half of it is named in a
    /// warning; the accounts it matches are marked, the others are not.
    @Test func patternsMatchingNoneOrMostAreWarnedOf() throws {
        // Placed before the [[platform]] tables: a key after them would belong to the last one.
        let text = MatchFixture.profile.replacingOccurrences(
            of: "machine_name",
            with: "service_accounts = [\"svc-*\", \"*@ad.groupe-exemple.fr\", \"cn*\"]\nmachine_name"
        )
        let context = try MatchFixture.context(profile: text)
        let messages = context.warnings.map(\.message)
        #expect(messages.count == 2, "\(messages)")
        #expect(messages.contains("service_accounts pattern 'svc-*' matches no account of the export"))
        #expect(
            messages.contains { $0.hasPrefix("service_accounts pattern '*@ad.groupe-exemple.fr' matches 3 of the 4") }
        )
        let marked = context.accounts.accounts.filter(\.isServiceAccount).compactMap(\.sam)
        #expect(marked == ["jdupont", "émartin", "bleroy", "cnguyen"])
        // One account matched by one pattern of four accounts: no warning.
        let few = MatchFixture.profile.replacingOccurrences(
            of: "machine_name",
            with: "service_accounts = [\"cn*\"]\nmachine_name"
        )
        let quiet = try MatchFixture.context(profile: few)
        #expect(quiet.warnings.isEmpty)
        #expect(quiet.accounts.accounts.filter(\.isServiceAccount).compactMap(\.sam) == ["cnguyen"])
    }

    // MARK: One action in every format

    /// jdupont is a service account with a credential finding: its action is `manual-rotation`
    /// in JSONL, CSV, the table (column and `to do` line), ECS, CEF, syslog, the HTML page, and
    /// `manual` in the reset list; no format calls it a forced reset.
    @Test func serviceAccountActionIsTheSameInEveryFormat() throws {
        let findings = F.aggregate(
            [.sighting(F.credential(path: "dumps/combo.txt", line: 3))],
            serviceAccounts: ServiceAccounts(patterns: ["jdupont"])
        )
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.action == .manualRotation)
        #expect(finding.severity == .high)
        #expect(TriageRules.actionRule(of: finding) == 14)
        var options = ReportOptions()
        options.terminalWidth = 200
        func text(_ format: ReportFormat) -> String {
            ReportRenderer.render(findings, as: format, options: options).reportText
        }
        for format in ReportFormat.allCases where format != .html {
            #expect(!text(format).contains("force-reset"), "\(format)")
        }
        #expect(text(.jsonl).contains("\"action\":\"manual-rotation\""))
        #expect(text(.csv).contains(",manual-rotation,"))
        let table = text(.table)
        #expect(table.contains("  manual-rotation  jdupont"), "\(table)")
        // Only what there is to do (issue 19: the zero counts were listed, and cut at 80 columns).
        #expect(table.contains("to do: rotate 1 service account by hand\n"), "\(table)")
        let ecs = text(.ecs)
        #expect(ecs.contains("\"action\":\"manual-rotation\""))
        #expect(ecs.contains("\"rule\":{\"id\":\"credwatch-triage-14\""))
        #expect(ecs.contains("\"tags\":[\"credwatch\",\"credential\",\"high\",\"manual-rotation\"]"))
        #expect(text(.cef).contains(" act=manual-rotation "))
        let html = text(.html)
        #expect(html.contains("data-action=\"manual-rotation\""))
        // `force-reset` is only an option of the page's action filter (its value and its label).
        #expect(html.components(separatedBy: "force-reset").count - 1 == 2)
        #expect(html.contains("<option value=\"force-reset\">force-reset</option>"))
        #expect(html.contains("<tr data-action=\"manual\"><th scope=\"row\">jdupont</th>"))
        #expect(!html.contains("id=\"todo-reset\""))
        #expect(html.contains("id=\"todo-manual\""))
        let syslog = Syslog.message(finding, options: options, hostname: "h", processID: 1)
        #expect(String(decoding: syslog, as: UTF8.self).contains("action=\"manual-rotation\""))
        let reset = ReportRenderer.resetList(findings).reportText
        #expect(reset.contains(",True,high,manual,mediboard credential in 1 source"))
        // Without the pattern, the same finding is a forced reset everywhere.
        let plain = F.aggregate([.sighting(F.credential(path: "dumps/combo.txt", line: 3))])
        #expect(plain.first?.action == .forceReset)
        #expect(ReportRenderer.resetList(plain).reportText.contains(",True,high,reset,"))
    }

    /// The downgrade only replaces a forced reset: a disabled service account is reviewed, and
    /// a service account whose password changed after the theft has its sessions revoked.
    @Test func serviceAccountRuleOnlyReplacesAForcedReset() {
        var facts = TriageRules.Facts(kind: .credential, platformSeverity: .high, isServiceAccount: true)
        #expect(TriageRules.evaluate(facts).action == .manualRotation)
        facts.isAccountDisabled = true
        #expect(TriageRules.evaluate(facts).action == .review)
        facts.isAccountDisabled = false
        facts.changedAfterTheft = true
        #expect(TriageRules.evaluate(facts).action == .revokeSessions)
        #expect(
            TriageRules.evaluate(TriageRules.Facts(kind: .cookie, isServiceAccount: true)).action == .revokeSessions
        )
    }

    // MARK: Display width and visible escapes

    @Test func displayWidthCountsColumns() {
        #expect(DisplayText.width("jdupont") == 7)
        #expect(DisplayText.width("日本語") == 6)
        #expect(DisplayText.width("ｊｄｕｐｏｎｔ") == 14)
        #expect(DisplayText.width("e\u{301}te\u{301}") == 3)
        #expect(DisplayText.width("😀") == 2)
        #expect(DisplayText.width("🇫🇷") == 2)
        #expect(DisplayText.width("❤\u{FE0F}") == 2)
        #expect(DisplayText.width("한국어") == 6)
        // Cut between characters, by columns, never in the middle of one.
        #expect(DisplayText.fitted("日本語abc", width: 4) == "日…")
        #expect(DisplayText.fitted("日本語abc", width: 5) == "日本…")
        #expect(DisplayText.fitted("abc日本語", width: 5, keepingTail: true) == "…本語")
        #expect(DisplayText.fitted("e\u{301}e\u{301}e\u{301}", width: 2) == "e\u{301}…")
        #expect(DisplayText.fitted("日本語", width: 6) == "日本語")
    }

    /// Logins, URLs and paths of CJK, emoji, combining marks and fullwidth forms: every line
    /// fits the width in columns, and the columns line up.
    @Test(arguments: [60, 80, 120, 200])
    func tableColumnsLineUpWithWideCharacters(width: Int) throws {
        let findings = F.aggregate([
            .sighting(F.credential(account: nil, login: "山田太郎@病院.jp", path: "ダンプ/日本.txt", kind: .unknownAccount)),
            .sighting(
                F.credential(account: nil, login: "😀😀😀😀😀", path: "x/e\u{301}te\u{301}.txt", kind: .unknownAccount)
            ),
            .sighting(F.credential(account: nil, login: "ｆｕｌｌｗｉｄｔｈ", path: "plain/path.txt", kind: .unknownAccount)),
            .sighting(F.credential(account: nil, login: "ascii.login", path: "a.txt", kind: .unknownAccount)),
        ])
        var options = ReportOptions()
        options.terminalWidth = width
        let lines = ReportRenderer.render(findings, as: .table, options: options).reportText.split(separator: "\n")
        for line in lines { #expect(DisplayText.width(line) <= width, "\(line)") }
        // The PLATFORM column starts at the same column on every row.
        let header = try #require(lines.first)
        let column = DisplayText.width(try #require(header.range(of: "PLATFORM")).map { header[..<$0.lowerBound] }!)
        for row in lines.dropFirst().prefix(findings.count) {
            let start = try #require(row.range(of: "mediboa"), "\(row)").lowerBound
            #expect(DisplayText.width(row[..<start]) == column, "\(row)")
        }
    }

    @Test(arguments: [
        0x00AD, 0x061C, 0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2060, 0x2066, 0x2069, 0xFEFF,
        0x1B, 0x0D, 0x0A, 0x09, 0x85, 0x2028, 0xE0041,
    ])
    func invisibleAndReorderingCharactersAreUnsafe(value: UInt32) throws {
        let scalar = try #require(Unicode.Scalar(value))
        #expect(DisplayText.isUnsafe(scalar))
        let shown = DisplayText.escaped("a" + String(scalar) + "b")
        #expect(shown.unicodeScalars.allSatisfy { !DisplayText.isUnsafe($0) })
        #expect(
            shown == "a\\x\(String(format: "%02x", value))b"
                || shown == "a\\u{\(String(value, radix: 16, uppercase: true))}b"
        )
    }

    /// The table shows an invisible or reordering character as its escape, and a real `?` as a
    /// `?`: `jdu\u{200B}pont` does not look like `jdupont`.
    @Test func tableShowsInvisibleCharactersAsEscapes() {
        let login = "jdu\u{200B}pont\u{AD}?\u{202E}gpj\u{FEFF}\u{061C}\u{1B}[2J"
        let findings = F.aggregate([.sighting(F.credential(account: nil, login: login, kind: .unknownAccount))])
        var options = ReportOptions()
        options.terminalWidth = 200
        let table = ReportRenderer.render(findings, as: .table, options: options).reportText
        #expect(table.contains(#"?jdu\u{200B}pont\xad?\u{202E}gpj\u{FEFF}\u{61C}\x1b[2J"#), "\(table)")
        #expect(table.unicodeScalars.allSatisfy { $0 == "\n" || !DisplayText.isUnsafe($0) })
    }

    /// JSON escapes the same characters (a reader gets the same text back).
    @Test func jsonEscapesInvisibleCharactersAndReadsBack() throws {
        let login = "jdu\u{200B}pont\u{AD}\u{FEFF}\u{061C}\u{E0041}日本😀\u{202E}\u{1B}"
        var output: [UInt8] = []
        JSON.appendString(login, to: &output)
        let text = String(decoding: output, as: UTF8.self)
        #expect(text == #""jdu\u200bpont\u00ad\ufeff\u061c\udb40\udc41日本😀\u202e\u001b""#)
        let back = try JSONSerialization.jsonObject(with: Data(output), options: .fragmentsAllowed) as? String
        #expect(back == login)
    }

    // MARK: CSV and the reset list

    /// Hostile values keep each record on one line of printable cells: CR, LF, TAB, ESC, C1,
    /// line separators and invisible characters are escapes; formulas are still neutralised.
    @Test func csvCellsHoldNoControlCharacters() throws {
        let hostile = "=cmd|' /C calc'!A0\r\nx\tq\u{1B}[31m\u{85}\u{2028}\u{200B}\u{7F}"
        let findings = F.aggregate([
            .sighting(F.credential(account: nil, login: hostile, path: "dumps/a\nb\r.txt", kind: .unknownAccount)),
            .sighting(F.credential(account: nil, login: "\tindent", path: "b.txt", kind: .unknownAccount)),
        ])
        let csv = ReportRenderer.render(findings, as: .csv, options: ReportOptions()).reportText
        let records = csv.components(separatedBy: "\r\n").dropLast()
        #expect(records.count == 3, "\(csv)")
        for record in records {
            #expect(record.unicodeScalars.allSatisfy { !DisplayText.isUnsafe($0) }, "\(record)")
        }
        let rows = ReportFormatTests().parseCSV(csv)
        let login = try #require(rows.first?.firstIndex(of: "login"))
        #expect(
            Set(rows.dropFirst().map { $0[login] })
                == [#"'=cmd|' /C calc'!A0\x0d\x0ax\x09q\x1b[31m\x85\u{2028}\u{200B}\x7f"#, #"\x09indent"#]
        )
        let sources = try #require(rows.first?.firstIndex(of: "sources"))
        #expect(rows.dropFirst().contains { $0[sources] == #"dumps/a\x0ab\x0d.txt:1 (ulp)"# })
    }

    /// The reset list's reasons name hosts from the dump: they are escaped the same way.
    @Test func resetListRowsAreOneLineEach() {
        var reuse = F.credential(platform: nil, login: "jean.dupont@clinique-exemple.fr", kind: .reuse)
        reuse.host = "evil.example\r\n\u{1B}]0;x\u{7}\u{202E}"
        let findings = F.aggregate([.sighting(reuse)])
        var report = findings
        // A reuse is reviewed; made current it is a forced reset, and listed.
        report[0].action = .forceReset
        let list = ReportRenderer.resetList(report).reportText
        let lines = list.components(separatedBy: "\r\n").dropLast()
        #expect(lines.count == 2, "\(list)")
        #expect(
            lines.last?.hasSuffix(#"password reused on evil.example\x0d\x0a\x1b]0;x\x07\u{202E} in 1 source"#) == true
        )
        #expect(list.unicodeScalars.allSatisfy { $0 == "\r" || $0 == "\n" || !DisplayText.isUnsafe($0) })
    }

    // MARK: URLs that name no server

    @Test(arguments: [
        (
            "javascript://mediboard.clinique-exemple.fr/%0Aalert(1)",
            "javascript://mediboard.clinique-exemple.fr/%0Aalert(1)"
        ),
        ("JavaScript:alert(document.domain)", "javascript:alert(document.domain)"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data:text/html;base64,PHNjcmlwdD4="),
        ("mailto:jean.dupont@clinique-exemple.fr", "mailto:jean.dupont@clinique-exemple.fr"),
        ("about:blank", "about:blank"),
        ("blob:https://mediboard.clinique-exemple.fr/1b2c", "blob:https://mediboard.clinique-exemple.fr/1b2c"),
        ("view-source:https://mediboard.clinique-exemple.fr/", "view-source:https://mediboard.clinique-exemple.fr/"),
        ("javascript:x?password=Secret-123", "javascript:x?password=[REDACTED]"),
    ])
    func opaqueURLsHaveNoHost(url: String, normalized: String) {
        let bytes = Array(url.utf8)
        bytes.withUnsafeBytes { buffer in
            let parts = URLParts(parsing: buffer)
            #expect(parts.isOpaque)
            #expect(parts.hostBytes.isEmpty)
            #expect(parts.userinfo == nil && parts.port == nil)
            #expect(parts.normalized == normalized)
        }
    }

    @Test(arguments: [
        "https://mediboard.clinique-exemple.fr/", "mediboard.clinique-exemple.fr:8443/x", "data.clinique-exemple.fr/x",
        "javascript.example/", "about.example:443/", "android://AbC@com.example.pro/", "tel.example/x",
    ])
    func hierarchicalURLsKeepTheirHost(url: String) {
        let bytes = Array(url.utf8)
        bytes.withUnsafeBytes { buffer in
            let parts = URLParts(parsing: buffer)
            #expect(!parts.isOpaque)
            #expect(!parts.hostBytes.isEmpty)
        }
    }

    /// A `javascript:` URL naming an organisation host matches no platform: an account's login
    /// there is a low `reuse` without a host, never a credential on Mediboard.
    @Test func opaqueURLsMatchNoPlatform() throws {
        let context = try MatchFixture.context()
        var feeder = Feeder(context)
        for url in [
            "javascript://mediboard.clinique-exemple.fr/%0Aalert(1)",
            "data:mediboard.clinique-exemple.fr/mediboard/index.php",
            "mailto:x@mediboard.clinique-exemple.fr", "BLOB:https://dpi.clinique-exemple.fr/mediboard/index.php",
        ] {
            let sightings = feeder.credential(url, "jean.dupont@clinique-exemple.fr")
            #expect(sightings.count == 1, "\(url)")
            #expect(sightings.first?.kind == .reuse, "\(url)")
            #expect(sightings.first?.platform == nil, "\(url)")
            #expect(sightings.first?.host == nil, "\(url)")
            // An unknown login there is not reported at all.
            #expect(feeder.credential(url, "stranger@clinique-exemple.fr").isEmpty, "\(url)")
        }
        // The same host over https is Mediboard.
        let real = feeder.credential("https://mediboard.clinique-exemple.fr/", "jean.dupont@clinique-exemple.fr")
        #expect(real.first?.kind == .credential && real.first?.platform?.id == "mediboard")
    }
}
