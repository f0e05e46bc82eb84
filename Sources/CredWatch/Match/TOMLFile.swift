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

    init(path: String) throws(ConfigurationError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the file")
        }
        guard let text = String(bytes: data, encoding: .utf8) else {
            throw ConfigurationError(file: path, message: "not UTF-8 text")
        }
        self.path = path
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
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
        var found: Int?
        walk { lineNumber, currentScope, _ in
            if currentScope == scope && found == nil { found = lineNumber }
        }
        return found
    }

    /// The line where `key = …` is written in `scope`.
    func line(ofKey key: String, in scope: Scope) -> Int? {
        var found: Int?
        walk { lineNumber, currentScope, text in
            guard found == nil, currentScope == scope else { return }
            if Self.assigns(key, text) { found = lineNumber }
        }
        return found
    }

    /// The first line at or after `start` whose text holds `value` as written.
    private func line(containing value: String, from start: Int) -> Int? {
        guard start >= 1 else { return nil }
        for index in (start - 1)..<lines.count where lines[index].contains(value) { return index + 1 }
        return nil
    }

    /// Calls `body` with each line's number, the table it belongs to and its trimmed text,
    /// skipping the inside of multi-line strings.
    private func walk(_ body: (Int, Scope, Substring) -> Void) {
        var scope = Scope.root
        var counts: [String: Int] = [:]
        var insideMultiline = false
        for (offset, rawLine) in lines.enumerated() {
            let text = rawLine.drop { $0 == " " || $0 == "\t" }
            let delimiters =
                rawLine.components(separatedBy: "'''").count + rawLine.components(separatedBy: "\"\"\"").count - 2
            if insideMultiline {
                if delimiters % 2 == 1 { insideMultiline = false }
                continue
            }
            if text.hasPrefix("[[") {
                let name = String(text.dropFirst(2).prefix { $0 != "]" }).trimmingASCIIWhitespace
                let index = counts[name, default: -1] + 1
                counts[name] = index
                scope = .element(index, of: name)
                body(offset + 1, scope, text)
            } else if text.hasPrefix("[") {
                scope = Scope(arrayName: "[" + text, index: -1)
            } else {
                body(offset + 1, scope, text)
            }
            if delimiters % 2 == 1 { insideMultiline = true }
        }
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
