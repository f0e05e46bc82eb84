import Foundation
import Synchronization

extension AccountDirectory {
    /// Reads an account export (see `AccountDirectory` for the accepted forms). Year-last dates
    /// of `PasswordLastSet` are read in `dateOrder` (the profile's `date_order`); without one,
    /// in the order the column's own values show. What the export holds but the run cannot use
    /// as written is in `warnings`; an export it cannot trust is a `ConfigurationError`.
    public static func load(path: String, dateOrder: DateOrder? = nil) throws(ConfigurationError) -> AccountDirectory {
        // Mapped, not read: pages are dropped as reading passes them, so that an export of a
        // million accounts (hundreds of MB) never sits in the run's memory whole; and unmapped
        // once read (the last pages each reader kept go with it), before the index is built.
        func readExport() throws(ConfigurationError) -> AccountExport.Read {
            let export = try ExportBytes(path: path)
            return try export.withUTF8Text { bytes in
                Result { () throws(ConfigurationError) in
                    try AccountExport.read(bytes, file: path, dateOrder: dateOrder, passed: export.passed)
                }
            }.get()
        }
        let read = try readExport()
        guard !read.accounts.isEmpty else {
            let why =
                read.form == .csv
                ? "no row under the header holds a sAMAccountName, userPrincipalName, mail or proxy address"
                : "no header and no login, only blank lines and # comments"
            throw ConfigurationError(file: path, message: "no accounts found: " + why)
        }
        guard read.accounts.count <= AccountIndex.maxAccounts else {
            throw ConfigurationError(file: path, message: "more than \(AccountIndex.maxAccounts) accounts")
        }
        var directory = AccountDirectory(accounts: read.accounts)
        directory.form = read.form
        directory.warnings = read.warnings
        if let shared = directory.sharedIdentityWarning(file: path) {
            directory.warnings.append(shared)
        }
        return directory
    }
}

/// The body of an export and how to read its rows, handed to the threads that read it (the
/// bytes outlive them: `csv` waits for both).
private struct SharedBytes: @unchecked Sendable {
    let view: UnsafeRawBufferPointer
    let layout: AccountExport.RowLayout
    let passed: ExportBytes.Passed
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

    /// What reading an export gave: its accounts, the line each was read on, its form, and
    /// what the run should be told about it.
    struct Read: Equatable {
        var accounts = AccountList()
        var form: AccountDirectory.ExportForm
        var warnings: [ConfigurationWarning] = []

        /// The line each account was read on.
        var lines: [Int] { accounts.indices.map(accounts.line(of:)) }
    }

    /// Where the columns read are, and how year-last dates are read.
    struct RowLayout {
        /// Position in the row, column, and its header as written.
        var columns: [(position: Int, column: Column, header: String)]
        var dateOrder: DateOrder?
        /// Fields in the header row.
        var width = 0
    }

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

