/// A small RFC 4180 reader on bytes, for account exports: quoted fields with `""` escapes and
/// embedded delimiters or newlines, CRLF or LF line ends, blank lines skipped.
///
/// It is lenient with what spreadsheets and PowerShell write: text after a closing quote is
/// kept, an unterminated quote runs to the end of the input. Fields are decoded as UTF-8, else
/// Windows-1252 (`Text.string`).
struct CSVReader {
    let delimiter: UInt8

    /// Calls `body` with the fields of each record and the line the record starts on.
    func forEachRecord<E: Error>(
        in bytes: UnsafeRawBufferPointer,
        _ body: (_ fields: [String], _ line: Int) throws(E) -> Void
    ) throws(E) {
        var position = 0
        var line = 1
        var field: [UInt8] = []
        var fields: [String] = []
        while position < bytes.count {
            let recordLine = line
            fields.removeAll(keepingCapacity: true)
            var recordEnded = false
            while !recordEnded {
                field.removeAll(keepingCapacity: true)
                if position < bytes.count && bytes[position] == UInt8(ascii: "\"") {
                    position = readQuoted(bytes, from: position + 1, into: &field, line: &line)
                }
                let start = position
                while position < bytes.count {
                    let byte = bytes[position]
                    if byte == delimiter || byte == UInt8(ascii: "\n") { break }
                    position += 1
                }
                field.append(contentsOf: Bytes.slice(bytes, start..<position))
                if position < bytes.count && bytes[position] == delimiter {
                    position += 1
                } else {
                    if field.last == UInt8(ascii: "\r") { field.removeLast() }
                    position += 1
                    line += 1
                    recordEnded = true
                }
                fields.append(Text.string(field))
            }
            if fields.count == 1 && fields[0].utf8.allSatisfy(Bytes.isSpace) { continue }
            try body(fields, recordLine)
        }
    }

    /// Reads a quoted field's content after its opening quote; returns the position after the
    /// closing quote (or the end of the input).
    private func readQuoted(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        into field: inout [UInt8],
        line: inout Int
    ) -> Int {
        var position = start
        while position < bytes.count {
            guard let quote = Bytes.index(of: UInt8(ascii: "\""), in: bytes, from: position) else {
                append(Bytes.slice(bytes, position..<bytes.count), to: &field, line: &line)
                return bytes.count
            }
            append(Bytes.slice(bytes, position..<quote), to: &field, line: &line)
            if quote + 1 < bytes.count && bytes[quote + 1] == UInt8(ascii: "\"") {
                field.append(UInt8(ascii: "\""))
                position = quote + 2
            } else {
                return quote + 1
            }
        }
        return position
    }

    private func append(_ view: UnsafeRawBufferPointer, to field: inout [UInt8], line: inout Int) {
        field.append(contentsOf: view)
        for byte in view where byte == UInt8(ascii: "\n") { line += 1 }
    }
}
