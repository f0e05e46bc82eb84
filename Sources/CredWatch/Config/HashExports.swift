/// One password hash of one account, as an export stores it.
struct StoredHash: Sendable {
    enum Scheme: Sendable, Equatable {
        /// Active Directory: MD4 of the UTF-16LE password.
        case nt
        /// Mediboard: SHA-256 of the salt's hex text followed by the password bytes.
        case saltedSHA256(salt: [UInt8])
        /// Mediboard's legacy rows: unsalted MD5 of the password bytes.
        case md5
    }

    var scheme: Scheme
    var digest: [UInt8]
    /// When the password was set, when the export records it.
    var lastChange: Timestamp?
}

/// Collects the hashes of every export, keyed by case-folded account name.
struct HashTableBuilder {
    private(set) var hashes: [String: [StoredHash]] = [:]
    private(set) var count = 0
    /// Lines that were neither a hash nor something deliberately ignored.
    var skippedLines = 0

    /// Keeps a line's hash, or counts it as skipped when malformed.
    mutating func add(_ line: ExportLine?) {
        switch line {
        case .hash(let name, let hash):
            hashes[name.lowercased(), default: []].append(hash)
            count += 1
        case .malformed: skippedLines += 1
        case .ignored, nil: break
        }
    }
}

/// What one line of an export holds.
enum ExportLine {
    case hash(name: String, StoredHash)
    /// Nothing to keep, on purpose: blank, comment, machine account, history, no password.
    case ignored
    case malformed
}

/// secretsdump / DSInternals / pwdump lines: `[DOMAIN\]user:rid:lmhash:nthash:::` with optional
/// ` (pwdLastSet=…)` and ` (status=…)` suffixes, or `user:nthash`.
///
/// The domain prefix is dropped (keys are sAMAccountNames; a `user@domain` name stays whole and
/// matches the UPN). Machine accounts (`NAME$`) and secretsdump's `user_historyN` lines (earlier
/// passwords, not the current one) are ignored.
enum ActiveDirectoryHashLine {
    static func parse(_ line: UnsafeRawBufferPointer) -> ExportLine {
        let text = Bytes.trimmed(line)
        guard let first = text.first, first != UInt8(ascii: "#") else { return .ignored }
        guard let nameEnd = Bytes.index(of: colon, in: text), nameEnd > 0 else { return .malformed }
        let hashField: UnsafeRawBufferPointer
        var suffix = UnsafeRawBufferPointer(start: nil, count: 0)
        if let ridEnd = Bytes.index(of: colon, in: text, from: nameEnd + 1) {
            // user:rid:lm:nt[:::suffix]
            guard isDigits(Bytes.slice(text, nameEnd + 1..<ridEnd)),
                let lmEnd = Bytes.index(of: colon, in: text, from: ridEnd + 1)
            else { return .malformed }
            let hashEnd = Bytes.index(of: colon, in: text, from: lmEnd + 1) ?? text.count
            hashField = Bytes.slice(text, lmEnd + 1..<hashEnd)
            suffix = Bytes.slice(text, hashEnd..<text.count)
        } else {
            hashField = Bytes.trimmed(Bytes.slice(text, nameEnd + 1..<text.count))
        }
        if Bytes.hasLowercasedPrefix(hashField, "no password") { return .ignored }
        guard let digest = Hex.decode(hashField, byteCount: 16) else { return .malformed }

        var name = Bytes.slice(text, 0..<nameEnd)
        if let backslash = Bytes.lastIndex(of: UInt8(ascii: "\\"), in: name) {
            name = Bytes.slice(name, backslash + 1..<name.count)
        }
        guard let last = name.last else { return .malformed }
        if last == UInt8(ascii: "$") || isHistoryName(name) { return .ignored }
        let lastChange = suffixValue(suffix, label: "(pwdlastset=").flatMap { PasswordDate.normalized(Text.string($0)) }
        return .hash(name: Text.string(name), StoredHash(scheme: .nt, digest: digest, lastChange: lastChange))
    }

    private static let colon = UInt8(ascii: ":")

    private static func isDigits(_ view: UnsafeRawBufferPointer) -> Bool {
        !view.isEmpty && view.allSatisfy { $0 &- UInt8(ascii: "0") < 10 }
    }

    /// secretsdump writes earlier passwords as `user_history0`, `user_history1`…
    private static func isHistoryName(_ name: UnsafeRawBufferPointer) -> Bool {
        var end = name.count
        while end > 0 && name[end - 1] &- UInt8(ascii: "0") < 10 { end -= 1 }
        guard end < name.count, end >= 8 else { return false }
        return Bytes.equalsLowercased(Bytes.slice(name, end - 8..<end), "_history")
    }

    /// The text between `label` (lower-case, matched case-insensitively) and the next `)`.
    private static func suffixValue(_ suffix: UnsafeRawBufferPointer, label: StaticString) -> UnsafeRawBufferPointer? {
        var from = 0
        while let open = Bytes.index(of: UInt8(ascii: "("), in: suffix, from: from) {
            let rest = Bytes.slice(suffix, open..<suffix.count)
            if Bytes.hasLowercasedPrefix(rest, label) {
                let valueStart = open + label.utf8CodeUnitCount
                let valueEnd = Bytes.index(of: UInt8(ascii: ")"), in: suffix, from: valueStart) ?? suffix.count
                return Bytes.slice(suffix, valueStart..<valueEnd)
            }
            from = open + 1
        }
        return nil
    }
}

