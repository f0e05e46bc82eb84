/// The secret values of one record — its password, what follows each `:` of it, and every
/// credential its URL carries (userinfo password, Mediboard's `login=user:password`, the values
/// of password- and token-named parameters of the query and the fragment, as written and
/// percent-decoded) — and the redaction of them from the strings a finding is made of.
///
/// A parser that splits a hostile line in the wrong place can put a password where a login, a
/// URL or a host is shown; a file may be named after one. Whatever the parser decided, every
/// string a finding carries from the dump (login, URL, host, cookie fields, source path, and the
/// exposure key built from them) goes through `redact` when the match stage turns the record
/// into strings, so no report, key or state holds it. That happens only for records that match:
/// nothing of this is on the hot path.
///
/// Matching ignores ASCII case (hosts and keys are lower-cased). A secret of fewer than
/// `substringMinimum` bytes is redacted only where it is a whole field: a three-letter password
/// would otherwise turn every URL into fragments.
struct SecretValues: Sendable {
    /// What stands for a redacted value.
    static let marker = "[REDACTED]"
    /// Secrets at least this long are redacted wherever they occur.
    static let substringMinimum = 4

    /// ASCII-lower-cased, distinct.
    private(set) var values: [[UInt8]] = []

    init() {}

    var isEmpty: Bool { values.isEmpty }

    /// Adds `bytes` as a secret, as the strings of a finding would show it: the text reports
    /// decode it to (UTF-8, else Windows-1252), and for bytes that are not UTF-8 also as paths
    /// write them (`\xNN`).
    mutating func add(_ bytes: UnsafeRawBufferPointer) {
        let trimmed = Bytes.trimmed(bytes)
        guard !trimmed.isEmpty else { return }
        let decoded = Array(Text.string(trimmed).utf8)
        insert(decoded.map(Bytes.lower))
        if !decoded.elementsEqual(trimmed) { insert(DisplayText.path(Array(trimmed)).utf8.map(Bytes.lower)) }
    }

    mutating func add(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { add($0) }
    }

    /// The password, and what follows each `:` in it: a password that holds a colon may be the
    /// rest of a line split too early (`login:password`), whose real password then shows up
    /// wherever the parser put it.
    mutating func addPassword(_ password: UnsafeRawBufferPointer) {
        add(password)
        var from = 0
        while let colon = Bytes.index(of: ParseText.colon, in: password, from: from) {
            add(Bytes.slice(password, (colon + 1)..<password.count))
            from = colon + 1
        }
    }

    /// Every credential the URL carries: the userinfo's password (not Android's certificate
    /// hash), and in the query and the fragment the value after the separator of Mediboard's
    /// `login=user:password` and the values of parameters named like secrets
    /// (`QuerySecret.isSecretName`), each as written and percent-decoded.
    mutating func addURL(_ url: URLParts) {
        let bytes = url.bytes
        if !url.isAndroid, let userinfo = url.userinfo,
            let colon = Bytes.index(of: ParseText.colon, in: Bytes.slice(bytes, userinfo))
        {
            addEncoded(Bytes.slice(bytes, (userinfo.lowerBound + colon + 1)..<userinfo.upperBound))
        }
        if let query = url.query { addParameters(Bytes.slice(bytes, query)) }
        let fragmentMark = url.query?.upperBound ?? url.path.upperBound
        if fragmentMark < bytes.count, bytes[fragmentMark] == UInt8(ascii: "#") {
            addParameters(Bytes.slice(bytes, (fragmentMark + 1)..<bytes.count))
        }
    }

    /// `name=value` pairs separated by `&` (or `?`, `#`, as fragments hold routes such as
    /// `#/login?password=…`); a name is what follows the last `/` before its `=`.
    private mutating func addParameters(_ text: UnsafeRawBufferPointer) {
        var start = 0
        while start < text.count {
            var end = start
            while end < text.count && text[end] != UInt8(ascii: "&") && text[end] != UInt8(ascii: "?")
                && text[end] != UInt8(ascii: "#")
            { end += 1 }
            let pair = Bytes.slice(text, start..<end)
            if let equals = Bytes.index(of: UInt8(ascii: "="), in: pair) {
                var name = Bytes.slice(pair, 0..<equals)
                if let slash = Bytes.lastIndex(of: ParseText.slash, in: name) {
                    name = Bytes.slice(name, (slash + 1)..<name.count)
                }
                let value = Bytes.slice(pair, (equals + 1)..<pair.count)
                switch QuerySecret(name: name, value: value) {
                case .none: break
                case .whole: addEncoded(value)
                case .afterSeparator(let separator): addEncoded(Bytes.slice(value, separator.upperBound..<value.count))
                }
            }
            start = end + 1
        }
    }

    /// `value` as written and percent-decoded (`+` as a space too).
    private mutating func addEncoded(_ value: UnsafeRawBufferPointer) {
        add(value)
        if Bytes.index(of: UInt8(ascii: "%"), in: value) != nil || Bytes.index(of: UInt8(ascii: "+"), in: value) != nil
        {
            add(URLParts.percentDecoded(value, plusIsSpace: false))
            add(URLParts.percentDecoded(value, plusIsSpace: true))
        }
    }

    private mutating func insert(_ value: [UInt8]) {
        if !values.contains(value) { values.append(value) }
    }

    /// Adds a value already lower-cased (one of another `SecretValues`).
    mutating func insertLowered(_ value: [UInt8]) {
        insert(value)
    }

    /// The secrets that `redact` would find in `text`.
    func occurring(in text: String) -> SecretValues {
        var found = SecretValues()
        for value in values {
            var single = SecretValues()
            single.insert(value)
            if single.redact(text) != text { found.insert(value) }
        }
        return found
    }

    /// `text` with every occurrence of a secret replaced by `marker` (overlapping and adjacent
    /// occurrences make one marker). Read in place, ASCII case folded as it is compared: most
    /// strings hold no secret and are returned without a copy.
    func redact(_ text: String) -> String {
        guard !values.isEmpty, !text.isEmpty else { return text }
        var contiguous = text
        return contiguous.withUTF8 { bytes in
            var covered: [Bool]?
            for value in values {
                if value.count < Self.substringMinimum {
                    if value.count == bytes.count && bytes.elementsEqual(value, by: { Bytes.lower($0) == $1 }) {
                        return Self.marker
                    }
                    continue
                }
                var start = 0
                while let hit = Self.firstIndex(of: value, in: bytes, from: start) {
                    if covered == nil { covered = [Bool](repeating: false, count: bytes.count) }
                    for index in hit..<(hit + value.count) { covered![index] = true }
                    start = hit + 1
                }
            }
            guard let covered else { return text }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count)
            var index = 0
            while index < bytes.count {
                if covered[index] {
                    out += Self.marker.utf8
                    while index < bytes.count && covered[index] { index += 1 }
                } else {
                    out.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// The first occurrence of `needle` (lower-cased) in `haystack` at or after `from`, ASCII
    /// case ignored.
    private static func firstIndex(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>, from: Int) -> Int? {
        guard let first = needle.first, needle.count <= haystack.count else { return nil }
        var index = from
        while index <= haystack.count - needle.count {
            if Bytes.lower(haystack[index]) == first {
                var offset = 1
                while offset < needle.count && Bytes.lower(haystack[index + offset]) == needle[offset] { offset += 1 }
                if offset == needle.count { return index }
            }
            index += 1
        }
        return nil
    }
}
