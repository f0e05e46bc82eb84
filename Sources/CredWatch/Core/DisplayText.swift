/// Turning the bytes of hostile text into `String`s, only for what a report keeps.
enum Text {
    /// Decodes `bytes` as UTF-8 when valid, else as Windows-1252 (never drops a value).
    static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.isEmpty { return "" }
        let units = bytes.bindMemory(to: UInt8.self)
        if let valid = String(validating: units, as: UTF8.self) { return valid }
        return windows1252(bytes)
    }

    /// Decodes `bytes` as UTF-8 when valid, else as Windows-1252.
    static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { string($0) }
    }

    /// Windows-1252: Latin-1 except for 0x80–0x9F, which carry typographic characters.
    static func windows1252(_ bytes: UnsafeRawBufferPointer) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if byte >= 0x80 && byte <= 0x9F {
                scalars.append(Unicode.Scalar(cp1252High[Int(byte) - 0x80]) ?? "\u{FFFD}")
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Code points of 0x80–0x9F in Windows-1252; undefined bytes map to U+FFFD.
    static let cp1252High: [UInt32] = [
        0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
        0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0xFFFD,
    ]
}

/// Names (paths, archive members) made safe to print: whatever bytes a hostile dump puts in a
/// name must not drive the terminal or forge a line of a log.
public enum DisplayText {
    /// `bytes` as text: valid UTF-8 as it is, each other byte as `\xNN`.
    static func path(_ bytes: [UInt8]) -> String {
        decoding(bytes) { hex($0).unicodeScalars }
    }

