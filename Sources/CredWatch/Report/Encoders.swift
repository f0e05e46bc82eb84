/// Hand-written JSON: strings escaped per RFC 8259, non-ASCII kept as UTF-8.
enum JSON {
    /// Appends `text` as a JSON string: `"` and `\` escaped, control characters U+0000–U+001F
    /// written as their short forms or `\u00XX`; DEL, the C1 controls, the line and paragraph
    /// separators, the marks and overrides that reorder text and the invisible characters
    /// (`DisplayText.isUnsafe`) as `\uXXXX`, so that a report shown in a terminal or a SIEM cannot be disguised by a hostile
    /// value (a JSON reader gets the same text back).
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        // Most strings need no escape: checked on their contiguous bytes (the `utf8` view's
        // iterator cost about 30 instructions a byte) and copied whole rather than byte by byte
        // (the unsafe scalars above U+007F all start with one of the lead bytes of
        // `needsEscapeCheck`).
        var contiguous = text
        let isPlain = contiguous.withUTF8 { bytes in
            guard !mayNeedEscape(UnsafeRawBufferPointer(bytes)) else { return false }
            output.append(contentsOf: bytes)
            return true
        }
        if isPlain {
            output.append(UInt8(ascii: "\""))
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x22: output += [0x5C, 0x22]
            case 0x5C: output += [0x5C, 0x5C]
            case 0x08: output += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x09: output += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0x0A: output += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0C: output += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0D: output += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            default:
                if DisplayText.isUnsafe(scalar) {
                    appendUnicodeEscape(scalar.value, to: &output)
                } else {
                    UTF8.encode(scalar) { output.append($0) }
                }
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// Whether any byte of `bytes` passes `needsEscapeCheck`. A report is mostly text that
    /// needs no escape, so the bytes are tested eight at a time: a word with no control byte,
    /// quote, backslash, DEL or byte above 0x7F is passed at once, any other is looked at
    /// byte by byte.
    static func mayNeedEscape(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let zeroBytes = Bytes.zeroByteMask
        var index = 0
        while index + 8 <= bytes.count {
            let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            // Bytes below 0x20 (exact for bytes below 0x80; the others are caught by their high bit).
            let flagged =
                word & highs | (word &- ones &* 0x20) & ~word & highs | zeroBytes(word ^ (ones &* 0x22))
                | zeroBytes(word ^ (ones &* 0x5C)) | zeroBytes(word ^ (ones &* 0x7F))
            if flagged != 0 {
                for offset in index..<index + 8 where needsEscapeCheck(bytes[offset]) { return true }
            }
            index += 8
        }
        while index < bytes.count {
            if needsEscapeCheck(bytes[index]) { return true }
            index += 1
        }
        return false
    }

    /// Bytes that are escaped, or may lead an unsafe scalar.
    @inline(__always)
    private static func needsEscapeCheck(_ byte: UInt8) -> Bool {
        byte < UInt8(ascii: " ") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == 0x7F
            || byte == 0xC2 || byte == 0xCD || byte == 0xD8
            || byte == 0xE1 || byte == 0xE2 || byte == 0xE3 || byte == 0xEF || byte == 0xF0 || byte == 0xF3
    }

    /// `\uXXXX`, or its UTF-16 surrogate pair above U+FFFF (tag characters).
    private static func appendUnicodeEscape(_ scalar: UInt32, to output: inout [UInt8]) {
        guard scalar <= 0xFFFF else {
            let offset = scalar - 0x10000
            appendUnicodeEscape(0xD800 + (offset >> 10), to: &output)
            appendUnicodeEscape(0xDC00 + (offset & 0x3FF), to: &output)
            return
        }
        output += [0x5C, 0x75]
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(hexDigits[Int(scalar >> UInt32(shift) & 0xF)])
        }
    }

    /// Appends one finding as a JSON object with the fields of `ReportField.all`, in order.
    static func appendFinding(_ finding: Finding, options: ReportOptions, to output: inout [UInt8]) {
        appendObject(ReportField.all, of: finding, options: options, to: &output)
    }

    static func appendObject(
        _ fields: [ReportField],
        of finding: Finding,
        options: ReportOptions,
        to output: inout [UInt8]
    ) {
        output.append(UInt8(ascii: "{"))
        var isFirst = true
        func appendKey(_ name: String) {
            if !isFirst { output.append(UInt8(ascii: ",")) }
            isFirst = false
            appendString(name, to: &output)
            output.append(UInt8(ascii: ":"))
        }
        for field in fields {
            switch field {
            case .value(let name, let value):
                guard let value = value(finding) else { continue }
                appendKey(name)
                appendValue(value, to: &output)
            case .secret(let name, let value):
                guard options.revealPasswords, let value = value(finding) else { continue }
                appendKey(name)
                appendValue(value, to: &output)
            case .object(let name, let isPresent, let children):
                guard isPresent(finding) else { continue }
                appendKey(name)
                appendObject(children, of: finding, options: options, to: &output)
            case .ofRun(let name, let value):
                guard let value = value(options) else { continue }
                appendKey(name)
                appendValue(value, to: &output)
            case .csvOnly:
                continue
            }
        }
        output.append(UInt8(ascii: "}"))
    }

