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

extension Text {
    /// `Text.string`, with a shortcut for ASCII bytes (most fields of an account export): the
    /// generic UTF-8 validation costs more than the rest of reading a field.
    static func asciiFastString(_ view: UnsafeRawBufferPointer) -> String {
        if !Bytes.isASCII(view) { return Text.string(view) }
        return String(decoding: view, as: UTF8.self)
    }
}
