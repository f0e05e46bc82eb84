import Foundation

/// Elastic Common Schema documents (`--format ecs`): the fields of `ECSFields.all` as nested
/// objects, then every other JSONL field under `credwatch`.
enum ECS {
    static func appendDocument(_ finding: Finding, options: ReportOptions, to output: inout [UInt8]) {
        output += Array(#"{"@timestamp":"#.utf8)
        JSON.appendString(options.reportedAtText, to: &output)
        // The objects open at this point of the output, outermost first.
        var open: [Substring] = []
        for field in ECSFields.all {
            guard let value = field.value(finding) else { continue }
            let path = field.name.split(separator: ".")
            let parents = path.dropLast()
            var shared = 0
            while shared < open.count && shared < parents.count && open[shared] == parents[parents.startIndex + shared]
            {
                shared += 1
            }
            for _ in shared..<open.count { output.append(UInt8(ascii: "}")) }
            open.removeLast(open.count - shared)
            // One comma before the outermost key written now: the keys of objects opened here
            // come first in them.
            output.append(UInt8(ascii: ","))
            for parent in parents.dropFirst(shared) {
                JSON.appendString(String(parent), to: &output)
                output += [0x3A, 0x7B]
                open.append(parent)
            }
            JSON.appendString(String(path.last!), to: &output)
            output.append(UInt8(ascii: ":"))
            JSON.appendValue(value, to: &output)
        }
        for _ in open { output.append(UInt8(ascii: "}")) }
        output += Array(#","credwatch":"#.utf8)
        JSON.appendObject(ECSFields.vendorFields, of: finding, options: options, to: &output)
        output.append(UInt8(ascii: "}"))
    }
}

/// ArcSight Common Event Format events (`--format cef`, and the body of syslog messages):
/// `CEF:0|credwatch|credwatch|VERSION|KIND|NAME|SEVERITY|EXTENSION`.
///
/// Header fields escape `\` and `|`; extension values escape `\`, `=`, and line breaks as `\n`
/// and `\r`. Every other character a hostile value could use to forge or disguise an event
/// (`DisplayText.isUnsafe`: C0 and C1 controls, DEL, bidirectional marks and overrides) is
/// written as visible text (`\x1b`, `\u{202E}`, its backslash escaped), so that an event is
/// always one line that reads as what it is.
enum CEF {
    static let vendor = "credwatch"
    static let product = "credwatch"

    static func appendEvent(_ finding: Finding, options: ReportOptions, to output: inout [UInt8]) {
        output += Array("CEF:0|".utf8)
        for field in [
            vendor, product, options.productVersion, finding.kind.rawValue, CEFFields.name(finding.kind),
            String(finding.severity.siemLevel),
        ] {
            appendHeaderField(field, to: &output)
            output.append(UInt8(ascii: "|"))
        }
        output += Array("rt=\(Int64((options.reportedAt.timeIntervalSince1970 * 1000).rounded(.down)))".utf8)
        for field in CEFFields.all {
            guard let value = field.value(finding) else { continue }
            if let label = CEFFields.labels[field.name] { appendExtension(field.name + "Label", label, to: &output) }
            appendExtension(field.name, text(value), to: &output)
        }
        if options.revealPasswords, let password = CEFFields.password.value(finding) {
            appendExtension(CEFFields.password.name + "Label", CEFFields.passwordLabel, to: &output)
            appendExtension(CEFFields.password.name, text(password), to: &output)
        }
    }

    private static func appendExtension(_ key: String, _ value: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: " "))
        output += Array(key.utf8)
        output.append(UInt8(ascii: "="))
        appendExtensionValue(value, to: &output)
    }

    /// A value as text: lists joined with `, `.
    private static func text(_ value: ReportValue) -> String {
        switch value {
        case .texts(let texts): texts.joined(separator: ", ")
        default: CSV.cell(value)
        }
    }

    static func appendHeaderField(_ text: String, to output: inout [UInt8]) {
        appendEscaped(text, to: &output) { scalar in
            switch scalar {
            case "\\": "\\\\"
            case "|": "\\|"
            default: nil
            }
        }
    }

    static func appendExtensionValue(_ text: String, to output: inout [UInt8]) {
        appendEscaped(text, to: &output) { scalar in
            switch scalar {
            case "\\": "\\\\"
            case "=": "\\="
            case "\n": "\\n"
            case "\r": "\\r"
            default: nil
            }
        }
    }

    /// `text` as `DisplayText.escaped` shows it (line breaks kept for CEF's own `\n` and
    /// `\r`), then with `escape`'s replacements: a value CEF-decoded reads as the table shows it.
    private static func appendEscaped(
        _ text: String,
        to output: inout [UInt8],
        _ escape: (Unicode.Scalar) -> String?
    ) {
        for scalar in DisplayText.escaped(text, keeping: ["\n", "\r"]).unicodeScalars {
            if let replacement = escape(scalar) {
                output += Array(replacement.utf8)
            } else {
                output += Array(String(scalar).utf8)
            }
        }
    }
}
