#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// A `--syslog` destination or message that cannot be used; the text says why.
public struct SyslogError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// Where `--syslog` sends the findings: `udp://HOST[:PORT]` (RFC 5426, port 514),
/// `tcp://HOST[:PORT]` (RFC 6587 octet counting, port 514), `tls://HOST[:PORT]` (RFC 5425,
/// port 6514, the server's certificate checked against a CA file and the host name), or
/// `unix:PATH` (a local socket such as `/dev/log`, datagram or stream). HOST may be a name, an
/// IPv4 address or an IPv6 address in brackets.
public struct SyslogDestination: Sendable, Equatable, CustomStringConvertible {
    public enum Transport: String, Sendable {
        case udp, tcp, tls, unix
    }

    public var transport: Transport
    /// The host, or the socket's path for `unix`.
    public var host: String
    public var port: UInt16
    /// The CA certificates (PEM) a `tls` server's certificate must chain to.
    public var caFile: String?
    /// The URL as given.
    public var url: String

    public var description: String { url }

    public static func parse(_ url: String, caFile: String? = nil) throws(SyslogError) -> SyslogDestination {
        if url.hasPrefix("unix:") {
            var path = String(url.dropFirst("unix:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw SyslogError("\(url): name the socket: unix:/dev/log") }
            // sockaddr_un holds 108 bytes, the last one the terminating zero.
            guard path.utf8.count < 108 else { throw SyslogError("\(url): the socket path is longer than 107 bytes") }
            guard caFile == nil else { throw SyslogError("--syslog-ca applies to tls:// only") }
            return SyslogDestination(transport: .unix, host: path, port: 0, caFile: nil, url: url)
        }
        guard let separator = url.range(of: "://"),
            let transport = Transport(rawValue: url[..<separator.lowerBound].lowercased()), transport != .unix
        else {
            throw SyslogError("\(url): expected udp://HOST[:PORT], tcp://HOST[:PORT], tls://HOST[:PORT] or unix:PATH")
        }
        var authority = Substring(url[separator.upperBound...])
        if authority.hasSuffix("/") { authority = authority.dropLast() }
        var host: Substring
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw SyslogError("\(url): unclosed [ in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let rest = authority[authority.index(after: close)...]
            if !rest.isEmpty {
                guard rest.hasPrefix(":") else { throw SyslogError("\(url): expected :PORT after ]") }
                portText = rest.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        } else {
            host = authority
        }
        guard !host.isEmpty, !host.contains(where: { $0 == "/" || $0 == "@" || $0.isWhitespace }) else {
            throw SyslogError("\(url): expected a host name or address after \(transport.rawValue)://")
        }
        var port: UInt16 = transport == .tls ? 6514 : 514
        if let portText {
            guard let number = UInt16(portText), number > 0 else {
                throw SyslogError("\(url): the port must be a number from 1 to 65535")
            }
            port = number
        }
        if transport == .tls && caFile == nil {
            throw SyslogError(
                "\(url): tls:// needs --syslog-ca FILE, the CA certificates (PEM) the server's certificate is checked against"
            )
        }
        if transport != .tls && caFile != nil { throw SyslogError("--syslog-ca applies to tls:// only") }
        return SyslogDestination(transport: transport, host: String(host), port: port, caFile: caFile, url: url)
    }

    /// Streams carry octet-counted frames (`LEN SP MSG`); datagrams one message each.
    var isStream: Bool { transport == .tcp || transport == .tls }
}

/// RFC 5424 messages, one per finding:
/// `<PRI>1 TIMESTAMP HOSTNAME credwatch PROCID KIND [credwatch@32473 …] CEF:0|…`.
///
/// The facility is `auth` (4, security messages) and the severity the finding's
/// (`Severity.syslogSeverity`); the structured data holds the key fields, and the message
/// is the finding's CEF event, which never holds a password, `--reveal-passwords` or not: a
/// SIEM keeps what it receives. 32473 is the private enterprise number RFC 5612 reserves
/// for documentation: credwatch has none of its own.
public enum Syslog {
    static let structuredDataID = "credwatch@32473"
    static let facility = 4

    /// The structured-data parameters, in order.
    static let structuredData: [SIEMField] = [
        SIEMField("kind", carrying: "kind"),
        SIEMField("severity", carrying: "severity"),
        SIEMField("action", carrying: "action"),
        SIEMField("account", carrying: "account"),
        SIEMField("login", carrying: "login"),
        SIEMField("platform", carrying: "platform"),
        SIEMField("host", carrying: "host"),
        SIEMField("machine") { $0.machine.map { .text($0.label) } },
        SIEMField("exposureKey", carrying: "exposure_key"),
    ]

    /// The messages of `findings`, in report order.
    public static func messages(_ findings: [Finding], options: ReportOptions) -> [[UInt8]] {
        messages(FindingReport(findings), options: options)
    }

    public static func messages(_ report: FindingReport, options: ReportOptions) -> [[UInt8]] {
        var options = options
        options.revealPasswords = false
        let hostname = localHostname()
        let processID = getpid()
        return report.map {
            message($0, options: options, hostname: hostname, processID: processID)
        }
    }

    static func message(_ finding: Finding, options: ReportOptions, hostname: String, processID: Int32) -> [UInt8] {
        var output: [UInt8] = []
        let priority = facility * 8 + finding.severity.syslogSeverity
        output += Array("<\(priority)>1 \(options.reportedAtText) \(hostname) credwatch ".utf8)
        output += Array("\(processID) \(finding.kind.rawValue) [\(structuredDataID)".utf8)
        for parameter in structuredData {
            guard let value = parameter.value(finding) else { continue }
            output += Array(" \(parameter.name)=\"".utf8)
            appendParameterValue(CSV.cell(value), to: &output)
            output.append(UInt8(ascii: "\""))
        }
        output += Array("] ".utf8)
        CEF.appendEvent(finding, options: options, to: &output)
        return output
    }

    /// RFC 5424's PARAM-VALUE escapes `"`, `\` and `]`; the characters a hostile value could
    /// use to break a line or disguise it are written as visible text, its backslash escaped.
    static func appendParameterValue(_ text: String, to output: inout [UInt8]) {
        for scalar in DisplayText.escaped(text).unicodeScalars {
            switch scalar {
            case "\"", "\\", "]":
                output += [UInt8(ascii: "\\"), UInt8(scalar.value)]
            default:
                output += Array(String(scalar).utf8)
            }
        }
    }

    /// This machine's name as RFC 5424's HOSTNAME: printable ASCII, at most 255, or `-`.
    static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "-" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let printable = name.unicodeScalars.allSatisfy { $0.value > UInt8(ascii: " ") && $0.value < 0x7F }
        return name.isEmpty || !printable ? "-" : String(name.prefix(255))
    }
}
