/// Finds, in a regex's source, literals one of which every match must contain, so that a
/// substring search can reject most subjects before PCRE2 runs.
///
/// The analysis is conservative: whenever it meets something it does not model (extended mode,
/// `\Q…\E`, backreferences, recursion, conditionals, verbs) it gives up and returns no literal,
/// which only means the regex is never skipped. A literal is kept only when it is at least
/// three bytes long and not part of `https://`, which every normalised URL holds.
enum RequiredLiterals {
    /// Lower-cased literals (any one of which every match contains), or `[]`.
    static func of(_ pattern: String) -> [[UInt8]] {
        var analyzer = Analyzer(pattern: Array(pattern.utf8))
        let literals = analyzer.alternation()
        guard !analyzer.isUnsupported, analyzer.position == analyzer.pattern.count else { return [] }
        return literals ?? []
    }

    private static let maximumAlternatives = 16

    /// False for a literal too short to be selective, or part of `https://`, which every
    /// normalised URL holds.
    private static func isUseful(_ literal: [UInt8]) -> Bool {
        let scheme = Array("https://".utf8)
        guard literal.count >= 3 else { return false }
        guard literal.count <= scheme.count else { return true }
        return !(0...(scheme.count - literal.count)).contains { Array(scheme[$0..<$0 + literal.count]) == literal }
    }

    private struct Analyzer {
        let pattern: [UInt8]
        var position = 0
        var isUnsupported = false

        init(pattern: [UInt8]) { self.pattern = pattern }

        private var current: UInt8? { position < pattern.count ? pattern[position] : nil }

        /// `a|b|…` up to `)` or the end: every branch must offer literals.
        mutating func alternation() -> [[UInt8]]? {
            var union: [[UInt8]] = []
            var allBranchesHaveLiterals = true
            while true {
                if let branch = sequence() {
                    for literal in branch where !union.contains(literal) { union.append(literal) }
                } else {
                    allBranchesHaveLiterals = false
                }
                guard current == UInt8(ascii: "|") else { break }
                position += 1
            }
            guard allBranchesHaveLiterals, !union.isEmpty, union.count <= RequiredLiterals.maximumAlternatives else {
                return nil
            }
            return union
        }

        /// The items of one branch; returns the best literal set among the required items.
        private mutating func sequence() -> [[UInt8]]? {
            var best: [[UInt8]]?
            var run: [UInt8] = []

            func consider(_ candidate: [[UInt8]]) {
                guard candidate.allSatisfy(RequiredLiterals.isUseful) else { return }
                let score = candidate.map(\.count).min() ?? 0
                if score >= (best?.map(\.count).min() ?? 0) { best = candidate }
            }
            func flush() {
                if !run.isEmpty { consider([run]) }
                run = []
            }

            while let byte = current, byte != UInt8(ascii: "|"), byte != UInt8(ascii: ")") {
                if isUnsupported { return nil }
                let atom = self.atom()
                let minimum = quantifierMinimum()
                switch atom {
                case .literal(let literal):
                    if minimum == 0 {
                        flush()
                    } else {
                        run.append(literal)
                        if minimum != 1 || hadQuantifier { flush() }
                    }
                case .group(let literals):
                    flush()
                    if let literals, minimum != 0 { consider(literals) }
                case .other:
                    flush()
                }
            }
            flush()
            return best
        }

        private enum Atom {
            case literal(UInt8)
            case group([[UInt8]]?)
            case other
        }

        /// Set by `quantifierMinimum` when a quantifier followed the atom.
        private var hadQuantifier = false

        private mutating func atom() -> Atom {
            guard let byte = current else { return .other }
            position += 1
            switch byte {
            case UInt8(ascii: "\\"):
                guard let escaped = current else {
                    isUnsupported = true
                    return .other
                }
                position += 1
                if escaped >= 0x80 { return .other }
                let lower = Bytes.lower(escaped)
                let isAlphanumeric = lower &- UInt8(ascii: "a") < 26 || escaped &- UInt8(ascii: "0") < 10
                if !isAlphanumeric { return .literal(escaped) }
                // Single-character classes and assertions; anything else (\Q, \x, \g, \p,
                // backreferences…) may consume more text than modelled here.
                if "dDwWsShHvVRXbBAzZGKN".utf8.contains(escaped) { return .other }
                isUnsupported = true
                return .other
            case UInt8(ascii: "["):
                skipClass()
                return .other
            case UInt8(ascii: "("):
                return group()
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                return .other
            case UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                isUnsupported = true
                return .other
            default:
                return byte < 0x80 ? .literal(Bytes.lower(byte)) : .other
            }
        }

