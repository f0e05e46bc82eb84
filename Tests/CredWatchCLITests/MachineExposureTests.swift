import Foundation
import Testing

/// Issue 15 §7 end to end: a cookie exposure is one per victim machine and session, so a
/// scheduled run hears of a session stolen from a new machine; an exposure seen on several
/// machines lists them all.
@Suite("exposures and machines")
struct MachineExposureTests {
    typealias Fixture = ScanContractTests.Fixture

    /// A RedLine-like victim folder `name` under `dump`: system information with `hwid` and
    /// `hostname`, a Passwords.txt holding `credential` when given, and a cookie file with a
    /// Mediboard session `PHPSESSID=value` when given.
    static func victim(
        _ name: String,
        in dump: URL,
        hwid: String,
        hostname: String,
        credential: String? = nil,
        cookieValue: String? = nil
    ) throws {
        let folder = dump.appendingPathComponent(name)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("Cookies"),
            withIntermediateDirectories: true
        )
        let information = """
            IP: 203.0.113.47
            UserName: Camille
            MachineName: \(hostname)
            HWID: \(hwid)
            Log date: 11/3/2024 10:22:14 AM

            """
        try information.write(
            to: folder.appendingPathComponent("UserInformation.txt"),
            atomically: true,
            encoding: .utf8
        )
        if let credential {
            try credential.write(to: folder.appendingPathComponent("Passwords.txt"), atomically: true, encoding: .utf8)
        }
        if let cookieValue {
            try "#HttpOnly_mediboard.clinique-exemple.fr\tFALSE\t/\tTRUE\t0\tPHPSESSID\t\(cookieValue)\n".write(
                to: folder.appendingPathComponent("Cookies/Chrome.txt"),
                atomically: true,
                encoding: .utf8
            )
        }
    }

    static func scan(_ fixture: Fixture, _ dump: URL, state: String) throws -> CLI.Outcome {
        try CLI.run([
            "scan", dump.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "jsonl",
            "--state", state, "--new-only",
        ])
    }

    @Test func mediboardSessionFromANewMachineIsNew() throws {
        let fixture = try Fixture()
        let state = fixture.directory.appendingPathComponent("state.db").path
        let first = fixture.directory.appendingPathComponent("day1")
        try Self.victim("FR[AAAA]", in: first, hwid: "AAAA1111", hostname: "PC-A", cookieValue: "sessA-8f2k1q")
        let day1 = try Self.scan(fixture, first, state: state)
        #expect(day1.status == 1, "\(day1.stderr)")
        let cookie = try #require(day1.jsonLines.first { $0["kind"] as? String == "cookie" })
        #expect((cookie["exposure_key"] as? String)?.hasPrefix("cookie|hwid:aaaa1111|mediboard|") == true)
        #expect(!day1.stdoutText.contains("sessA-8f2k1q"))

        // The same session of the same machine, re-sold in the next day's dump: nothing new.
        let second = fixture.directory.appendingPathComponent("day2")
        try Self.victim("resold FR[AAAA]", in: second, hwid: "AAAA1111", hostname: "PC-A", cookieValue: "sessA-8f2k1q")
        let day2 = try Self.scan(fixture, second, state: state)
        #expect(day2.status == 0, "\(day2.stdoutText)")

        // A cookie of the same name from a new machine, and a fresh session of the first one:
        // two new exposures.
        let third = fixture.directory.appendingPathComponent("day3")
        try Self.victim("FR[BBBB]", in: third, hwid: "BBBB2222", hostname: "PC-B", cookieValue: "sessA-8f2k1q")
        try Self.victim("FR[AAAA] again", in: third, hwid: "AAAA1111", hostname: "PC-A", cookieValue: "sessA-fresh")
        let day3 = try Self.scan(fixture, third, state: state)
        #expect(day3.status == 1)
        let cookies = day3.jsonLines.filter { $0["kind"] as? String == "cookie" }
        #expect(cookies.count == 2)
        #expect(
            Set(cookies.compactMap { ($0["machine"] as? [String: Any])?["hostname"] as? String }) == ["PC-A", "PC-B"]
        )
        #expect(Set(cookies.compactMap { $0["exposure_key"] as? String }).count == 2)
    }

    @Test func credentialSeenOnThreeMachinesListsThree() throws {
        let fixture = try Fixture()
        let dump = fixture.directory.appendingPathComponent("dump")
        let record = """
            URL: https://mediboard.clinique-exemple.fr/index.php
            Username: jdupont
            Password: Cardio-2024!
            ===============

            """
        for (index, host) in ["PC-ONE", "PC-TWO", "PC-THREE"].enumerated() {
            try Self.victim("FR[\(index)]", in: dump, hwid: "HW\(index)", hostname: host, credential: record)
        }
        let outcome = try CLI.run([
            "scan", dump.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "jsonl",
        ])
        #expect(outcome.status == 1)
        let finding = try #require(outcome.jsonLines.first { $0["kind"] as? String == "credential" })
        #expect(outcome.jsonLines.count == 1)
        #expect((finding["sources"] as? [Any])?.count == 3)
        let machines = try #require(finding["machines"] as? [[String: Any]])
        #expect(Set(machines.compactMap { $0["hostname"] as? String }) == ["PC-ONE", "PC-TWO", "PC-THREE"])
        // `machine` is the first of them.
        #expect(
            (finding["machine"] as? [String: Any])?["hostname"] as? String == machines.first?["hostname"] as? String
        )

        let csv = try CLI.run([
            "scan", dump.path, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--format", "csv",
        ])
        let header = csv.stdoutText.split(separator: "\r\n").first.map { $0.split(separator: ",").map(String.init) }
        let column = try #require(header?.firstIndex(of: "machines"))
        #expect(column > 0)
        #expect(csv.stdoutText.contains("PC-ONE (Camille) | PC-TWO (Camille) | PC-THREE (Camille)"))
    }
}
