import Foundation
import Testing

@testable import CredWatch

/// The second round of the SOC-output probe (issue 19): the HTML page's "what to do first"
/// counted a disabled account's `reset-disabled` row as a full reset while the table said
/// `reset 0 accounts`, and the escapes could not tell a login holding the text `\u{200B}` from
/// one holding a zero-width space.
@Suite struct SOCOutputProbe19Tests {
    typealias F = ReportFixture

    // MARK: One count of what to do

    /// A disabled account with a credential and a service account, both on an infected
    /// organisation machine: the reset list says `reset-disabled` and `manual`, and the table's
    /// `to do` line and the HTML page say the same, with no full reset.
    @Test func disabledAndServiceAccountsCountAlikeInTheTableAndThePage() throws {
        let findings = F.aggregate(
            [
                .sighting(
                    F.credential(
                        account: F.disabledUser,
                        platform: F.intranet,
                        login: "ancien.interne@clinique-exemple.fr",
                        path: "v1/Passwords.txt",
                        line: 2
                    )
                ),
                .sighting(
                    F.credential(
                        account: F.mmartin,
                        login: "marie.martin@clinique-exemple.fr",
                        path: "v1/Passwords.txt",
                        line: 8
                    )
                ),
                .machine(F.machine(folder: "v1", user: "mmartin", account: F.mmartin)),
            ],
            serviceAccounts: ServiceAccounts(patterns: ["mmartin"])
        )
        let entries = ReportRenderer.resetEntries(findings)
        #expect(
            entries.map(\.action) == [.resetDisabled, .manual] || entries.map(\.action) == [.manual, .resetDisabled]
        )
        let totals = ActionTotals(findings)
        #expect(totals.accountsToReset == 0)
        #expect(totals.disabledAccountsToReset == 1)
        #expect(totals.accountsToRotateManually == 1)
        let todo = Table.todo(findings)
        #expect(todo.hasPrefix("to do: reset 1 disabled account, rotate 1 service account by hand"), "\(todo)")
        #expect(!todo.contains("reset 0") && !todo.contains("reset 1 account"))
        let page = ReportRenderer.render(findings, as: .html, options: ReportOptions()).reportText
        #expect(!page.contains("id=\"todo-reset\""))
        #expect(
            page.contains("<li id=\"todo-reset-disabled\"><strong>Reset the password of 1 disabled account</strong>")
        )
        #expect(page.contains("<li id=\"todo-manual\"><strong>Rotate 1 service or shared account</strong>"))
        #expect(Self.pageCounts(page) == Self.tableCounts(todo))
    }

    /// On the varied run too, the page's counts are the table's, item by item.
    @Test func theVariedRunCountsAlikeInTheTableAndThePage() {
        for serviceAccounts in [ServiceAccounts.none, ServiceAccounts(patterns: ["mmartin"])] {
            let findings = F.aggregate(F.mixedRun, serviceAccounts: serviceAccounts)
            let page = ReportRenderer.render(findings, as: .html, options: ReportOptions()).reportText
            let todo = Table.todo(findings)
            #expect(Self.pageCounts(page) == Self.tableCounts(todo), "\(todo)")
            #expect(!Self.tableCounts(todo).isEmpty)
        }
    }

    /// The `to do` line lists only what there is to do, and wraps instead of being cut.
    @Test func theTodoLineWrapsAtCommas() {
        let todo = "to do: reset 12 accounts, reset 3 disabled accounts, rotate 2 service accounts by hand, review 9"
        let lines = Table.wrapped(todo, width: 44)
        #expect(lines.count == 4)
        #expect(lines.allSatisfy { $0.count <= 44 }, "\(lines)")
        #expect(lines.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ") == todo)
        #expect(!lines.joined().contains("…"))
        #expect(Table.wrapped("to do: review 1", width: 80) == ["to do: review 1"])
        #expect(Table.todo([]) == "to do: nothing")
    }

    /// Each count of the page's "what to do first" by its item id.
    static func pageCounts(_ page: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for id in ["todo-reset", "todo-reset-disabled", "todo-manual", "todo-reimage", "todo-review"] {
            guard let start = page.range(of: "<li id=\"\(id)\">") else { continue }
            let rest = page[start.upperBound...].prefix(200)
            let digits = rest.drop { !$0.isNumber }.prefix { $0.isNumber || $0 == "\u{202F}" || $0 == "," }
            counts[id] = Int(digits.filter(\.isNumber))
        }
        return counts
    }

    /// The same counts from the table's `to do` line.
    static func tableCounts(_ todo: String) -> [String: Int] {
        var counts: [String: Int] = [:]
        for item in todo.dropFirst("to do: ".count).split(separator: ", ") {
            let words = item.split(separator: " ")
            guard words.count >= 2, let number = Int(words[1]) else { continue }
            switch (words[0], words.count > 2 ? words[2] : "") {
            case ("reset", "disabled"): counts["todo-reset-disabled"] = number
            case ("reset", _): counts["todo-reset"] = number
            case ("rotate", _): counts["todo-manual"] = number
            case ("reimage", _): counts["todo-reimage"] = number
            case ("review", _): counts["todo-review"] = number
            default: break
            }
        }
        return counts
    }

    // MARK: Unambiguous escapes

    /// Reads the notation back (what a reader of the table does): `\\` a backslash, `\xNN` and
    /// `\u{N}` a character, any other backslash itself.
    static func unescaped(_ text: String) -> String? {
        let scalars = Array(text.unicodeScalars)
        var result = String.UnicodeScalarView()
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if scalar == "\\", next == "\\" {
                result.append("\\")
                index += 2
            } else if scalar == "\\", next == "x", index + 3 < scalars.count {
                guard
                    let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 2)...(index + 3)])), radix: 16)
                else { return nil }
                result.append(Unicode.Scalar(value)!)
                index += 4
            } else if scalar == "\\", next == "u", index + 2 < scalars.count, scalars[index + 2] == "{",
                let close = scalars[(index + 3)...].firstIndex(of: "}")
            {
                guard let value = UInt32(String(String.UnicodeScalarView(scalars[(index + 3)..<close])), radix: 16),
                    let decoded = Unicode.Scalar(value)
                else { return nil }
                result.append(decoded)
                index = close + 1
            } else {
                result.append(scalar)
                index += 1
            }
        }
        return String(result)
    }

    @Test(arguments: [
        #"jdu\u{200B}pont"#, "jdu\u{200B}pont", #"C:\Users\jdupont"#, #"\\server\share"#, #"a\"#, "\\\u{1B}",
        "\u{1B}[31m", #"\x1b[31m"#, #"\xff"#, #"\u"#, #"\u{"#, "\\\\\u{202E}", #"\\x"#, "\\\n", "plain",
    ])
    func escapesReadBackToTheValue(value: String) {
        let shown = DisplayText.escaped(value)
        #expect(Self.unescaped(shown) == value, "\(shown)")
        #expect(!shown.unicodeScalars.contains(where: DisplayText.isUnsafe))
    }

    @Test func escapesReadBackOnRandomText() {
        var generator = ReportShuffleGenerator(seed: 19)
        let alphabet: [Unicode.Scalar] = [
            "\\", "x", "u", "{", "}", "1", "b", "\u{1B}", "\u{200B}", "\u{202E}", "\n", "é",
        ]
        for _ in 0..<2000 {
            let length = Int.random(in: 0...8, using: &generator)
            let value = String(
                String.UnicodeScalarView((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            )
            #expect(Self.unescaped(DisplayText.escaped(value)) == value, "\(value.unicodeScalars.map(\.value))")
        }
    }

    /// Windows paths and other backslashes that start no escape stay as they are.
    @Test func backslashesThatStartNoEscapeStay() {
        #expect(DisplayText.escaped(#"C:\Users\jdupont\AppData"#) == #"C:\Users\jdupont\AppData"#)
        #expect(DisplayText.escaped(#"jdu\u{200B}pont"#) == #"jdu\\u{200B}pont"#)
        #expect(DisplayText.escaped("jdu\u{200B}pont") == #"jdu\u{200B}pont"#)
        #expect(DisplayText.escaped(#"C:\xampp"#) == #"C:\\xampp"#)
    }

    /// Messages quote names already in the notation (`DisplayText.path`): their backslashes are
    /// kept, the characters that would drive a terminal still escaped.
    @Test func messagesKeepTheNotationOfTheNamesTheyQuote() {
        let diagnostics = Diagnostics(output: nil)
        let name = DisplayText.path(Array("caf".utf8) + [0xE9] + Array("\u{1B}.txt".utf8))
        diagnostics.error(name, "cannot read \u{1B}]0;x\u{07}")
        #expect(diagnostics.allMessages == [#"credwatch: error: caf\xe9\x1b.txt: cannot read \x1b]0;x\x07"#])
    }

    /// The two logins of the probe read differently in the table, CSV, CEF, syslog and HTML.
    @Test func theLiteralAndTheRealZeroWidthSpaceDifferInEveryFormat() throws {
        func findings(_ login: String) -> [Finding] {
            F.aggregate([.sighting(F.credential(account: nil, login: login, kind: .unknownAccount))])
        }
        let literal = findings(#"jdu\u{200B}pont"#)
        let real = findings("jdu\u{200B}pont")
        var options = ReportOptions()
        options.terminalWidth = 250
        for format in [ReportFormat.table, .csv, .cef, .html, .jsonl] {
            let literalText = ReportRenderer.render(literal, as: format, options: options).reportText
            let realText = ReportRenderer.render(real, as: format, options: options).reportText
            #expect(literalText != realText, "\(format)")
        }
        let table = ReportRenderer.render(literal, as: .table, options: options).reportText
        #expect(table.contains(#"jdu\\u{200B}pont"#), "\(table)")
        #expect(ReportRenderer.render(real, as: .table, options: options).reportText.contains(#"jdu\u{200B}pont"#))
        // CEF escapes the backslashes of the notation in turn: read back, it is the table's text.
        let cef = ReportRenderer.render(literal, as: .cef, options: options).reportText
        #expect(cef.contains(#"jdu\\\\u{200B}pont"#), "\(cef)")
        #expect(ReportRenderer.render(real, as: .cef, options: options).reportText.contains(#"jdu\\u{200B}pont"#))
        let syslog = Syslog.message(try #require(literal.first), options: options, hostname: "h", processID: 1)
        #expect(String(decoding: syslog, as: UTF8.self).contains(#"jdu\\\\u{200B}pont"#))
    }
}
