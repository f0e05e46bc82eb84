import Foundation
import Synchronization

extension AccountDirectory {
    /// Reads an account export (see `AccountDirectory` for the accepted forms).
    public static func load(path: String) throws(ConfigurationError) -> AccountDirectory {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the file")
        }
        // Read in place: an export of 100,000 accounts is tens of MB, and each copy of it
        // counts in the run's peak memory.
        let accounts = try data.withUnsafeBytes { raw in
            AccountExport.withUTF8Text(raw) { bytes in
                Result { () throws(ConfigurationError) in try AccountExport.accounts(in: bytes, file: path) }
            }
        }.get()
        guard !accounts.isEmpty else { throw ConfigurationError(file: path, message: "no accounts found") }
        return AccountDirectory(accounts: accounts)
    }
}

/// The body of an export and its columns, handed to the threads that read it (the bytes
/// outlive them: `csv` waits for both).
private struct SharedBytes: @unchecked Sendable {
    let view: UnsafeRawBufferPointer
    let columns: [(position: Int, column: AccountExport.Column)]
}

/// Turns the bytes of an export into accounts.
enum AccountExport {
    /// Column names (lower-cased) and what they hold.
    enum Column: CaseIterable {
        case sam, upn, mail, proxyAddresses, enabled, userAccountControl, displayName, department, passwordLastSet

        var names: [String] {
            switch self {
            case .sam: ["samaccountname"]
            case .upn: ["userprincipalname"]
            case .mail: ["mail", "emailaddress", "email"]
            case .proxyAddresses: ["proxyaddresses"]
            case .enabled: ["enabled"]
            case .userAccountControl: ["useraccountcontrol"]
            case .displayName: ["displayname"]
            case .department: ["department"]
            case .passwordLastSet: ["pwdlastset", "passwordlastset"]
            }
        }

        var isIdentity: Bool { [.sam, .upn, .mail, .proxyAddresses].contains(self) }

        static func named(_ header: String) -> Column? {
            let name = header.trimmingASCIIWhitespace.lowercased()
            return allCases.first { $0.names.contains(name) }
        }
    }

    static let identityColumnsMessage =
        "no usable identity column (expected one of sAMAccountName, userPrincipalName, mail, EmailAddress, proxyAddresses)"

