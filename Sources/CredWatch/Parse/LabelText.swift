/// A `Label: value` line of a stealer file, split at its first colon.
struct LabelSplit {
    /// The label as written (decorations and surrounding spaces removed).
    let label: UnsafeRawBufferPointer
    /// The value, trimmed.
    let value: UnsafeRawBufferPointer
    /// The line started with a `|` decoration (Collector's `| Site:`).
    let isPipeDecorated: Bool
    /// Whitespace or nothing follows the colon (`Created: 2024`), as in every label line; a
    /// known label may do without (`Login:alice`), prose like `second:line` may not.
    let isSpaced: Bool
}

/// Label syntax shared by credential and system-information files.
enum LabelText {
    /// Labels longer than this are prose, not labels.
    static let maximumLabelLength = 40

    /// Splits `Label: value`, after leading decorations (whitespace, `|`, `-`, `*`, `>`, `•`,
    /// emoji). Nil when the line has no label: no colon, a label that is not made of words, or
    /// a URL (`https://…`).
    static func split(_ trimmed: UnsafeRawBufferPointer) -> LabelSplit? {
        var start = 0
        var isPipeDecorated = false
        let count = trimmed.count
        while start < count {
            let byte = trimmed[start]
            if byte == ParseText.pipe {
                isPipeDecorated = true
                start += 1
            } else if byte == ParseText.space || byte == ParseText.tab || byte == 0x2D || byte == 0x2A || byte == 0x3E {
                start += 1
            } else if byte >= 0xC0 {
                let length = decorationLength(trimmed, at: start)
                guard length > 1 else { return nil }  // not a decoration: a non-ASCII word
                start += length
            } else {
                break
            }
        }
        let limit = min(count, start + maximumLabelLength + 1)
        guard start < limit,
            let colon = Bytes.index(of: ParseText.colon, in: Bytes.slice(trimmed, 0..<limit), from: start)
        else { return nil }
        let label = Bytes.trimmed(Bytes.slice(trimmed, start..<colon))
        guard let first = label.first, ParseText.isLetter(first), label.allSatisfy(isLabelByte) else { return nil }
        var value = Bytes.slice(trimmed, (colon + 1)..<count)
        let isSpaced = value.isEmpty || Bytes.isSpace(value[0])
        if value.count >= 2 && value[0] == ParseText.slash && value[1] == ParseText.slash { return nil }
        value = Bytes.trimmed(value)
        if isPipeDecorated, let last = value.last, last == ParseText.pipe {
            value = Bytes.trimmed(Bytes.slice(value, 0..<(value.count - 1)))
        }
        return LabelSplit(label: label, value: value, isPipeDecorated: isPipeDecorated, isSpaced: isSpaced)
    }

    /// Length of a decorative non-ASCII character at `index`: a bullet `•`, an emoji (with its
    /// variation selector); 1 for anything else (which the caller treats as text).
    private static func decorationLength(_ view: UnsafeRawBufferPointer, at index: Int) -> Int {
        let byte = view[index]
        var length = 1
        if byte >= 0xF0 && index + 3 < view.count {
            length = 4
        } else if byte == 0xE2 && index + 2 < view.count && (view[index + 1] == 0x80 || view[index + 1] >= 0x96) {
            length = 3  // • and the dingbat and symbol blocks (☎ ✅ ❎ …)
        } else {
            return 1
        }
        // An emoji's variation selector U+FE0F (EF B8 8F).
        let next = index + length
        if next + 2 < view.count && view[next] == 0xEF && view[next + 1] == 0xB8 && view[next + 2] == 0x8F {
            length += 3
        }
        return length
    }

    @inline(__always)
    private static func isLabelByte(_ byte: UInt8) -> Bool {
        ParseText.isLetter(byte) || ParseText.isDigit(byte) || isFiller(byte) || byte == 0x2F || byte == 0x26
            || byte == 0x27
    }

    /// Bytes that label comparison ignores: `User Name`, `user_name`, `UserName`, `E-mail`,
    /// `LummaC2, Build`, `UserName (ComputerName)` compare equal to their lower-case, filler-free form.
    @inline(__always)
    static func isFiller(_ byte: UInt8) -> Bool {
        switch byte {
        case ParseText.space, ParseText.tab, 0x5F, 0x2D, 0x2C, 0x2E, 0x28, 0x29, 0x5B, 0x5D: true
        default: false
        }
    }

    /// The first entry of `table` whose label `label` spells, ignoring case and filler. The
    /// label is folded once, so that every entry of another length costs one comparison: a
    /// stealer log has a label on almost every line.
    static func lookup<Value>(_ label: UnsafeRawBufferPointer, in table: [(StaticString, Value)]) -> Value? {
        withFolded(label) { folded in table.first { spells(folded, $0.0) }?.1 } ?? nil
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

    /// Calls `body` with `label` lower-cased and without filler; nil, without calling it, for a
    /// label longer than `longestLabel` once folded.
    private static func withFolded<Result>(
        _ label: UnsafeRawBufferPointer,
        _ body: (UnsafeBufferPointer<UInt8>) -> Result
    ) -> Result? {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longestLabel) { buffer in
            var length = 0
            for byte in label where !isFiller(byte) {
                guard length < longestLabel else { return nil }
                buffer[length] = Bytes.lower(byte)
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
            if byte < 0x61 { upper += 1 } else { lower += 1 }
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
