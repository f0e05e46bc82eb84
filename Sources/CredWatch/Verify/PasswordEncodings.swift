/// Every byte string a system that stored a password hash could have hashed for one leaked
/// password, each distinct one once.
///
/// A leaked password arrives as the bytes the stealer file or combolist held: UTF-8 (UTF-16
/// files are transcoded to UTF-8 before parsing) or, when those bytes are not valid UTF-8,
/// Windows-1252. Its text is decoded from them the same way. What the system hashed is that
/// text in the encoding the system used, which need not be the file's:
/// * byte schemes (Mediboard's salted SHA-256 and legacy MD5, computed by a web application
///   over the bytes the browser posted): the raw bytes as found, the text in UTF-8, in
///   Windows-1252 and in ISO-8859-1 (each when it can write the text);
/// * NT hashes: MD4 of the text in UTF-16LE.
///
/// An ASCII password has one byte candidate; any other at most two distinct ones: its text's
/// UTF-8 and its single-byte form (Windows-1252 and ISO-8859-1 differ only on characters that
/// one of them cannot write).
///
/// The encodings are written into one buffer allocated at its final size (no reallocation ever
/// leaves a copy behind), wiped and freed when the value goes away. No `String` is built from
/// the password.
struct PasswordEncodings: ~Copyable {
    /// The password as found.
    let raw: UnsafeRawBufferPointer
    private let isASCII: Bool
    private let isUTF8: Bool
    private let storage: UnsafeMutableRawBufferPointer
    private var used = 0
    private var byteCandidatesBuilt = false
    private var utf8: Range<Int>?
    private var windows1252: Range<Int>?
    private var latin1: Range<Int>?
    private var utf16: Range<Int>?

    init(_ password: UnsafeRawBufferPointer) {
        raw = password
        isASCII = Bytes.isASCII(password)
        isUTF8 = isASCII || Bytes.isValidUTF8(password)
        // The UTF-8 of Windows-1252 text takes 3 bytes a byte at most, each single-byte form
        // 1 byte a scalar, UTF-16LE 4 bytes a scalar at most (and a scalar takes one byte of
        // Windows-1252, or at least as many of UTF-8 as of UTF-16 beyond U+FFFF).
        storage = .allocate(byteCount: max(1, password.count * 9), alignment: 1)
    }

    deinit {
        SecretBytes.wipe(storage)
        storage.deallocate()
    }

    /// Calls `test` with each distinct byte candidate, the raw bytes first, until it returns
    /// true; returns whether one did.
    mutating func anyByteCandidate(_ test: (UnsafeRawBufferPointer) -> Bool) -> Bool {
        if test(raw) { return true }
        if isASCII { return false }
        buildByteCandidates()
        if let utf8, test(bytes(utf8)) { return true }
        if let windows1252, test(bytes(windows1252)) { return true }
        if let latin1, test(bytes(latin1)) { return true }
        return false
    }

