import CredWatch
import Foundation
import Testing

/// A real rsyslog (Debian `rsyslog` and `rsyslog-openssl`, installed by `make test-deps`),
/// started by the test on loopback ports and a socket of its own, writing every message it
/// receives, as received, to a file.
final class RsyslogReceiver {
    let directory: URL
    let udpPort: Int
    let tcpPort: Int
    let tlsPort: Int
    var socketPath: String { directory.appendingPathComponent("log.sock").path }
    var caFile: String { directory.appendingPathComponent("ca.pem").path }
    private let processes: [Process]

    init() throws {
        directory = try CLI.temporaryDirectory()
        udpPort = try Self.freePort(type: SOCK_DGRAM)
        tcpPort = try Self.freePort(type: SOCK_STREAM)
        tlsPort = try Self.freePort(type: SOCK_STREAM)
        // A self-signed certificate for 127.0.0.1, which is also the CA credwatch is given.
        try Self.run(
            "/usr/bin/openssl",
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", directory.appendingPathComponent("key.pem").path,
                "-out", directory.appendingPathComponent("ca.pem").path,
            ]
        )
        let path = directory.path
        // Each input has its own ruleset and file; `%rawmsg%` is the message as it arrived.
        let plain = """
            global(workDirectory="\(path)/work" maxMessageSize="64k")
            module(load="imudp")
            module(load="imtcp")
            module(load="imuxsock" SysSock.Use="off")
            template(name="raw" type="string" string="%rawmsg%\\n")
            ruleset(name="udp") { action(type="omfile" file="\(path)/udp.log" template="raw") }
            ruleset(name="tcp") { action(type="omfile" file="\(path)/tcp.log" template="raw") }
            ruleset(name="unix") { action(type="omfile" file="\(path)/unix.log" template="raw") }
            input(type="imudp" address="127.0.0.1" port="\(udpPort)" ruleset="udp")
            input(type="imtcp" address="127.0.0.1" port="\(tcpPort)" ruleset="tcp")
            input(type="imuxsock" Socket="\(path)/log.sock" Ruleset="unix" UseSpecialParser="off" ParseHostname="on")

            """
        // TLS takes rsyslog's OpenSSL stream driver for all of imtcp: a second instance.
        let tls = """
            global(workDirectory="\(path)/work-tls" maxMessageSize="64k"
                   DefaultNetstreamDriverCAFile="\(path)/ca.pem" DefaultNetstreamDriverCertFile="\(path)/ca.pem"
                   DefaultNetstreamDriverKeyFile="\(path)/key.pem")
            module(load="imtcp" StreamDriver.Name="ossl" StreamDriver.Mode="1" StreamDriver.AuthMode="anon")
            template(name="raw" type="string" string="%rawmsg%\\n")
            ruleset(name="tls") { action(type="omfile" file="\(path)/tls.log" template="raw") }
            input(type="imtcp" address="127.0.0.1" port="\(tlsPort)" ruleset="tls")

            """
        var started: [Process] = []
        for (name, config) in [("plain", plain), ("tls", tls)] {
            try FileManager.default.createDirectory(
                atPath: path + (name == "tls" ? "/work-tls" : "/work"),
                withIntermediateDirectories: true
            )
            let file = directory.appendingPathComponent("\(name).conf")
            try config.write(to: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/rsyslogd")
            process.arguments = ["-n", "-f", file.path, "-i", directory.appendingPathComponent("\(name).pid").path]
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            started.append(process)
        }
        processes = started
        // Listening once both TCP ports accept and the socket exists (imudp binds before them).
        let deadline = Date(timeIntervalSinceNow: 15)
        while !(Self.accepts(tcpPort) && Self.accepts(tlsPort) && FileManager.default.fileExists(atPath: socketPath)) {
            guard Date() < deadline, processes.allSatisfy(\.isRunning) else {
                stop()
                throw ReceiverError.notListening(path)
            }
            usleep(50_000)
        }
    }

    enum ReceiverError: Error { case notListening(String), noFreePort }

    /// SIGKILL: rsyslogd keeps the signal mask of the test runner that started it, where
    /// SIGTERM is blocked. What it received is read before it is stopped.
    func stop() {
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }

    /// The lines rsyslog wrote to `name`.log, once there are `count` of them (or after 10 s).
    func lines(_ name: String, count: Int) -> [String] {
        let file = directory.appendingPathComponent("\(name).log").path
        let deadline = Date(timeIntervalSinceNow: 10)
        var lines: [String] = []
        repeat {
            let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
            lines = text.split(separator: "\n").map(String.init)
            if lines.count >= count { break }
            usleep(50_000)
        } while Date() < deadline
        return lines
    }

