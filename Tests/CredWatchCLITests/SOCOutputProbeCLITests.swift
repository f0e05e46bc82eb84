import Foundation
import Testing

/// The CLI contracts a probe of the SOC outputs found broken (issue 19), end to end.
@Suite("SOC output probe")
struct SOCOutputProbeCLITests {
    /// An organisation with a service account (`svc-backup`) and two staff accounts.
    struct Organisation {
        let directory: URL
        var accounts: String { directory.appendingPathComponent("accounts.csv").path }
        var org: String { directory.appendingPathComponent("org.toml").path }

        init(serviceAccounts: String = #"["svc-*"]"#) throws {
            directory = try CLI.temporaryDirectory()
            try """
            sAMAccountName,userPrincipalName,mail,Enabled
            jdupont,jean.dupont@clinique-exemple.fr,jean.dupont@clinique-exemple.fr,True
            amartin,anne.martin@clinique-exemple.fr,anne.martin@clinique-exemple.fr,True
            svc-backup,svc-backup@clinique-exemple.fr,svc-backup@clinique-exemple.fr,True

            """.write(toFile: accounts, atomically: true, encoding: .utf8)
            try """
            name = "Groupe Exemple"
            email_domains = ["clinique-exemple.fr"]
            service_accounts = \(serviceAccounts)
            [[platform]]
            id = "mediboard"
            name = "Mediboard"
            severity = "critical"
            match = ["mediboard.clinique-exemple.fr"]

            """.write(toFile: org, atomically: true, encoding: .utf8)
        }

        func file(_ name: String, _ contents: String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }

        var options: [String] { ["--accounts", accounts, "--org", org] }
    }

    static let combolist = """
        https://mediboard.clinique-exemple.fr/index.php:svc-backup@clinique-exemple.fr:Backup-2024!
        https://mediboard.clinique-exemple.fr/index.php:jean.dupont@clinique-exemple.fr:Cardio-2024!

        """

    // MARK: 1. Service-account patterns

