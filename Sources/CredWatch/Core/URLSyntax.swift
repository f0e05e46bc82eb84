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
            if isLetter(byte) || byte &- 0x30 < 10 || byte == 0x2B || byte == 0x2E || byte == 0x2D {
                index += 1
                continue
            }
            guard byte == 0x3A, index + 2 < count, text[index + 1] == 0x2F, text[index + 2] == 0x2F else {
                return nil
            }
            return index
        }
        return nil
    }

    @inline(__always)
    private static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }
}
