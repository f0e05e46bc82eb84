/// Byte-level helpers shared by the parsers: lines, separators, adverts and label syntax.
enum ParseText {
    static let lineFeed: UInt8 = 0x0A
    static let carriageReturn: UInt8 = 0x0D
    static let tab: UInt8 = 0x09
    static let space: UInt8 = UInt8(ascii: " ")
    static let colon: UInt8 = UInt8(ascii: ":")
    static let pipe: UInt8 = UInt8(ascii: "|")
    static let semicolon: UInt8 = UInt8(ascii: ";")
    static let slash: UInt8 = UInt8(ascii: "/")
    static let at: UInt8 = UInt8(ascii: "@")
    static let quote: UInt8 = UInt8(ascii: "\"")

    /// `line` without a trailing CR (the decode stage leaves CRLF's CR in place; any other CR
    /// is part of the line, and trimmed with the other whitespace where fields are).
    @inline(__always)
    static func withoutCarriageReturn(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        if let last = line.last, last == carriageReturn { return Bytes.slice(line, 0..<(line.count - 1)) }
        return line
    }

    @inline(__always)
    static func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    @inline(__always)
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) &- 0x61 < 26 }

    /// Whether `view` contains `literal` (lower-case ASCII), ignoring ASCII case.
    static func containsLowercased(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard count > 0, view.count >= count else { return false }
        let pattern = literal.utf8Start
        let first = pattern[0]
        var index = 0
        while index <= view.count - count {
            if Bytes.lower(view[index]) == first {
                var matched = 1
                while matched < count && Bytes.lower(view[index + matched]) == pattern[matched] { matched += 1 }
                if matched == count { return true }
            }
            index += 1
        }
        return false
    }

    /// Whether `view` contains `literal` as a whole word (not inside a longer run of letters).
    static func containsWord(_ view: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard count > 0, view.count >= count else { return false }
        let pattern = literal.utf8Start
        var index = 0
        while index <= view.count - count {
            var matched = 0
            while matched < count && Bytes.lower(view[index + matched]) == pattern[matched] { matched += 1 }
            if matched == count {
                let before = index == 0 || !isLetter(view[index - 1])
                let after = index + count == view.count || !isLetter(view[index + count])
                if before && after { return true }
            }
            index += 1
        }
        return false
    }

    /// A record separator: a run of at least three `=`, `-`, `*`, `_`, `~`, `#` or of the box
    /// drawing rules `━`, `─`, `═` (spaces allowed between them).
    static func separatorKind(_ trimmed: UnsafeRawBufferPointer) -> SeparatorKind? {
        var rules = 0
        var heavy = false
        var index = 0
        let count = trimmed.count
        while index < count {
            let byte = trimmed[index]
            switch byte {
            case UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "~"),
                UInt8(ascii: "#"):
                rules += 1
                index += 1
            case space, tab:
                index += 1
            case 0xE2 where index + 2 < count && (trimmed[index + 1] == 0x94 || trimmed[index + 1] == 0x95):
                // U+2500 ─, U+2501 ━, U+2550 ═
                let last = trimmed[index + 2]
                if trimmed[index + 1] == 0x94 && last == 0x81 {
                    heavy = true
                } else if !(trimmed[index + 1] == 0x94 && last == 0x80) && !(trimmed[index + 1] == 0x95 && last == 0x90)
                {
                    return nil
                }
                rules += 1
                index += 3
            default:
                return nil
            }
        }
        guard rules >= 3 else { return nil }
        return heavy
            ? .heavyRule : (rules == 64 && trimmed.allSatisfy { $0 == UInt8(ascii: "-") } ? .dashRule64 : .plain)
    }

    /// Telegram and shop adverts that sellers put in dumps (`t.me/…`, `Telegram: @…`).
    static func isAdvert(_ trimmed: UnsafeRawBufferPointer) -> Bool {
        containsLowercased(trimmed, "t.me/") || containsLowercased(trimmed, "telegram")
    }
}

/// The kind of a separator line; the heavy rule and the 64-dash rule identify families.
enum SeparatorKind: Equatable {
    case plain
    /// A rule of U+2501 `━` (BRADMAX re-packs).
    case heavyRule
    /// Exactly 64 `-` (StealC's advert blocks).
    case dashRule64
}

/// Walks the lines of a chunk with `memchr`; each line comes without its LF and trailing CR.
struct LineScanner {
    private let text: UnsafeRawBufferPointer
    private let offsets: LineOffsets
    private var position = 0
    /// Index in the text of the line `next()` returned last.
    private var start = 0
    /// 1-based number of the line `next()` returns next.
    private(set) var lineNumber: Int

    init(_ text: UnsafeRawBufferPointer, firstLine: Int, offsets: LineOffsets) {
        self.text = text
        self.offsets = offsets
        self.lineNumber = firstLine
    }

    mutating func next() -> (line: UnsafeRawBufferPointer, number: Int)? {
        guard position < text.count else { return nil }
        let end = Bytes.index(of: ParseText.lineFeed, in: text, from: position) ?? text.count
        let line = ParseText.withoutCarriageReturn(Bytes.slice(text, position..<end))
        let number = lineNumber
        start = position
        position = end + 1
        lineNumber += 1
        return (line, number)
    }

    /// The member's offset of the line `next()` returned last.
    var offset: Int64 { offsets.offset(ofLineAt: start) }
}
