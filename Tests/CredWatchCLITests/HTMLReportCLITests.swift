import Foundation
import Testing

/// `--format html` and `--html FILE` end to end: delivered like every other output (0600,
/// atomically, refused over a run's own files, nothing written when the delivery fails), and the
/// samples' page opened in a real headless Chromium: it makes no request, its script runs and
/// filters, its DOM holds the run's counts and rows, and a screenshot is kept under `.build/`.
@Suite("HTML report")
struct HTMLReportCLITests {
    typealias Fixture = ScanContractTests.Fixture

    static let samplesArguments = [
        "scan", "Samples/logs", "--accounts", "Samples/accounts.csv", "--org", "Samples/org.toml", "--quiet",
    ]

    /// Where the browser test keeps its screenshot and PDF (ignored by git, as all of `.build`).
    static let artefacts = CLI.repository.appendingPathComponent(".build/html-report")

    private static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o777
    }

    @Test func htmlNextToJSONLIsDeliveredOwnerOnly() throws {
        let folder = try CLI.temporaryDirectory()
        let page = folder.appendingPathComponent("report.html").path
        let outcome = try CLI.run(Self.samplesArguments + ["--format", "jsonl", "--html", page])
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let findings = outcome.jsonLines
        #expect(findings.count >= 20)
        #expect(Self.mode(page) == 0o600)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<p id=\"total\" data-count=\"\(findings.count)\">"))
        #expect(html.contains("<title>credwatch report: Groupe Exemple ("))
        // No temporary file left beside it.
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["report.html"])
        // The same page as --format html writes to standard output, but for the report time.
        let standardOutput = try CLI.run(Self.samplesArguments + ["--format", "html"])
        #expect(standardOutput.status == 1)
        func withoutTimes(_ text: String) -> String {
            text.replacingOccurrences(of: #"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "T", options: .regularExpression)
                .replacingOccurrences(of: #"<dt>Elapsed</dt><dd>[0-9.]+ s"#, with: "E", options: .regularExpression)
        }
        #expect(withoutTimes(standardOutput.stdoutText) == withoutTimes(html))
    }

    /// Never a password, even with --reveal-passwords, nor a cookie's value.
    @Test func noPasswordNorCookieValueEvenWhenRevealing() throws {
        let folder = try CLI.temporaryDirectory()
        let page = folder.appendingPathComponent("report.html").path
        let outcome = try CLI.run(
            Self.samplesArguments + ["--format", "jsonl", "--reveal-passwords", "--html", page]
        )
        #expect(outcome.status == 1)
        let html = try String(contentsOfFile: page, encoding: .utf8)
        let revealed = outcome.jsonLines.compactMap { $0["password"] as? String }.filter { $0.count >= 4 }
        #expect(revealed.count >= 10, "the JSONL reveals them, as asked")
        for password in revealed { #expect(!html.contains(password), "the page holds a password") }
        // The RedLine cookie of the samples (Netscape format: the value is the last field).
        let cookies = CLI.samples.appendingPathComponent(
            "logs/FR[1803B18D7621CCEFC21042091BAF614E] [2024-11-03T10_22_14.1234560+01_00]/Cookies/"
                + "Google_[Chrome]_Default Network.txt"
        )
        let line = try String(contentsOf: cookies, encoding: .utf8).components(separatedBy: "\n")[20]
        let value = try #require(line.split(separator: "\t").last.map(String.init)).trimmingCharacters(in: .whitespaces)
        #expect(line.contains("PHPSESSID") && value.count >= 16)
        #expect(!html.contains(value))
        #expect(html.contains("PHPSESSID"))
    }

    @Test func htmlOverAnInputOrAnotherOutputIsRefused() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let base = ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org]
        let before = try Data(contentsOf: URL(fileURLWithPath: dump))
        let overInput = try CLI.run(base + ["--html", dump])
        #expect(overInput.status == 2)
        #expect(overInput.stderr.contains("--html \(dump) is the input \(dump): refusing to overwrite it"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dump)) == before)
        let overAccounts = try CLI.run(base + ["--html", fixture.accounts])
        #expect(overAccounts.status == 2)
        #expect(overAccounts.stderr.contains("is the accounts export"))

        let report = fixture.directory.appendingPathComponent("report").path
        for other in ["--output", "--reset-list", "--summary"] {
            let same = try CLI.run(base + [other, report, "--html", report])
            #expect(same.status == 2)
            #expect(same.stderr.contains("are the same file"), "\(same.stderr)")
            #expect(!FileManager.default.fileExists(atPath: report))
        }
        let bothStandardOutput = try CLI.run(base + ["--html", "-"])
        #expect(bothStandardOutput.status == 2)
        #expect(bothStandardOutput.stderr.contains("--html and the report (no --output) both go to standard output"))
        #expect(bothStandardOutput.stdout.isEmpty)
    }

    /// The page is part of the delivery: when another output cannot be delivered, it is not
    /// put in place either.
    @Test func aFailedDeliveryLeavesNoPage() throws {
        let folder = try CLI.temporaryDirectory()
        let page = folder.appendingPathComponent("report.html").path
        let port = try RsyslogReceiver.freePort(type: SOCK_STREAM)
        let failed = try CLI.run(
            Self.samplesArguments + ["--html", page, "--format", "jsonl", "--syslog", "tcp://127.0.0.1:\(port)"],
            timeout: 60
        )
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("cannot deliver --syslog"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
    }

    // MARK: In a real browser

    static let browserAvailable = Chromium.executable != nil || Chromium.isRequired

    // Each browser test takes about 5 s on its own; their time limit only catches a hang, with
    // room for a CI whose two cores run the rest of the suite at the same time.

    /// The samples' page in headless Chromium: the only request is the page itself (a control
    /// page proves that requests are seen), no error is logged (a script or style refused by the
    /// policy would be), the script ran (it writes the count of rows shown), the DOM holds every
    /// finding of the JSONL of the same run, the filter and the sort work, the print style hides
    /// the controls, and a full-page screenshot and a PDF are kept in `.build/html-report/`.
    @Test(
        .enabled(
            if: browserAvailable,
            "chromium is not installed (`make test-deps` installs it; under CI=true this test fails instead)"
        ),
        .timeLimit(.minutes(3))
    )
    func samplesPageInChromium() throws {
        try FileManager.default.createDirectory(at: Self.artefacts, withIntermediateDirectories: true)
        let page = Self.artefacts.appendingPathComponent("samples.html")
        let outcome = try CLI.run(Self.samplesArguments + ["--format", "jsonl", "--html", page.path])
        try #require(outcome.status == 1, "\(outcome.stderr)")
        let findings = outcome.jsonLines
        try #require(findings.count >= 20)

        let browser = try Chromium()
        defer { browser.shutDown() }
        let session = try browser.openPage()

        // The detector sees requests: a control page that makes two is seen making them.
        let control = try CLI.temporaryDirectory().appendingPathComponent("control.html")
        try """
        <!DOCTYPE html><title>control</title><img src="http://192.0.2.1/pixel.png" alt="">
        <link rel="stylesheet" href="https://fonts.example.invalid/font.css">
        """.write(to: control, atomically: true, encoding: .utf8)
        let controlStart = try browser.navigate(session, to: control.absoluteString)
        let controlRequests = browser.requests(session, since: controlStart)
        #expect(controlRequests.contains("http://192.0.2.1/pixel.png"), "\(controlRequests)")
        #expect(controlRequests.contains("https://fonts.example.invalid/font.css"), "\(controlRequests)")

        let start = try browser.navigate(session, to: page.absoluteString)
        #expect(browser.requests(session, since: start) == [page.absoluteString])
        #expect(browser.errors(session, since: start).isEmpty, "\(browser.errors(session, since: start))")

        // The script ran (under the page's policy) and shows every row.
        let shown = try browser.evaluate("document.getElementById('findings-shown').textContent", session: session)
        #expect(shown as? String == "Showing \(findings.count) of \(findings.count) findings")
        let bodyClass = try browser.evaluate("document.body.className", session: session)
        #expect(bodyClass as? String == "scripted")

        // Counts and rows, read from the DOM after the script ran.
        let facts = try #require(
            try browser.evaluate(
                """
                JSON.stringify({
                  total: document.getElementById('total').getAttribute('data-count'),
                  severities: Array.from(document.querySelectorAll('#by-severity tbody tr')).map(
                    (row) => [row.getAttribute('data-severity'), row.cells[1].textContent]),
                  kinds: Array.from(document.querySelectorAll('#by-kind tbody tr')).map(
                    (row) => [row.getAttribute('data-kind'), row.cells[1].textContent]),
                  rows: Array.from(document.querySelectorAll('#findings-table tbody tr')).map(
                    (row) => [row.getAttribute('data-kind'), row.getAttribute('data-severity'), row.cells[3].textContent,
                              row.cells[4].textContent]),
                  reset: Array.from(document.querySelectorAll('#reset-list tbody tr th')).map((cell) => cell.textContent),
                  charts: Array.from(document.querySelectorAll('figure svg')).length,
                  machines: Array.from(document.querySelectorAll('#chart-machines svg text')).map((t) => t.textContent),
                  inputs: document.getElementById('run-facts').textContent
                })
                """,
                session: session
            ) as? String
        )
        let dom = try #require(try JSONSerialization.jsonObject(with: Data(facts.utf8)) as? [String: Any])
        #expect(dom["total"] as? String == String(findings.count))
        func count(_ key: String, _ value: String) -> Int { findings.count { $0[key] as? String == value } }
        let severities = try #require(dom["severities"] as? [[String]])
        #expect(severities.map { $0[0] } == ["critical", "high", "medium", "low"])
        for pair in severities { #expect(pair[1] == String(count("severity", pair[0])), "\(pair)") }
        let kinds = try #require(dom["kinds"] as? [[String]])
        #expect(kinds.count == 5)
        for pair in kinds { #expect(pair[1] == String(count("kind", pair[0])), "\(pair)") }
        let rows = try #require(dom["rows"] as? [[String]])
        #expect(rows.count == findings.count)
        // Row by row, in the JSONL's order (the report order).
        for (row, finding) in zip(rows, findings) {
            #expect(row[0] == finding["kind"] as? String)
            #expect(row[1] == finding["severity"] as? String)
            if let account = finding["account"] as? String { #expect(row[2].hasPrefix(account), "\(row)") }
            #expect(row[3] == (finding["login"] as? String ?? ""), "\(row)")
        }
        let resetRows = try #require(dom["reset"] as? [String])
        let resetCSV = try CLI.run(Self.samplesArguments + ["--reset-list", "-", "--output", "/dev/null"])
        let identities = resetCSV.stdoutText.split(separator: "\r\n").dropFirst().map {
            String($0.split(separator: ",").first ?? "").replacingOccurrences(of: "\"", with: "")
        }
        #expect(resetRows == identities)
        #expect(dom["charts"] as? Int == 3)
        let machineLabels = try #require(dom["machines"] as? [String])
        #expect(machineLabels.contains("GEX-PAR-PC0042") && machineLabels.contains("GEX-LYO-PC0107"))
        #expect((dom["inputs"] as? String)?.contains("Samples/logs") == true)

        // The filter: critical findings only, then a text that one row holds.
        let critical = try browser.evaluate(
            """
            (() => { const select = document.getElementById('filter-severity'); select.value = 'critical';
              select.dispatchEvent(new Event('change'));
              return [document.getElementById('findings-shown').textContent,
                Array.from(document.querySelectorAll('#findings-table tbody tr')).filter((r) => !r.hidden)
                  .every((r) => r.getAttribute('data-severity') === 'critical')]; })()
            """,
            session: session
        )
        let criticalCount = count("severity", "critical")
        #expect((critical as? [Any])?.first as? String == "Showing \(criticalCount) of \(findings.count) findings")
        #expect((critical as? [Any])?.last as? Bool == true)
        let searched = try browser.evaluate(
            """
            (() => { const select = document.getElementById('filter-severity'); select.value = '';
              select.dispatchEvent(new Event('change'));
              const input = document.getElementById('filter-text'); input.value = 'velo-club';
              input.dispatchEvent(new Event('input'));
              return document.getElementById('findings-shown').textContent; })()
            """,
            session: session
        )
        #expect(searched as? String == "Showing 1 of \(findings.count) findings")
        // The sort: by account, ascending then descending.
        let sorted = try browser.evaluate(
            """
            (() => { const input = document.getElementById('filter-text'); input.value = '';
              input.dispatchEvent(new Event('input'));
              const button = document.querySelectorAll('#findings-table thead th button')[3];
              const accounts = () => Array.from(document.querySelectorAll('#findings-table tbody tr'))
                .map((r) => r.cells[3].textContent.trim().toLowerCase());
              button.click(); const up = accounts(); const upSort = button.parentElement.getAttribute('aria-sort');
              button.click(); const down = accounts();
              return [up, upSort, down, button.parentElement.getAttribute('aria-sort')]; })()
            """,
            session: session
        )
        let sortResult = try #require(sorted as? [Any])
        let ascending = try #require(sortResult[0] as? [String])
        let descending = try #require(sortResult[2] as? [String])
        #expect(
            ascending == ascending.sorted() && descending == ascending.reversed()
                || descending == descending.sorted(by: >)
        )
        #expect(sortResult[1] as? String == "ascending" && sortResult[3] as? String == "descending")
        // Back to the report order for the screenshot.
        try browser.navigate(session, to: page.absoluteString)

        let metrics = try browser.send("Page.getLayoutMetrics", session: session)
        let size = try #require(metrics["cssContentSize"] as? [String: Any])
        let height = min((size["height"] as? Double) ?? 2000, 12_000)
        let shot = try browser.send(
            "Page.captureScreenshot",
            [
                "format": "png", "captureBeyondViewport": true,
                "clip": ["x": 0, "y": 0, "width": 1280, "height": height, "scale": 1],
            ],
            session: session
        )
        let png = try #require(Data(base64Encoded: shot["data"] as? String ?? ""))
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        try png.write(to: Self.artefacts.appendingPathComponent("samples.png"))

        // Printed: the controls and the section links are hidden, the tables are not.
        try browser.send("Emulation.setEmulatedMedia", ["media": "print"], session: session)
        let printed = try browser.evaluate(
            """
            [getComputedStyle(document.querySelector('.controls')).display,
             getComputedStyle(document.querySelector('nav')).display,
             getComputedStyle(document.getElementById('findings-table')).display]
            """,
            session: session
        )
        #expect(printed as? [String] == ["none", "none", "table"])
        let pdf = try browser.send("Page.printToPDF", ["printBackground": true], session: session, timeout: 30)
        let pdfData = try #require(Data(base64Encoded: pdf["data"] as? String ?? ""))
        #expect(pdfData.starts(with: Array("%PDF".utf8)))
        try pdfData.write(to: Self.artefacts.appendingPathComponent("samples.pdf"))
    }

    /// A page built from hostile logins, URLs and file names: in the browser no request leaves
    /// it, no script but its own runs, and no value turned into an element.
    @Test(
        .enabled(
            if: browserAvailable,
            "chromium is not installed (`make test-deps` installs it; under CI=true this test fails instead)"
        ),
        .timeLimit(.minutes(3))
    )
    func hostilePageInChromium() throws {
        let fixture = try Fixture()
        let hostile = [
            "https://mediboard.clinique-exemple.fr/<script>window.pwned=1</script>:\"><img src=http://192.0.2.7/x onerror=window.pwned=2>:pw1",
            "https://mediboard.clinique-exemple.fr/?javascript:window.pwned=3|jdupont|pw2",
            "https://mediboard.clinique-exemple.fr/:<svg onload=window.pwned=4>@clinique-exemple.fr:pw3",
            "https://mediboard.clinique-exemple.fr/:\u{202E}gnp.exe\u{1B}[31m</td></tr></table><iframe src=http://192.0.2.8/>:pw4",
        ].joined(separator: "\n")
        let folder = fixture.directory.appendingPathComponent("<img src=x onerror=window.pwned=5>")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let dump = folder.appendingPathComponent("\"><svg onload=window.pwned=6>.txt")
        try (ScanContractTests.combolist + "\n" + hostile + "\n").write(to: dump, atomically: true, encoding: .utf8)
        let page = fixture.directory.appendingPathComponent("hostile.html")
        let outcome = try CLI.run(
            [
                "scan", folder.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--html",
                page.path,
                "--format", "jsonl",
            ]
        )
        #expect(outcome.jsonLines.count >= 4)
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let browser = try Chromium()
        defer { browser.shutDown() }
        let session = try browser.openPage()
        let start = try browser.navigate(session, to: page.absoluteString)
        #expect(browser.requests(session, since: start) == [page.absoluteString])
        #expect(browser.errors(session, since: start).isEmpty, "\(browser.errors(session, since: start))")
        let state = try browser.evaluate(
            #"""
            JSON.stringify([typeof window.pwned, document.querySelectorAll('script').length,
             document.querySelectorAll('img,iframe').length,
             Array.from(document.querySelectorAll('svg')).filter((s) => !s.closest('figure')).length,
             document.querySelectorAll('a[href]:not([href^="#"])').length,
             document.querySelectorAll('#findings-table tbody tr').length,
             ['<img src=x onerror=window.pwned=5>', '<script>window.pwned=1</script>', '<svg onload=window.pwned=4>',
              'javascript:window.pwned=3', '\\u{202E}gnp.exe\\x1b[31m</td></tr></table><iframe']
               .map((text) => document.body.textContent.includes(text))])
            """#,
            session: session
        )
        #expect(state as? String == #"["undefined",1,0,0,0,\#(outcome.jsonLines.count),[true,true,true,true,true]]"#)
    }
}
