/// Reads Netscape `cookies.txt` lines: domain, include-subdomains, path, secure, expiry, name,
/// value, separated by TABs. `#HttpOnly_<domain>` lines are cookies (curl's extension); other
/// `#` lines are comments. The value is handed on as a view, for the match stage to fingerprint
/// (never copied). Comments, blank and malformed lines are counted as skipped.
enum CookieFileParser {
    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        into sink: inout Sink
    ) {
        var skipped = 0
        var lines = LineScanner(text, firstLine: firstLine, offsets: offsets)
        while let (line, number) = lines.next() {
            if let cookie = cookie(line, line: number, offset: lines.offset) {
                sink.cookie(cookie)
            } else {
                skipped += 1
            }
        }
        if skipped > 0 { sink.skippedLines(skipped) }
    }

    /// The cookie on one line (without its line end); nil for comments, blank and malformed lines.
    static func cookie(_ line: UnsafeRawBufferPointer, line number: Int, offset: Int64) -> RawCookie? {
        var rest = line
        var isHTTPOnly = false
        if Bytes.hasLowercasedPrefix(rest, "#httponly_") {
            isHTTPOnly = true
            rest = Bytes.slice(rest, 10..<rest.count)
        } else if rest.first == UInt8(ascii: "#") {
            return nil
        }
        // Seven TAB-separated fields; the seventh (the value) may be missing.
        var fields = TabFields(rest)
        guard let domain = fields.next(), let subdomains = fields.next(), let path = fields.next(),
            let secure = fields.next(), let expiry = fields.next()
        else { return nil }
        let named = fields.next()
        let name = named ?? fields.rest
        let value = named == nil ? Bytes.slice(rest, 0..<0) : Bytes.trimmed(fields.rest)
        guard !Bytes.trimmed(domain).isEmpty, let includeSubdomains = flag(subdomains), let isSecure = flag(secure),
            let seconds = unixTime(expiry)
        else { return nil }
        return RawCookie(
            domain: domain,
            includeSubdomains: includeSubdomains,
            path: path,
            isSecure: isSecure,
            expiry: seconds,
            name: name,
            value: value,
            isHTTPOnly: isHTTPOnly,
            line: number,
            offset: offset
        )
    }

    /// Successive TAB-terminated fields of a line.
    private struct TabFields {
        let line: UnsafeRawBufferPointer
        var start = 0

        init(_ line: UnsafeRawBufferPointer) { self.line = line }

        mutating func next() -> UnsafeRawBufferPointer? {
            guard let tab = Bytes.index(of: ParseText.tab, in: line, from: start) else { return nil }
            defer { start = tab + 1 }
            return Bytes.slice(line, start..<tab)
        }

        var rest: UnsafeRawBufferPointer { Bytes.slice(line, start..<line.count) }
    }

    /// `TRUE`/`FALSE` in any case (some stealers write `1`/`0`).
    private static func flag(_ field: UnsafeRawBufferPointer) -> Bool? {
        if Bytes.equalsLowercased(field, "true") || Bytes.equalsLowercased(field, "1") { return true }
        if Bytes.equalsLowercased(field, "false") || Bytes.equalsLowercased(field, "0") { return false }
        return nil
    }

    /// Unix seconds, optionally negative; nil when not a number or out of range.
    private static func unixTime(_ field: UnsafeRawBufferPointer) -> Int64? {
        guard !field.isEmpty else { return nil }
        var index = 0
        let negative = field[0] == UInt8(ascii: "-")
        if negative { index = 1 }
        guard index < field.count, field.count - index <= 18 else { return nil }
        var value: Int64 = 0
        while index < field.count {
            let byte = field[index]
            guard ParseText.isDigit(byte) else { return nil }
            value = value * 10 + Int64(byte &- UInt8(ascii: "0"))
            index += 1
        }
        return negative ? -value : value
    }
}
