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

    /// `text` with every unsafe character (see `isUnsafe`) written `\xNN` (or `\u{NNNN}`), so one
    /// message stays one line and cannot clear the screen, set the title or reverse the text.
    public static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var clean = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if !isUnsafe(scalar) {
                clean.append(scalar)
            } else if scalar.value < 0x100 {
                clean.append(contentsOf: hex(UInt8(scalar.value)).unicodeScalars)
            } else {
                clean.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(clean)
    }

    /// C0 controls (newlines included), DEL, C1 controls, and the marks and overrides that
    /// reorder text (a hostile name must not show `txt.exe` as `exe.txt`).
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
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
