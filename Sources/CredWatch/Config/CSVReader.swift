/// A small RFC 4180 reader on bytes, for account exports: quoted fields with `""` escapes and
/// embedded delimiters or newlines, CRLF or LF line ends, blank lines skipped.
///
/// It is lenient with what spreadsheets and PowerShell write on one line (text after a
/// closing quote is kept), but not with a quote that runs away: a field that starts with `"`
/// runs to the closing quote, so one stray `"` at the start of a value (`"Toto Garnier` in an
/// unquoted export) would swallow every row after it. A quoted field is a `RunawayQuote`, and
/// reading stops there, when it
/// * is not closed by the end of the input,
/// * spans more than `maxQuotedLines` lines or holds more than `maxQuotedBytes` bytes,
/// * holds, after one of its line breaks, a line with `rowDelimiters` delimiters or more (a
///   whole row swallowed), or
/// * spans lines and is followed by other text after its closing quote (it closed on the
///   next stray quote, in the middle of a value).
/// A multi-line description or a list of addresses, one per line, stays one field.
///
/// Fields are handed over as bytes (views into the input, or into a scratch buffer for fields
/// that had `""` escapes), so that columns nobody reads cost no `String`.
struct CSVReader {
    let delimiter: UInt8
    /// The delimiters a line holds when it is a whole row (the header's); nil or 0: not
    /// checked (while reading the header itself).
    var rowDelimiters: Int?

    /// The most lines one quoted field may span.
    static let maxQuotedLines = 16
    /// The most bytes one quoted field may hold (64 KiB: an AD attribute holds far less).
    static let maxQuotedBytes = 64 << 10

    init(delimiter: UInt8, rowDelimiters: Int? = nil) {
        self.delimiter = delimiter
        self.rowDelimiters = rowDelimiters
    }

    /// A quoted field that cannot be a value (see `CSVReader`): the line its quote opened on,
    /// and why.
    struct RunawayQuote: Equatable, CustomStringConvertible {
        enum Problem: Equatable {
            case unclosed
            case tooManyLines
            case tooLarge
            /// The line that holds a whole row.
            case swallowsRow(line: Int)
            /// The line the quote closed on, followed by more of a value.
            case closesInsideValue(line: Int)
        }

        var line: Int
        var problem: Problem

        var description: String {
            let opening = "a quoted field opens here (a value starting with \")"
            let fix =
                ": a stray \" swallows the rows after it. Remove it, or quote the whole value and double "
                + "every quote inside it (RFC 4180), and export again"
            switch problem {
            case .unclosed: return opening + " and is never closed" + fix
            case .tooManyLines: return opening + " and spans more than \(CSVReader.maxQuotedLines) lines" + fix
            case .tooLarge: return opening + " and holds more than \(CSVReader.maxQuotedBytes >> 10) KiB" + fix
            case .swallowsRow(let row):
                return opening
                    + " and runs over line \(row), which holds a whole row (as many delimiters as the header)"
                    + fix
            case .closesInsideValue(let closing):
                return opening + " and closes on line \(closing) in the middle of a value" + fix
            }
        }
    }

