import CredWatch
import Foundation

/// Reads what the SIEM formats write, as a SIEM's parser would: CEF lines and RFC 5424
/// messages, every escape undone.
enum SIEMReading {
    struct CEFEvent {
        /// The seven header fields after `CEF:0` (vendor, product, version, signature id, name,
        /// severity), then the extension's pairs.
        var header: [String]
        var pairs: [String: String]
    }

    /// Header fields up to the seventh unescaped `|`, then ` key=value` pairs (a key is a run of
    /// letters and digits followed by an unescaped `=`).
    static func parseCEF(_ line: String) -> CEFEvent? {
        let scalars = Array(line.unicodeScalars)
        var header: [String] = []
        var field = ""
        var index = 0
        while header.count < 7 && index < scalars.count {
            let scalar = scalars[index]
            if scalar == "\\" && index + 1 < scalars.count {
                field.unicodeScalars.append(scalars[index + 1])
                index += 2
                continue
            }
            if scalar == "|" {
                header.append(field)
                field = ""
            } else {
                field.unicodeScalars.append(scalar)
            }
            index += 1
        }
        guard header.count == 7, header[0] == "CEF:0" else { return nil }
        var pairs: [String: String] = [:]
        var key: String?
        var value = ""
        // The extension, as if preceded by a space, so that its first key is found like the others.
        let rest = [" "] + scalars[index...]
        var position = 0
        while position < rest.count {
            let scalar = rest[position]
            if scalar == "\\" && position + 1 < rest.count {
                switch rest[position + 1] {
                case "n": value += "\n"
                case "r": value += "\r"
                default: value.unicodeScalars.append(rest[position + 1])
                }
                position += 2
                continue
            }
            if scalar == " " {
                var probe = position + 1
                var word = ""
                while probe < rest.count, rest[probe].properties.isAlphabetic || ("0"..."9").contains(rest[probe]) {
                    word.unicodeScalars.append(rest[probe])
                    probe += 1
                }
                if !word.isEmpty && probe < rest.count && rest[probe] == "=" {
                    if let key { pairs[key] = value }
                    key = word
                    value = ""
                    position = probe + 1
                    continue
                }
            }
            value.unicodeScalars.append(scalar)
            position += 1
        }
        if let key { pairs[key] = value }
        return CEFEvent(header: Array(header.dropFirst()), pairs: pairs)
    }

    struct SyslogMessage {
        var priority: Int
        var version: String
        var timestamp: String
        var hostname: String
        var appName: String
        var processID: String
        var messageID: String
        var structuredDataID: String
        var parameters: [String: String]
        var message: String
    }

    /// `<PRI>VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID [ID k="v" …] MSG`.
    static func parseSyslog(_ line: String) -> SyslogMessage? {
        guard line.hasPrefix("<"), let close = line.firstIndex(of: ">"),
            let priority = Int(line[line.index(after: line.startIndex)..<close])
        else { return nil }
        let fields = line[line.index(after: close)...].split(separator: " ", maxSplits: 6)
        guard fields.count == 7 else { return nil }
        let scalars = Array(fields[6].unicodeScalars)
        guard scalars.first == "[" else { return nil }
        var index = 1
        var identifier = ""
        while index < scalars.count && scalars[index] != " " && scalars[index] != "]" {
            identifier.unicodeScalars.append(scalars[index])
            index += 1
        }
        var parameters: [String: String] = [:]
        while index < scalars.count && scalars[index] == " " {
            index += 1
            var name = ""
            while index < scalars.count && scalars[index] != "=" {
                name.unicodeScalars.append(scalars[index])
                index += 1
            }
            index += 2  // `="`
            var value = ""
            while index < scalars.count && scalars[index] != "\"" {
                if scalars[index] == "\\", index + 1 < scalars.count, ["\"", "\\", "]"].contains(scalars[index + 1]) {
                    index += 1
                }
                value.unicodeScalars.append(scalars[index])
                index += 1
            }
            index += 1
            parameters[name] = value
        }
        guard index + 1 < scalars.count, scalars[index] == "]", scalars[index + 1] == " " else { return nil }
        return SyslogMessage(
            priority: priority,
            version: String(fields[0]),
            timestamp: String(fields[1]),
            hostname: String(fields[2]),
            appName: String(fields[3]),
            processID: String(fields[4]),
            messageID: String(fields[5]),
            structuredDataID: identifier,
            parameters: parameters,
            message: String(String.UnicodeScalarView(scalars[(index + 2)...]))
        )
    }

    /// What a value becomes in CEF and structured data once unescaped: the characters that
    /// could disguise it shown as `DisplayText` shows them (line breaks too, except where the
    /// format has its own escape for them).
    static func shown(_ text: String, keepingLineBreaks: Bool) -> String {
        var shown = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if DisplayText.isUnsafe(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\r")) {
                shown.append(contentsOf: DisplayText.escaped(String(scalar)).unicodeScalars)
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }

    /// The value at a dotted path of a JSON object.
    static func value(_ object: [String: Any], _ path: String) -> Any? {
        var current: Any? = object
        for key in path.split(separator: ".") { current = (current as? [String: Any])?[String(key)] }
        return current
    }
}