/// Mediboard's `users` table exported as CSV (`,` `;` or tab, quoted fields allowed) with a
/// header naming `user_username`, `user_password` and, usually, `user_salt` and
/// `user_password_last_change`; other columns are ignored.
///
/// `user_password` is 64 hex digits for SHA-256(salt hex text ‖ password) or 32 for the legacy
/// unsalted MD5. Rows without a password (directory-linked users) are ignored; a 64-digit hash
/// in an export without a salt column cannot be checked and counts as malformed.
struct MediboardUsersExport {
    private let delimiter: UInt8
    private let usernameColumn: Int
    private let passwordColumn: Int
    private let saltColumn: Int?
    private let lastChangeColumn: Int?
    private var lastNeededColumn: Int {
        max(usernameColumn, passwordColumn, saltColumn ?? 0, lastChangeColumn ?? 0)
    }
    /// A record whose quoted field spans lines, while it is being completed.
    private var pending: [UInt8] = []

    /// True when `line` (the first non-blank line of a file) is a Mediboard users header.
    static func isHeader(_ line: UnsafeRawBufferPointer) -> Bool {
        Text.string(line).lowercased().contains("user_username")
    }

    /// Reads the header; nil when no delimiter yields both required columns.
    init?(header: UnsafeRawBufferPointer) {
        for delimiter in [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t")] {
            var names: [String] = []
            _ = CSVReader(delimiter: delimiter).forEachField(ofRecord: header) { _, field in
                var name = Text.string(Bytes.trimmed(field)).lowercased()
                if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
                names.append(name)
                return true
            }
            guard let username = names.firstIndex(of: "user_username"),
                let password = names.firstIndex(of: "user_password")
            else { continue }
            self.delimiter = delimiter
            usernameColumn = username
            passwordColumn = password
            saltColumn = names.firstIndex(of: "user_salt")
            lastChangeColumn = names.firstIndex(of: "user_password_last_change")
            return
        }
        return nil
    }

    /// Feeds one physical line; returns the row's verdict once a record is complete (nil while
    /// a quoted field continues on the next line).
    mutating func parse(_ line: UnsafeRawBufferPointer) -> ExportLine? {
        if pending.isEmpty {
            if CSVReader.hasOpenQuote(line) {
                pending.append(contentsOf: line)
                return nil
            }
            return parseRecord(line)
        }
        pending.append(0x0A)
        pending.append(contentsOf: line)
        if pending.count > SecretFileLines.maxLineLength {
            SecretBytes.wipe(&pending)
            pending.removeAll()
            return .malformed
        }
        let isOpen = pending.withUnsafeBytes { CSVReader.hasOpenQuote($0) }
        if isOpen { return nil }
        let result = pending.withUnsafeBytes { parseRecord($0) }
        SecretBytes.wipe(&pending)
        pending.removeAll(keepingCapacity: true)
        return result
    }

    /// At the end of the file: a record still open there is malformed (and wiped).
    mutating func finish() -> ExportLine? {
        guard !pending.isEmpty else { return nil }
        SecretBytes.wipe(&pending)
        pending.removeAll()
        return .malformed
    }

    private func parseRecord(_ record: UnsafeRawBufferPointer) -> ExportLine {
        if Bytes.trimmed(record).isEmpty { return .ignored }
        var line = ExportLine.malformed
        // Fields may point into the reader's buffer for unescaped quotes: read them in the call.
        let runaway = CSVReader(delimiter: delimiter).forEachRecord(in: record) { fields, _, _ in
            line = parseFields(fields)
            return false
        }
        return runaway == nil ? line : .malformed
    }

    private func parseFields(_ fields: [UnsafeRawBufferPointer]) -> ExportLine {
        guard fields.count > lastNeededColumn else { return .malformed }
        func value(_ column: Int?) -> UnsafeRawBufferPointer {
            column.map { Self.nonNull(Bytes.trimmed(fields[$0])) } ?? UnsafeRawBufferPointer(start: nil, count: 0)
        }
        let username = value(usernameColumn)
        let password = value(passwordColumn)
        let salt = value(saltColumn)
        let lastChange = value(lastChangeColumn)
        guard !username.isEmpty else { return .malformed }
        if password.isEmpty { return .ignored }
        let scheme: StoredHash.Scheme
        let digest: [UInt8]
        if let sha = Hex.decode(password, byteCount: 32) {
            guard saltColumn != nil else { return .malformed }
            scheme = .saltedSHA256(salt: Array(salt))
            digest = sha
        } else if let md5 = Hex.decode(password, byteCount: 16) {
            scheme = .md5
            digest = md5
        } else {
            return .malformed
        }
        let name = Text.string(username)
        let changed = lastChangeColumn == nil ? nil : PasswordDate.normalized(Text.string(lastChange))
        return .hash(name: name, StoredHash(scheme: scheme, digest: digest, lastChange: changed))
    }

    /// SQL exports write a missing value as `NULL` or `\N`.
    private static func nonNull(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        Bytes.equalsLowercased(value, "null") || Bytes.equalsLowercased(value, "\\n")
            ? UnsafeRawBufferPointer(start: nil, count: 0) : value
    }
}

extension Hex {
    /// Exactly `byteCount` bytes from `2 × byteCount` hex digits (either case); nil otherwise.
    static func decode(_ text: UnsafeRawBufferPointer, byteCount: Int) -> [UInt8]? {
        guard text.count == byteCount * 2 else { return nil }
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for index in 0..<byteCount {
            guard let high = nibble(text[2 * index]), let low = nibble(text[2 * index + 1]) else { return nil }
            bytes[index] = high << 4 | low
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