    /// Reads an export: a CSV when its first line that is neither blank nor a `#` comment
    /// (PowerShell's `#TYPE …` line) is a header, else a plain list.
    /// - Parameter parallelAbove: a CSV body above this many bytes is read by two threads.
    static func read(
        _ bytes: UnsafeRawBufferPointer,
        file: String,
        dateOrder: DateOrder? = nil,
        parallelAbove: Int = parallelThreshold,
        passed: ExportBytes.Passed = .keep
    ) throws(ConfigurationError) -> Read {
        var start = 0
        var number = 1
        while start < bytes.count {
            let end = Bytes.index(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
            let line = Bytes.trimmed(Bytes.slice(bytes, start..<end))
            if !line.isEmpty && line[0] != UInt8(ascii: "#") {
                guard let delimiter = delimiter(of: line) else { break }
                let layout = RowLayout(columns: [], dateOrder: dateOrder)
                return try csv(
                    Bytes.slice(bytes, start..<bytes.count),
                    firstLine: number,
                    delimiter: delimiter,
                    layout: layout,
                    file: file,
                    parallelAbove: parallelAbove,
                    passed: passed
                )
            }
            start = end + 1
            number += 1
        }
        return plainList(bytes, file: file)
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

    /// Reads a CSV export from its header row (on line `firstLine` of the file).
    private static func csv(
        _ bytes: UnsafeRawBufferPointer,
        firstLine: Int,
        delimiter: UInt8,
        layout: RowLayout,
        file: String,
        parallelAbove threshold: Int,
        passed: ExportBytes.Passed
    ) throws(ConfigurationError) -> Read {
        var layout = layout
        var headerEnd = 0
        var headerFields = 0
        var headerLine = firstLine
        let header = CSVReader(delimiter: delimiter)
        let runaway = header.forEachRecord(in: bytes, firstLine: firstLine) { fields, line, end in
            for (position, field) in fields.enumerated() {
                let name = Text.string(field)
                if let column = Column.named(name), !layout.columns.contains(where: { $0.column == column }) {
                    layout.columns.append((position, column, name.trimmingASCIIWhitespace))
                }
            }
            (headerLine, headerFields, headerEnd) = (line, fields.count, end)
            return false
        }
        if let runaway { throw ConfigurationError(file: file, line: runaway.line, message: "\(runaway)") }
        layout.width = headerFields
        guard layout.columns.contains(where: { $0.column.isIdentity }) else {
            throw ConfigurationError(file: file, line: headerLine, message: identityColumnsMessage)
        }
        let reader = CSVReader(delimiter: delimiter, rowDelimiters: headerFields - 1)
        let body = Bytes.slice(bytes, headerEnd..<bytes.count)
        let bodyLine = firstLine + CSVReader.lineFeeds(in: Bytes.slice(bytes, 0..<headerEnd))
        let half = body.count / 2
        var rows: Rows
        if body.count > threshold, ProcessInfo.processInfo.activeProcessorCount > 1,
            let middle = CSVReader.probableRecordEnd(in: body, after: half, from: 0, passed: passed.call),
            middle < body.count
        {
            // Two threads, one from each side of a record boundary guessed from quote parity.
            // The first half is the truth: if its last record does not end exactly at the guess
            // (stray quotes in a malformed export), it reads on to the end (or to the runaway
            // quote) and the second half is dropped. The second half numbers its lines from
            // where it starts, so what it reports names the lines a sequential read names.
            let secondLine = bodyLine + CSVReader.lineFeeds(in: Bytes.slice(body, 0..<middle), passed: passed.call)
            let halves = Mutex<[Rows]>([Rows(), Rows()])
            let shared = SharedBytes(view: body, layout: layout, passed: passed)
            DispatchQueue.concurrentPerform(iterations: 2) { part in
                let view = shared.view
                let result =
                    part == 0
                    ? readRows(view, reader, firstLine: bodyLine, shared.layout, until: middle, passed: shared.passed)
                    : readRows(
                        Bytes.slice(view, middle..<view.count),
                        reader,
                        firstLine: secondLine,
                        shared.layout,
                        passed: shared.passed
                    )
                halves.withLock { $0[part] = result }
            }
            let (first, second) = halves.withLock { ($0[0], $0[1]) }
            rows = first
            if !first.reachedTheEnd && first.runaway == nil { rows.append(second) }
        } else {
            rows = readRows(body, reader, firstLine: bodyLine, layout, passed: passed)
        }
        if let runaway = rows.runaway {
            throw ConfigurationError(file: file, line: runaway.line, message: "\(runaway)")
        }
        return finish(rows, layout, file: file)
    }

    /// What the rows of (part of) an export gave, merged in file order.
    struct Rows {
        var accounts = AccountList.Builder()
        /// Whether reading went on to the end of the part, past the record it was to stop at.
        var reachedTheEnd = true
        var runaway: CSVReader.RunawayQuote?
        /// Values not understood, by column: how many, and the first.
        var issues: [Column: (count: Int, first: Sample)] = [:]
        /// Rows with values but no identity (skipped).
        var withoutIdentity: (count: Int, line: Int)?
        /// Rows with values whose number of fields is not the header's (read by position).
        var misshapen: (count: Int, line: Int)?
        /// The first date that is a date only day first, and only month first.
        var dayFirst: Sample?
        var monthFirst: Sample?
        /// Dates that read both ways (their text is kept until the order is known): how many,
        /// and the first.
        var ambiguous: (count: Int, first: Sample)?

        struct Sample: Equatable {
            var line: Int
            var value: String
        }

        mutating func note(_ column: Column, _ line: Int, _ value: UnsafeRawBufferPointer) {
            if let known = issues[column] {
                issues[column] = (known.count + 1, known.first)
            } else {
                issues[column] = (1, Sample(line: line, value: Text.string(value)))
            }
        }

        /// Appends the rows read after these.
        mutating func append(_ next: Rows) {
            if let later = next.ambiguous {
                ambiguous = ambiguous.map { ($0.count + later.count, $0.first) } ?? later
            }
            accounts.append(contentsOf: next.accounts)
            reachedTheEnd = next.reachedTheEnd
            runaway = runaway ?? next.runaway
            for (column, issue) in next.issues {
                if let known = issues[column] {
                    issues[column] = (known.count + issue.count, known.first)
                } else {
                    issues[column] = issue
                }
            }
            if let later = next.withoutIdentity {
                withoutIdentity = withoutIdentity.map { ($0.count + later.count, $0.line) } ?? later
            }
            if let later = next.misshapen {
                misshapen = misshapen.map { ($0.count + later.count, $0.line) } ?? later
            }
            dayFirst = dayFirst ?? next.dayFirst
            monthFirst = monthFirst ?? next.monthFirst
        }
    }

    /// Year-last dates that read both ways, read in the order given or shown by the column;
    /// and what the run should be told about the rows.
    private static func finish(_ rows: Rows, _ layout: RowLayout, file: String) -> Read {
        var rows = rows
        var read = Read(accounts: rows.accounts.finish(), form: .csv)
        func warn(_ line: Int?, _ message: String) {
            read.warnings.append(ConfigurationWarning(file: file, line: line, message: message))
        }
        func columnName(_ column: Column) -> String {
            guard let found = layout.columns.first(where: { $0.column == column }) else { return "\(column)" }
            return "column \(found.position + 1) (\(found.header))"
        }
        func more(_ count: Int) -> String {
            count > 1 ? " (and \(count - 1) more value\(count == 2 ? "" : "s") below)" : ""
        }

        if let rows = rows.withoutIdentity {
            warn(
                rows.line,
                "\(rows.count) row\(rows.count == 1 ? " has" : "s have") values but no sAMAccountName, UPN, mail or "
                    + "smtp: alias (the first here): skipped, as no login can resolve to \(rows.count == 1 ? "it" : "them")"
            )
        }

        if let rows = rows.misshapen {
            warn(
                rows.line,
                "\(rows.count) row\(rows.count == 1 ? " does" : "s do") not have the header's \(layout.width) fields "
                    + "(the first here): read by position as far as \(rows.count == 1 ? "it goes" : "they go"); a row "
                    + "cut short or run into junk may give an account a wrong identity: check the export"
            )
        }

        let dates = columnName(.passwordLastSet)
        var order = layout.dateOrder
        if order == nil, let dayFirst = rows.dayFirst, let monthFirst = rows.monthFirst {
            warn(
                min(dayFirst.line, monthFirst.line),
                "\(dates) mixes day-first dates ('\(Sample.excerpt(dayFirst.value))', line \(dayFirst.line)) and "
                    + "month-first dates ('\(Sample.excerpt(monthFirst.value))', line \(monthFirst.line)): set "
                    + "date_order = \"dmy\" or \"mdy\" in the organisation profile"
            )
        } else if order == nil {
            order = rows.dayFirst != nil ? .dayMonthYear : rows.monthFirst != nil ? .monthDayYear : nil
        }
        if let ambiguous = rows.ambiguous {
            read.accounts.ambiguousDateOrder = order
            let sample = ambiguous.first
            if order == nil {
                let count = ambiguous.count
                warn(
                    sample.line,
                    "\(dates): '\(Sample.excerpt(sample.value))'\(more(count)) reads as day/month or month/day, and no "
                        + "value of the column tells which: set date_order = \"dmy\" (fr-FR, en-GB) or \"mdy\" (en-US) in the "
                        + "organisation profile; until then \(count == 1 ? "this account's" : "these accounts'") "
                        + "password change is unknown (changed_after_theft cannot be told)"
                )
            }
        }

        for column in Column.allCases {
            guard let issue = rows.issues[column] else { continue }
            let value = "'\(Sample.excerpt(issue.first.value))'\(more(issue.count))"
            let message: String
            switch column {
            case .passwordLastSet:
                let inOrder = layout.dateOrder.map { " in date_order \"\($0.rawValue)\"" } ?? ""
                message =
                    "\(dates): \(value) is not a date\(inOrder) (expected a FILETIME, ISO 8601, dd/MM/yyyy or M/d/yyyy "
                    + "with an optional time, 0 or empty for never): the password change of \(issue.count == 1 ? "this account" : "these accounts") "
                    + "is unknown (changed_after_theft cannot be told)"
            case .enabled:
                message = "\(columnName(column)): \(value) is neither True nor False: taken as enabled"
            case .userAccountControl:
                message = "\(columnName(column)): \(value) is not a number: taken as enabled"
            case .proxyAddresses:
                message =
                    "\(columnName(column)): \(value) holds no type:address entry, so no smtp: alias is read from it "
                    + "(PowerShell's Export-Csv writes the type name of a multi-valued attribute: export it joined, "
                    + "@{n='proxyAddresses';e={$_.proxyAddresses -join ';'}})"
            default: continue
            }
            warn(issue.first.line, message)
        }
        return read
    }

    /// The accounts of the records of `body` (whose first line is `firstLine`), stopping after
    /// the record that ends at `stop`, or at a runaway quote.
    private static func readRows(
        _ body: UnsafeRawBufferPointer,
        _ reader: CSVReader,
        firstLine: Int,
        _ layout: RowLayout,
        until stop: Int? = nil,
        passed: ExportBytes.Passed
    ) -> Rows {
        var rows = Rows()
        // Records take about as many bytes as the rows they come from; reserved memory is
        // only counted once written.
        rows.accounts = AccountList.Builder(capacity: stop ?? body.count)
        var released = 0
        var recordStart = 0
        var aliases: [UnsafeRawBufferPointer] = []  // one array for every row's aliases
        let runaway = reader.forEachRecord(in: body, firstLine: firstLine) { fields, line, end in
            addRow(fields, line: line, layout, aliases: &aliases, to: &rows)
            if recordStart - released >= ExportBytes.passedChunk {
                passed.call(Bytes.slice(body, released..<recordStart))
                released = recordStart
            }
            recordStart = end
            if end == stop {
                rows.reachedTheEnd = false
                return false
            }
            return true
        }
        rows.runaway = runaway
        return rows
    }

    /// One row as an account, unless it has no identity at all. Only the columns read are
    /// turned into strings, and an alias that repeats the UPN, the mail or another alias is
    /// dropped before it becomes one (the primary `SMTP:` address is usually the mail). Values
    /// not understood are noted in `rows`.
    private static func addRow(
        _ fields: [UnsafeRawBufferPointer],
        line: Int,
        _ layout: RowLayout,
        aliases: inout [UnsafeRawBufferPointer],
        to rows: inout Rows
    ) {
        // A row cut short or run together with junk: read by position all the same (its
        // identities may be right), and named.
        if fields.count != layout.width,
            fields.count < layout.width || fields[layout.width...].contains(where: { !Bytes.trimmed($0).isEmpty }),
            fields.contains(where: { !Bytes.trimmed($0).isEmpty })
        {
            rows.misshapen = rows.misshapen.map { ($0.count + 1, $0.line) } ?? (1, line)
        }
        var account = AccountList.Builder.Row(line: line)
        var proxyAddresses: UnsafeRawBufferPointer?
        var passwordLastSet: UnsafeRawBufferPointer?
        var hasValue = false
        var unreadable: [(Column, UnsafeRawBufferPointer)] = []
        for (position, column, _) in layout.columns where position < fields.count {
            let value = Bytes.trimmed(fields[position])
            guard !value.isEmpty else { continue }
            hasValue = true
            switch column {
            case .sam:
                let name = Bytes.lastIndex(of: UInt8(ascii: "\\"), in: value).map {
                    Bytes.slice(value, $0 + 1..<value.count)
                }
                account.sam = name ?? value
            case .upn: account.upn = value
            case .mail: account.mail = value
            case .proxyAddresses: proxyAddresses = value
            case .enabled:
                switch boolean(value) {
                case false?: account.isEnabled = false
                case true?: break
                case nil: unreadable.append((column, value))
                }
            case .userAccountControl:
                if let flags = integer(value) {
                    if flags & 2 != 0 { account.isEnabled = false }
                } else {
                    unreadable.append((column, value))
                }
            case .displayName: account.displayName = value
            case .department: account.department = value
            case .passwordLastSet: passwordLastSet = value
            }
        }
        aliases.removeAll(keepingCapacity: true)
        if let proxyAddresses {
            let none = UnsafeRawBufferPointer(start: nil, count: 0)
            appendSMTPAddresses(proxyAddresses, besides: account.upn ?? none, account.mail ?? none, to: &aliases)
            if !hasTypedAddress(proxyAddresses) { unreadable.append((.proxyAddresses, proxyAddresses)) }
        }
        guard account.sam != nil || account.upn != nil || account.mail != nil || !aliases.isEmpty else {
            if hasValue {
                rows.withoutIdentity = rows.withoutIdentity.map { ($0.count + 1, $0.line) } ?? (1, line)
            }
            return
        }
        account.aliases = aliases
        for (column, value) in unreadable { rows.note(column, line, value) }
        var date: Timestamp?
        if let passwordLastSet {
            // FILETIME (`pwdLastSet`), the common case, without the general reader's copies.
            let reading: PasswordDate.Reading =
                if let ticks = integer(passwordLastSet) {
                    ticks == 0 ? .never : FileTime.timestamp(ticks).map { .date($0, proves: nil) } ?? .unreadable
                } else {
                    PasswordDate.read(passwordLastSet, order: layout.dateOrder)
                }
            switch reading {
            case .never: break
            case .date(let read, let proves):
                date = read
                if proves == .dayMonthYear && rows.dayFirst == nil {
                    rows.dayFirst = Rows.Sample(line: line, value: Text.string(passwordLastSet))
                } else if proves == .monthDayYear && rows.monthFirst == nil {
                    rows.monthFirst = Rows.Sample(line: line, value: Text.string(passwordLastSet))
                }
            case .ambiguous:
                account.passwordLastSet = passwordLastSet
                account.isDateAmbiguous = true
                if let known = rows.ambiguous {
                    rows.ambiguous = (known.count + 1, known.first)
                } else {
                    rows.ambiguous = (1, Rows.Sample(line: line, value: Text.string(passwordLastSet)))
                }
            case .unreadable:
                rows.note(.passwordLastSet, line, passwordLastSet)
            }
        }
        guard let date else { return rows.accounts.append(account) }
        // Records keep the date as the text reports write (`Timestamp.iso8601`).
        date.withISO8601Bytes { text in
            account.passwordLastSet = text
            rows.accounts.append(account)
        }
    }

    /// Whether a proxyAddresses value holds at least one `type:address` entry (PowerShell's
    /// `Export-Csv` writes `Microsoft.ActiveDirectory.Management.ADPropertyValueCollection`
    /// for a multi-valued attribute it was not told to join).
    private static func hasTypedAddress(_ value: UnsafeRawBufferPointer) -> Bool {
        guard let colon = Bytes.index(of: UInt8(ascii: ":"), in: value) else { return false }
        return colon > 0
    }

    /// The `smtp:` entries of a proxyAddresses value (separated by `;`, `|` or whitespace),
    /// without the prefix, first of each, and none equal (in any ASCII case) to one of `besides`.
    static func smtpAddresses(_ value: UnsafeRawBufferPointer, besides: [UnsafeRawBufferPointer] = []) -> [String] {
        let none = UnsafeRawBufferPointer(start: nil, count: 0)
        var addresses: [UnsafeRawBufferPointer] = []
        appendSMTPAddresses(value, besides: besides.first ?? none, besides.dropFirst().first ?? none, to: &addresses)
        return addresses.map(Text.asciiFastString)
    }

    /// Appends to `addresses` the `smtp:` entries of a proxyAddresses value as `smtpAddresses`
    /// reads them, besides two others (the UPN and the mail: the primary `SMTP:` address is
    /// usually the mail).
    static func appendSMTPAddresses(
        _ value: UnsafeRawBufferPointer,
        besides first: UnsafeRawBufferPointer,
        _ second: UnsafeRawBufferPointer,
        to addresses: inout [UnsafeRawBufferPointer]
    ) {
        let start = addresses.count
        var entryStart = 0
        while entryStart < value.count {
            var end = entryStart
            while end < value.count && !isEntrySeparator(value[end]) { end += 1 }
            let entry = Bytes.slice(value, entryStart..<end)
            if entry.count > 5 && Bytes.hasLowercasedPrefix(entry, "smtp:") {
                let address = Bytes.slice(entry, 5..<entry.count)
                if !Bytes.equalsIgnoringASCIICase(first, address) && !Bytes.equalsIgnoringASCIICase(second, address)
                    && !addresses[start...].contains(where: { Bytes.equalsIgnoringASCIICase($0, address) })
                {
                    addresses.append(address)
                }
            }
            entryStart = end + 1
        }
    }

    /// Whether `byte` separates proxyAddresses entries: `;`, `|` or ASCII whitespace (one
    /// bit test: a value is read byte by byte).
    @inline(__always)
    private static func isEntrySeparator(_ byte: UInt8) -> Bool {
        // Bits 9–13 (TAB, LF, VT, FF, CR), 32 (space), 59 (`;`); then 124 (`|`) in the second word.
        let low: UInt64 = 1 << 9 | 1 << 10 | 1 << 11 | 1 << 12 | 1 << 13 | 1 << 32 | 1 << 59
        let high: UInt64 = 1 << (124 - 64)
        return byte < 64 ? low >> byte & 1 != 0 : byte < 128 && high >> (byte - 64) & 1 != 0
    }

    private static func boolean(_ value: UnsafeRawBufferPointer) -> Bool? {
        if Bytes.equalsLowercased(value, "true") || Bytes.equalsLowercased(value, "1")
            || Bytes.equalsLowercased(value, "yes") || Bytes.equalsLowercased(value, "oui")
            || Bytes.equalsLowercased(value, "vrai")
        {
            return true
        }
        if Bytes.equalsLowercased(value, "false") || Bytes.equalsLowercased(value, "0")
            || Bytes.equalsLowercased(value, "no") || Bytes.equalsLowercased(value, "non")
            || Bytes.equalsLowercased(value, "faux")
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

    /// One login per line (see `AccountDirectory`). A line holding `,`, `;`, `|`, TAB or `"`
    /// is no login: such lines say the file is a CSV whose header was not recognised, and the
    /// run is warned.
    private static func plainList(_ bytes: UnsafeRawBufferPointer, file: String) -> Read {
        var read = Read(form: .plainList)
        var accounts = AccountList.Builder(capacity: bytes.count)
        var start = 0
        var number = 0
        var csvLike: (count: Int, line: Int, first: Int)?
        var firstLogin: String?
        while start < bytes.count {
            let end = Bytes.index(of: UInt8(ascii: "\n"), in: bytes, from: start) ?? bytes.count
            let line = Bytes.trimmed(Bytes.slice(bytes, start..<end))
            start = end + 1
            number += 1
            guard !line.isEmpty, line[0] != UInt8(ascii: "#") else { continue }
            if firstLogin == nil { firstLogin = Text.string(line) }
            if line.contains(where: { [0x2C, 0x3B, 0x7C, 0x09, 0x22].contains($0) }) {
                csvLike = csvLike.map { ($0.count + 1, $0.line, $0.first) } ?? (1, number, accounts.count)
            }
            // Split on bytes: as Characters, a `\` followed by a combining mark is no backslash.
            if let backslash = Bytes.lastIndex(of: UInt8(ascii: "\\"), in: line) {
                let sam = Bytes.slice(line, backslash + 1..<line.count)
                if !sam.isEmpty { accounts.append(AccountList.Builder.Row(line: number, sam: sam)) }
            } else if Bytes.index(of: UInt8(ascii: "@"), in: line) != nil {
                accounts.append(AccountList.Builder.Row(line: number, mail: line))
            } else {
                accounts.append(AccountList.Builder.Row(line: number, sam: line))
            }
        }
        if let csvLike, let firstLogin {
            read.warnings.append(
                ConfigurationWarning(
                    file: file,
                    line: csvLike.line,
                    message:
                        "read as a plain list of logins, as its first line ('\(Sample.excerpt(firstLogin))') is no "
                        + "CSV header naming sAMAccountName, userPrincipalName, mail, EmailAddress or proxyAddresses; "
                        + "but \(csvLike.count) line\(csvLike.count == 1 ? "" : "s") (the first here) hold a ',', ';', '|', "
                        + "TAB or '\"', which no login holds: if this is a CSV export, its header is missing or misnamed, "
                        + "and its accounts will not be recognised"
                )
            )
        }
        read.accounts = accounts.finish()
        return read
    }
}

/// Short excerpts of configuration values for messages.
enum Sample {
    /// `text`, cut after 80 characters.
    static func excerpt(_ text: String) -> String {
        text.count <= 80 ? text : String(text.prefix(80)) + "…"
    }
}