    /// Calls `body` with the fields of each record, valid only during the call, the line the
    /// record starts on (the input's first line is `firstLine`) and the offset just past it;
    /// reading stops when `body` returns false. Returns the runaway quote reading stopped at,
    /// if any (the records before it were handed over).
    func forEachRecord<E: Error>(
        in bytes: UnsafeRawBufferPointer,
        firstLine: Int = 1,
        _ body: (_ fields: [UnsafeRawBufferPointer], _ line: Int, _ end: Int) throws(E) -> Bool
    ) throws(E) -> RunawayQuote? {
        var position = 0
        var line = firstLine
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
                    let openLine = line
                    let quoted = readQuoted(bytes, from: position + 1, unescapingInto: &unescaped, line: &line)
                    if let problem = quoted.problem { return RunawayQuote(line: openLine, problem: problem) }
                    if line > openLine, let problem = runOver(bytes, position + 1..<quoted.end - 1, openLine) {
                        return RunawayQuote(line: openLine, problem: problem)
                    }
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
                        // On a field that ran over lines, more of a value after the quote means
                        // the quote that closed it was the next stray one.
                        if line > openLine && !Bytes.trimmed(Bytes.slice(bytes, tailStart..<tailEnd)).isEmpty {
                            return RunawayQuote(line: openLine, problem: .closesInsideValue(line: line))
                        }
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
            guard try result.get() else { return nil }
        }
        return nil
    }

    /// Calls `body(index, field)` for the fields of the one record `record` holds (quotes and
    /// doubled quotes resolved as in every record), until it returns false; the runaway quote
    /// the record has, if any.
    func forEachField(
        ofRecord record: UnsafeRawBufferPointer,
        _ body: (_ index: Int, _ field: UnsafeRawBufferPointer) -> Bool
    ) -> RunawayQuote? {
        forEachRecord(in: record) { fields, _, _ in
            for (index, field) in fields.enumerated() where !body(index, field) { break }
            return false
        }
    }

    /// True when `line` ends inside a quoted field (an odd number of quotes): the record goes
    /// on on the next line.
    static func hasOpenQuote(_ line: UnsafeRawBufferPointer) -> Bool {
        quoteCount(line) & 1 == 1
    }

    /// Checks the lines after the first of a quoted field that spans lines (`content`, between
    /// its quotes, opened on `openLine`): none may hold a whole row's delimiters.
    private func runOver(_ bytes: UnsafeRawBufferPointer, _ content: Range<Int>, _ openLine: Int)
        -> RunawayQuote.Problem?
    {
        guard let rowDelimiters, rowDelimiters > 0,
            var lineStart = Bytes.index(
                of: UInt8(ascii: "\n"),
                in: Bytes.slice(bytes, 0..<content.upperBound),
                from: content.lowerBound
            )
        else { return nil }
        var line = openLine
        while lineStart < content.upperBound {
            lineStart += 1
            line += 1
            var delimiters = 0
            var index = lineStart
            while index < content.upperBound && bytes[index] != UInt8(ascii: "\n") {
                if bytes[index] == delimiter { delimiters += 1 }
                index += 1
            }
            if delimiters >= rowDelimiters { return .swallowsRow(line: line) }
            lineStart = index
        }
        return nil
    }

    /// The number of line feeds in `view`, handing each 8 MiB read to `passed` (see
    /// `ExportBytes`).
    static func lineFeeds(in view: UnsafeRawBufferPointer, passed: (UnsafeRawBufferPointer) -> Void = { _ in }) -> Int {
        var count = 0
        forEachChunk(of: view, passed: passed) { chunk in
            var from = 0
            while let newline = Bytes.index(of: UInt8(ascii: "\n"), in: chunk, from: from) {
                count += 1
                from = newline + 1
            }
        }
        return count
    }

    /// Calls `body` with `view` in chunks of 8 MiB, then `passed` with each.
    private static func forEachChunk(
        of view: UnsafeRawBufferPointer,
        passed: (UnsafeRawBufferPointer) -> Void,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) {
        var start = 0
        while start < view.count {
            let chunk = Bytes.slice(view, start..<min(view.count, start + (8 << 20)))
            body(chunk)
            passed(chunk)
            start += chunk.count
        }
    }

    /// Where the record that contains `offset` probably ends (just past its line feed), judged
    /// by the parity of the quotes since `start`, a record start: RFC 4180 doubles a quote
    /// inside a quoted field, so an odd count means `offset` is inside one. A guess only:
    /// stray quotes in malformed text (`ab"c`) make it wrong, and whoever uses it must check
    /// it against a sequential read. The bytes counted are handed to `passed` as it goes.
    static func probableRecordEnd(
        in bytes: UnsafeRawBufferPointer,
        after offset: Int,
        from start: Int,
        passed: (UnsafeRawBufferPointer) -> Void = { _ in }
    ) -> Int? {
        guard start <= offset, offset < bytes.count else { return nil }
        var quotes = 0
        forEachChunk(of: Bytes.slice(bytes, start..<offset), passed: passed) { quotes &+= quoteCount($0) }
        var isQuoted = quotes & 1 == 1
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
    /// of the input; with them it is unescaped into `unescaped`. `end` is just past the closing
    /// quote; a `problem` when the field runs away (unclosed, too many lines, too large), found
    /// without reading more than `maxQuotedBytes` past the quote.
    private func readQuoted(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        unescapingInto unescaped: inout [UInt8],
        line: inout Int
    ) -> (span: (range: Range<Int>, isUnescaped: Bool), end: Int, problem: RunawayQuote.Problem?) {
        let openLine = line
        let limit = min(bytes.count, start + Self.maxQuotedBytes + 1)
        let searched = Bytes.slice(bytes, 0..<limit)
        var position = start
        var copyStart: Int?
        while true {
            guard let quote = Bytes.index(of: UInt8(ascii: "\""), in: searched, from: position) else {
                countLines(Bytes.slice(bytes, min(position, limit)..<limit), &line)
                let problem: RunawayQuote.Problem =
                    limit == bytes.count
                    ? .unclosed : line - openLine >= Self.maxQuotedLines ? .tooManyLines : .tooLarge
                return ((start..<start, false), limit, problem)
            }
            countLines(Bytes.slice(bytes, position..<quote), &line)
            if line - openLine >= Self.maxQuotedLines { return ((start..<start, false), quote, .tooManyLines) }
            if quote - start > Self.maxQuotedBytes { return ((start..<start, false), quote, .tooLarge) }
            guard quote + 1 < bytes.count && bytes[quote + 1] == UInt8(ascii: "\"") else {
                return (finish(bytes, start, position, quote, copyStart, &unescaped), quote + 1, nil)
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