    /// Calls `body` with the export as UTF-8 without BOM: a UTF-8 BOM is skipped, UTF-16 (with
    /// BOM) transcoded into a copy; anything else is handed over as it is.
    static func withUTF8Text<Result>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result)
        -> Result
    {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return body(Bytes.slice(bytes, 3..<bytes.count)) }
        let isLittleEndian = bytes.starts(with: [0xFF, 0xFE])
        guard isLittleEndian || bytes.starts(with: [0xFE, 0xFF]) else { return body(bytes) }
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = 2
        while index + 1 < bytes.count {
            let first = UInt16(bytes[index])
            let second = UInt16(bytes[index + 1])
            units.append(isLittleEndian ? first | second << 8 : first << 8 | second)
            index += 2
        }
        return Array(String(decoding: units, as: UTF16.self).utf8).withUnsafeBytes(body)
    }

    /// - Parameter parallelAbove: a CSV body above this many bytes is read by two threads.
    static func accounts(
        in bytes: UnsafeRawBufferPointer,
        file: String,
        parallelAbove: Int = parallelThreshold
    ) throws(ConfigurationError) -> [Account] {
        var start = 0
        var firstLine = Bytes.slice(bytes, 0..<0)
        while start < bytes.count && firstLine.isEmpty {
            let end = Bytes.index(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
            firstLine = Bytes.trimmed(Bytes.slice(bytes, start..<end))
            start = end + 1
        }
        guard let delimiter = delimiter(of: firstLine) else { return plainList(bytes) }
        return try csv(bytes, delimiter: delimiter, file: file, parallelAbove: parallelAbove)
    }

    /// The header's delimiter: the most frequent of `,`, `;`, TAB outside quotes (`,` when the
    /// header is one column name); nil for a plain list.
    static func delimiter(of header: UnsafeRawBufferPointer) -> UInt8? {
        var commas = 0
        var semicolons = 0
        var tabs = 0
        var quoted = false
        for byte in header {
            if byte == UInt8(ascii: "\"") { quoted.toggle() }
            guard !quoted else { continue }
            if byte == UInt8(ascii: ",") { commas += 1 }
            if byte == UInt8(ascii: ";") { semicolons += 1 }
            if byte == UInt8(ascii: "\t") { tabs += 1 }
        }
        if commas > 0 || semicolons > 0 || tabs > 0 {
            if commas >= semicolons && commas >= tabs { return UInt8(ascii: ",") }
            return semicolons >= tabs ? UInt8(ascii: ";") : UInt8(ascii: "\t")
        }
        let name = Text.string(header).trimmingASCIIWhitespace
            .trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        return Column.named(name) != nil ? UInt8(ascii: ",") : nil
    }

    /// Exports above this size are read by two threads, one from each half (see `csv`).
    static let parallelThreshold = 2 << 20

    private static func csv(
        _ bytes: UnsafeRawBufferPointer,
        delimiter: UInt8,
        file: String,
        parallelAbove threshold: Int = parallelThreshold
    ) throws(ConfigurationError) -> [Account] {
        let reader = CSVReader(delimiter: delimiter)
        var columns: [(position: Int, column: Column)] = []
        var headerEnd = 0
        try reader.forEachRecord(in: bytes) { fields, line, end throws(ConfigurationError) in
            for (position, header) in fields.enumerated() {
                if let column = Column.named(Text.string(header)), !columns.contains(where: { $0.column == column }) {
                    columns.append((position, column))
                }
            }
            guard columns.contains(where: { $0.column.isIdentity }) else {
                throw ConfigurationError(file: file, line: line, message: identityColumnsMessage)
            }
            headerEnd = end
            return false
        }
        let body = Bytes.slice(bytes, headerEnd..<bytes.count)
        let half = body.count / 2
        guard body.count > threshold, ProcessInfo.processInfo.activeProcessorCount > 1,
            let middle = CSVReader.probableRecordEnd(in: body, after: half, from: 0), middle < body.count
        else {
            return accounts(in: body, reader, columns, until: nil).accounts
        }
        // Two threads, one from each side of a record boundary guessed from quote parity. The
        // first half is the truth: if its last record does not end exactly at the guess (stray
        // quotes in a malformed export), it reads on to the end and the second half is dropped.
        let halves = Mutex<[(accounts: [Account], reachedTheEnd: Bool)]>([([], false), ([], false)])
        let shared = SharedBytes(view: body, columns: columns)
        DispatchQueue.concurrentPerform(iterations: 2) { part in
            let view = shared.view
            let result =
                part == 0
                ? accounts(in: view, reader, shared.columns, until: middle)
                : accounts(in: Bytes.slice(view, middle..<view.count), reader, shared.columns, until: nil)
            halves.withLock { $0[part] = result }
        }
        let (first, second) = halves.withLock { ($0[0], $0[1]) }
        return first.reachedTheEnd ? first.accounts : first.accounts + second.accounts
    }

    /// The accounts of the records of `body`, stopping after the record that ends at `stop`;
    /// `reachedTheEnd` tells whether the reading went on to the end of `body` instead.
    private static func accounts(
        in body: UnsafeRawBufferPointer,
        _ reader: CSVReader,
        _ columns: [(position: Int, column: Column)],
        until stop: Int?
    ) -> (accounts: [Account], reachedTheEnd: Bool) {
        var accounts: [Account] = []
        var reachedTheEnd = true
        reader.forEachRecord(in: body) { fields, _, end in
            if let account = account(fields, columns) { accounts.append(account) }
            if end == stop {
                reachedTheEnd = false
                return false
            }
            return true
        }
        return (accounts, reachedTheEnd)
    }

    /// One row as an account; nil when it has no identity at all. Only the columns read are
    /// turned into strings, and an alias that repeats the UPN, the mail or another alias is
    /// dropped before it becomes one (the primary `SMTP:` address is usually the mail).
    private static func account(_ fields: [UnsafeRawBufferPointer], _ columns: [(position: Int, column: Column)])
        -> Account?
    {
        var account = Account()
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        var (upn, mail, proxyAddresses) = (none, none, none)
        for (position, column) in columns where position < fields.count {
            let value = Bytes.trimmed(fields[position])
            guard !value.isEmpty else { continue }
            switch column {
            case .sam:
                let name = Bytes.lastIndex(of: UInt8(ascii: "\\"), in: value).map {
                    Bytes.slice(value, $0 + 1..<value.count)
                }
                account.sam = Text.asciiFastString(name ?? value)
            case .upn:
                upn = value
                account.upn = Text.asciiFastString(value)
            case .mail:
                mail = value
                account.mail = Text.asciiFastString(value)
            case .proxyAddresses: proxyAddresses = value
            case .enabled: if boolean(value) == false { account.isEnabled = false }
            case .userAccountControl: if let flags = integer(value), flags & 2 != 0 { account.isEnabled = false }
            case .displayName: account.displayName = Text.asciiFastString(value)
            case .department: account.department = Text.asciiFastString(value)
            case .passwordLastSet:
                account.passwordLastSet = integer(value).flatMap(fileTimeAsISO8601) ?? Text.asciiFastString(value)
            }
        }
        if !proxyAddresses.isEmpty { account.aliases = smtpAddresses(proxyAddresses, besides: [upn, mail]) }
        guard account.sam != nil || account.upn != nil || account.mail != nil || !account.aliases.isEmpty else {
            return nil
        }
        return account
    }

    /// The `smtp:` entries of a proxyAddresses value (separated by `;`, `|` or whitespace),
    /// without the prefix, first of each, and none equal (in any ASCII case) to one of `besides`.
    static func smtpAddresses(_ value: UnsafeRawBufferPointer, besides: [UnsafeRawBufferPointer] = []) -> [String] {
        var addresses: [String] = []
        var kept: [UnsafeRawBufferPointer] = besides
        var start = 0
        while start < value.count {
            var end = start
            while end < value.count && !Bytes.isSpace(value[end]) && value[end] != UInt8(ascii: ";")
                && value[end] != UInt8(ascii: "|")
            {
                end += 1
            }
            let entry = Bytes.slice(value, start..<end)
            if entry.count > 5 && Bytes.hasLowercasedPrefix(entry, "smtp:") {
                let address = Bytes.slice(entry, 5..<entry.count)
                if !kept.contains(where: { Bytes.equalsIgnoringASCIICase($0, address) }) {
                    kept.append(address)
                    addresses.append(Text.asciiFastString(address))
                }
            }
            start = end + 1
        }
        return addresses
    }

    private static func boolean(_ value: UnsafeRawBufferPointer) -> Bool? {
        if Bytes.equalsLowercased(value, "true") || Bytes.equalsLowercased(value, "1")
            || Bytes.equalsLowercased(value, "yes") || Bytes.equalsLowercased(value, "oui")
        {
            return true
        }
        if Bytes.equalsLowercased(value, "false") || Bytes.equalsLowercased(value, "0")
            || Bytes.equalsLowercased(value, "no") || Bytes.equalsLowercased(value, "non")
        {
            return false
        }
        return nil
    }

    /// A non-negative decimal integer (at most 18 digits, so it cannot overflow).
    private static func integer(_ value: UnsafeRawBufferPointer) -> Int64? {
        guard !value.isEmpty, value.count <= 18 else { return nil }
        var number: Int64 = 0
        for byte in value {
            guard byte &- UInt8(ascii: "0") < 10 else { return nil }
            number = number * 10 + Int64(byte - UInt8(ascii: "0"))
        }
        return number
    }

    /// An AD FILETIME (100 ns ticks since 1601) as `YYYY-MM-DDTHH:MM:SSZ`; nil for anything
    /// else, including 0 ("must change at next logon") and the "never" sentinel.
    static func fileTimeAsISO8601(_ ticks: Int64) -> String? {
        let unixSeconds = ticks / 10_000_000 - 11_644_473_600
        guard unixSeconds > 0, unixSeconds < 253_402_300_800 else { return nil }  // 1970 – 9999
        let (year, month, day) = civilDate(daysSince1970: unixSeconds / 86_400)
        let seconds = unixSeconds % 86_400
        // Written into the string's own storage: one allocation per account of the export.
        return String(unsafeUninitializedCapacity: 20) { text in
            var length = 0
            func append(_ number: Int64, digits: Int, then separator: Unicode.Scalar) {
                var divisor: Int64 = 1
                for _ in 1..<digits { divisor *= 10 }
                while divisor > 0 {
                    text[length] = UInt8(ascii: "0") + UInt8(number / divisor % 10)
                    length += 1
                    divisor /= 10
                }
                text[length] = UInt8(ascii: separator)
                length += 1
            }
            append(year, digits: 4, then: "-")
            append(month, digits: 2, then: "-")
            append(day, digits: 2, then: "T")
            append(seconds / 3600, digits: 2, then: ":")
            append(seconds / 60 % 60, digits: 2, then: ":")
            append(seconds % 60, digits: 2, then: "Z")
            return length
        }
    }

    /// Howard Hinnant's days-to-civil conversion (proleptic Gregorian calendar).
    private static func civilDate(daysSince1970 days: Int64) -> (Int64, Int64, Int64) {
        let shifted = days + 719_468
        let era = shifted / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    /// One login per line (see `AccountDirectory`).
    private static func plainList(_ bytes: UnsafeRawBufferPointer) -> [Account] {
        var accounts: [Account] = []
        var start = 0
        while start < bytes.count {
            let end = Bytes.index(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
            let line = Bytes.trimmed(Bytes.slice(bytes, start..<end))
            start = end + 1
            guard !line.isEmpty, line[0] != UInt8(ascii: "#") else { continue }
            // Split on bytes: as Characters, a `\` followed by a combining mark is no backslash.
            if let backslash = Bytes.lastIndex(of: UInt8(ascii: "\\"), in: line) {
                let sam = Bytes.slice(line, backslash + 1..<line.count)
                if !sam.isEmpty { accounts.append(Account(sam: Text.string(sam))) }
            } else if Bytes.index(of: UInt8(ascii: "@"), in: line) != nil {
                accounts.append(Account(mail: Text.string(line)))
            } else {
                accounts.append(Account(sam: Text.string(line)))
            }
        }
        return accounts
    }
}
