/// A tolerant, byte-level reader of the small JSON files some stealers write
/// (`Passwords.json`, `Info.json`).
///
/// It reports objects and their `"key": value` pairs in document order with line numbers (and
/// the index in the text where that line starts),
/// decodes string escapes into the scratch buffer, keeps bytes that are not valid UTF-8 (a
/// Latin-1 password does not cost the file), never recurses, and carries on past syntax errors.
enum JSONScanner {
    enum Event {
        case objectStart(line: Int, lineStart: Int)
        case objectEnd
        /// A scalar member of the innermost object (`null` is not reported).
        case member(key: FieldValue, value: FieldValue, line: Int, lineStart: Int)
    }

    /// Nesting deeper than this is still read, but reports no objects.
    static let maximumDepth = 256

    private struct Frame {
        var isObject: Bool
        var expectingKey: Bool
        var key: FieldValue = .absent
    }

    static func scan(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        scratch: inout ScratchBuffer,
        _ handle: (Event, inout ScratchBuffer) -> Void
    ) {
        var frames: [Frame] = []
        var overflow = 0
        var line = firstLine
        var lineStart = 0
        var index = 0
        let count = text.count
        while index < count {
            let byte = text[index]
            switch byte {
            case ParseText.lineFeed:
                line += 1
                index += 1
                lineStart = index
            case ParseText.space, ParseText.tab, ParseText.carriageReturn, UInt8(ascii: ","):  // `,` ends a member
                if byte == UInt8(ascii: ","), var frame = frames.last, frame.isObject {
                    frame.expectingKey = true
                    frame.key = .absent
                    frames[frames.count - 1] = frame
                }
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):  // { [
                if frames.count >= maximumDepth || overflow > 0 {
                    overflow += 1
                } else {
                    frames.append(Frame(isObject: byte == UInt8(ascii: "{"), expectingKey: byte == UInt8(ascii: "{")))
                    if byte == UInt8(ascii: "{") { handle(.objectStart(line: line, lineStart: lineStart), &scratch) }
                }
                index += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):  // } ]
                if overflow > 0 {
                    overflow -= 1
                } else if let frame = frames.popLast(), frame.isObject {
                    handle(.objectEnd, &scratch)
                }
                index += 1
            case ParseText.colon:
                if var frame = frames.last, frame.isObject {
                    frame.expectingKey = false
                    frames[frames.count - 1] = frame
                }
                index += 1
            case ParseText.quote:
                let (value, end, newlines) = string(text, from: index + 1, scratch: &scratch)
                deliver(value, line: line, lineStart: lineStart, frames: &frames, scratch: &scratch, handle)
                if newlines > 0 {
                    line += newlines
                    let spanned = Bytes.slice(text, index..<end)
                    lineStart = index + (Bytes.lastIndex(of: ParseText.lineFeed, in: spanned) ?? 0) + 1
                }
                index = end
            default:
                // A number or literal (`true`, `null`…) runs to the next delimiter.
                var end = index + 1
                while end < count {
                    let next = text[end]
                    if next == UInt8(ascii: ",") || next == UInt8(ascii: "}") || next == UInt8(ascii: "]")
                        || next == ParseText.colon || Bytes.isSpace(next)
                    {
                        break
                    }
                    end += 1
                }
                let literal = Bytes.slice(text, index..<end)
                if !Bytes.equalsLowercased(literal, "null") {
                    deliver(
                        .chunk(literal),
                        line: line,
                        lineStart: lineStart,
                        frames: &frames,
                        scratch: &scratch,
                        handle
                    )
                }
                index = end
            }
        }
    }

    /// A string or literal: the key of the innermost object, or the value of its pending key.
    private static func deliver(
        _ value: FieldValue,
        line: Int,
        lineStart: Int,
        frames: inout [Frame],
        scratch: inout ScratchBuffer,
        _ handle: (Event, inout ScratchBuffer) -> Void
    ) {
        guard var frame = frames.last, frame.isObject else { return }
        if frame.expectingKey {
            frame.key = value
            frames[frames.count - 1] = frame
        } else if frame.key.isPresent {
            handle(.member(key: frame.key, value: value, line: line, lineStart: lineStart), &scratch)
        }
    }

    /// The string starting after its opening quote: its value (a view when it has no escapes),
    /// the index after its closing quote, and the LFs it spans.
    private static func string(
        _ text: UnsafeRawBufferPointer,
        from start: Int,
        scratch: inout ScratchBuffer
    ) -> (FieldValue, end: Int, newlines: Int) {
        let closing = Bytes.index(of: ParseText.quote, in: text, from: start) ?? text.count
        let plain = Bytes.slice(text, start..<closing)
        if Bytes.index(of: UInt8(ascii: "\\"), in: plain) == nil {
            let newlines = plain.reduce(0) { $0 + ($1 == ParseText.lineFeed ? 1 : 0) }
            return (.chunk(plain), min(closing + 1, text.count), newlines)
        }
        // Escapes: decode into the scratch buffer.
        var decoded: [UInt8] = []
        var newlines = 0
        var index = start
        while index < text.count {
            let byte = text[index]
            if byte == ParseText.quote { break }
            if byte == ParseText.lineFeed { newlines += 1 }
            guard byte == UInt8(ascii: "\\"), index + 1 < text.count else {
                decoded.append(byte)
                index += 1
                continue
            }
            let escape = text[index + 1]
            index += 2
            // A backslash before a raw LF (invalid JSON, still a line end).
            if escape == ParseText.lineFeed { newlines += 1 }
            switch escape {
            case UInt8(ascii: "n"): decoded.append(0x0A)  // n
            case UInt8(ascii: "t"): decoded.append(0x09)  // t
            case UInt8(ascii: "r"): decoded.append(0x0D)  // r
            case UInt8(ascii: "b"): decoded.append(0x08)  // b
            case UInt8(ascii: "f"): decoded.append(0x0C)  // f
            case UInt8(ascii: "u"):  // u
                var scalar = hex4(text, at: index)
                if let high = scalar, (0xD800...0xDBFF).contains(high), index + 10 <= text.count,
                    text[index + 4] == UInt8(ascii: "\\"), text[index + 5] == UInt8(ascii: "u"),
                    let low = hex4(text, at: index + 6),
                    (0xDC00...0xDFFF).contains(low)
                {
                    scalar = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                if scalar != nil { index += 4 }
                let character = scalar.flatMap(Unicode.Scalar.init) ?? "\u{FFFD}"
                decoded.append(contentsOf: String(character).utf8)
            default: decoded.append(escape)  // \" \\ \/ and unknown escapes
            }
        }
        let value = decoded.withUnsafeBytes { scratch.append($0) }
        return (value, min(index + 1, text.count), newlines)
    }

    private static func hex4(_ text: UnsafeRawBufferPointer, at index: Int) -> UInt32? {
        guard index + 4 <= text.count else { return nil }
        var value: UInt32 = 0
        for offset in 0..<4 {
            let byte = text[index + offset]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            default: return nil
            }
            value = value << 4 | digit
        }
        return value
    }
}

