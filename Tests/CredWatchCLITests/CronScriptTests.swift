import CredWatch
import Foundation
import Testing

/// `Samples/cron-credwatch.sh` run by bash as cron runs it, in a temporary tree: a day's dump
/// folder gives a report, a reset list and a ticket; the same day again gives nothing new and
/// leaves no empty files; a missing day is an alert with its own exit status.
@Suite("cron script")
struct CronScriptTests {
    struct Tree {
        let root: URL
        var dumps: URL { root.appendingPathComponent("dumps") }
        var reports: URL { root.appendingPathComponent("lib/reports") }
        var tickets: URL { root.appendingPathComponent("spool/tickets") }

        init() throws {
            root = try CLI.temporaryDirectory()
            let conf = root.appendingPathComponent("conf")
            try FileManager.default.createDirectory(at: conf, withIntermediateDirectories: true)
            for name in ["accounts.csv", "org.toml"] {
                try FileManager.default.copyItem(
                    at: CLI.samples.appendingPathComponent(name),
                    to: conf.appendingPathComponent(name)
                )
            }
            let key = conf.appendingPathComponent("key")
            try Data((0..<32).map { UInt8(($0 * 37) & 0xFF) }).write(to: key)
            chmod(key.path, 0o600)
        }

        /// A day's folder holding a copy of the bundled sample dumps.
        func deliver(day: String) throws {
            let folder = dumps.appendingPathComponent(day)
            try FileManager.default.createDirectory(at: dumps, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: CLI.samples.appendingPathComponent("logs"), to: folder)
        }

        func run(day: String) throws -> CLI.Outcome {
            try CLI.run(
                [CLI.samples.appendingPathComponent("cron-credwatch.sh").path],
                environment: [
                    "DUMP_ROOT": dumps.path,
                    "DAY": day,
                    "MAIL_TO": "",
                    "ALERT_TO": "",
                    "TICKET_DIR": tickets.path,
                    "CONF": root.appendingPathComponent("conf").path,
                    "STATE": root.appendingPathComponent("lib/state.db").path,
                    "REPORTS": reports.path,
                    "CREDWATCH_ENV": root.appendingPathComponent("no-such-cron.env").path,
                    // As cron runs it: the binary is found through the script's own PATH
                    // (CREDWATCH names the one under test).
                    "PATH": "/usr/bin:/bin",
                ],
                directory: root,
                program: URL(fileURLWithPath: "/bin/bash")
            )
        }

