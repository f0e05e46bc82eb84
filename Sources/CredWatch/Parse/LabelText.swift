/// A `Label: value` line of a stealer file, split at its separator.
struct LabelSplit {
    /// The label as written (decorations, junk tokens and surrounding spaces removed).
    let label: UnsafeRawBufferPointer
    /// The value, trimmed.
    let value: UnsafeRawBufferPointer
    /// A `|` came before the label (Collector's `| Site:`, a watermark `CLOUD | User:`).
    let isPipeDecorated: Bool
    /// Whitespace or nothing follows the separator (`Created: 2024`), as in every label line; a
    /// known label may do without (`Login:alice`), prose like `second:line` may not.
    let isSpaced: Bool
    /// The label ended at a colon (ASCII or full-width `：`), as almost every stealer writes.
    /// The other separators (`=`, `=>`, `->`, ` - `, `→`, a TAB run) also end prose and table
    /// rows, so only a known label is taken at one of them.
    let isColon: Bool
}

/// Label syntax shared by credential and system-information files: one grammar for every
/// family, re-pack and watermark, and one folding for every vocabulary.
enum LabelText {
    /// Labels longer than this are prose, not labels.
    static let maximumLabelLength = 40

    /// Splits `Label: value` after leading decorations and junk tokens. Nil when the line has
    /// no label: no separator, a label that is not made of words, or a URL (`https://…`).
    ///
    /// Decorations: whitespace, `|`, `-`, `*`, `>`, `~`, `+`, bullets, emoji, arrows, box
    /// drawing (`┃ │ ║`), Latin-1 signs (`» · §`). Junk tokens: numbering (`1.`, `02)`, `#3`),
    /// bracketed tags (`[@CLOUD]`, `(x)`, `<…>`, `【x】`), `@handles` and `t.me/…` links; and
    /// anything up to a `|` before the label (`CLOUD LOGS | User:`). Separators: `:`, `：`, `=`,
    /// `=>`, `->`, `→`, a dash between spaces, and a TAB run (with an optional separator after it).
    static func split(_ trimmed: UnsafeRawBufferPointer) -> LabelSplit? {
        let count = trimmed.count
        var isPipeDecorated = false
        var start = skipDecorations(trimmed, from: 0, isPipeDecorated: &isPipeDecorated)
        var isQuoted = false
        if start < count && trimmed[start] == ParseText.quote {
            // A JSON-ish `"ip": "203.0.113.7",` line.
            isQuoted = true
            start += 1
        }
        var limit = min(count, start + maximumLabelLength + 1)
        var index = start
        var separator: (start: Int, valueStart: Int, isColon: Bool)?
        scan: while index < limit {
            let byte = trimmed[index]
            switch byte {
            case ParseText.colon:
                separator = (index, index + 1, true)
            case 0xEF where index + 2 < count && trimmed[index + 1] == 0xBC && trimmed[index + 2] == 0x9A:
                separator = (index, index + 3, true)  // full-width colon U+FF1A
            case UInt8(ascii: "="):  // `=` or `=>`
                separator = (
                    index, index + (index + 1 < count && trimmed[index + 1] == UInt8(ascii: ">") ? 2 : 1), false
                )
            case UInt8(ascii: "-") where index + 1 < count && trimmed[index + 1] == UInt8(ascii: ">"):  // `->`
                separator = (index, index + 2, false)
            case UInt8(ascii: "-")
            where index > start && isBlank(trimmed[index - 1]) && index + 1 < count
                && isBlank(trimmed[index + 1]):
                separator = (index, index + 1, false)
            case 0xE2 where index > start && isBlank(trimmed[index - 1]) && isDashOrArrow(trimmed, at: index):
                separator = (index, index + 3, false)
            case ParseText.tab:
                var next = index
                while next < count && isBlank(trimmed[next]) { next += 1 }
                if next < count, let explicit = explicitSeparatorLength(trimmed, at: next) {
                    separator = (index, next + explicit.length, explicit.isColon)
                } else if Bytes.index(of: ParseText.tab, in: trimmed, from: next) == nil {
                    separator = (index, next, false)
                } else {
                    return nil  // a row of TAB-separated columns (`URL<TAB>LOGIN<TAB>PASSWORD`), not a label
                }
            case ParseText.pipe:
                // A watermark before the label: the label starts after the last `|`.
                isPipeDecorated = true
                start = skipDecorations(trimmed, from: index + 1, isPipeDecorated: &isPipeDecorated)
                limit = min(count, start + maximumLabelLength + 1)
                index = start
                continue scan
            default:
                guard isLabelByte(byte) || (isQuoted && byte == ParseText.quote) else { return nil }
                index += 1
                continue scan
            }
            break scan
        }
        guard let separator else { return nil }
        var labelEnd = separator.start
        if isQuoted && labelEnd > start && trimmed[labelEnd - 1] == ParseText.quote { labelEnd -= 1 }
        let label = Bytes.trimmed(Bytes.slice(trimmed, start..<labelEnd))
        guard let first = label.first, isLabelStart(first), label.allSatisfy(isLabelByte) else { return nil }
        var value = Bytes.slice(trimmed, min(separator.valueStart, count)..<count)
        let isSpaced = !separator.isColon || value.isEmpty || Bytes.isSpace(value[0])
        if separator.isColon && value.count >= 2 && value[0] == ParseText.slash && value[1] == ParseText.slash {
            return nil
        }
        value = Bytes.trimmed(value)
        if !separator.isColon && value.isEmpty && trimmed[separator.start] != ParseText.tab { return nil }
        if isPipeDecorated, let last = value.last, last == ParseText.pipe {
            value = Bytes.trimmed(Bytes.slice(value, 0..<(value.count - 1)))
        }
        if isQuoted { value = unquoted(value) }
        return LabelSplit(
            label: label,
            value: value,
            isPipeDecorated: isPipeDecorated,
            isSpaced: isSpaced,
            isColon: separator.isColon
        )
    }