    @Test(arguments: [#"["?*"]"#, #"["*@*"]"#, #"["*.*"]"#, #"["svc-*", "*"]"#])
    func patternsMatchingEveryAccountAreRefused(patterns: String) throws {
        let organisation = try Organisation(serviceAccounts: patterns)
        for command in [["check"], ["scan", "-"]] {
            let outcome = try CLI.run(command + organisation.options, stdin: Data())
            #expect(outcome.status == 2, "\(command) \(outcome.stderr)")
            #expect(outcome.stderr.contains("org.toml:3: service_accounts pattern"), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("would match every account"))
            #expect(outcome.stdout.isEmpty)
        }
    }

    /// `check` and `scan` warn of a pattern matching most of the export, and of one matching
    /// none; check shows what each pattern matches.
    @Test func patternsMatchingMostOrNoneAreWarnedOf() throws {
        let organisation = try Organisation(serviceAccounts: #"["*@clinique-exemple.fr", "svc-bakup"]"#)
        let check = try CLI.run(["check"] + organisation.options)
        #expect(check.status == 0, "\(check.stderr)")
        #expect(
            check.stderr.contains(
                "warning: \(organisation.org): service_accounts pattern '*@clinique-exemple.fr' matches 3 of the 3 "
                    + "accounts (more than half)"
            ),
            "\(check.stderr)"
        )
        #expect(check.stderr.contains("service_accounts pattern 'svc-bakup' matches no account of the export"))
        #expect(check.stdoutText.contains("    *@clinique-exemple.fr  3 of 3"), "\(check.stdoutText)")
        #expect(check.stdoutText.contains("    svc-bakup       0 of 3"), "\(check.stdoutText)")
        #expect(check.stdoutText.hasSuffix("usable, with 2 warning(s) (above, on stderr)\n"))
        let scan = try CLI.run(["scan", "-", "--format", "jsonl"] + organisation.options, stdin: Data())
        #expect(scan.stderr.contains("matches 3 of the 3 accounts (more than half)"), "\(scan.stderr)")
    }

    // MARK: 2. One action in every output

    /// The service account's credential is `manual-rotation` in every format, the reset list's
    /// `manual`; the staff account's stays `force-reset` and `reset`.
    @Test func serviceAccountActionIsTheSameInEveryOutput() throws {
        let organisation = try Organisation()
        let dump = try organisation.file("combo.txt", Self.combolist)
        let reset = organisation.directory.appendingPathComponent("reset.csv").path
        let jsonl = try CLI.run(["scan", dump, "--format", "jsonl", "--reset-list", reset] + organisation.options)
        #expect(jsonl.status == 1, "\(jsonl.stderr)")
        let actions = Dictionary(
            uniqueKeysWithValues: jsonl.jsonLines.map { ($0["account"] as? String, $0["action"] as? String) }
        )
        #expect(actions == ["svc-backup": "manual-rotation", "jdupont": "force-reset"])
        let list = try String(contentsOfFile: reset, encoding: .utf8)
        #expect(
            list.contains(
                "svc-backup,svc-backup,svc-backup@clinique-exemple.fr,svc-backup@clinique-exemple.fr,True,critical,manual,"
            )
        )
        #expect(
            list.contains(
                "jdupont,jdupont,jean.dupont@clinique-exemple.fr,jean.dupont@clinique-exemple.fr,True,critical,reset,"
            )
        )

        func line(_ format: String, naming account: String) throws -> String {
            let outcome = try CLI.run(
                ["scan", dump, "--format", format] + organisation.options,
                environment: ["COLUMNS": "200"]
            )
            #expect(outcome.status == 1, "\(outcome.stderr)")
            return try #require(
                outcome.stdoutText.split(separator: "\n").first { $0.contains(account) }.map(String.init)
            )
        }
        #expect(try line("csv", naming: "svc-backup").contains(",manual-rotation,"))
        #expect(try line("ecs", naming: "svc-backup").contains(#""action":"manual-rotation""#))
        #expect(try line("ecs", naming: "svc-backup").contains(#""id":"credwatch-triage-14""#))
        #expect(try line("cef", naming: "svc-backup").contains(" act=manual-rotation "))
        #expect(try line("cef", naming: "jdupont").contains(" act=force-reset "))
        let table = try CLI.run(
            ["scan", dump, "--format", "table"] + organisation.options,
            environment: ["COLUMNS": "200"]
        )
        #expect(table.stdoutText.contains("manual-rotation  svc-backup"), "\(table.stdoutText)")
        #expect(
            table.stdoutText.contains("to do: reset 1 account, rotate 1 service account by hand"),
            "\(table.stdoutText)"
        )
        let html = try CLI.run(["scan", dump, "--format", "html"] + organisation.options)
        #expect(html.stdoutText.contains("<tr data-action=\"manual\"><th scope=\"row\">svc-backup</th>"))
        #expect(html.stdoutText.contains("data-action=\"manual-rotation\""))
    }

    // MARK: 4 and 5. Invisible characters and control characters

    /// A hostile login reaches the CSV report as escapes, one record per line; the table shows
    /// the same escapes; stderr names a hostile input path the same way.
    @Test func hostileValuesAreEscapedInCSVTableAndStderr() throws {
        let organisation = try Organisation()
        let login = "evil\u{1B}[31m\tx\u{200B}y\u{202E}@clinique-exemple.fr"
        let dump = try organisation.file("combo.txt", "https://mediboard.clinique-exemple.fr/:\(login):Pw-1234!\n")
        let csv = try CLI.run(["scan", dump, "--format", "csv"] + organisation.options)
        #expect(csv.status == 1, "\(csv.stderr)")
        let records = csv.stdoutText.components(separatedBy: "\r\n").dropLast()
        #expect(records.count == 2, "\(csv.stdoutText)")
        #expect(
            csv.stdoutText.contains(#",evil\x1b[31m\x09x\u{200B}y\u{202E}@clinique-exemple.fr,"#),
            "\(csv.stdoutText)"
        )
        #expect(!csv.stdoutText.contains("\u{1B}") && !csv.stdoutText.contains("\t"))
        let table = try CLI.run(
            ["scan", dump, "--format", "table"] + organisation.options,
            environment: ["COLUMNS": "200"]
        )
        #expect(
            table.stdoutText.contains(#"?evil\x1b[31m\x09x\u{200B}y\u{202E}@clinique-exemple.fr"#),
            "\(table.stdoutText)"
        )

        let missing = organisation.directory.appendingPathComponent("dump\u{200B}\u{202E}txt.exe").path
        let named = try CLI.run(["scan", missing, "--format", "jsonl"] + organisation.options)
        #expect(named.stderr.contains(#"dump\u{200B}\u{202E}txt.exe"#), "\(named.stderr)")
        #expect(!named.stderr.contains("\u{200B}") && !named.stderr.contains("\u{202E}"))
    }

    // MARK: 6. What --reveal-passwords does, and exports that are not exports

    @Test func revealPasswordsWarningSaysWhatHolds() throws {
        let organisation = try Organisation()
        let dump = try organisation.file("combo.txt", Self.combolist)
        let html = try CLI.run(["scan", dump, "--format", "html", "--reveal-passwords"] + organisation.options)
        #expect(html.status == 1, "\(html.stderr)")
        #expect(
            html.stderr.contains(
                "warning: --reveal-passwords has no effect with --format html: the HTML page never holds a password"
            ),
            "\(html.stderr)"
        )
        #expect(!html.stderr.contains("the report holds cleartext passwords"))
        #expect(!html.stdoutText.contains("Cardio-2024!"))
        let jsonl = try CLI.run(["scan", dump, "--format", "jsonl", "--reveal-passwords"] + organisation.options)
        #expect(
            jsonl.stderr.contains("warning: --reveal-passwords: the report (--format jsonl) holds cleartext passwords"),
            "\(jsonl.stderr)"
        )
        #expect(jsonl.stdoutText.contains("Cardio-2024!"))
    }

    @Test func accountExportsThatAreNotExportsAreNamedPrecisely() throws {
        let organisation = try Organisation()
        let cases: [(String, String)] = [
            (organisation.directory.path, "is a directory, not an account export"),
            (try organisation.file("empty.csv", ""), "is empty: no header and no account"),
            (try organisation.file("blank.csv", "\n\n# exported\n"), "no accounts found: no header and no login"),
            (
                try organisation.file("rows.csv", "sAMAccountName,mail\n,\n"),
                "no accounts found: no row under the header"
            ),
            (try organisation.file("names.csv", "displayName,department\nJean,Bloc\n"), "no usable identity column"),
            (organisation.directory.appendingPathComponent("absent.csv").path, "cannot read the file: No such file"),
        ]
        for (path, message) in cases {
            for command in [["check"], ["scan", "-"]] {
                let outcome = try CLI.run(command + ["--accounts", path, "--org", organisation.org], stdin: Data())
                #expect(outcome.status == 2, "\(path): \(outcome.stderr)")
                #expect(outcome.stderr.contains("\(path)"), "\(outcome.stderr)")
                #expect(outcome.stderr.contains(message), "\(path): \(outcome.stderr)")
            }
        }
    }

    // MARK: 7. URLs that name no server

    /// A `javascript:` URL naming the organisation's platform host is no platform: the account's
    /// login there is a low `reuse` without host, `url.domain` or `dhost`.
    @Test func javascriptURLsMatchNoPlatform() throws {
        let organisation = try Organisation()
        let dump = try organisation.file(
            "combo.txt",
            "javascript://mediboard.clinique-exemple.fr/%0Aalert(1):jean.dupont@clinique-exemple.fr:Cardio-2024!\n"
                + "JAVASCRIPT://mediboard.clinique-exemple.fr/index.php:anne.martin@clinique-exemple.fr:Urgences-2024!\n"
        )
        let jsonl = try CLI.run(["scan", dump, "--format", "jsonl"] + organisation.options)
        let findings = jsonl.jsonLines
        #expect(findings.count == 2, "\(jsonl.stdoutText) \(jsonl.stderr)")
        for finding in findings {
            #expect(finding["kind"] as? String == "reuse")
            #expect(finding["severity"] as? String == "low")
            #expect(finding["platform"] == nil)
            #expect(finding["host"] == nil)
        }
        #expect(
            findings.contains { $0["url"] as? String == "javascript://mediboard.clinique-exemple.fr/%0Aalert(1)" },
            "\(jsonl.stdoutText)"
        )
        let ecs = try CLI.run(["scan", dump, "--format", "ecs"] + organisation.options)
        #expect(!ecs.stdoutText.contains(#""domain":"mediboard"#), "\(ecs.stdoutText)")
        #expect(ecs.stdoutText.contains(#""url":{"full":"javascript://mediboard.clinique-exemple.fr/%0Aalert(1)"},"#))
        #expect(ecs.stdoutText.contains(#""url":{"full":"javascript://mediboard.clinique-exemple.fr/index.php"},"#))
        let cef = try CLI.run(["scan", dump, "--format", "cef"] + organisation.options)
        #expect(!cef.stdoutText.contains("dhost="), "\(cef.stdoutText)")
    }
}