        func files(in folder: URL, prefix: String) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasPrefix(prefix) }
        }
    }

    @Test func aDayOfDumpsGivesAReportAResetListAndATicketThenNothingNew() throws {
        let tree = try Tree()
        try tree.deliver(day: "2024-11-20")
        let first = try tree.run(day: "2024-11-20")
        #expect(first.status == 1, "\(first.stdoutText)\(first.stderr)")
        let reports = tree.files(in: tree.reports, prefix: "findings-")
        #expect(reports.count == 1)
        let report = try String(contentsOf: tree.reports.appendingPathComponent(reports[0]), encoding: .utf8)
        #expect(report.split(separator: "\n").count >= 10)
        #expect(tree.files(in: tree.reports, prefix: "reset-").count == 1)
        let tickets = tree.files(in: tree.tickets, prefix: "credwatch-")
        #expect(tickets.count == 1)
        let ticket = try String(contentsOf: tree.tickets.appendingPathComponent(tickets[0]), encoding: .utf8)
        #expect(ticket.contains("credwatch 2024-11-20:") && ticket.contains("new finding(s)"), "\(ticket)")
        #expect(ticket.contains("agarnier"))
        // Each entry names the ids of its exposures (what a ticket system de-duplicates on), and a
        // stolen session the account of the machine it was stolen from, when known.
        #expect(ticket.contains("    id: "))
        #expect(ticket.contains("session on portail.clinique-exemple.fr of sleroy"), "\(ticket)")
        // Never a password or a fingerprint in the ticket.
        #expect(!ticket.contains("Garnier77bloc"))
        #expect(!ticket.contains("password_fingerprint"))
        // Owner-only files.
        for name in reports + tree.files(in: tree.reports, prefix: "reset-") {
            let mode =
                try FileManager.default.attributesOfItem(atPath: tree.reports.appendingPathComponent(name).path)[
                    .posixPermissions
                ] as? Int
            #expect(mode == 0o600, "\(name)")
        }

        // The same day again: nothing new, and no empty findings file or reset list left behind.
        let second = try tree.run(day: "2024-11-20")
        #expect(second.status == 0, "\(second.stdoutText)\(second.stderr)")
        #expect(second.stdoutText.contains("nothing new in"))
        #expect(tree.files(in: tree.reports, prefix: "findings-").count == 1)
        #expect(tree.files(in: tree.reports, prefix: "reset-").count == 1)
        #expect(tree.files(in: tree.reports, prefix: "summary-").count == 2)
        #expect(tree.files(in: tree.tickets, prefix: "credwatch-").count == 1)
    }

    /// A dump's logins and machine names reach the ticket (and the mail) in credwatch's
    /// notation: never an escape sequence, a bell, a hyperlink, a bidi override or an invisible
    /// character that would drive the terminal the ticket is read in or disguise a name.
    @Test func aHostileDumpGivesATicketOfVisibleEscapes() throws {
        let tree = try Tree()
        let victim = tree.dumps.appendingPathComponent("2024-11-21/victim \u{1B}]0;pwned\u{07}")
        try FileManager.default.createDirectory(at: victim, withIntermediateDirectories: true)
        try Data("MachineName: GEX-PAR-PC0042\u{1B}[5m\u{200B}\nUserName: bob\u{202E}\n".utf8)
            .write(to: victim.appendingPathComponent("UserInformation.txt"))
        let logins = [
            "\u{1B}[31mRED\u{1B}[0m\u{1B}]8;;http://evil\u{07}x", "jdu\u{200B}pont", "\u{202E}gnp.exe",
            #"jdu\u{200B}pont-literal"#,
        ]
        try Data(
            logins.enumerated().map { index, login in
                "URL: https://mediboard.clinique-exemple.fr/login\nUsername: \(login)\nPassword: Hostile\(index)pw\n\n"
            }.joined().utf8
        ).write(to: victim.appendingPathComponent("Passwords.txt"))
        let run = try tree.run(day: "2024-11-21")
        #expect(run.status == 1, "\(run.stdoutText)\(run.stderr)")
        let tickets = tree.files(in: tree.tickets, prefix: "credwatch-")
        #expect(tickets.count == 1)
        let ticket = try String(contentsOf: tree.tickets.appendingPathComponent(tickets.first ?? "-"), encoding: .utf8)
        let hidden = ticket.unicodeScalars.filter { $0 != "\n" && DisplayText.isUnsafe($0) }
        #expect(hidden.isEmpty, "\(hidden.map { String($0.value, radix: 16) })")
        #expect(ticket.contains(#"unknown login \x1b[31mRED\x1b[0m\x1b]8;;http://evil\x07x"#), "\(ticket)")
        #expect(ticket.contains(#"unknown login jdu\u{200B}pont"#))
        #expect(ticket.contains(#"unknown login jdu\\u{200B}pont-literal"#))
        #expect(ticket.contains(#"unknown login \u{202E}gnp.exe"#))
        #expect(ticket.contains(#"machine: GEX-PAR-PC0042\x1b[5m\u{200B}"#))
    }

    /// The script's jq escaping writes what `DisplayText.escaped` writes, character for
    /// character: every character below U+0300, each end of each range `isUnsafe` names, and
    /// backslashes before what would and would not read as an escape.
    @Test func theScriptEscapesAsCredwatchDoes() throws {
        let script = try String(contentsOf: CLI.samples.appendingPathComponent("cron-credwatch.sh"), encoding: .utf8)
        let start = try #require(script.range(of: "JQ_SHOWN='"))
        let end = try #require(script.range(of: "\n'\n", range: start.upperBound..<script.endIndex))
        let definitions = String(script[start.upperBound..<end.lowerBound])
        var values: [UInt32] = Array(0..<0x300)
        for bound: UInt32 in [
            0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180F, 0x200B, 0x200F, 0x2028, 0x202E, 0x2060,
            0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9, 0xFFFB, 0x1D173, 0x1D17A, 0xE0000, 0xE007F,
        ] {
            values += [bound - 1, bound, bound + 1]
        }
        var texts = values.compactMap(Unicode.Scalar.init).map { "a" + String($0) + "b" }
        texts += [
            #"C:\Users\x"#, #"\\"#, #"\u{200B}"#, #"\u"#, #"a\"#, "\\\u{1B}", "\\\n", #"\xff\u{"#, #"\\\x"#,
        ]
        let input = try JSONSerialization.data(withJSONObject: texts)
        let jq = try CLI.run(
            ["-r", definitions + " .[] | shown | @json"],
            stdin: input,
            program: URL(fileURLWithPath: "/usr/bin/jq")
        )
        #expect(jq.status == 0, "\(jq.stderr)")
        let shown = jq.stdoutText.split(separator: "\n").map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8), options: .fragmentsAllowed)) as? String
        }
        #expect(shown.count == texts.count)
        for (text, jqText) in zip(texts, shown) {
            #expect(jqText == DisplayText.escaped(text), "\(text.unicodeScalars.map { $0.value })")
        }
    }

    @Test func aMissingDayIsAnAlertNotASuccess() throws {
        let tree = try Tree()
        try FileManager.default.createDirectory(at: tree.dumps, withIntermediateDirectories: true)
        let outcome = try tree.run(day: "2024-11-21")
        #expect(outcome.status == 4, "\(outcome.stdoutText)\(outcome.stderr)")
        #expect(outcome.stdoutText.contains("ALERT: no dump folder for 2024-11-21"), "\(outcome.stdoutText)")
        #expect(outcome.stdoutText.contains("nothing was scanned"))
        #expect(tree.files(in: tree.reports, prefix: "findings-").isEmpty)
        #expect(tree.files(in: tree.reports, prefix: "summary-").isEmpty)
    }

    /// The script and the README agree on where the dumps are.
    @Test func theScriptAndTheReadmeNameTheSameDumpFolder() throws {
        let script = try String(contentsOf: CLI.samples.appendingPathComponent("cron-credwatch.sh"), encoding: .utf8)
        let readme = try String(contentsOf: CLI.repository.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(script.contains("DUMP_ROOT=${DUMP_ROOT:-/srv/dumps}"))
        #expect(readme.contains("/srv/dumps/"))
        #expect(!readme.contains("/data/dumps"))
    }
}