        /// After `(`: a capturing, non-capturing, named or atomic group is analysed; an
        /// assertion or comment is skipped; anything else is unsupported.
        private mutating func group() -> Atom {
            if current == UInt8(ascii: "*") {
                isUnsupported = true
                return .other
            }
            if current == UInt8(ascii: "?") {
                position += 1
                guard let kind = current else {
                    isUnsupported = true
                    return .other
                }
                switch kind {
                case UInt8(ascii: ":"), UInt8(ascii: ">"), UInt8(ascii: "|"):
                    position += 1
                case UInt8(ascii: "<") where position + 1 < pattern.count && isNameStart(pattern[position + 1]):
                    skipName(until: UInt8(ascii: ">"))
                case UInt8(ascii: "P") where position + 1 < pattern.count && pattern[position + 1] == UInt8(ascii: "<"):
                    position += 1
                    skipName(until: UInt8(ascii: ">"))
                case UInt8(ascii: "'"):
                    skipName(until: UInt8(ascii: "'"))
                case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: "#"):
                    skipBalanced()
                    return .other
                default:
                    return optionSetting()
                }
            }
            let inner = alternation()
            guard current == UInt8(ascii: ")") else {
                isUnsupported = true
                return .other
            }
            position += 1
            return .group(inner)
        }

        /// `(?i)`, `(?-i)`, `(?i:…)`; extended mode (`x`) changes what a literal is.
        private mutating func optionSetting() -> Atom {
            while let byte = current, byte != UInt8(ascii: ")"), byte != UInt8(ascii: ":") {
                let lower = Bytes.lower(byte)
                guard lower &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "^"),
                    lower != UInt8(ascii: "x")
                else {
                    isUnsupported = true
                    return .other
                }
                position += 1
            }
            guard let end = current else {
                isUnsupported = true
                return .other
            }
            position += 1
            if end == UInt8(ascii: ")") { return .other }
            let inner = alternation()
            guard current == UInt8(ascii: ")") else {
                isUnsupported = true
                return .other
            }
            position += 1
            return .group(inner)
        }

        private func isNameStart(_ byte: UInt8) -> Bool {
            Bytes.lower(byte) &- UInt8(ascii: "a") < 26 || byte == UInt8(ascii: "_")
        }

        private mutating func skipName(until terminator: UInt8) {
            position += 1
            while let byte = current, byte != terminator { position += 1 }
            if current == nil { isUnsupported = true } else { position += 1 }
        }

        /// Skips to the `)` closing the current group, over nested groups and classes.
        private mutating func skipBalanced() {
            var depth = 1
            while let byte = current {
                position += 1
                switch byte {
                case UInt8(ascii: "\\"): position += 1
                case UInt8(ascii: "["): skipClass()
                case UInt8(ascii: "("): depth += 1
                case UInt8(ascii: ")"):
                    depth -= 1
                    if depth == 0 { return }
                default: break
                }
            }
            isUnsupported = true
        }

        /// Skips a character class whose `[` was consumed (`[]…]`, `[^]…]`, `[:alpha:]`).
        private mutating func skipClass() {
            if current == UInt8(ascii: "^") { position += 1 }
            if current == UInt8(ascii: "]") { position += 1 }
            while let byte = current {
                position += 1
                if byte == UInt8(ascii: "\\") {
                    position += 1
                } else if byte == UInt8(ascii: "[") && current == UInt8(ascii: ":") {
                    while let inner = current, inner != UInt8(ascii: "]") { position += 1 }
                    position += 1
                } else if byte == UInt8(ascii: "]") {
                    return
                }
            }
            isUnsupported = true
        }

        /// Reads a quantifier after an atom, if any: its minimum count (1 when none).
        private mutating func quantifierMinimum() -> Int {
            hadQuantifier = true
            var minimum = 1
            switch current {
            case UInt8(ascii: "?"), UInt8(ascii: "*"):
                minimum = 0
                position += 1
            case UInt8(ascii: "+"):
                position += 1
            case UInt8(ascii: "{"):
                guard let bounds = braceQuantifier() else {
                    hadQuantifier = false
                    return 1
                }
                minimum = bounds
            default:
                hadQuantifier = false
                return 1
            }
            // Lazy or possessive suffix.
            if current == UInt8(ascii: "?") || current == UInt8(ascii: "+") { position += 1 }
            return minimum
        }

        /// `{n}`, `{n,}`, `{n,m}`, `{,m}`: consumes it and returns n; nil (nothing consumed)
        /// when the brace is a literal.
        private mutating func braceQuantifier() -> Int? {
            var index = position + 1
            var minimum = 0
            var digits = 0
            while index < pattern.count, pattern[index] &- UInt8(ascii: "0") < 10 {
                minimum = min(minimum * 10 + Int(pattern[index] - UInt8(ascii: "0")), 1_000_000)
                digits += 1
                index += 1
            }
            var sawComma = false
            if index < pattern.count && pattern[index] == UInt8(ascii: ",") {
                sawComma = true
                index += 1
                while index < pattern.count, pattern[index] &- UInt8(ascii: "0") < 10 { index += 1 }
            }
            guard index < pattern.count, pattern[index] == UInt8(ascii: "}"), digits > 0 || sawComma else { return nil }
            position = index + 1
            return minimum
        }
    }
}