    /// A loopback port nothing listens on now.
    static func freePort(type: __socket_type) throws -> Int {
        let descriptor = socket(AF_INET, Int32(type.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw ReceiverError.noFreePort }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func accepts(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func run(_ program: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
    }
}

/// `--syslog` end to end: every finding of the samples arrives intact at a real rsyslog over
/// UDP, TCP, TLS and a local socket; a destination that refuses fails the delivery.
@Suite("syslog delivery")
struct SyslogDeliveryTests {
    static let samples = CLI.samples.appendingPathComponent("logs").path

    static func scanArguments(_ extra: [String]) -> [String] {
        [
            "scan", samples, "--accounts", CLI.samples.appendingPathComponent("accounts.csv").path,
            "--org", CLI.samples.appendingPathComponent("org.toml").path, "--quiet",
        ] + extra
    }

    @Test(arguments: ["udp", "tcp", "tls", "unix"])
    func everyFindingArrivesIntact(transport: String) throws {
        let receiver = try RsyslogReceiver()
        defer { receiver.stop() }
        let url: String
        var extra: [String] = []
        switch transport {
        case "udp": url = "udp://127.0.0.1:\(receiver.udpPort)"
        case "tcp": url = "tcp://127.0.0.1:\(receiver.tcpPort)"
        case "tls":
            url = "tls://127.0.0.1:\(receiver.tlsPort)"
            extra = ["--syslog-ca", receiver.caFile]
        default: url = "unix:" + receiver.socketPath
        }
        let report = receiver.directory.appendingPathComponent("report.cef").path
        // --reveal-passwords: the report shows them, the syslog messages never do.
        let outcome = try CLI.run(
            Self.scanArguments(["--format", "cef", "--output", report, "--syslog", url, "--reveal-passwords"] + extra),
            timeout: 60
        )
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let jsonl = try CLI.run(Self.scanArguments(["--format", "jsonl"])).jsonLines
        let cef = try String(contentsOfFile: report, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(cef.count == jsonl.count && cef.count >= 20)

        let received = receiver.lines(transport, count: jsonl.count)
        #expect(received.count == jsonl.count, "\(received.count) of \(jsonl.count) arrived")
        let passwords = try SIEMFormatCLITests.plantedPasswords()
        for (index, line) in received.enumerated() {
            let message = try #require(SIEMReading.parseSyslog(line), "\(line)")
            let finding = try #require(
                jsonl.first { $0["exposure_key"] as? String == message.parameters["exposureKey"] }
            )
            let severity = ["critical": 2, "high": 3, "medium": 4, "low": 5][finding["severity"] as? String ?? ""]
            #expect(message.priority == 4 * 8 + (severity ?? -1))
            #expect(message.version == "1")
            #expect(message.appName == "credwatch")
            #expect(Int(message.processID) != nil)
            #expect(message.messageID == finding["kind"] as? String)
            #expect(message.structuredDataID == "credwatch@32473")
            for (parameter, key) in [
                ("kind", "kind"), ("severity", "severity"), ("action", "action"), ("account", "account"),
                ("login", "login"), ("platform", "platform"), ("host", "host"),
            ] {
                #expect(message.parameters[parameter] == finding[key] as? String, "\(parameter)")
            }
            // The body is the report's CEF event, byte for byte, in the report's order, minus
            // the password the report was asked to show.
            let event = try #require(SIEMReading.parseCEF(message.message))
            var expected = try #require(SIEMReading.parseCEF(cef[index]))
            expected.pairs["flexString1"] = nil
            expected.pairs["flexString1Label"] = nil
            #expect(event.header == expected.header)
            #expect(event.pairs == expected.pairs)
            #expect(event.pairs["cs4"] == finding["exposure_key"] as? String)
            for password in passwords { #expect(!line.contains(password)) }
        }
        #expect(cef.contains { $0.contains("flexString1=") })
    }

    /// Hostile logins, URLs and file names reach rsyslog as one message each, and read back
    /// as the report has them (the characters that could disguise them shown as text).
    @Test func hostileValuesArriveEscapedAndIntact() throws {
        let receiver = try RsyslogReceiver()
        defer { receiver.stop() }
        let fixture = try ScanContractTests.Fixture()
        let hostile = "ev\\il]x\u{1B}[31m\u{202E}gpj.exe\u{7F}z"
        let dump = try fixture.file(
            "dump|=\\\"]\n\u{202E}txt.exe",
            "https://mediboard.clinique-exemple.fr/a=b\\c\u{202E}/x.php:\(hostile)@clinique-exemple.fr:Pw-hostile-1!\n"
        )
        let arguments = ["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet"]
        let outcome = try CLI.run(
            arguments + ["--format", "jsonl", "--syslog", "tcp://127.0.0.1:\(receiver.tcpPort)"],
            timeout: 60
        )
        #expect(outcome.status == 1, "\(outcome.stderr)")
        let finding = try #require(outcome.jsonLines.first)
        let received = receiver.lines("tcp", count: 1)
        #expect(received.count == 1)
        let line = try #require(received.first)
        #expect(!line.unicodeScalars.contains { DisplayText.isUnsafe($0) })
        let message = try #require(SIEMReading.parseSyslog(line))
        let login = try #require(finding["login"] as? String)
        #expect(login == hostile + "@clinique-exemple.fr")
        #expect(message.parameters["login"] == SIEMReading.shown(login, keepingLineBreaks: false))
        let event = try #require(SIEMReading.parseCEF(message.message))
        #expect(event.pairs["cs2"] == SIEMReading.shown(login, keepingLineBreaks: true))
        #expect(event.pairs["request"] == SIEMReading.shown(finding["url"] as? String ?? "", keepingLineBreaks: true))
        #expect(event.pairs["cs5"] == SIEMReading.shown(dump, keepingLineBreaks: true) + ":1")
    }

    /// Nothing listens: a clear error, exit status 2, no report file, and the state unchanged
    /// (the next run reports everything again).
    @Test(arguments: ["tcp", "udp"])
    func aRefusingDestinationFailsTheDeliveryAndLeavesTheState(transport: String) throws {
        let folder = try CLI.temporaryDirectory()
        let state = folder.appendingPathComponent("state.db").path
        let report = folder.appendingPathComponent("report.jsonl").path
        let port = try RsyslogReceiver.freePort(type: transport == "tcp" ? SOCK_STREAM : SOCK_DGRAM)
        let url = "\(transport)://127.0.0.1:\(port)"
        let failed = try CLI.run(
            Self.scanArguments(["--state", state, "--new-only", "--output", report, "--syslog", url]),
            timeout: 60
        )
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("cannot deliver --syslog \(url): "), "\(failed.stderr)")
        #expect(failed.stderr.contains("Connection refused"), "\(failed.stderr)")
        #expect(failed.stderr.contains("the state was not changed"))
        #expect(!FileManager.default.fileExists(atPath: report))
        let next = try CLI.run(Self.scanArguments(["--state", state, "--new-only", "--format", "jsonl"]))
        #expect(next.status == 1)
        let all = try CLI.run(Self.scanArguments(["--format", "jsonl"])).jsonLines
        #expect(next.jsonLines.count == all.count && all.count >= 20)
    }

    @Test func aServerCertificateNotFromTheCAIsRefused() throws {
        let receiver = try RsyslogReceiver()
        defer { receiver.stop() }
        let other = try RsyslogReceiver()
        other.stop()
        let url = "tls://127.0.0.1:\(receiver.tlsPort)"
        let failed = try CLI.run(Self.scanArguments(["--syslog", url, "--syslog-ca", other.caFile]), timeout: 60)
        #expect(failed.status == 2)
        #expect(failed.stderr.contains("the server's certificate was refused"), "\(failed.stderr)")
        // credwatch has exited: nothing can still be on its way.
        #expect(receiver.lines("tls", count: 0).isEmpty)
    }

    @Test func badSyslogArgumentsAreRefusedBeforeScanning() throws {
        for (arguments, message) in [
            (["--syslog", "http://siem.example"], "expected udp://"),
            (["--syslog", "tls://127.0.0.1:6514"], "tls:// needs --syslog-ca FILE"),
            (["--syslog-ca", "/etc/hostname"], "--syslog-ca needs --syslog tls://"),
            (["--syslog", "tls://127.0.0.1:6514", "--syslog-ca", "/etc/hostname"], "cannot read CA certificates"),
        ] {
            let outcome = try CLI.run(Self.scanArguments(arguments))
            #expect(outcome.status == 2, "\(arguments)")
            #expect(outcome.stderr.contains(message), "\(arguments): \(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
        }
    }
}
