import Foundation
import Testing

@testable import CredWatch

/// The HTML report's renderer: hostile values stay text, nothing can load or run but the page's
/// own style and script, no secret is written, and the numbers are the run's.
@Suite struct HTMLReportTests {
    typealias F = ReportFixture

    static let hostileLogin = "<script>window.pwned=1</script>\"><img src=x onerror=alert(1)>"
    static let hostileURL = "javascript:alert(document.domain)//\"><a href=\"https://attacker.example/\">x</a>"
    static let hostilePath = "dumps/\u{202E}txt.exe\u{1B}[31m\u{0}\u{7}<b>bold</b>&amp;\u{200B}'x'.txt"
    static let hostileName = "Zoë \u{2066}<svg onload=alert(2)>\u{2069}\r\n<!--"

    /// The mixed run, with hostile values in every field a page shows.
    static func hostileFindings() -> [Finding] {
        var findings = F.aggregate(F.mixedRun)
        for index in findings.indices {
            findings[index].login = hostileLogin
            findings[index].url = hostileURL
            findings[index].host = "\"><iframe src=//attacker.example>"
            findings[index].platform = findings[index].platform.map { _ in "<style>body{display:none}</style>" }
            findings[index].sources = findings[index].sources.map {
                Source(path: hostilePath, line: $0.line, offset: $0.offset, family: $0.family)
            }
            if var account = findings[index].directoryAccount {
                account.displayName = hostileName
                findings[index].directoryAccount = account
            }
        }
        return findings
    }

    static func render(_ findings: [Finding], options: ReportOptions = ReportOptions()) -> String {
        ReportRenderer.render(findings, as: .html, options: options).reportText
    }

