/// Builds an HTML document in which no value can become markup: markup is appended only from
/// string literals (`StaticString`) and numbers, and every value read from a dump, the export or
/// the command line goes through `text`, which escapes it.
struct HTMLWriter {
    private(set) var bytes: [UInt8] = []

    /// How many characters of one value a page shows: a 1 MiB "login" must not make the page
    /// unreadable (the machine-readable reports keep the whole value).
    static let valueLimit = 300

    /// Markup written in this module's source, never a value.
    mutating func raw(_ markup: StaticString) {
        markup.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// The page's own style sheet or script, as it is: escaping would change the code (and its
    /// hash, which the page's policy lists).
    mutating func asset(_ asset: HTMLAssets.Asset) {
        bytes.append(contentsOf: asset.text.utf8)
    }

    mutating func number(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A coordinate or a length of a chart, with one decimal at most (`12`, `12.5`).
    mutating func number(_ value: Double) {
        let tenths = value.isFinite ? Int((min(max(value, -1e9), 1e9) * 10).rounded()) : 0
        if tenths < 0 { bytes.append(UInt8(ascii: "-")) }
        number(abs(tenths) / 10)
        if tenths % 10 != 0 {
            bytes.append(UInt8(ascii: "."))
            number(abs(tenths) % 10)
        }
    }

    /// `value` as text (for an element's content or a quoted attribute value): `&`, `<`, `>`,
    /// `"` and `'` as character references, and what could disguise it written as visible escapes
    /// (`\x1b`, `\u{202E}`, `DisplayText.escaped`, as the table shows them); cut after `limit`
    /// characters with `…`.
    mutating func text(_ value: String, limit: Int = valueLimit) {
        // Most values are short printable ASCII without a character to escape: copied whole.
        let utf8 = value.utf8
        if utf8.count <= limit
            && !utf8.contains(where: {
                $0 < UInt8(ascii: " ") || $0 >= 0x7F || $0 == UInt8(ascii: "&") || $0 == UInt8(ascii: "<")
                    || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'")
                    || $0 == UInt8(ascii: "\\")
            })
        {
            bytes.append(contentsOf: utf8)
            return
        }
        var count = 0
        for scalar in DisplayText.escaped(value).unicodeScalars {
            if count == limit {
                bytes.append(contentsOf: "…".utf8)
                return
            }
            count += 1
            switch scalar {
            case "&": raw("&amp;")
            case "<": raw("&lt;")
            case ">": raw("&gt;")
            case "\"": raw("&quot;")
            case "'": raw("&#39;")
            default: UTF8.encode(scalar) { bytes.append($0) }
            }
        }
    }
}