/// A required literal, searched by its rarest byte: `memchr` jumps to each occurrence of that
/// byte, then the literal is compared around it. URLs are full of `/`, `.` and vowels, so
/// anchoring on the `b` of `/mediboard/` visits far fewer candidates than on its `/`.
struct RequiredLiteral: Sendable {
    let bytes: [UInt8]
    /// Offset in `bytes` of the byte `memchr` looks for.
    let anchor: Int
    /// Up to two of the literal's rarest bytes that normalising a URL cannot add: a raw URL
    /// without both (in either case) cannot normalise into a subject holding the literal.
    private let telltales: [UInt8]

    /// Bytes of URLs from most to least frequent (rough English/URL order); any other byte
    /// is rarer still.
    private static let frequency: [UInt8] = Array("/.etaoinsrhlcdmpu:-wg=?&_0123456789fbyvkxjzq".utf8)
    /// Bytes that normalising a URL may add (`https://`, `/`, `?`, `&`, `=`, `:`,
    /// `[redacted]`); every other byte of the subject comes from the URL, lower-cased.
    private static let normalisationBytes: [UInt8] = Array("https:/?&=[redacted]".utf8)

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        func rank(_ byte: UInt8) -> Int { Self.frequency.firstIndex(of: byte) ?? Self.frequency.count }
        let byRarity = bytes.indices.sorted { rank(bytes[$0]) > rank(bytes[$1]) }
        anchor = byRarity.first ?? 0
        var telltales: [UInt8] = []
        for offset in byRarity where telltales.count < 2 {
            let byte = bytes[offset]
            if !Self.normalisationBytes.contains(byte) && !telltales.contains(byte) { telltales.append(byte) }
        }
        self.telltales = telltales
    }

    /// False when the raw URL lacks one of the telltale bytes in both cases: then the
    /// normalised subject cannot hold the literal, and need not be built.
    func mayOccur(inRawURL raw: UnsafeRawBufferPointer) -> Bool {
        telltales.allSatisfy { byte in
            if Bytes.index(of: byte, in: raw) != nil { return true }
            return byte &- UInt8(ascii: "a") < 26 && Bytes.index(of: byte - 0x20, in: raw) != nil
        }
    }

    /// Whether the literal occurs in `haystack` (compared byte for byte: both are lower-cased).
    func occurs(in haystack: UnsafeRawBufferPointer) -> Bool {
        guard let base = haystack.baseAddress, !bytes.isEmpty, haystack.count >= bytes.count else { return false }
        let anchorByte = bytes[anchor]
        return bytes.withUnsafeBytes { literal in
            var from = anchor
            while let hit = Bytes.index(of: anchorByte, in: haystack, from: from) {
                let start = hit - anchor
                if start + literal.count > haystack.count { return false }
                if memcmp(base + start, literal.baseAddress!, literal.count) == 0 { return true }
                from = hit + 1
            }
            return false
        }
    }
}

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