    /// Whether a trimmed line holds decorations only (`┃`, `║`, `•`, `*`, `>`, `»`, `┗━━━━`) and at
    /// most numbering in brackets (`[01]`), the frame of a record around its labels. Letters and
    /// digits outside brackets are a value (`123`, `@x`), never decorations.
    static func isDecorationOnly(_ trimmed: UnsafeRawBufferPointer) -> Bool {
        var isPipeDecorated = false
        guard !trimmed.isEmpty,
            skipDecorations(trimmed, from: 0, isPipeDecorated: &isPipeDecorated) == trimmed.count
        else { return false }
        var depth = 0
        for byte in trimmed {
            switch byte {
            case UInt8(ascii: "["), UInt8(ascii: "("): depth += 1
            case UInt8(ascii: "]"), UInt8(ascii: ")"): depth -= 1
            case _ where ParseText.isLetter(byte) || byte == ParseText.at: return false
            case _ where ParseText.isDigit(byte) && depth <= 0: return false
            default: break
            }
        }
        return true
    }

    @inline(__always)
    private static func isBlank(_ byte: UInt8) -> Bool { byte == ParseText.space || byte == ParseText.tab }

    /// `–`, `—` (U+2013, U+2014) or `→` (U+2192) at `index`.
    @inline(__always)
    private static func isDashOrArrow(_ view: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard index + 2 < view.count else { return false }
        let second = view[index + 1]
        let third = view[index + 2]
        return (second == 0x80 && (third == 0x93 || third == 0x94)) || (second == 0x86 && third == 0x92)
    }

    /// A separator written after a TAB run (`Computer Name\t\t: PC-1`): its length and whether
    /// it is a colon.
    private static func explicitSeparatorLength(
        _ view: UnsafeRawBufferPointer,
        at index: Int
    ) -> (length: Int, isColon: Bool)? {
        let byte = view[index]
        let next = index + 1 < view.count ? view[index + 1] : 0
        switch byte {
        case ParseText.colon: return (1, true)
        case 0xEF where next == 0xBC && index + 2 < view.count && view[index + 2] == 0x9A: return (3, true)
        case UInt8(ascii: "="): return (next == UInt8(ascii: ">") ? 2 : 1, false)
        case UInt8(ascii: "-") where next == UInt8(ascii: ">"): return (2, false)
        case UInt8(ascii: "-") where isBlank(next): return (1, false)
        default: return nil
        }
    }