    /// Every tag of `page`, and every attribute name of each (a small tokenizer: enough for the
    /// markup this renderer writes, where `<` only ever starts a tag).
    static func tags(_ page: String) -> [(name: String, attributes: [String: String])] {
        var tags: [(String, [String: String])] = []
        var rest = Substring(page)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[rest.index(after: open)...]
            if rest.hasPrefix("!DOCTYPE") {
                rest = rest[(rest.firstIndex(of: ">") ?? rest.endIndex)...]
                continue
            }
            let nameEnd = rest.firstIndex { $0 == " " || $0 == ">" || $0 == "\n" } ?? rest.endIndex
            let name = String(rest[..<nameEnd]).lowercased()
            var attributes: [String: String] = [:]
            var cursor = rest[nameEnd...]
            while let first = cursor.first, first != ">" {
                cursor = cursor.drop { $0 == " " || $0 == "\n" }
                guard let attributeEnd = cursor.firstIndex(where: { $0 == "=" || $0 == " " || $0 == ">" }) else {
                    break
                }
                let attribute = String(cursor[..<attributeEnd]).lowercased()
                cursor = cursor[attributeEnd...]
                if cursor.first == "=" {
                    cursor = cursor.dropFirst()
                    guard cursor.first == "\"" else {
                        attributes[attribute] = "UNQUOTED"
                        break
                    }
                    cursor = cursor.dropFirst()
                    let close = cursor.firstIndex(of: "\"") ?? cursor.endIndex
                    attributes[attribute] = String(cursor[..<close])
                    cursor = cursor[close...].dropFirst()
                } else if !attribute.isEmpty {
                    attributes[attribute] = ""
                }
            }
            // The style sheet and the script are not markup: skip to their end tags.
            if name == "style" || name == "script", let end = cursor.range(of: "</\(name)>") {
                cursor = cursor[end.lowerBound...]
            }
            tags.append((name, attributes))
            rest = cursor
        }
        return tags
    }

    static let allowedTags: Set<String> = [
        "html", "/html", "head", "/head", "meta", "title", "/title", "style", "/style", "body", "/body", "header",
        "/header", "h1", "/h1", "h2", "/h2", "h3", "/h3", "p", "/p", "nav", "/nav", "a", "/a", "main", "/main",
        "section", "/section", "div", "/div", "table", "/table", "caption", "/caption", "thead", "/thead", "tbody",
        "/tbody", "tr", "/tr", "th", "/th", "td", "/td", "strong", "/strong", "code", "/code", "span", "/span",
        "ol", "/ol", "li", "/li", "label", "/label", "input", "select", "/select", "option", "/option", "button",
        "/button", "figure", "/figure", "figcaption", "/figcaption", "svg", "/svg", "g", "/g", "title", "rect",
        "/rect", "text", "/text", "line", "/line", "dl", "/dl", "dt", "/dt", "dd", "/dd", "br", "script",
        "/script",
    ]

    @Test func hostileValuesStayText() {
        let page = Self.render(Self.hostileFindings())
        let tags = Self.tags(page)
        #expect(tags.count > 100)
        for tag in tags {
            #expect(Self.allowedTags.contains(tag.name), "unexpected tag <\(tag.name)>")
            for (name, value) in tag.attributes {
                #expect(!name.hasPrefix("on"), "event handler \(name) on <\(tag.name)>")
                #expect(value != "UNQUOTED", "unquoted \(name) on <\(tag.name)>")
                #expect(!["src", "style", "srcdoc", "action", "formaction", "xlink:href"].contains(name))
                if name == "href" { #expect(value.hasPrefix("#"), "a link out of the page: \(value)") }
            }
        }
        #expect(tags.filter { $0.name == "script" }.count == 1)
        #expect(tags.filter { $0.name == "style" }.count == 1)
        // The values are there, as text.
        #expect(
            page.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;")
        )
        #expect(
            page.contains("javascript:alert(document.domain)//&quot;&gt;&lt;a href=&quot;https://attacker.example/")
        )
        #expect(page.contains("&lt;style&gt;body{display:none}&lt;/style&gt;"))
        // Controls and reordering marks are shown, never applied.
        #expect(
            page.contains(
                #"dumps/\u{202E}txt.exe\x1b[31m\x00\x07&lt;b&gt;bold&lt;/b&gt;&amp;amp;\u{200B}&#39;x&#39;.txt"#
            )
        )
        #expect(page.contains(#"Zoë \u{2066}&lt;svg onload=alert(2)&gt;\u{2069}\x0d\x0a&lt;!--"#))
        for scalar in page.unicodeScalars where scalar != "\n" {
            #expect(
                !DisplayText.isUnsafe(scalar),
                "U+\(String(scalar.value, radix: 16))"
            )
        }
    }

    @Test func escapingOfEachCharacter() {
        var writer = HTMLWriter()
        writer.text("a&b<c>d\"e'f\u{1B}g\u{202E}h\u{061C}i\u{FEFF}j\u{E0041}k é 🩺")
        #expect(
            writer.bytes.reportText
                == #"a&amp;b&lt;c&gt;d&quot;e&#39;f\x1bg\u{202E}h\u{61C}i\u{FEFF}j\u{E0041}k é 🩺"#
        )
        var cut = HTMLWriter()
        cut.text(String(repeating: "<", count: 10), limit: 4)
        #expect(cut.bytes.reportText == "&lt;&lt;&lt;&lt;…")
        var plain = HTMLWriter()
        plain.text(String(repeating: "a", count: 400))
        #expect(plain.bytes.count == HTMLWriter.valueLimit + "…".utf8.count)
        var numbers = HTMLWriter()
        numbers.number(12.0)
        numbers.raw(" ")
        numbers.number(12.25)
        numbers.raw(" ")
        numbers.number(-0.5)
        numbers.raw(" ")
        numbers.number(Double.nan)
        #expect(numbers.bytes.reportText == "12 12.3 -0.5 0")
    }

    /// A password never, even when the run reveals passwords (the page is printed, mailed and
    /// kept; the CISO and the DPO never need it); a cookie's value is never held by a finding.
    @Test func noPasswordEvenWhenRevealing() {
        let canary = "Zq9!Canary-Mot2Passe"
        var inputs = F.mixedRun
        inputs.append(.sighting(F.credential(password: canary, path: "canary.txt")))
        let findings = F.aggregate(inputs)
        for reveal in [false, true] {
            var options = ReportOptions()
            options.revealPasswords = reveal
            let page = Self.render(findings, options: options)
            #expect(!page.contains(canary))
            #expect(!page.contains("Cardio2024!"))
            #expect(!page.contains("Urgences=2025"))
            #expect(!page.contains("sess-4f1c9a"))
            #expect(!page.contains(F.password(canary).fingerprint))
        }
    }

    /// The policy lists the hashes of exactly the style sheet and the script the page holds.
    @Test func policyAllowsOnlyThePagesOwnStyleAndScript() throws {
        let page = Self.render(F.aggregate(F.mixedRun))
        func between(_ open: String, _ close: String) throws -> String {
            let start = try #require(page.range(of: open))
            let end = try #require(page.range(of: close, range: start.upperBound..<page.endIndex))
            return String(page[start.upperBound..<end.lowerBound])
        }
        let script = try between("<script>", "</script>")
        let style = try between("<style>", "</style>")
        let policy = try between("<meta http-equiv=\"Content-Security-Policy\" content=\"", "\">")
            .replacingOccurrences(of: "&#39;", with: "'")
        #expect(policy.contains("default-src 'none'"))
        #expect(policy.contains("script-src '\(HTMLAssets.hash(script))'"))
        #expect(policy.contains("style-src '\(HTMLAssets.hash(style))'"))
        for directive in ["img-src 'none'", "connect-src 'none'", "base-uri 'none'", "form-action 'none'"] {
            #expect(policy.contains(directive))
        }
        #expect(!policy.contains("unsafe"))
        // The known digest of a known text, so that the hash is SHA-256 in base64.
        #expect(HTMLAssets.hash("abc") == "sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
    }

    /// WCAG AA (4.5:1) for the text on each severity badge and for the page's text colours.
    @Test func coloursKeepTheirContrast() {
        #expect(abs(HTMLAssets.contrast(0x000000, 0xFFFFFF) - 21) < 0.01)
        #expect(abs(HTMLAssets.contrast(0x777777, 0xFFFFFF) - 4.48) < 0.01)
        for severity in Severity.allCases {
            let (text, background) = HTMLAssets.colors(severity)
            #expect(HTMLAssets.contrast(text, background) >= 4.5, "\(severity)")
        }
        #expect(HTMLAssets.contrast(HTMLAssets.ink, HTMLAssets.paper) >= 4.5)
        #expect(HTMLAssets.contrast(HTMLAssets.muted, HTMLAssets.paper) >= 4.5)
        #expect(HTMLAssets.contrast(HTMLAssets.muted, 0xECEFF3) >= 4.5)
    }

    @Test func countsResetListAndRowsAreTheRunsOwn() throws {
        let findings = F.aggregate(F.mixedRun)
        let page = Self.render(findings)
        #expect(page.contains("<p id=\"total\" data-count=\"\(findings.count)\">"))
        for severity in Severity.allCases {
            let count = findings.count { $0.severity == severity }
            #expect(page.contains("<tr data-severity=\"\(severity.rawValue)\"><th scope=\"row\">"))
            #expect(
                page.contains(
                    "<span class=\"badge sev-\(severity.rawValue)\">\(severity.rawValue)</span></th><td class=\"num\">\(count)</td>"
                )
            )
        }
        #expect(page.components(separatedBy: "<tr data-severity=").count - 1 == findings.count + 4)
        // The accounts to reset are the reset list's rows, in its order.
        let csv = ReportRenderer.resetList(findings).reportText
        let identities = csv.split(separator: "\r\n").dropFirst().map { String($0.split(separator: ",")[0]) }
        #expect(!identities.isEmpty)
        let section = try #require(page.range(of: "<table id=\"reset-list\">")).upperBound
        var cursor = section
        for identity in identities {
            let row = try #require(
                page.range(of: "\"><th scope=\"row\">\(identity)</th>", range: cursor..<page.endIndex)
            )
            cursor = row.upperBound
        }
        // Service accounts are rotated by hand, as in the reset list.
        let withService = F.aggregate(F.mixedRun, serviceAccounts: ServiceAccounts(patterns: ["mmartin"]))
        #expect(
            Self.render(withService, options: ReportOptions()).contains(
                "<tr data-action=\"manual\"><th scope=\"row\">mmartin</th>"
            )
        )
        // What to do first, from the same totals as the table's last line.
        let totals = ActionTotals(findings)
        // The reset list's `reset` rows (its `reset-disabled` row was counted as a reset too until
        // issue 19: the table said one account fewer).
        let resets = csv.split(separator: "\r\n").dropFirst().filter { $0.contains(",reset,") }.count
        #expect(totals.accountsToReset == resets)
        #expect(page.contains("<li id=\"todo-reset\"><strong>Reset \(resets) accounts</strong>"))
        #expect(page.contains("<li id=\"todo-reset-disabled\"><strong>Reset the password of 1 disabled account"))
        #expect(Table.todo(findings).contains("reset \(totals.accountsToReset) account"))
        #expect(page.contains("<li id=\"todo-review\"><strong>Review \(totals.toReview) finding"))
    }

    @Test func sameFindingsGiveTheSamePage() {
        let findings = F.aggregate(F.mixedRun)
        var generator = ReportShuffleGenerator(seed: 19)
        let first = ReportRenderer.render(findings, as: .html, options: ReportOptions())
        for _ in 0..<5 {
            #expect(
                ReportRenderer.render(findings.shuffled(using: &generator), as: .html, options: ReportOptions())
                    == first
            )
        }
    }

    @Test func runFactsAreRecorded() throws {
        let diagnostics = Diagnostics(output: nil)
        diagnostics.error("dump.zip!<b>victim</b>/Passwords.txt", "encrypted member (not read)")
        let findings = F.aggregate(F.mixedRun)
        var options = ReportOptions()
        options.run = RunFacts(
            summary: RunSummary(diagnostics: diagnostics, findings: findings, elapsed: 2.5),
            inputs: ["/data/dumps/2024-11-20", "caf\\xe9/<i>combo</i>.txt"],
            organisation: "Groupe <Exemple>"
        )
        let page = Self.render(findings, options: options)
        #expect(page.contains("<title>credwatch report: Groupe &lt;Exemple&gt; (1970-01-01T00:00:00Z)</title>"))
        // The page writes values in the one notation (README, Escapes): the text `\xe9` of the
        // input's name reads `\\xe9`, not as the character it would be escaping.
        #expect(page.contains("<dd>/data/dumps/2024-11-20<br>caf\\\\xe9/&lt;i&gt;combo&lt;/i&gt;.txt</dd>"))
        #expect(page.contains("<dt>Errors</dt><dd>1</dd>"))
        #expect(page.contains("<dt>Findings</dt><dd>\(findings.count)</dd>"))
        #expect(page.contains("<dt>Elapsed</dt><dd>2.5 s</dd>"))
        #expect(page.contains("<td><code>dump.zip!&lt;b&gt;victim&lt;/b&gt;/Passwords.txt</code></td>"))
        #expect(page.contains("<p class=\"notice\" id=\"incomplete\"><strong>The run is incomplete:</strong> 1 "))
        let bare = Self.render(findings)
        #expect(bare.contains("The run's counters were not given to this rendering."))
        #expect(!bare.contains("id=\"incomplete\""))
    }

    // MARK: Charts

    @Test func weeksStartOnMonday() throws {
        func monday(_ date: Timestamp) -> String {
            CivilDate(daysSinceEpoch: HTMLReport.monday(of: date.date)).iso8601
        }
        #expect(HTMLReport.monday(of: ("1970-01-01" as Timestamp).date) == -3)
        #expect(monday("2024-11-03") == "2024-10-28")
        #expect(monday("2024-11-04") == "2024-11-04")
        #expect(monday("2024-11-10T23:59:59Z") == "2024-11-04")
        #expect(monday("1969-12-28") == "1969-12-22")
    }

    @Test func theftsWeekByWeek() {
        func machine(_ name: String, _ date: Timestamp?) -> VictimMachine {
            VictimMachine(identity: "host:" + name, hostname: name, logDate: date)
        }
        func finding(_ machines: [VictimMachine]) -> Finding {
            Finding(
                kind: .credential,
                severity: .high,
                action: .forceReset,
                sources: [],
                count: 1,
                machines: machines,
                exposureKey: "k"
            )
        }
        let findings = [
            finding([machine("A", "2024-11-03T10:22:14Z"), machine("B", "2024-11-05")]),
            // A again (one theft), C two weeks later, D without a date.
            finding([machine("A", "2024-11-03T10:22:14Z"), machine("C", "2024-11-19"), machine("D", nil)]),
        ]
        let (weeks, earlier, undated) = HTMLReport.weeklyThefts(findings)
        #expect(weeks.map(\.monday.iso8601) == ["2024-10-28", "2024-11-04", "2024-11-11", "2024-11-18"])
        #expect(weeks.map(\.thefts) == [1, 1, 0, 1])
        #expect(earlier == 0 && undated == 1)
        // Ten years apart: the last 104 weeks are drawn, the older theft is counted apart.
        let spread = HTMLReport.weeklyThefts([finding([machine("E", "2014-01-01"), machine("F", "2024-01-01")])])
        #expect(spread.weeks.count == HTMLReport.maxWeeks && spread.earlier == 1)
        #expect(spread.weeks.last?.thefts == 1)
    }

    @Test func barsByPlatformAndOrganisationMachine() {
        let findings = F.aggregate(F.mixedRun)
        let platforms = HTMLReport.platformBars(findings)
        #expect(platforms.map(\.value).reduce(0, +) == findings.count { $0.kind != .infectedMachine })
        #expect(platforms.first?.label == "mediboard")
        #expect(platforms.contains { $0.label == "other sites (reuse)" })
        let machines = HTMLReport.organisationMachineBars(findings)
        #expect(machines.map(\.label) == ["GEX-PAR-PC0042"])
        #expect(machines.first?.note == "jdupont, stolen 2024-11-03")
        // Many platforms: 14 drawn, the rest summed in one bar.
        var many: [Finding] = []
        for index in 0..<40 {
            var finding = findings[0]
            finding.kind = .credential
            finding.platform = "platform-\(index)"
            many.append(finding)
        }
        let capped = HTMLReport.platformBars(many)
        #expect(capped.count == HTMLReport.maxBars)
        #expect(capped.last?.label == "26 other platforms" && capped.last?.value == 26)
    }
}
