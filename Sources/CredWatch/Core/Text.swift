/// Turning the bytes of hostile text into `String`s, only for what a report keeps.
public enum Text {
    /// Decodes `bytes` as UTF-8 when valid, else as Windows-1252 (never drops a value).
    public static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        if bytes.isEmpty { return "" }
        let units = bytes.bindMemory(to: UInt8.self)
        if let valid = String(validating: units, as: UTF8.self) { return valid }
        return windows1252(bytes)
    }

    /// Decodes `bytes` as UTF-8 when valid, else as Windows-1252.
    public static func string(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { string($0) }
    }

    /// Windows-1252: Latin-1 except for 0x80–0x9F, which carry typographic characters.
    public static func windows1252(_ bytes: UnsafeRawBufferPointer) -> String {
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
    public static func path(_ bytes: [UInt8]) -> String {
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

/// Byte helpers for the hot paths.
public enum Bytes {
    /// ASCII lower-case of one byte.
    @inline(__always)
    public static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }

    /// ASCII whitespace (space, tab, CR, LF, VT, FF).
    @inline(__always)
    public static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `view` without leading and trailing ASCII whitespace and NUL bytes, nor a leading UTF-8
    /// byte-order mark.
    @inline(__always)
    public static func trimmed(_ view: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let base = view.baseAddress, !view.isEmpty else { return view }
        var start = 0
        var end = view.count
        while start < end && (isSpace(view[start]) || view[start] == 0) { start += 1 }
        // A byte-order mark where a file's text was joined to another's (`cat a.txt b.txt` of
        // files that start with one) is no part of the value.
        if end - start >= 3 && view[start] == 0xEF && view[start + 1] == 0xBB && view[start + 2] == 0xBF {
            start += 3
        }
        while end > start && (isSpace(view[end - 1]) || view[end - 1] == 0) { end -= 1 }
        return UnsafeRawBufferPointer(start: base + start, count: end - start)
    }

    /// The sub-view `range` of `view`.
    @inline(__always)
    public static func slice(_ view: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base = view.baseAddress else { return view }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// First index of `byte` in `view` at or after `from`, with libc's vectorised `memchr`.
    @inline(__always)
    public static func index(of byte: UInt8, in view: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard let base = view.baseAddress, from < view.count else { return nil }
        guard let hit = memchr(base + from, Int32(byte), view.count - from) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// Last index of `byte` in `view`, eight bytes at a time from the end (glibc's `memrchr`
    /// is not visible from Swift). Little-endian: the highest matching byte of a word is the
    /// last one in memory.
    @inline(__always)
    public static func lastIndex(of byte: UInt8, in view: UnsafeRawBufferPointer) -> Int? {
        guard let base = view.baseAddress else { return nil }
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        var end = view.count
        while end >= 8 {
            let zeroBytes = zeroByteMask(base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) ^ pattern)
            if zeroBytes != 0 { return end - 8 + (63 - zeroBytes.leadingZeroBitCount) / 8 }
            end -= 8
        }
        while end > 0 {
            end -= 1
            if base.load(fromByteOffset: end, as: UInt8.self) == byte { return end }
        }
        return nil
    }

    /// First index in `view` of a byte other than `byte`, eight bytes at a time. Little-endian:
    /// the lowest differing byte of a word is the first one in memory.
    @inline(__always)
    static func firstIndex(notEqualTo byte: UInt8, in view: UnsafeRawBufferPointer) -> Int? {
        guard let base = view.baseAddress else { return nil }
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        var offset = 0
        while offset + 8 <= view.count {
            let difference = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ pattern
            if difference != 0 { return offset + difference.trailingZeroBitCount / 8 }
            offset += 8
        }
        while offset < view.count {
            if base.load(fromByteOffset: offset, as: UInt8.self) != byte { return offset }
            offset += 1
        }
        return nil
    }

    /// Last index in `view` of a byte other than `byte`, eight bytes at a time from the end.
    @inline(__always)
    static func lastIndex(notEqualTo byte: UInt8, in view: UnsafeRawBufferPointer) -> Int? {
        guard let base = view.baseAddress else { return nil }
        let pattern = UInt64(byte) &* 0x0101_0101_0101_0101
        var end = view.count
        while end >= 8 {
            let difference = base.loadUnaligned(fromByteOffset: end - 8, as: UInt64.self) ^ pattern
            if difference != 0 { return end - 8 + (63 - difference.leadingZeroBitCount) / 8 }
            end -= 8
        }
        while end > 0 {
            end -= 1
            if base.load(fromByteOffset: end, as: UInt8.self) != byte { return end }
        }
        return nil
    }

    /// The high bit of each byte of `word` that is zero, and no other: exact, as no borrow
    /// crosses from one byte to the next (XOR a word with a repeated byte to find that byte).
    @inline(__always)
    static func zeroByteMask(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & 0x8080_8080_8080_8080
    }

    /// Whether every byte of `view` is ASCII, eight at a time.
    @inline(__always)
    public static func isASCII(_ view: UnsafeRawBufferPointer) -> Bool {
        guard let base = view.baseAddress else { return true }
        var highBits: UInt64 = 0
        var offset = 0
        while offset + 8 <= view.count {
            highBits |= base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < view.count {
            highBits |= UInt64(base.load(fromByteOffset: offset, as: UInt8.self))
            offset += 1
        }
        return highBits & 0x8080_8080_8080_8080 == 0
    }

    /// Case-insensitive (ASCII) equality of `view` with a lower-case ASCII `literal`.
    @inline(__always)
    public static func equalsLowercased(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard view.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for i in 0..<view.count where lower(view[i]) != pointer[i] { return false }
        return true
    }

    /// Case-insensitive (ASCII) equality of two views; `memcmp` first, as most text that is
    /// compared is written in one case already.
    @inline(__always)
    public static func equalsIgnoringASCIICase(_ view: UnsafeRawBufferPointer, _ other: UnsafeRawBufferPointer) -> Bool
    {
        guard view.count == other.count else { return false }
        guard let base = view.baseAddress, let otherBase = other.baseAddress else { return true }
        if memcmp(base, otherBase, view.count) == 0 { return true }
        for i in 0..<view.count where lower(view[i]) != lower(other[i]) { return false }
        return true
    }

    /// Case-insensitive (ASCII) prefix test against a lower-case ASCII `literal`.
    @inline(__always)
    public static func hasLowercasedPrefix(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard view.count >= count else { return false }
        let pointer = literal.utf8Start
        for i in 0..<count where lower(view[i]) != pointer[i] { return false }
        return true
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