/// Reads JSON credential files (`Passwords.json`): every object with a URL/host/origin and a
/// login/username/email and password, at any depth, is a record of family `.json`.
enum JSONCredentialParser {
    private struct PendingObject {
        var line: Int
        var offset: Int64
        var host: FieldValue = .absent
        var login: FieldValue = .absent
        var password: FieldValue = .absent
        var software: FieldValue = .absent
    }

    /// Keys of browser exports that the label vocabulary does not spell.
    private static let exportKeys: [(StaticString, CredentialField)] = [
        ("originurl", .host), ("actionurl", .host), ("signonrealm", .host), ("formsubmiturl", .host),
        ("usernamevalue", .login), ("passwordvalue", .password),
    ]

    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        scratch: inout ScratchBuffer,
        into sink: inout Sink
    ) {
        scratch.reset()
        var objects: [PendingObject] = []
        JSONScanner.scan(text, firstLine: firstLine, scratch: &scratch) { event, scratch in
            switch event {
            case .objectStart(let line, let lineStart):
                objects.append(PendingObject(line: line, offset: offsets.offset(ofLineAt: lineStart)))
            case .member(let key, let value, _, _):
                guard !objects.isEmpty else { return }
                let field = scratch.bytes.withUnsafeBytes { storage -> CredentialField? in
                    let label = key.view(scratch: storage)
                    let valueBytes = value.view(scratch: storage)
                    guard !LabelText.isPlaceholder(Bytes.trimmed(valueBytes)) else { return nil }
                    return LabelText.lookup(label, in: CredentialWord.table)?.field
                        ?? LabelText.lookup(label, in: exportKeys)
                }
                guard let field else { return }
                let index = objects.count - 1
                switch field {
                case .host where !objects[index].host.isPresent: objects[index].host = value
                case .login where !objects[index].login.isPresent: objects[index].login = value
                case .password where !objects[index].password.isPresent: objects[index].password = value
                case .software, .profile:
                    if !objects[index].software.isPresent { objects[index].software = value }
                default: break
                }
            case .objectEnd:
                guard let object = objects.popLast(),
                    object.login.isPresent || (object.host.isPresent && object.password.isPresent)
                else { return }
                scratch.bytes.withUnsafeBytes { storage in
                    sink.credential(
                        RawCredential(
                            url: Bytes.trimmed(object.host.view(scratch: storage)),
                            login: Bytes.trimmed(object.login.view(scratch: storage)),
                            password: object.password.view(scratch: storage),
                            software: object.software.view(scratch: storage),
                            line: object.line,
                            offset: object.offset,
                            family: .json
                        )
                    )
                }
            }
        }
    }
}

/// Reads JSON system-information files (`Info.json`): every scalar member, at any depth, is
/// read as a system-information label.
enum JSONSystemInfoParser {
    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        scratch: inout ScratchBuffer,
        into sink: inout Sink
    ) {
        scratch.reset()
        var members: [(key: FieldValue, value: FieldValue, line: Int, offset: Int64)] = []
        JSONScanner.scan(text, firstLine: firstLine, scratch: &scratch) { event, _ in
            if case .member(let key, let value, let line, let lineStart) = event {
                members.append((key, value, line, offsets.offset(ofLineAt: lineStart)))
            }
        }
        // Views into the scratch buffer are taken once it has stopped growing.
        scratch.bytes.withUnsafeBytes { storage in
            var collector = MachineInfoCollector()
            for member in members {
                collector.read(
                    label: member.key.view(scratch: storage),
                    value: Bytes.trimmed(member.value.view(scratch: storage)),
                    line: member.line,
                    offset: member.offset
                )
            }
            // JSON is a template of its own: its keys say nothing about the family.
            if var info = collector.victimInfo(defaultFamily: .json) {
                info.family = .json
                sink.machine(
                    info,
                    line: collector.firstLine ?? firstLine,
                    offset: collector.firstOffset ?? offsets.first
                )
            }
        }
    }
}