    /// `"value",` → `value`.
    private static func unquoted(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var view = value
        if let last = view.last, last == UInt8(ascii: ",") {
            view = Bytes.trimmed(Bytes.slice(view, 0..<(view.count - 1)))
        }
        if view.count >= 2, view[0] == ParseText.quote, view[view.count - 1] == ParseText.quote {
            view = Bytes.slice(view, 1..<(view.count - 1))
        }
        return view
    }

    /// The index after the decorations and junk tokens that start at `from`.
    private static func skipDecorations(
        _ view: UnsafeRawBufferPointer,
        from: Int,
        isPipeDecorated: inout Bool
    ) -> Int {
        var index = from
        let count = view.count
        while index < count {
            let byte = view[index]
            switch byte {
            case ParseText.pipe:
                isPipeDecorated = true
                index += 1
            case ParseText.space, ParseText.tab, UInt8(ascii: "-"), UInt8(ascii: "*"), UInt8(ascii: ">"),
                UInt8(ascii: "~"), UInt8(ascii: "+"):
                index += 1
            case 0x80...:
                if let end = cjkTagEnd(view, at: index) {
                    index = end
                    continue
                }
                let length = decorationLength(view, at: index)
                guard length > 1 else { return index }  // not a decoration: a non-ASCII word
                index += length
            default:
                guard let end = junkTokenEnd(view, at: index) else { return index }
                index = end
            }
        }
        return index
    }

    /// The end of a junk token at `index`: numbering (`1.`, `02)`, `#3`), a bracketed tag
    /// (`[@CLOUD]`, `(1)`, `<x>`, `{x}`), an `@handle` or a `t.me/…` link, followed by a blank
    /// or the end of the line. Nil for anything else.
    private static func junkTokenEnd(_ view: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let count = view.count
        var end = index
        switch view[index] {
        case UInt8(ascii: "["), UInt8(ascii: "("), UInt8(ascii: "<"), UInt8(ascii: "{"):  // [ ( < {
            let closer: UInt8 =
                view[index] == UInt8(ascii: "[")
                ? UInt8(ascii: "]")
                : view[index] == UInt8(ascii: "(")
                    ? UInt8(ascii: ")") : view[index] == UInt8(ascii: "<") ? UInt8(ascii: ">") : UInt8(ascii: "}")
            let window = Bytes.slice(view, 0..<min(count, index + 64))
            guard let close = Bytes.index(of: closer, in: window, from: index + 1) else { return nil }
            end = close + 1
            return end
        case ParseText.at:
            end += 1
            while end < count && !isBlank(view[end]) { end += 1 }
        case UInt8(ascii: "#"):  // `#3`
            end += 1
            while end < count && ParseText.isDigit(view[end]) { end += 1 }
            guard end > index + 1 else { return nil }
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            while end < count && ParseText.isDigit(view[end]) { end += 1 }
            guard end - index <= 3 else { return nil }
            if end < count
                && (view[end] == UInt8(ascii: ".") || view[end] == UInt8(ascii: ")") || view[end] == UInt8(ascii: "]"))
            {
                end += 1
            }
        case UInt8(ascii: "t"), UInt8(ascii: "T"):  // t.me/…
            guard count - index > 5, Bytes.equalsLowercased(Bytes.slice(view, index..<(index + 5)), "t.me/") else {
                return nil
            }
            end += 5
            while end < count && !isBlank(view[end]) { end += 1 }
        default:
            return nil
        }
        return end == count || isBlank(view[end]) ? end : nil
    }

