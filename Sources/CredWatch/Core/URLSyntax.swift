/// The syntax both the combolist splitter and the URL reader need.
enum URLSyntax {
    /// The length of the scheme of a `scheme://` that starts `text` (`[a-z][a-z0-9+.-]*`, at
    /// most 32 bytes, any case), which is the index of its `:`; nil when `text` starts with none.
    @inline(__always)
    static func schemeLength(_ text: UnsafeRawBufferPointer) -> Int? {
        let count = text.count
        // Most URLs in dumps are http or https: recognised from their first eight bytes at once
        // (little-endian words; bit 5 lower-cases the letters of the scheme, and only them).
        if count >= 8, let base = text.baseAddress {
            let word = base.loadUnaligned(as: UInt64.self)
            if (word | 0x2020_2020) & 0x00FF_FFFF_FFFF_FFFF == 0x002F_2F3A_7074_7468 { return 4 }  // http://
            if word | 0x20_2020_2020 == 0x2F2F_3A73_7074_7468 { return 5 }  // https://
        }
        guard count > 0, isLetter(text[0]) else { return nil }
        var index = 1
        let limit = min(count, 33)
        while index < limit {
            let byte = text[index]
            if isLetter(byte) || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "+")
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
            {
                index += 1
                continue
            }
            guard byte == UInt8(ascii: ":"), index + 2 < count, text[index + 1] == UInt8(ascii: "/"),
                text[index + 2] == UInt8(ascii: "/")
            else {
                return nil
            }
            return index
        }
        return nil
    }

    @inline(__always)
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
}

/// The authority of a URL (`userinfo@host:port`), as offsets into the text it was read from.
/// `URLSyntax.authority` reads it for both the URL reader (`URLParts`) and the combolist
/// splitter (`ComboLineParser`), so that both agree on where a host starts and ends.
struct URLAuthority {
    /// What precedes the last `@` of the authority (WHATWG: a password may hold `@`).
    var userinfo: Range<Int>?
    /// As written: `[…]` kept around an IPv6 literal, trailing dots kept. Empty when absent.
    var host: Range<Int>
    /// The `:` after the host (outside an IPv6 literal's brackets), port or not.
    var colon: Int?
    /// Where the authority ends: its first `/`, `?`, `#` or `\` (in a line, also a space, TAB or
    /// `|`, which no authority holds), or the end of the text.
    var end: Int
}

extension URLSyntax {
    /// Reads the authority that starts at `start` (after `scheme://`). With `inLine`, the text is
    /// a combolist line and the authority also ends at a space, TAB or `|`.
    @inline(__always)
    static func authority(_ text: UnsafeRawBufferPointer, from start: Int, inLine: Bool) -> URLAuthority {
        let count = text.count
        let low = inLine ? authorityMarks | lineMarks : authorityMarks
        var index = start
        var lastAt = -1
        while index < count {
            let byte = text[index]
            // Letters, digits, `.` and `-` (almost every byte of a host) take one test.
            let isMark =
                byte < 0x40
                ? low >> UInt64(byte) & 1 != 0
                : byte == UInt8(ascii: "@") || byte == UInt8(ascii: "\\") || (inLine && byte == UInt8(ascii: "|"))
            if isMark {
                guard byte == UInt8(ascii: "@") else { break }  // `/`, `?`, `#`, `\` (space, TAB, `|` in a line)
                lastAt = index
            }
            index += 1
        }
        let end = index
        let hostStart = lastAt >= 0 ? lastAt + 1 : start
        var hostEnd = end
        var colon: Int?
        if hostStart < end && text[hostStart] == UInt8(ascii: "[") {  // `[` of an IPv6 literal: its colons are its own
            var close = hostStart + 1
            while close < end && text[close] != UInt8(ascii: "]") { close += 1 }
            hostEnd = close < end ? close + 1 : end
            if hostEnd < end && text[hostEnd] == UInt8(ascii: ":") { colon = hostEnd }
        } else if let found = Bytes.index(of: UInt8(ascii: ":"), in: Bytes.slice(text, hostStart..<end)) {
            hostEnd = hostStart + found
            colon = hostEnd
        }
        return URLAuthority(
            userinfo: lastAt >= 0 ? start..<lastAt : nil,
            host: hostStart..<hostEnd,
            colon: colon,
            end: end
        )
    }

    /// Bits of the bytes below 0x40 that end an authority: `#`, `/`, `?`.
    private static let authorityMarks: UInt64 = 1 << 0x23 | 1 << 0x2F | 1 << 0x3F
    /// TAB and space, which end an authority in a line.
    private static let lineMarks: UInt64 = 1 << 0x09 | 1 << 0x20
}