    /// The password's text in UTF-16LE, what Windows hashes into the NT hash.
    mutating func withUTF16LittleEndian<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let range: Range<Int>
        if let utf16 {
            range = utf16
        } else {
            let start = used
            var scalars = Scalars(raw, isUTF8: isUTF8)
            while let scalar = scalars.next() {
                if scalar < 0x1_0000 {
                    append16(UInt16(scalar))
                } else {
                    let offset = scalar - 0x1_0000
                    append16(UInt16(0xD800 + (offset >> 10)))
                    append16(UInt16(0xDC00 + (offset & 0x3FF)))
                }
            }
            range = start..<used
            utf16 = range
        }
        return body(bytes(range))
    }

    // MARK: Building the candidates

    private enum SingleByte {
        case windows1252
        case latin1
    }

    private mutating func buildByteCandidates() {
        guard !byteCandidatesBuilt else { return }
        byteCandidatesBuilt = true
        guard isUTF8 else {
            // Windows-1252 text, in UTF-8 (what a UTF-8 application stored). Its single-byte
            // forms are the raw bytes again: Windows-1252 reads back byte for byte, and
            // ISO-8859-1 either writes the same bytes or cannot write the text.
            let start = used
            var scalars = Scalars(raw, isUTF8: false)
            while let scalar = scalars.next() { appendUTF8(scalar) }
            utf8 = start..<used
            return
        }
        windows1252 = encode(.windows1252)
        let latin = encode(.latin1)
        if let latin, let windows1252, bytes(latin).elementsEqual(bytes(windows1252)) {
            release(latin)
        } else {
            latin1 = latin
        }
    }

    /// Appends the text in `form`; nil, with the bytes written wiped and given back, when
    /// `form` cannot write one of its characters.
    private mutating func encode(_ form: SingleByte) -> Range<Int>? {
        let start = used
        var scalars = Scalars(raw, isUTF8: isUTF8)
        while let scalar = scalars.next() {
            let byte: UInt8? =
                switch form {
                case .windows1252: Self.windows1252Byte(scalar)
                case .latin1: scalar <= 0xFF ? UInt8(scalar) : nil
                }
            guard let byte else {
                release(start..<used)
                return nil
            }
            append(byte)
        }
        return start..<used
    }

    /// Gives back the last range written, wiped now rather than at the end.
    private mutating func release(_ range: Range<Int>) {
        SecretBytes.wipe(UnsafeMutableRawBufferPointer(rebasing: storage[range]))
        used = range.lowerBound
    }

    private func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(storage)[range])
    }

    private mutating func append(_ byte: UInt8) {
        storage[used] = byte
        used += 1
    }

    private mutating func append16(_ unit: UInt16) {
        append(UInt8(truncatingIfNeeded: unit))
        append(UInt8(truncatingIfNeeded: unit >> 8))
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80:
            append(UInt8(scalar))
        case 0x80..<0x800:
            append(UInt8(0xC0 | scalar >> 6))
            append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x1_0000:
            append(UInt8(0xE0 | scalar >> 12))
            append(UInt8(0x80 | scalar >> 6 & 0x3F))
            append(UInt8(0x80 | scalar & 0x3F))
        default:
            append(UInt8(0xF0 | scalar >> 18))
            append(UInt8(0x80 | scalar >> 12 & 0x3F))
            append(UInt8(0x80 | scalar >> 6 & 0x3F))
            append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    // MARK: Decoding

    /// The scalars of the password's text: UTF-8 when its bytes are valid UTF-8 (checked
    /// beforehand), else Windows-1252.
    private struct Scalars {
        let bytes: UnsafeRawBufferPointer
        let isUTF8: Bool
        var position = 0

        init(_ bytes: UnsafeRawBufferPointer, isUTF8: Bool) {
            self.bytes = bytes
            self.isUTF8 = isUTF8
        }

        mutating func next() -> UInt32? {
            guard position < bytes.count else { return nil }
            let lead = bytes[position]
            guard isUTF8 else {
                position += 1
                return PasswordEncodings.windows1252Scalar(lead)
            }
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            var scalar = length == 1 ? UInt32(lead) : UInt32(lead) & (0x7F >> length)
            for index in position + 1..<position + length {
                scalar = scalar << 6 | UInt32(bytes[index] & 0x3F)
            }
            position += length
            return scalar
        }
    }

    /// The character of a Windows-1252 byte; its five undefined bytes (0x81, 0x8D, 0x8F,
    /// 0x90, 0x9D) are the C1 controls of the same value, as browsers read them.
    static func windows1252Scalar(_ byte: UInt8) -> UInt32 {
        guard byte >= 0x80 && byte <= 0x9F else { return UInt32(byte) }
        let mapped = Text.cp1252High[Int(byte) - 0x80]
        return mapped == 0xFFFD ? UInt32(byte) : mapped
    }

    /// The Windows-1252 byte of `scalar`; nil when Windows-1252 cannot write it.
    static func windows1252Byte(_ scalar: UInt32) -> UInt8? {
        if scalar < 0x80 || (scalar >= 0xA0 && scalar <= 0xFF) { return UInt8(scalar) }
        for byte in UInt8(0x80)...0x9F where windows1252Scalar(byte) == scalar { return byte }
        return nil
    }
}
