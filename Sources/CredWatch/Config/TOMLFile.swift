import Foundation
import TOMLKit

/// A TOML configuration file (profile or pattern pack): its parsed table, and its text so that
/// every error can name the line it is about.
///
/// TOMLKit reports the line of syntax errors but keeps no positions for values, so semantic
/// errors find their key's line in the text, within the right `[[table]]`.
struct TOMLFile {
    let path: String
    let root: TOMLTable
    private let lines: [Substring]
    /// Every line outside multi-line strings with the table it belongs to, worked out once: a
    /// pack of many platforms looks up the line of each one's `id`.
    private let scopedLines: [(number: Int, scope: Scope, text: Substring)]

    init(path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the file: \(SystemError.whyUnreadable(path))")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, message: "not UTF-8 text")
        }
        self.path = path
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        scopedLines = Self.scopedLines(lines)
        if let (line, message) = Self.textTOMLKitCannotParse(in: text) {
            throw ConfigurationError(file: path, line: line, message: message)
        }
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError(file: path, line: error.source.begin.line, message: error.description)
        } catch {
            throw ConfigurationError(file: path, message: "\(error)")
        }
    }

    /// Where a value sits: the root table, or element `index` of an array of tables.
    struct Scope: Equatable {
        var arrayName: String?
        var index: Int

        static let root = Scope(arrayName: nil, index: 0)
        static func element(_ index: Int, of arrayName: String) -> Scope { Scope(arrayName: arrayName, index: index) }
    }

    /// An error about `key` in `scope`; with `value`, the line of that value when it can be found
    /// after the key (for entries of multi-line arrays).
    func error(_ message: String, key: String? = nil, in scope: Scope = .root, value: String? = nil)
        -> ConfigurationError
    {
        var found = key.flatMap { line(ofKey: $0, in: scope) } ?? line(of: scope)
        if let value, let start = found, let valueLine = line(containing: value, from: start) {
            found = valueLine
        }
        return ConfigurationError(file: path, line: found, message: message)
    }

    /// The line of `[[arrayName]]` number `index` (1-based line numbers).
    func line(of scope: Scope) -> Int? {
        guard scope.arrayName != nil else { return nil }
        return scopedLines.first { $0.scope == scope }?.number
    }

    /// The line where `key = …` is written in `scope`.
    func line(ofKey key: String, in scope: Scope) -> Int? {
        scopedLines.first { $0.scope == scope && Self.assigns(key, $0.text) }?.number
    }

    /// The first line at or after `start` whose text holds `value` as written.
    private func line(containing value: String, from start: Int) -> Int? {
        guard start >= 1 else { return nil }
        for index in (start - 1)..<lines.count where lines[index].contains(value) { return index + 1 }
        return nil
    }

    /// Each line's number, the table it belongs to and its trimmed text, skipping the inside of
    /// multi-line strings and table headers other than `[[…]]`.
    private static func scopedLines(_ lines: [Substring]) -> [(number: Int, scope: Scope, text: Substring)] {
        var result: [(number: Int, scope: Scope, text: Substring)] = []
        var scope = Scope.root
        var counts: [String: Int] = [:]
        var insideMultiline = false
        for (offset, rawLine) in lines.enumerated() {
            let text = rawLine.drop { $0 == " " || $0 == "\t" }
            let delimiters = rawLine.ranges(of: "'''").count + rawLine.ranges(of: "\"\"\"").count
            if insideMultiline {
                if delimiters % 2 == 1 { insideMultiline = false }
                continue
            }
            if text.hasPrefix("[[") {
                let name = String(text.dropFirst(2).prefix { $0 != "]" }).trimmingASCIIWhitespace
                let index = counts[name, default: -1] + 1
                counts[name] = index
                scope = .element(index, of: name)
                result.append((offset + 1, scope, text))
            } else if text.hasPrefix("[") {
                scope = Scope(arrayName: "[" + text, index: -1)
            } else {
                result.append((offset + 1, scope, text))
            }
            if delimiters % 2 == 1 { insideMultiline = true }
        }
        return result
    }

    /// `key = …`, `"key" = …` or `'key' = …` at the start of `text`.
    private static func assigns(_ key: String, _ text: Substring) -> Bool {
        for quoted in [key, "\"\(key)\"", "'\(key)'"] where text.hasPrefix(quoted) {
            let rest = text.dropFirst(quoted.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return true }
        }
        return false
    }
}

