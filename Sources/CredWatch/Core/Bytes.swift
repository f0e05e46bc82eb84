/// Byte helpers for the hot paths.
///
/// Bytes are spelled one way across the module: a byte that stands for a printable ASCII
/// character is `UInt8(ascii: ":")` (folded to a constant in release builds); hex is for what
/// is not a character: control bytes, masks (`| 0x20`, the case bit), bitset bounds, binary
/// formats' signatures and UTF-8 lead bytes.
enum Bytes {
    /// ASCII lower-case of one byte.
    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// ASCII whitespace (space, tab, CR, LF, VT, FF).
    @inline(__always)
    static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || (byte >= 0x09 && byte <= 0x0D)
    }

    /// `view` without leading and trailing ASCII whitespace and NUL bytes, nor a leading UTF-8
    /// byte-order mark.
    @inline(__always)
    static func trimmed(_ view: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
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
    static func slice(_ view: UnsafeRawBufferPointer, _ range: Range<Int>) -> UnsafeRawBufferPointer {
        guard let base = view.baseAddress else { return view }
        return UnsafeRawBufferPointer(start: base + range.lowerBound, count: range.count)
    }

    /// First index of `byte` in `view` at or after `from`, with libc's vectorised `memchr`.
    @inline(__always)
    static func index(of byte: UInt8, in view: UnsafeRawBufferPointer, from: Int = 0) -> Int? {
        guard let base = view.baseAddress, from < view.count else { return nil }
        guard let hit = memchr(base + from, Int32(byte), view.count - from) else { return nil }
        return UnsafeRawPointer(hit) - base
    }

    /// How many times `byte` occurs in `view` (`memchr` from one to the next).
    static func count(of byte: UInt8, in view: UnsafeRawBufferPointer) -> Int {
        var count = 0
        var from = 0
        while let found = index(of: byte, in: view, from: from) {
            count += 1
            from = found + 1
        }
        return count
    }

    /// Last index of `byte` in `view`, eight bytes at a time from the end (glibc's `memrchr`
    /// is not visible from Swift). Little-endian: the highest matching byte of a word is the
    /// last one in memory.
    @inline(__always)
    /// Where `needle` (not empty) first occurs in `view`.
    static func index(of needle: UnsafeRawBufferPointer, in view: UnsafeRawBufferPointer) -> Int? {
        guard let first = needle.first, needle.count <= view.count else { return nil }
        var start = 0
        while let candidate = index(of: first, in: view, from: start), candidate + needle.count <= view.count {
            if memcmp(view.baseAddress! + candidate, needle.baseAddress!, needle.count) == 0 { return candidate }
            start = candidate + 1
        }
        return nil
    }

    static func lastIndex(of byte: UInt8, in view: UnsafeRawBufferPointer) -> Int? {
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

    /// Whether `view` is valid UTF-8 (ASCII checked eight bytes at a time first).
    static func isValidUTF8(_ view: UnsafeRawBufferPointer) -> Bool {
        if isASCII(view) { return true }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = view.makeIterator()
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid: continue
            case .emptyInput: return true
            case .error: return false
            }
        }
    }

    /// Whether every byte of `view` is ASCII, eight at a time.
    @inline(__always)
    static func isASCII(_ view: UnsafeRawBufferPointer) -> Bool {
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
    static func equalsLowercased(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        guard view.count == literal.utf8CodeUnitCount else { return false }
        let pointer = literal.utf8Start
        for i in 0..<view.count where lower(view[i]) != pointer[i] { return false }
        return true
    }

    /// Case-insensitive (ASCII) equality of two views; `memcmp` first, as most text that is
    /// compared is written in one case already.
    @inline(__always)
    static func equalsIgnoringASCIICase(_ view: UnsafeRawBufferPointer, _ other: UnsafeRawBufferPointer) -> Bool {
        guard view.count == other.count else { return false }
        guard let base = view.baseAddress, let otherBase = other.baseAddress else { return true }
        if memcmp(base, otherBase, view.count) == 0 { return true }
        for i in 0..<view.count where lower(view[i]) != lower(other[i]) { return false }
        return true
    }

    /// Case-insensitive (ASCII) prefix test against a lower-case ASCII `literal`.
    @inline(__always)
    static func hasLowercasedPrefix(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
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

extension String {
    /// Without leading and trailing ASCII whitespace and NULs, like `Bytes.trimmed`
    /// (Foundation's `trimmingCharacters` is slow on Linux, and account exports have millions
    /// of fields).
    var trimmingASCIIWhitespace: String {
        let utf8 = self.utf8
        guard let first = utf8.first, let last = utf8.last else { return self }
        guard Self.isTrimmed(first) || Self.isTrimmed(last) else { return self }
        var start = utf8.startIndex
        var end = utf8.endIndex
        while start < end && Self.isTrimmed(utf8[start]) { start = utf8.index(after: start) }
        while end > start && Self.isTrimmed(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
        return String(self[start..<end])
    }

    private static func isTrimmed(_ byte: UInt8) -> Bool { Bytes.isSpace(byte) || byte == 0 }
}