    /// The end of a `【tag】` at `index` (CJK lenticular brackets, U+3010 and U+3011).
    private static func cjkTagEnd(_ view: UnsafeRawBufferPointer, at index: Int) -> Int? {
        let count = view.count
        guard index + 2 < count, view[index] == 0xE3, view[index + 1] == 0x80, view[index + 2] == 0x90 else {
            return nil
        }
        var close = index + 3
        while close + 2 < min(count, index + 96) {
            if view[close] == 0xE3 && view[close + 1] == 0x80 && view[close + 2] == 0x91 { return close + 3 }
            close += 1
        }
        return nil
    }

    /// Length of a decorative non-ASCII character at `index`: an emoji (with its variation
    /// selector or skin tone), a sign of the General Punctuation to Miscellaneous Symbols and
    /// Arrows blocks (`•`, `→`, `∟`, `│`, `■`, `☎`, `✅`, `⭐`), Latin-1 punctuation (`«`, `»`,
    /// `·`, `§`), CJK brackets (`【`), a zero-width joiner or a variation selector; 1 for
    /// anything else (which the caller treats as text).
    private static func decorationLength(_ view: UnsafeRawBufferPointer, at index: Int) -> Int {
        let count = view.count
        let byte = view[index]
        var length = 1
        if byte >= 0xF0 && index + 3 < count {
            length = 4
        } else if byte == 0xE2 && index + 2 < count && view[index + 1] <= 0xAF {
            length = 3  // U+2000–U+2BFF
        } else if byte == 0xE3 && index + 2 < count && view[index + 1] == 0x80 {
            length = 3  // U+3000–U+303F: ideographic space, 【 】 「 」
        } else if byte == 0xEF && index + 2 < count && view[index + 1] == 0xB8 && view[index + 2] == 0x8F {
            length = 3  // a lone variation selector
        } else if byte == 0xC2 && index + 1 < count && view[index + 1] >= 0xA0
            && view[index + 1] != 0xAA && view[index + 1] != 0xB5 && view[index + 1] != 0xBA
        {
            length = 2  // NBSP and Latin-1 signs, not the letters ª µ º
        } else {
            return 1
        }
        // An emoji's variation selector U+FE0F (EF B8 8F).
        let next = index + length
        if next + 2 < count && view[next] == 0xEF && view[next + 1] == 0xB8 && view[next + 2] == 0x8F {
            length += 3
        }
        return length
    }

    /// A label starts with a letter, ASCII or not (`Имя`, `País`: lead bytes of 2-byte letters).
    @inline(__always)
    private static func isLabelStart(_ byte: UInt8) -> Bool {
        ParseText.isLetter(byte) || (byte >= 0xC3 && byte <= 0xDF)
    }

