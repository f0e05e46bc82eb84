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
