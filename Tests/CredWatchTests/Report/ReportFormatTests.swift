import Foundation
import Testing

@testable import CredWatch

@Suite struct ReportFormatTests {
    typealias F = ReportFixture

    // MARK: JSONL

    @Test func jsonEscapesQuotesBackslashesAndControlCharacters() {
        var output: [UInt8] = []
        JSON.appendString("a\"b\\c\nd\re\tf\u{8}g\u{C}h\u{0}i\u{1}j\u{1F}k é 🩺", to: &output)
        #expect(output.reportText == #""a\"b\\c\nd\re\tf\bg\fh\u0000i\u0001j\u001fk é 🩺""#)
    }

    @Test func everyLineParsesBackWithTheContractFields() throws {
        let output = ReportRenderer.render(F.aggregate(F.mixedRun), as: .jsonl, options: ReportOptions())
        let lines = output.split(separator: 0x0A, omittingEmptySubsequences: false)
        #expect(lines.last?.isEmpty == true)
        var objects: [[String: Any]] = []
        for line in lines.dropLast() {
            let object = try JSONSerialization.jsonObject(with: Data(line))
            objects.append(try #require(object as? [String: Any]))
        }
        #expect(objects.count == F.aggregate(F.mixedRun).count)
        for object in objects {
            for key in ["kind", "severity", "action", "also_matched", "sources", "count", "ambiguous", "exposure_key"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            #expect(object["password"] == nil)
            #expect(!object.values.contains { $0 is NSNull })
        }

        let lumma = try #require(
            objects.first { ($0["kind"] as? String) == "credential" && ($0["count"] as? Int) == 12 }
        )
        #expect(lumma["account"] as? String == "jdupont")
        #expect(lumma["account_disabled"] as? Bool == false)
        #expect(lumma["display_name"] as? String == "Jean Dupont")
        #expect(lumma["department"] as? String == "Cardiologie")
        #expect(lumma["platform"] as? String == "mediboard")
        #expect(lumma["platform_name"] as? String == "Mediboard")
        #expect(lumma["url"] as? String == "https://mediboard.clinique-exemple.fr/index.php")
        #expect(lumma["host"] as? String == "mediboard.clinique-exemple.fr")
        #expect(lumma["login"] as? String == "jean.dupont@clinique-exemple.fr")
        #expect((lumma["match"] as? [String: Any])?["rule"] as? String == "mail")
        #expect(lumma["password_fingerprint"] as? String == F.password("Cardio2024!").fingerprint)
        #expect(lumma["password_length"] as? Int == 11)
        #expect(lumma["severity"] as? String == "critical")
        #expect(lumma["first_log_date"] as? String == "2024-11-03T10:22:14Z")
        let sources = try #require(lumma["sources"] as? [[String: Any]])
        #expect(sources.count == 12)
        #expect(sources.first?["path"] as? String == "dumps/combo1.txt")
        #expect(sources.first?["line"] as? Int == 7)
        #expect(sources.first?["family"] as? String == "ulp")
        let machine = try #require(lumma["machine"] as? [String: Any])
        #expect(machine["hostname"] as? String == "GEX-PAR-PC0042")
        #expect(machine["org_machine"] as? Bool == true)
        #expect(machine["log_date"] as? String == "2024-11-03T10:22:14Z")

        let cookie = try #require(objects.first { ($0["kind"] as? String) == "cookie" })
        let evidence = try #require(cookie["cookie"] as? [String: Any])
        #expect(evidence["name"] as? String == "MBSESSID")
        #expect(evidence["expires"] as? Int == 1_767_225_600)
        #expect(evidence["secure"] as? Bool == true)
        #expect(cookie["account"] == nil)

        let unknown = try #require(objects.first { ($0["kind"] as? String) == "unknown_account" })
        #expect(unknown["login"] as? String == "\"Dr, House\"\n=cmd|' /C calc'!A0")
    }

    @Test func keysComeInTheDocumentedOrder() throws {
        let output = ReportRenderer.render(F.aggregate(F.mixedRun), as: .jsonl, options: ReportOptions()).reportText
        let line = try #require(output.split(separator: "\n").first)
        let order = [
            "\"kind\"", "\"severity\"", "\"action\"", "\"account\"", "\"platform\"", "\"sources\"", "\"count\"",
        ]
        let positions = order.compactMap { line.range(of: $0)?.lowerBound }
        #expect(positions.count == order.count)
        #expect(positions == positions.sorted())
    }

    /// Each source gives its line's byte offset, and says `line_ending: cr` only for a document
    /// split at CR; the CSV has them in its last column, `sources_offset`, in the order of
    /// `sources`.
    @Test func sourcesCarryTheirOffsetAndCarriageReturnLineEnds() throws {
        var mac = F.credential(path: "mac.txt", line: 3)
        mac.source.lineEnding = .cr
        let findings = F.aggregate([.sighting(F.credential(path: "combo.txt", line: 5)), .sighting(mac)])
        #expect(findings.count == 1)
        let json = ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()).reportText
        #expect(
            json.contains(
                #""sources":[{"path":"combo.txt","line":5,"offset":320,"family":"ulp"},"#
                    + #"{"path":"mac.txt","line":3,"offset":160,"line_ending":"cr","family":"ulp"}]"#
            )
        )
        let records = parseCSV(ReportRenderer.render(findings, as: .csv, options: ReportOptions()).reportText)
        let header = try #require(records.first)
        // Right after the columns that were there before it; the later additions follow it.
        let offsets = try #require(header.firstIndex(of: "sources_offset"))
        #expect(header[offsets - 1] == "exposure_key")
        #expect(Array(header[(offsets + 1)...]) == ["id", "reported_at", "input_modified", "machine_account"])
        #expect(header.filter { $0 == "sources_offset" }.count == 1)
        #expect(records.dropFirst().map { $0[offsets] } == ["320 | 160 (cr)"])
        let sources = try #require(header.firstIndex(of: "sources"))
        #expect(records[1][sources] == "combo.txt:5 (ulp) | mac.txt:3 (ulp)")
    }

    @Test func firstSeenIsWrittenOnceSet() {
        var findings = F.aggregate([.sighting(F.credential())])
        #expect(
            !ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()).reportText.contains("first_seen")
        )
        findings[0].firstSeen = "2025-01-15"
        let text = ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()).reportText
        #expect(text.contains(#""first_seen":"2025-01-15""#))
    }

    // MARK: CSV

    @Test(arguments: [
        ("plain", "plain"),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        // Controls are written as escapes since issue 19 (they were kept inside quotes): a
        // record is always one line, and a cell starting with TAB or CR is no formula.
        ("two\nlines", "two\\x0alines"),
        ("=1+2", "'=1+2"),
        ("+33 6 00 00 00 00", "'+33 6 00 00 00 00"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTAB", "\\x09TAB"),
        ("\rCR", "\\x0dCR"),
        ("-\r\n\u{200B}", "'-\\x0d\\x0a\\u{200B}"),
        ("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""),
        ("Hôpital Saint-Étienne", "Hôpital Saint-Étienne"),
        ("", ""),
    ])
    func csvCell(_ cell: String, _ expected: String) {
        var output: [UInt8] = []
        CSV.appendCell(cell, to: &output)
        #expect(output.reportText == expected)
    }

    @Test func csvRecordsHaveTheHeaderWidthAndRoundTrip() throws {
        let findings = F.aggregate(F.mixedRun)
        let records = parseCSV(ReportRenderer.render(findings, as: .csv, options: ReportOptions()).reportText)
        let header = try #require(records.first)
        #expect(header == ReportField.columnNames(revealPasswords: false))
        #expect(header.contains("machine_hostname"))
        #expect(header.contains("cookie_name"))
        #expect(!header.contains("password"))
        #expect(records.count == findings.count + 1)
        #expect(records.allSatisfy { $0.count == header.count })
        let login = try #require(header.firstIndex(of: "login"))
        #expect(records.contains { $0[login] == "\"Dr, House\"\\x0a=cmd|' /C calc'!A0" })
        let sources = try #require(header.firstIndex(of: "sources"))
        #expect(records.contains { $0[sources].hasPrefix("dumps/combo1.txt:7 (ulp) | ") })
    }

    @Test func csvNeutralisesFormulaLogins() throws {
        let findings = F.aggregate([
            .sighting(F.credential(account: nil, login: "=2+5", kind: .unknownAccount)),
            .sighting(F.credential(account: nil, login: "@cmd", path: "b.txt", kind: .unknownAccount)),
        ])
        let records = parseCSV(ReportRenderer.render(findings, as: .csv, options: ReportOptions()).reportText)
        let login = try #require(records.first?.firstIndex(of: "login"))
        #expect(Set(records.dropFirst().map { $0[login] }) == ["'=2+5", "'@cmd"])
    }

    // MARK: Table

    @Test(arguments: [40, 60, 80, 120, 200])
    func tableFitsTheWidth(_ width: Int) {
        var options = ReportOptions()
        options.terminalWidth = width
        let findings = F.aggregate(F.mixedRun)
        let text = ReportRenderer.render(findings, as: .table, options: options).reportText
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        // Header, rows, totals by severity and by action (wrapped, not cut, since issue 19), the
        // legend of the marks.
        let todo = Table.wrapped(Table.todo(findings), width: width)
        #expect(lines.count == findings.count + 3 + todo.count)
        for line in lines { #expect(line.count <= width, "\(line)") }
        #expect(lines.first?.hasPrefix("SEV") == true)
        #expect(
            lines.dropLast(1 + todo.count).last.map(String.init)
                == Table.fitted("8 findings: 2 critical, 1 high, 3 medium, 2 low", width: width)
        )
        #expect(Array(lines.dropLast().suffix(todo.count).map(String.init)) == todo)
        #expect(todo.joined().contains("review") && !todo.joined().contains("…"))
        // Words of the fixed vocabulary are never cut: full or short, whole.
        for line in lines.dropFirst().dropLast(2 + todo.count) {
            let action = line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first
            #expect(action.map { !$0.contains("…") } == true, "\(line)")
        }
    }

    /// At 80 columns the table keeps what tells rows apart: whole actions, the tail of the
    /// source path, disabled accounts marked, the reason, and a summary by action.
    @Test func tableAtEightyColumnsShowsWhatTellsRowsApart() {
        var options = ReportOptions()
        options.terminalWidth = 80
        let findings = F.aggregate(F.mixedRun + [.sighting(F.credential(account: F.disabledUser, login: "ancien"))])
        let text = ReportRenderer.render(findings, as: .table, options: options).reportText
        #expect(text.contains("reset    jdupont"))
        #expect(text.contains("  !\(F.accounts[F.disabledUser].identifier.prefix(5))"))
        #expect(text.contains("!account = disabled in the export"))
        #expect(!text.contains("Samples…") && !text.contains("logs.z…"))
        #expect(text.contains("to do: reset "))
        var wide = ReportOptions()
        wide.terminalWidth = 250
        let full = ReportRenderer.render(findings, as: .table, options: wide).reportText
        #expect(full.contains("force-reset"))
        #expect(full.contains("account disabled"))
        #expect(full.contains("infected org machine"))
    }

    @Test func todoCountsAccountsSessionsAndMachines() {
        let findings = F.aggregate(F.mixedRun)
        let todo = Table.todo(findings)
        let resetAccounts = Set(findings.filter { $0.action == .forceReset }.compactMap(\.account)).count
        #expect(todo.hasPrefix("to do: reset \(resetAccounts) account"))
        #expect(todo.contains("review \(findings.count { $0.action == .review })"))
    }

    @Test func tableHasNoEscapesWithoutColourEvenFromHostileText() {
        let findings = F.aggregate([
            .sighting(
                F.credential(account: nil, login: "evil\u{1B}[2J\u{1B}]0;pwned\u{7}\u{202E}", kind: .unknownAccount)
            )
        ])
        let plain = ReportRenderer.render(findings, as: .table, options: ReportOptions()).reportText
        #expect(!plain.contains("\u{1B}"))
        #expect(!plain.contains("\u{202E}"))
        // Visible escapes since issue 19 (each was a `?`, which a value may hold too).
        #expect(plain.contains(#"evil\x1b[2J\x1b]0;pwned\x07\u{202E}"#))

        var options = ReportOptions()
        options.useColor = true
        let coloured = ReportRenderer.render(findings, as: .table, options: options).reportText
        #expect(coloured.contains("\u{1B}[33m"))
        #expect(!coloured.contains("\u{1B}[2J"))
    }

    @Test func emptyReports() {
        #expect(ReportRenderer.render([], as: .jsonl, options: ReportOptions()).isEmpty)
        let csv = ReportRenderer.render([], as: .csv, options: ReportOptions()).reportText
        #expect(csv.split(separator: "\r\n").count == 1)
        let table = ReportRenderer.render([], as: .table, options: ReportOptions()).reportText
        #expect(
            table.hasSuffix(
                "0 findings: 0 critical, 0 high, 0 medium, 0 low\n"
                    // Only what there is to do, since issue 19 (every count, zeros too, was listed).
                    + "to do: nothing\n"
            )
        )
    }

    // MARK: Reset list

    @Test func resetListHasOneRowPerAccountWithReasons() throws {
        let victim = "logs.zip!FR[1]"
        let findings = F.aggregate([
            .machine(F.machine(folder: victim)),
            .sighting(F.credential(path: victim + "/All Passwords.txt", family: .lumma)),
            .sighting(F.credential(path: "dumps/combo.txt", line: 3)),
            .sighting(F.credential(platform: F.webmail, password: "Other1!", path: "dumps/combo.txt", line: 4)),
            // Not force-reset: a password changed since, and a disabled account.
            .sighting(F.credential(account: F.mmartin, isCurrent: false)),
            .sighting(F.credential(account: F.disabledUser, login: "ancien.interne")),
        ])
        let text = ReportRenderer.resetList(findings).reportText
        // The disabled account is listed too (its password must not come back when it is
        // re-enabled); the account whose password changed since the theft is not.
        #expect(
            text == "Identity,SamAccountName,UserPrincipalName,Mail,Enabled,Severity,Action,Reasons\r\n"
                + "jdupont,jdupont,jean.dupont@clinique-exemple.fr,jean.dupont@clinique-exemple.fr,True,critical,reset,"
                + "mediboard credential in 2 sources; webmail credential in 1 source; "
                + "infected org machine GEX-PAR-PC0042\r\n"
                + "\(F.accounts[F.disabledUser].identifier),\(F.accounts[F.disabledUser].sam ?? ""),"
                + "\(F.accounts[F.disabledUser].upn ?? ""),\(F.accounts[F.disabledUser].mail ?? ""),False,"
                + "\(findings.first { $0.directoryAccount == F.accounts[F.disabledUser] }?.severity.rawValue ?? "?"),"
                + "reset-disabled,mediboard credential in 1 source\r\n"
        )
    }

    /// The user of an infected organisation machine must change every password typed on it,
    /// even when no credential of theirs was matched.
    @Test func resetListNamesTheUserOfAnInfectedOrganisationMachine() {
        let findings = F.aggregate([.machine(F.machine(folder: "logs.zip!FR[9]"))])
        let text = ReportRenderer.resetList(findings).reportText
        #expect(
            text.hasSuffix(
                "jdupont,jdupont,jean.dupont@clinique-exemple.fr,jean.dupont@clinique-exemple.fr,True,critical,reset,"
                    + "infected org machine GEX-PAR-PC0042\r\n"
            )
        )
    }

    /// Service and shared accounts are listed for manual rotation, never for the script's reset.
    @Test func serviceAccountsAreListedForManualHandling() {
        let inputs: [F.Input] = [.sighting(F.credential(path: "dumps/combo.txt", line: 3))]
        let byMail = ReportRenderer.resetList(
            F.aggregate(inputs, serviceAccounts: ServiceAccounts(patterns: ["JEAN.*@*"]))
        )
        #expect(byMail.reportText.contains(",True,high,manual,mediboard credential in 1 source"))
        let other = ReportRenderer.resetList(F.aggregate(inputs, serviceAccounts: ServiceAccounts(patterns: ["svc-*"])))
        #expect(other.reportText.contains(",True,high,reset,mediboard credential in 1 source"))
    }

    @Test func serviceAccountPatternsMatchWholeNames() {
        let cases: [(String, String, Bool)] = [
            ("svc-*", "svc-backup", true), ("svc-*", "xsvc-backup", false), ("*-adm", "jdupont-adm", true),
            ("a?c", "abc", true), ("a?c", "ac", false), ("*a*b*c*", "xxaxxbxxcxx", true), ("*a*b*c", "abcb", false),
            ("exact", "exact", true), ("exact", "exactly", false), ("**", "", true),
        ]
        for (pattern, name, expected) in cases {
            #expect(
                ServiceAccounts.glob(Array(pattern.utf8), matches: Array(name.utf8)) == expected,
                "\(pattern) ~ \(name)"
            )
        }
        // Linear, not exponential, on a hostile pattern.
        let long = String(repeating: "a", count: 20_000)
        #expect(
            !ServiceAccounts.glob(
                Array(String(repeating: "*a", count: 50).utf8) + [UInt8(ascii: "b")],
                matches: Array(long.utf8)
            )
        )
    }

    @Test func resetListUsesTheUPNWithoutSamAccountName() {
        let accounts = [Account(upn: "=cmd@clinique-exemple.fr")]
        var aggregator = FindingAggregator(accounts: accounts)
        aggregator.add(F.credential(account: 0, isCurrent: true))
        let text = ReportRenderer.resetList(aggregator.findings()).reportText
        #expect(
            text.hasSuffix(
                "'=cmd@clinique-exemple.fr,,'=cmd@clinique-exemple.fr,,True,critical,reset,"
                    + "mediboard credential in 1 source (password still current)\r\n"
            )
        )
    }

    // MARK: No second leak

    @Test func noCleartextPasswordWithoutReveal() {
        let canary = "Zq9!Canary-Mot2Passe"
        var inputs = F.mixedRun
        inputs.append(.sighting(F.credential(password: canary, path: "canary.txt")))
        inputs.append(.sighting(F.credential(account: nil, password: canary, path: "c.txt", kind: .unknownAccount)))
        let findings = F.aggregate(inputs)
        for (name, bytes) in F.renderings(findings) {
            let text = bytes.reportText
            #expect(!text.contains(canary), "\(name) leaks the password")
            #expect(!text.contains("Cardio2024!"), "\(name) leaks the password")
        }
        let summary = RunSummary(diagnostics: Diagnostics(output: nil), findings: findings, elapsed: 1).render()
        #expect(!summary.contains(canary))
        #expect(!findings.map(\.description).joined().contains(canary))
    }

    @Test func revealWritesThePasswordEverywhere() {
        let canary = "Zq9!Canary-Mot2Passe"
        let findings = F.aggregate([.sighting(F.credential(password: canary))])
        var options = ReportOptions()
        options.revealPasswords = true
        for format in ReportFormat.allCases where format != .html {
            #expect(ReportRenderer.render(findings, as: format, options: options).reportText.contains(canary))
        }
        // The page for people never holds one, revealing or not (HTMLReportTests).
        #expect(!ReportRenderer.render(findings, as: .html, options: options).reportText.contains(canary))
        #expect(ReportField.columnNames(revealPasswords: true).contains("password"))
    }

    /// A strict RFC 4180 reader: records end with CRLF outside quotes.
    func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var cell = ""
        var inQuotes = false
        var scalars = Array(text.unicodeScalars)[...]
        while let scalar = scalars.popFirst() {
            if inQuotes {
                if scalar == "\"" {
                    if scalars.first == "\"" {
                        cell.unicodeScalars.append(scalars.removeFirst())
                    } else {
                        inQuotes = false
                    }
                } else {
                    cell.unicodeScalars.append(scalar)
                }
            } else if scalar == "\"" {
                inQuotes = true
            } else if scalar == "," {
                record.append(cell)
                cell = ""
            } else if scalar == "\r" && scalars.first == "\n" {
                scalars.removeFirst()
                record.append(cell)
                records.append(record)
                record = []
                cell = ""
            } else {
                cell.unicodeScalars.append(scalar)
            }
        }
        return records
    }
}