    @inline(__always)
    private static func isLabelByte(_ byte: UInt8) -> Bool {
        ParseText.isLetter(byte) || ParseText.isDigit(byte) || isFiller(byte) || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "&")
            || byte == UInt8(ascii: "'") || byte >= 0x80
    }

    /// Bytes that label comparison ignores: `User Name`, `user_name`, `UserName`, `E-mail`,
    /// `LummaC2, Build`, `UserName (ComputerName)`, ipconfig's `Host Name . . . :` compare equal
    /// to their lower-case, filler-free form.
    @inline(__always)
    static func isFiller(_ byte: UInt8) -> Bool {
        switch byte {
        case ParseText.space, ParseText.tab, UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ","), UInt8(ascii: "."),
            UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "["), UInt8(ascii: "]"):
            true
        default: false
        }
    }

    /// The first entry of `table` whose label `label` spells, ignoring case and filler. The
    /// label is folded once, so that every entry of another length costs one comparison: a
    /// stealer log has a label on almost every line.
    static func lookup<Value>(_ label: UnsafeRawBufferPointer, in table: [(StaticString, Value)]) -> Value? {
        withFolded(label) { folded in table.first { spells(folded, $0.0) }?.1 } ?? nil
    }

    /// Whether `label` spells `literal` (lower-case, without filler).
    static func spells(_ label: UnsafeRawBufferPointer, _ literal: StaticString) -> Bool {
        withFolded(label) { spells($0, literal) } ?? false
    }

    /// Seller and advert labels (`Seller:`, `Log Tools:`, `Telegram: @shop`): their lines are
    /// adverts, never data.
    static func isAdvertLabel(_ label: UnsafeRawBufferPointer) -> Bool {
        guard label.count <= 12 else { return false }
        return withFolded(label) { folded in advertLabels.contains { spells(folded, $0) } } ?? false
    }

    private static let advertLabels: [StaticString] = [
        "seller", "logtools", "freelogs", "telegram", "tg", "channel", "contact", "contacts", "shop", "buy",
        "support", "join", "joinus", "chat", "chatpublic", "owner", "price",
    ]

    /// Longer than any label of the vocabularies: a longer label spells none.
    static let longestLabel = 64

    /// Calls `body` with `label` lower-cased and without filler, apostrophes or quotes; nil,
    /// without calling it, for a label longer than `longestLabel` once folded. Latin-1 and
    /// Cyrillic capitals are lower-cased too (`PAÍS`, `ИМЯ`), and `ё` is `е`.
    private static func withFolded<Result>(
        _ label: UnsafeRawBufferPointer,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longestLabel) { buffer in
            var length = 0
            var index = 0
            let count = label.count
            while index < count {
                var byte = label[index]
                index += 1
                if byte < 0x80 {
                    if isFiller(byte) || byte == UInt8(ascii: "'") || byte == ParseText.quote { continue }
                    byte = Bytes.lower(byte)
                } else if index < count {
                    var next = label[index]
                    if byte == 0xE2 && next == 0x80 && index + 1 < count && label[index + 1] == 0x99 {
                        index += 2  // ’
                        continue
                    }
                    switch (byte, next) {
                    case (0xC3, 0x80...0x9E) where next != 0x97: next += 0x20
                    case (0xD0, 0x90...0x9F): next += 0x20
                    case (0xD0, 0xA0...0xAF):
                        byte = 0xD1
                        next -= 0x20
                    case (0xD0, 0x81), (0xD1, 0x91):  // Ё ё → е
                        byte = 0xD0
                        next = 0xB5
                    default: break
                    }
                    if byte >= 0xC0 && byte < 0xE0 {
                        guard length + 2 <= longestLabel else { return nil }
                        buffer[length] = byte
                        buffer[length + 1] = next
                        length += 2
                        index += 1
                        continue
                    }
                }
                guard length < longestLabel else { return nil }
                buffer[length] = byte
                length += 1
            }
            return body(UnsafeBufferPointer(rebasing: buffer[..<length]))
        }
    }

    /// Whether a folded label is `literal` (lower-case, without filler).
    @inline(__always)
    private static func spells(_ folded: UnsafeBufferPointer<UInt8>, _ literal: StaticString) -> Bool {
        guard literal.utf8CodeUnitCount == folded.count else { return false }
        let spelled = literal.utf8Start
        return (0..<folded.count).allSatisfy { folded[$0] == spelled[$0] }
    }

    /// `UNKNOWN`, `N/A` and empty values mean the field is absent.
    static func isPlaceholder(_ value: UnsafeRawBufferPointer) -> Bool {
        value.isEmpty || Bytes.equalsLowercased(value, "unknown") || Bytes.equalsLowercased(value, "n/a")
    }

    /// How a label is capitalised; layouts differ only by it (`SOFT:` Lumma, `Soft:` Vidar).
    static func capitalisation(_ label: UnsafeRawBufferPointer) -> Capitalisation {
        var upper = 0
        var lower = 0
        for byte in label where ParseText.isLetter(byte) {
            if byte < UInt8(ascii: "a") { upper += 1 } else { lower += 1 }
        }
        if lower == 0 { return .upper }
        if upper == 0 { return .lower }
        return .mixed
    }
}

enum Capitalisation: Int, CaseIterable {
    case lower
    case upper
    case mixed
}
