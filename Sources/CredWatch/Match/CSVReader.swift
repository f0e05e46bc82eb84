/// A small RFC 4180 reader on bytes, for account exports: quoted fields with `""` escapes and
/// embedded delimiters or newlines, CRLF or LF line ends, blank lines skipped.
///
/// It is lenient with what spreadsheets and PowerShell write: text after a closing quote is
/// kept, an unterminated quote runs to the end of the input. Fields are handed over as bytes
/// (views into the input, or into a scratch buffer for fields that had `""` escapes), so that
/// columns nobody reads cost no `String`.
struct CSVReader {
    let delimiter: UInt8

    /// Calls `body` with the fields of each record, valid only during the call, the line the
    /// record starts on and the offset just past it; reading stops when `body` returns false.
    func forEachRecord<E: Error>(
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ fields: [UnsafeRawBufferPointer], _ line: Int, _ end: Int) throws(E) -> Bool
    ) throws(E) {
        var position = 0
        var line = 1
        var spans: [(range: Range<Int>, isUnescaped: Bool)] = []
        var unescaped: [UInt8] = []
        var fields: [UnsafeRawBufferPointer] = []
        while position < bytes.count {
            let recordLine = line
            spans.removeAll(keepingCapacity: true)
            unescaped.removeAll(keepingCapacity: true)
            var recordEnded = false
            while !recordEnded {
                var span: (range: Range<Int>, isUnescaped: Bool)
                let isQuoted = position < bytes.count && bytes[position] == UInt8(ascii: "\"")
                if isQuoted {
                    let quoted = readQuoted(bytes, from: position + 1, unescapingInto: &unescaped, line: &line)
                    span = quoted.span
                    position = quoted.end
                    // Text after the closing quote (but for a CR ending the line) is kept,
                    // joined to the content: lenient with hand-edited files.
                    let tailStart = position
                    while position < bytes.count && bytes[position] != delimiter
                        && bytes[position] != UInt8(ascii: "\n")
                    {
                        position += 1
                    }
                    var tailEnd = position
                    if tailEnd > tailStart && bytes[tailEnd - 1] == UInt8(ascii: "\r") { tailEnd -= 1 }
                    if tailEnd > tailStart {
                        if !span.isUnescaped {
                            let start = unescaped.count
                            unescaped.append(contentsOf: Bytes.slice(bytes, span.range))
                            span = (start..<unescaped.count, true)
                        }
                        unescaped.append(contentsOf: Bytes.slice(bytes, tailStart..<tailEnd))
                        span.range = span.range.lowerBound..<unescaped.count
                    }
                } else {
                    let start = position
                    while position < bytes.count && bytes[position] != delimiter
                        && bytes[position] != UInt8(ascii: "\n")
                    {
                        position += 1
                    }
                    span = (start..<position, false)
                }
                if position < bytes.count && bytes[position] == delimiter {
                    position += 1
                } else {
                    // End of record: drop the CR of a CRLF (an unquoted field keeps it so far).
                    if !isQuoted, !span.range.isEmpty, bytes[span.range.upperBound - 1] == UInt8(ascii: "\r") {
                        span.range = span.range.lowerBound..<span.range.upperBound - 1
                    }
                    position += 1
                    line += 1
                    recordEnded = true
                }
                spans.append(span)
            }
            if spans.count == 1 && Bytes.trimmed(Bytes.slice(bytes, spans[0].range)).isEmpty && !spans[0].isUnescaped {
                continue
            }
            let end = min(position, bytes.count)
            let result = unescaped.withUnsafeBytes { unescapedBytes in
                Result { () throws(E) in
                    fields.removeAll(keepingCapacity: true)
                    for span in spans {
                        fields.append(Bytes.slice(span.isUnescaped ? unescapedBytes : bytes, span.range))
                    }
                    return try body(fields, recordLine, end)
                }
            }
            guard try result.get() else { return }
        }
    }

    /// Where the record that contains `offset` probably ends (just past its line feed), judged
    /// by the parity of the quotes since `start`, a record start: RFC 4180 doubles a quote
    /// inside a quoted field, so an odd count means `offset` is inside one. A guess only:
    /// stray quotes in malformed text (`ab"c`) make it wrong, and whoever uses it must check
    /// it against a sequential read.
    static func probableRecordEnd(in bytes: UnsafeRawBufferPointer, after offset: Int, from start: Int) -> Int? {
        guard let base = bytes.baseAddress, start <= offset, offset < bytes.count else { return nil }
        var isQuoted = quoteCount(UnsafeRawBufferPointer(start: base + start, count: offset - start)) & 1 == 1
        var index = offset
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                isQuoted.toggle()
            } else if byte == UInt8(ascii: "\n") && !isQuoted {
                return index + 1
            }
            index += 1
        }
        return nil
    }

    /// The number of `"` bytes in `view`, eight at a time.
    private static func quoteCount(_ view: UnsafeRawBufferPointer) -> Int {
        guard let base = view.baseAddress else { return 0 }
        let quotes: UInt64 = 0x2222_2222_2222_2222
        var count = 0
        var offset = 0
        while offset + 8 <= view.count {
            let found = Bytes.zeroByteMask(base.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ quotes)
            count &+= Int(((found >> 7) &* 0x0101_0101_0101_0101) >> 56)  // one bit per quote, summed
            offset += 8
        }
        while offset < view.count {
            if base.load(fromByteOffset: offset, as: UInt8.self) == UInt8(ascii: "\"") { count += 1 }
            offset += 1
        }
        return count
    }

    /// Reads a quoted field after its opening quote. Without `""` escapes the content is a span
    /// of the input; with them it is unescaped into `unescaped`.
    private func readQuoted(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        unescapingInto unescaped: inout [UInt8],
        line: inout Int
    ) -> (span: (range: Range<Int>, isUnescaped: Bool), end: Int) {
        var position = start
        var copyStart: Int?
        while true {
            guard let quote = Bytes.index(of: UInt8(ascii: "\""), in: bytes, from: position) else {
                countLines(Bytes.slice(bytes, position..<bytes.count), &line)
                return (finish(bytes, start, position, bytes.count, copyStart, &unescaped), bytes.count)
            }
            countLines(Bytes.slice(bytes, position..<quote), &line)
            guard quote + 1 < bytes.count && bytes[quote + 1] == UInt8(ascii: "\"") else {
                return (finish(bytes, start, position, quote, copyStart, &unescaped), quote + 1)
            }
            // An escaped quote: from here on the content is copied.
            if copyStart == nil {
                copyStart = unescaped.count
                unescaped.append(contentsOf: Bytes.slice(bytes, start..<quote + 1))
            } else {
                unescaped.append(contentsOf: Bytes.slice(bytes, position..<quote + 1))
            }
            position = quote + 2
        }
    }

    private func finish(
        _ bytes: UnsafeRawBufferPointer,
        _ start: Int,
        _ position: Int,
        _ end: Int,
        _ copyStart: Int?,
        _ unescaped: inout [UInt8]
    ) -> (range: Range<Int>, isUnescaped: Bool) {
        guard let copyStart else { return (start..<end, false) }
        unescaped.append(contentsOf: Bytes.slice(bytes, position..<end))
        return (copyStart..<unescaped.count, true)
    }

    private func countLines(_ view: UnsafeRawBufferPointer, _ line: inout Int) {
        var from = 0
        while let newline = Bytes.index(of: UInt8(ascii: "\n"), in: view, from: from) {
            line += 1
            from = newline + 1
        }
    }
}