extension TOMLFile {
    /// The first place, and why, where toml++ (under TOMLKit) would abort the whole process on
    /// an assertion instead of reporting an error: a table header whose key starts with neither
    /// a key character nor a quote (`[<`, a `[` that ends its line), a `}` where an array
    /// expects a value (`[}`, `, }`), a Unicode line separator (U+0085, U+2028, U+2029) outside
    /// strings and comments. None is valid TOML; such a file is rejected before it is parsed.
    ///
    /// Only text that is valid TOML up to such a place matters (toml++ stops at the first error),
    /// so strings and comments are skipped the way TOML reads them, and headers are looked for
    /// where toml++ looks for them: first on a line, outside arrays and inline tables.
    static func textTOMLKitCannotParse(in text: String) -> (line: Int, message: String)? {
        let bytes = Array(text.utf8)
        var index = 0
        var line = 1
        var depth = 0
        var isLineStart = true
        /// The last byte outside strings, comments and white space.
        var previous: UInt8 = 0x0A
        func skipString(quote: UInt8) {
            let isTriple = index + 2 < bytes.count && bytes[index + 1] == quote && bytes[index + 2] == quote
            index += isTriple ? 3 : 1
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count && bytes[index + 1] == 0x0A { line += 1 }
                    index += 2
                    continue
                }
                if byte == 0x0A {
                    if !isTriple { return }
                    line += 1
                } else if byte == quote && !isTriple {
                    index += 1
                    return
                } else if byte == quote && index + 2 < bytes.count && bytes[index + 1] == quote
                    && bytes[index + 2] == quote
                {
                    index += 3
                    // Up to two more quotes belong to the content.
                    for _ in 0..<2 where index < bytes.count && bytes[index] == quote { index += 1 }
                    return
                }
                index += 1
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x0A:
                line += 1
                isLineStart = true
                index += 1
                continue
            case UInt8(ascii: " "), UInt8(ascii: "\t"):
                index += 1
                continue
            case UInt8(ascii: "#"):
                while index < bytes.count && bytes[index] != 0x0A { index += 1 }
                continue
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                skipString(quote: byte)
                isLineStart = false
                previous = byte
                continue
            case UInt8(ascii: "["):
                if isLineStart && depth == 0 && !headerStartsWithKey(bytes, after: index) {
                    return (line, "invalid table header: expected a key after '['")
                }
                depth += 1
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}") where previous == UInt8(ascii: "[") || previous == UInt8(ascii: ","):
                return (line, "expected a value, saw '}'")
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                depth = max(0, depth - 1)
            case 0xC2 where index + 1 < bytes.count && bytes[index + 1] == 0x85,
                0xE2
            where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (0xA8...0xA9).contains(bytes[index + 2]):
                return (line, "Unicode line separator outside a string")
            default:
                break
            }
            isLineStart = false
            previous = byte
            index += 1
        }
        return nil
    }

    /// Whether the header opened at `bracket` (`[` or `[[`, then spaces) goes on with a key
    /// character, a quote, or the `]` toml++ reports as an empty key.
    private static func headerStartsWithKey(_ bytes: [UInt8], after bracket: Int) -> Bool {
        var index = bracket + 1
        if index < bytes.count && bytes[index] == UInt8(ascii: "[") { index += 1 }
        while index < bytes.count && (bytes[index] == UInt8(ascii: " ") || bytes[index] == UInt8(ascii: "\t")) {
            index += 1
        }
        guard index < bytes.count else { return true }  // toml++ reports the end of the file
        let byte = bytes[index]
        return Bytes.lower(byte) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "]")
    }
}

/// Typed reads of one TOML table that reject unknown keys and wrong types with the key's line.
struct TOMLTableReader {
    let file: TOMLFile
    let table: TOMLTable
    let scope: TOMLFile.Scope

    /// Fails on the first key not in `allowed`.
    func rejectUnknownKeys(allowed: [String]) throws(ConfigurationError) {
        for key in table.keys.sorted() where !allowed.contains(key) {
            throw file.error(
                "unknown key '\(key)' (expected one of: \(allowed.joined(separator: ", ")))",
                key: key,
                in: scope
            )
        }
    }

    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else {
            throw file.error("'\(key)' must be a string", key: key, in: scope)
        }
        return string
    }

    /// An array of strings; a single string is read as a one-element array.
    func strings(_ key: String) throws(ConfigurationError) -> [String] {
        guard let value = table[key] else { return [] }
        if let string = value.string { return [string] }
        guard let array = value.array else {
            throw file.error("'\(key)' must be an array of strings", key: key, in: scope)
        }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw file.error("'\(key)' must be an array of strings", key: key, in: scope)
            }
            strings.append(string)
        }
        return strings
    }

    /// The tables of an array of tables (`[[name]]`).
    func tables(_ key: String) throws(ConfigurationError) -> [TOMLTable] {
        guard let value = table[key] else { return [] }
        guard let array = value.array else {
            throw file.error("'\(key)' must be written as [[\(key)]] tables", key: key, in: scope)
        }
        var tables: [TOMLTable] = []
        for element in array {
            guard let table = element.table else {
                throw file.error("'\(key)' must be written as [[\(key)]] tables", key: key, in: scope)
            }
            tables.append(table)
        }
        return tables
    }

    /// An error about `key` (or, with `value`, about that entry of the key's array).
    func error(_ message: String, key: String? = nil, value: String? = nil) -> ConfigurationError {
        file.error(message, key: key, in: scope, value: value)
    }
}