    /// `bytes` as text: valid UTF-8 as it is, each byte that is not part of valid UTF-8 as
    /// `replacement` says (`path` writes `\xNN`; the CLI keeps the byte as a private-use
    /// character).
    public static func decoding(
        _ bytes: [UInt8],
        replacingInvalidByte replacement: (UInt8) -> String.UnicodeScalarView
    ) -> String {
        if let valid = String(validating: bytes, as: UTF8.self) { return valid }
        var text = String.UnicodeScalarView()
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                text.append(Unicode.UTF8.decode(encoded))
                offset += encoded.count
            case .error(let length):
                for byte in bytes[offset..<(offset + length)] { text.append(contentsOf: replacement(byte)) }
                offset += length
            case .emptyInput:
                return String(text)
            }
        }
    }

    /// `text` with every unsafe character (see `isUnsafe`) written `\xNN` (below U+0100) or
    /// `\u{NNNN}`, so one message stays one line, cannot clear the screen, set the title or
    /// reverse the text, and `jdupont` and `jdu\u{200B}pont` do not look the same. A backslash
    /// that would read as the start of an escape (before `x`, `u{`, `\` or an unsafe character)
    /// is written `\\`, so that a login holding the text `jdu\u{200B}pont` shows as
    /// `jdu\\u{200B}pont`; other backslashes (`C:\Users`) stay as they are. The table, the CSV
    /// report, the reset list, CEF, syslog, the HTML page and stderr all write them so;
    /// `keeping` are unsafe characters the caller escapes in its own way (CEF's `\n`).
    /// `backslashes: false` leaves every backslash as it is: for messages, whose names are
    /// already in this notation (`path`: an undecodable byte is `\xNN`), and which would
    /// otherwise show it `\\xNN`.
    public static func escaped(
        _ text: String,
        keeping kept: [Unicode.Scalar] = [],
        backslashes: Bool = true
    ) -> String {
        guard text.unicodeScalars.contains(where: { ($0 == "\\" && backslashes) || isUnsafe($0) }) else {
            return text
        }
        let scalars = Array(text.unicodeScalars)
        func isEscaped(_ scalar: Unicode.Scalar) -> Bool { isUnsafe(scalar) && !kept.contains(scalar) }
        /// Whether a backslash at `index` followed by what follows it would read as an escape.
        func startsEscape(_ index: Int) -> Bool {
            guard index + 1 < scalars.count else { return false }
            let next = scalars[index + 1]
            return next == "x" || next == "\\" || isEscaped(next)
                || (next == "u" && index + 2 < scalars.count && scalars[index + 2] == "{")
        }
        var clean = String.UnicodeScalarView()
        for (index, scalar) in scalars.enumerated() {
            if scalar == "\\" && backslashes {
                clean.append(contentsOf: (startsEscape(index) ? "\\\\" : "\\").unicodeScalars)
            } else if !isEscaped(scalar) {
                clean.append(scalar)
            } else if scalar.value < 0x100 {
                clean.append(contentsOf: hex(UInt8(scalar.value)).unicodeScalars)
            } else {
                clean.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(clean)
    }

    /// What a hostile value could use to drive a terminal, forge a line or disguise a name: C0
    /// controls (newlines and TAB included), DEL, C1 controls, the line and paragraph
    /// separators, the marks and overrides that reorder text (a hostile name must not show
    /// `txt.exe` as `exe.txt`: U+061C, U+200E/F, U+202A–E, U+2066–9), and the characters shown as
    /// nothing (the soft hyphen, zero-width spaces and joiners, word joiners and invisible
    /// operators, the byte order mark, Hangul fillers, interlinear annotation marks, musical
    /// formatting and tag characters).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0xAD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B...0x180F,
            0x200B...0x200F, 0x2028...0x202E, 0x2060...0x206F, 0x3164, 0xFEFF, 0xFFA0, 0xFFF9...0xFFFB,
            0x1D173...0x1D17A, 0xE0000...0xE007F:
            true
        default: false
        }
    }

    /// The columns a terminal gives `text`: the sum of its characters' (`width(of:)`).
    public static func width(_ text: some StringProtocol) -> Int {
        // ASCII (most logins, URLs and paths) is one column a byte, but for the controls that
        // the table escapes before it measures.
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: " ") && $0 < 0x7F }) { return text.utf8.count }
        return text.reduce(0) { $0 + width(of: $1) }
    }

    /// The columns a terminal gives one character: 2 for East Asian Wide and Fullwidth
    /// characters and emoji shown as emoji (a flag, a symbol with U+FE0F), 0 for combining marks
    /// and the characters shown as nothing, 1 for the others.
    public static func width(of character: Character) -> Int {
        var total = 0
        var isEmoji = false
        for scalar in character.unicodeScalars {
            let columns = width(of: scalar)
            if columns == 2 { return 2 }
            if scalar.value == 0xFE0F && isEmoji { return 2 }
            isEmoji = isEmoji || scalar.properties.isEmoji
            total += columns
        }
        return total
    }

    /// `wcwidth` for one scalar (controls count 1: callers escape them first).
    static func width(of scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x300 { return value == 0xAD ? 0 : 1 }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: break
        }
        if (0x1160...0x11FF).contains(value) || value == 0x200B { return 0 }
        if isWide(value) || scalar.properties.isEmojiPresentation { return 2 }
        return 1
    }

    /// East Asian Wide (W) and Fullwidth (F) blocks (Unicode's EastAsianWidth.txt, by block;
    /// emoji are told by their property).
    private static func isWide(_ value: UInt32) -> Bool {
        switch value {
        case 0x1100...0x115F, 0x2329...0x232A, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
            0xA000...0xA4CF, 0xA960...0xA97F, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F,
            0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x16FE0...0x16FE4, 0x17000...0x18CFF, 0x1B000...0x1B2FF,
            0x20000...0x2FFFD, 0x30000...0x3FFFD:
            true
        default: false
        }
    }

    /// `text` cut to at most `width` columns, at a character boundary, ending with `…` when cut
    /// (`keepingTail`: the end kept, after a leading `…`).
    public static func fitted(_ text: String, width limit: Int, keepingTail: Bool = false) -> String {
        guard width(text) > limit else { return text }
        guard limit > 0 else { return "" }
        var kept: [Character] = []
        var used = 1  // the ellipsis
        let characters = keepingTail ? Array(text.reversed()) : Array(text)
        for character in characters {
            let columns = width(of: character)
            if used + columns > limit { break }
            used += columns
            kept.append(character)
        }
        return keepingTail ? "…" + String(kept.reversed()) : String(kept) + "…"
    }

    private static func hex(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return "\\x" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0xF)])
    }
}

extension Text {
    /// `Text.string`, with a shortcut for ASCII bytes (most fields of an account export): the
    /// generic UTF-8 validation costs more than the rest of reading a field.
    static func asciiFastString(_ view: UnsafeRawBufferPointer) -> String {
        if !Bytes.isASCII(view) { return Text.string(view) }
        return String(decoding: view, as: UTF8.self)
    }
}