    static func appendValue(_ value: ReportValue, to output: inout [UInt8]) {
        switch value {
        case .text(let text):
            appendString(text, to: &output)
        case .integer(let number):
            appendDecimal(number, to: &output)
        case .flag(let flag):
            output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .texts(let texts):
            output.append(UInt8(ascii: "["))
            for (index, text) in texts.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                appendString(text, to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .offsets(let sources):
            appendValue(.texts(sources.map(CSV.describeOffset)), to: &output)
        case .sources(let sources):
            output.append(UInt8(ascii: "["))
            for (index, source) in sources.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(contentsOf: #"{"path":"#.utf8)
                appendString(source.path, to: &output)
                output.append(contentsOf: #","line":"#.utf8)
                appendDecimal(Int64(source.line), to: &output)
                output.append(contentsOf: #","offset":"#.utf8)
                appendDecimal(source.offset, to: &output)
                output.append(UInt8(ascii: ","))
                if source.lineEnding != .lf {
                    output.append(contentsOf: #""line_ending":"#.utf8)
                    appendString(source.lineEnding.rawValue, to: &output)
                    output.append(UInt8(ascii: ","))
                }
                output.append(contentsOf: #""family":"#.utf8)
                appendString(source.family.rawValue, to: &output)
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        case .machines(let machines):
            output.append(UInt8(ascii: "["))
            for (index, machine) in machines.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(UInt8(ascii: "{"))
                var isFirst = true
                for (name, value) in ReportField.machineFields {
                    guard let value = value(machine) else { continue }
                    if !isFirst { output.append(UInt8(ascii: ",")) }
                    isFirst = false
                    appendString(name, to: &output)
                    output.append(UInt8(ascii: ":"))
                    appendValue(value, to: &output)
                }
                output.append(UInt8(ascii: "}"))
            }
            output.append(UInt8(ascii: "]"))
        }
    }

    /// `number` in decimal, as `String(number)` writes it, without building the string.
    static func appendDecimal(_ number: Int64, to output: inout [UInt8]) {
        if number < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = number.magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeBufferPointer(rebasing: digits[start..<20]))
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}

/// RFC 4180 CSV with spreadsheet-formula neutralisation (OWASP "CSV injection").
enum CSV {
    /// What separates the items of a list inside one cell.
    static let listSeparator = " | "

    /// Appends one record: cells separated by commas, ended by CRLF.
    static func appendRow(_ cells: [String], to output: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            appendCell(cell, to: &output)
        }
        output += [0x0D, 0x0A]
    }

    /// Every unsafe character (`DisplayText.isUnsafe`: CR, LF, TAB, ESC and the other C0 and C1
    /// controls, DEL, bidirectional marks, invisible characters) is written as its visible
    /// escape (`\x0d`, `\u{200B}`; a backslash that would read as an escape as `\\`), so that a record is always one line of printable cells
    /// that spreadsheets and `split` read alike; a cell that then starts with `=`, `+`, `-` or
    /// `@` gets a leading `'`, so that a spreadsheet shows it as text instead of evaluating
    /// it; a cell holding a comma or a quote is quoted, with quotes doubled.
    static func appendCell(_ cell: String, to output: inout [UInt8]) {
        // Printable ASCII (most cells) has nothing to escape: not decoded scalar by scalar.
        let isPlainASCII = cell.utf8.allSatisfy { $0 >= UInt8(ascii: " ") && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
        let utf8 = (isPlainASCII ? cell : DisplayText.escaped(cell)).utf8
        let isFormula = utf8.first.map { [0x3D, 0x2B, 0x2D, 0x40].contains($0) } ?? false
        let needsQuotes = utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") }
        if needsQuotes { output.append(UInt8(ascii: "\"")) }
        if isFormula { output.append(UInt8(ascii: "'")) }
        for byte in utf8 {
            output.append(byte)
            if byte == UInt8(ascii: "\"") { output.append(UInt8(ascii: "\"")) }
        }
        if needsQuotes { output.append(UInt8(ascii: "\"")) }
    }

    /// The cell text of a report value.
    static func cell(_ value: ReportValue?) -> String {
        switch value {
        case nil: ""
        case .text(let text): text
        case .integer(let number): String(number)
        case .flag(let flag): flag ? "true" : "false"
        case .texts(let texts): texts.joined(separator: listSeparator)
        case .sources(let sources): sources.map(describe).joined(separator: listSeparator)
        case .machines(let machines): machines.map(describe).joined(separator: listSeparator)
        case .offsets(let sources): sources.map(describeOffset).joined(separator: listSeparator)
        }
    }

    /// `label` of the machine, with its user when known: `DESKTOP-7QK2M1L (Camille)`.
    static func describe(_ machine: VictimMachine) -> String {
        machine.user.map { "\(machine.label) (\($0))" } ?? machine.label
    }

    /// `path:line (family)`.
    static func describe(_ source: Source) -> String {
        "\(source.path):\(source.line) (\(source.family.rawValue))"
    }

    /// The source's byte offset, followed by ` (cr)` when its document was split at CR.
    static func describeOffset(_ source: Source) -> String {
        source.lineEnding == .lf ? String(source.offset) : "\(source.offset) (\(source.lineEnding.rawValue))"
    }

    /// The cells of one finding, in the order of `ReportField.columnNames`.
    static func cells(of finding: Finding, options: ReportOptions) -> [String] {
        var cells: [String] = []
        func collect(_ fields: [ReportField], isPresent: Bool) {
            for field in fields {
                switch field {
                case .value(_, let value), .csvOnly(_, let value):
                    cells.append(isPresent ? cell(value(finding)) : "")
                case .ofRun(_, let value):
                    cells.append(isPresent ? cell(value(options)) : "")
                case .secret(_, let value):
                    if options.revealPasswords { cells.append(isPresent ? cell(value(finding)) : "") }
                case .object(_, let childrenPresent, let children):
                    collect(children, isPresent: isPresent && childrenPresent(finding))
                }
            }
        }
        collect(ReportField.all, isPresent: true)
        return cells
    }
}
