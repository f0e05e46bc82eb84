import Foundation
import Testing

@testable import CredWatch

/// RFC 5424 messages and `--syslog` URLs, built in process (the CLI tests send them to a real
/// rsyslog).
@Suite struct SyslogMessageTests {
    typealias F = ReportFixture

    static func options(revealing: Bool = false) -> ReportOptions { SIEMFormatTests.options(revealing: revealing) }
    static let hostile = SIEMFormatTests.hostile

    @Test func syslogMessagesAreRFC5424WithStructuredDataAndACEFBody() throws {
        let findings = F.aggregate(F.mixedRun).sorted(by: Finding.reportOrder)
        let messages = Syslog.messages(findings, options: Self.options(revealing: true))
        let cef = ReportRenderer.render(findings, as: .cef, options: Self.options()).reportText
            .split(separator: "\n").map(String.init)
        #expect(messages.count == findings.count)
        for (index, message) in messages.enumerated() {
            let text = message.reportText
            let finding = findings[index]
            let priority = 4 * 8 + finding.severity.syslogSeverity
            #expect(text.hasPrefix("<\(priority)>1 2024-11-20T06:30:00Z "))
            #expect(text.contains(" credwatch \(getpid()) \(finding.kind.rawValue) [credwatch@32473 kind=\""))
            // The body is the report's CEF line, never revealing the password.
            #expect(text.hasSuffix("] " + cef[index]))
            #expect(!text.contains("Cardio2024!"))
            #expect(!message.contains(0x0A) && !message.contains(0x0D))
        }
    }

    @Test func structuredDataEscapesQuotesBackslashesBracketsAndShowsTheRest() {
        var output: [UInt8] = []
        Syslog.appendParameterValue(Self.hostile, to: &output)
        #expect(
            output.reportText
                == #"a|b=c\\d\\x0ae\\x0df\\x09g\\x1b[31mh\\u{202E}txt.exe\\x7fi\\x85j\]k\"l"#
        )
    }

    @Test func syslogURLsAreParsedOrRefusedWithTheReason() throws {
        let tcp = try SyslogDestination.parse("tcp://siem.example:1514")
        #expect(tcp.transport == .tcp && tcp.host == "siem.example" && tcp.port == 1514)
        #expect(try SyslogDestination.parse("udp://192.0.2.1").port == 514)
        let tls = try SyslogDestination.parse("tls://[2001:db8::1]", caFile: "/etc/ca.pem")
        #expect(tls.transport == .tls && tls.host == "2001:db8::1" && tls.port == 6514 && tls.caFile == "/etc/ca.pem")
        let local = try SyslogDestination.parse("unix:/dev/log")
        #expect(local.transport == .unix && local.host == "/dev/log")
        for (url, reason) in [
            ("http://siem.example", "expected udp://"),
            ("tcp://", "expected a host"),
            ("tcp://siem.example:0", "the port must be"),
            ("tcp://siem.example:99999", "the port must be"),
            ("tcp://[::1", "unclosed ["),
            ("tls://siem.example", "tls:// needs --syslog-ca FILE"),
            ("unix:", "name the socket"),
            ("unix:/" + String(repeating: "a", count: 120), "longer than 107 bytes"),
        ] {
            #expect(throws: SyslogError.self, "\(url)") { try SyslogDestination.parse(url) }
            do {
                _ = try SyslogDestination.parse(url)
            } catch {
                #expect(error.message.contains(reason), "\(url): \(error.message)")
            }
        }
        #expect(throws: SyslogError.self) { try SyslogDestination.parse("tcp://h:1", caFile: "/etc/ca.pem") }
    }

    @Test func aCAFileThatIsNotOneIsRefusedBeforeAnythingIsSent() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("credwatch-ca-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let file = folder.appendingPathComponent("ca.pem")
        try Data("not a certificate\n".utf8).write(to: file)
        let destination = try SyslogDestination.parse("tls://127.0.0.1:1", caFile: file.path)
        #expect(throws: SyslogError.self) { try SyslogTransport.check(destination) }
    }
}
