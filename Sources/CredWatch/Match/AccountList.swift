/// The accounts of an export, packed into byte arenas: one record of bytes per account, and
/// `Account` values (with their `String`s) built only when one is asked for, that is when a
/// finding names it. A million accounts cost their bytes and a few more each, not a dozen
/// heap objects each.
///
/// A record holds, in order: a flag byte (which fields are present, disabled, date to be read
/// in the export's order), the export line (LEB128), the alias count (LEB128), then each field
/// present as its length (LEB128) and UTF-8 bytes: sAMAccountName, UPN, mail, aliases,
/// displayName, department, passwordLastSet. Each identity (sAMAccountName, UPN, mail, alias)
/// is followed by its lookup key (see `AccountList.key(of:)`): 0 when the key is the value
/// itself (compared in any ASCII case), else 1 + the key's length, then the key.
///
/// Records live in segments: the parts of an export read by different threads are joined
/// without copying their bytes.
public struct AccountList: RandomAccessCollection, Sendable, Equatable, ExpressibleByArrayLiteral {
    private var segments: [[UInt8]] = []
    /// Per account: its segment (bits 48 and up) and its record's offset there.
    private var records: [Int] = []
    /// Identity keys (with their empty ones), for sizing the index.
    private(set) var identityCount = 0
    /// Accounts disabled, and with each identity, counted as records are written (the census).
    private(set) var disabledCount = 0
    private(set) var samCount = 0
    private(set) var upnCount = 0
    private(set) var mailCount = 0
    private(set) var aliasCount = 0
    /// How a password date stored as ambiguous (`08/11/2024`) is read: in the order the export's
    /// other dates or the profile showed; nil while none did (the date is then unknown).
    var ambiguousDateOrder: DateOrder?
    /// The positions of the profile's service accounts (`markServiceAccounts`): few, so kept
    /// apart from the records.
    private var serviceAccountPositions: Set<Int> = []

    public init() {}

    public init(_ accounts: some Sequence<Account>) {
        var builder = Builder()
        var service: Set<Int> = []
        for (position, account) in accounts.enumerated() {
            builder.append(account, line: 0)
            if account.isServiceAccount { service.insert(position) }
        }
        self = builder.finish()
        serviceAccountPositions = service
    }

    public init(arrayLiteral accounts: Account...) {
        self.init(accounts)
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { records.count }

    /// The account, built from its record.
    public subscript(position: Int) -> Account {
        withRecord(position) { record in
            var account = Account(
                isEnabled: record.flags & Flag.disabled == 0,
                isServiceAccount: isServiceAccount(position)
            )
            account.sam = record.sam.map(Self.string)
            account.upn = record.upn.map(Self.string)
            account.mail = record.mail.map(Self.string)
            account.aliases = record.aliases.map(Self.string)
            account.displayName = record.displayName.map(Self.string)
            account.department = record.department.map(Self.string)
            if let date = record.passwordLastSet {
                if record.flags & Flag.ambiguousDate == 0 {
                    account.passwordLastSet = Timestamp(iso8601: Self.string(date))
                } else if let order = ambiguousDateOrder,
                    case .date(let parsed, _) = PasswordDate.read(date, order: order)
                {
                    account.passwordLastSet = parsed
                }
            }
            return account
        }
    }

    public static func == (lhs: AccountList, rhs: AccountList) -> Bool {
        lhs.elementsEqual(rhs)
    }

    /// Whether account `position` is one of the profile's service accounts.
    func isServiceAccount(_ position: Int) -> Bool {
        !serviceAccountPositions.isEmpty && serviceAccountPositions.contains(position)
    }

    /// Marks the accounts `patterns` matches as service accounts (and no other), and returns
    /// how many accounts each pattern matches, in the patterns' order.
    @discardableResult
    mutating func markServiceAccounts(_ patterns: ServiceAccounts) -> [Int] {
        serviceAccountPositions = []
        var counts = [Int](repeating: 0, count: patterns.patterns.count)
        guard !patterns.patterns.isEmpty else { return counts }
        for position in indices {
            let matching = patterns.matchingPatterns(self[position])
            for pattern in matching { counts[pattern] += 1 }
            if !matching.isEmpty { serviceAccountPositions.insert(position) }
        }
        return counts
    }

    /// The line of the export account `position` was read on (0 for accounts built in code).
    func line(of position: Int) -> Int {
        withRecord(position) { $0.line }
    }

    /// The password date of account `position` as the export wrote it, when it read both ways.
    func ambiguousDate(of position: Int) -> String? {
        withRecord(position) { record in
            record.flags & Flag.ambiguousDate == 0 ? nil : record.passwordLastSet.map(Self.string)
        }
    }

    /// Calls `body` with the record of account `position`, valid during the call.
    @inline(__always)
    func withRecord<Result>(_ position: Int, _ body: (Record) -> Result) -> Result {
        let location = records[position]
        return segments[location >> 48].withUnsafeBytes { bytes in
            body(Record(bytes, at: location & (1 << 48 - 1)))
        }
    }

    /// Calls `body` with a reader of every account's record, valid during the call: for walks
    /// over all accounts that keep views of several records at once.
    func withRecords<Result>(_ body: (RecordReader) -> Result) -> Result {
        func nest(_ views: [UnsafeRawBufferPointer]) -> Result {
            guard views.count < segments.count else { return body(RecordReader(segments: views, records: records)) }
            return segments[views.count].withUnsafeBytes { nest(views + [$0]) }
        }
        return nest([])
    }

    /// The records of a list, whose segments are held by whoever made it.
    struct RecordReader {
        let segments: [UnsafeRawBufferPointer]
        let records: [Int]

        @inline(__always)
        func record(_ position: Int) -> Record {
            let location = records[position]
            return Record(segments[location >> 48], at: location & (1 << 48 - 1))
        }
    }

    /// Appends the accounts of `next` (read after these), taking its segments as they are.
    mutating func append(contentsOf next: AccountList) {
        let shift = segments.count << 48
        for position in next.serviceAccountPositions { serviceAccountPositions.insert(records.count + position) }
        segments += next.segments
        records.reserveCapacity(records.count + next.records.count)
        for location in next.records { records.append(location + shift) }
        identityCount += next.identityCount
        disabledCount += next.disabledCount
        samCount += next.samCount
        upnCount += next.upnCount
        mailCount += next.mailCount
        aliasCount += next.aliasCount
    }

    private static func string(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes, as: UTF8.self)
    }

    enum Flag {
        static let sam: UInt8 = 1
        static let upn: UInt8 = 2
        static let mail: UInt8 = 4
        static let displayName: UInt8 = 8
        static let department: UInt8 = 16
        static let passwordLastSet: UInt8 = 32
        static let disabled: UInt8 = 64
        /// The stored date is the export's text, read in `ambiguousDateOrder`.
        static let ambiguousDate: UInt8 = 128
    }

    /// An identity of a record: its value as stored and its lookup key.
    struct Identity {
        var value: UnsafeRawBufferPointer
        var key: UnsafeRawBufferPointer
    }

    /// One account's record, decoded field by field (views into the segment; nothing allocated).
    struct Record {
        let flags: UInt8
        let line: Int
        let aliasCount: Int
        private(set) var samIdentity: Identity?
        private(set) var upnIdentity: Identity?
        private(set) var mailIdentity: Identity?
        private(set) var displayName: UnsafeRawBufferPointer?
        private(set) var department: UnsafeRawBufferPointer?
        private(set) var passwordLastSet: UnsafeRawBufferPointer?
        private let bytes: UnsafeRawBufferPointer
        private let aliasesStart: Int

        var sam: UnsafeRawBufferPointer? { samIdentity?.value }
        var upn: UnsafeRawBufferPointer? { upnIdentity?.value }
        var mail: UnsafeRawBufferPointer? { mailIdentity?.value }

        @inline(__always)
        init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
            self.bytes = bytes
            var reader = LEB128Reader(bytes: bytes, position: offset + 1)
            flags = bytes[offset]
            line = reader.next()
            aliasCount = reader.next()
            if flags & Flag.sam != 0 { samIdentity = reader.identity() }
            if flags & Flag.upn != 0 { upnIdentity = reader.identity() }
            if flags & Flag.mail != 0 { mailIdentity = reader.identity() }
            aliasesStart = reader.position
            for _ in 0..<aliasCount { _ = reader.identity() }
            if flags & Flag.displayName != 0 { displayName = reader.field() }
            if flags & Flag.department != 0 { department = reader.field() }
            if flags & Flag.passwordLastSet != 0 { passwordLastSet = reader.field() }
        }

        func forEachAlias(_ body: (Identity) -> Void) {
            var reader = LEB128Reader(bytes: bytes, position: aliasesStart)
            for _ in 0..<aliasCount { body(reader.identity()) }
        }

        var aliases: [UnsafeRawBufferPointer] {
            var aliases: [UnsafeRawBufferPointer] = []
            forEachAlias { aliases.append($0.value) }
            return aliases
        }

        /// The record's identity keys in the index's order of priority (UPN, mail, aliases,
        /// sAMAccountName), each with its field (see `IdentityField`), until `body` returns false.
        func forEachKey(_ body: (UnsafeRawBufferPointer, IdentityField) -> Bool) {
            if let upnIdentity, !body(upnIdentity.key, .upn) { return }
            if let mailIdentity, !body(mailIdentity.key, .mail) { return }
            var reader = LEB128Reader(bytes: bytes, position: aliasesStart)
            for number in 0..<aliasCount where !body(reader.identity().key, .alias(number)) { return }
            if let samIdentity { _ = body(samIdentity.key, .sam) }
        }

        /// The key of `field`, if the record has it.
        func key(_ field: IdentityField) -> UnsafeRawBufferPointer? {
            switch field {
            case .upn: return upnIdentity?.key
            case .mail: return mailIdentity?.key
            case .sam: return samIdentity?.key
            case .alias(let number):
                guard number < aliasCount else { return nil }
                var reader = LEB128Reader(bytes: bytes, position: aliasesStart)
                for _ in 0..<number { _ = reader.identity() }
                return reader.identity().key
            }
        }
    }

    /// Which identity of a record a key is.
    enum IdentityField: Equatable {
        case upn, mail, sam
        case alias(Int)

        var rule: IdentityRule {
            switch self {
            case .upn: .upn
            case .mail: .mail
            case .sam: .sam
            case .alias: .proxy
            }
        }

        /// Place among a record's keys in the order of priority.
        var priority: Int {
            switch self {
            case .upn: 0
            case .mail: 1
            case .alias(let number): 2 + number
            case .sam: Int.max
            }
        }
    }

    private struct LEB128Reader {
        let bytes: UnsafeRawBufferPointer
        var position: Int

        @inline(__always)
        mutating func next() -> Int {
            var value = 0
            var shift = 0
            while true {
                let byte = bytes[position]
                position += 1
                value |= Int(byte & 0x7F) << shift
                if byte < 0x80 { return value }
                shift += 7
            }
        }

        mutating func field() -> UnsafeRawBufferPointer {
            let count = next()
            defer { position += count }
            return Bytes.slice(bytes, position..<position + count)
        }

        mutating func identity() -> Identity {
            let value = field()
            let code = next()
            guard code > 0 else { return Identity(value: value, key: value) }
            let key = Bytes.slice(bytes, position..<position + code - 1)
            position += code - 1
            return Identity(value: value, key: key)
        }
    }

    /// Writes records, from bytes as an export holds them or from `Account` values.
    struct Builder {
        private(set) var list = AccountList()
        private var bytes: [UInt8] = []
        private var scratch: [UInt8] = []

        /// - Parameter capacity: about how many bytes the records will take (reserved, not
        ///   touched: only what is written counts in the process's memory).
        init(capacity: Int = 0) {
            bytes.reserveCapacity(capacity)
        }

        /// The number of accounts appended.
        var count: Int { list.count }

        /// The list, with its last segment closed.
        mutating func finish() -> AccountList {
            if !bytes.isEmpty || list.segments.isEmpty {
                list.segments.append(bytes)
                bytes = []
            }
            return list
        }

        /// Appends the accounts of `next` (read after these), without copying their records.
        mutating func append(contentsOf next: Builder) {
            var next = next
            _ = finish()
            list.append(contentsOf: next.finish())
        }

        mutating func append(_ account: Account, line: Int) {
            let fields = [account.sam, account.upn, account.mail, account.displayName, account.department]
            var owned = (fields + [account.passwordLastSet?.iso8601]).map { $0.map { Array($0.utf8) } }
            var aliases = account.aliases.map { Array($0.utf8) }
            withViews(of: &owned) { views in
                withViews(of: &aliases) { aliasViews in
                    appendValidated(
                        Row(
                            line: line,
                            isEnabled: account.isEnabled,
                            sam: views[0],
                            upn: views[1],
                            mail: views[2],
                            aliases: aliasViews.map { $0! },
                            displayName: views[3],
                            department: views[4],
                            passwordLastSet: views[5]
                        )
                    )
                }
            }
        }

        /// One account's fields as byte views; each value is stored as `Text.asciiFastString`
        /// reads it (UTF-8, else Windows-1252).
        struct Row {
            var line: Int
            var isEnabled = true
            var sam: UnsafeRawBufferPointer?
            var upn: UnsafeRawBufferPointer?
            var mail: UnsafeRawBufferPointer?
            var aliases: [UnsafeRawBufferPointer] = []
            var displayName: UnsafeRawBufferPointer?
            var department: UnsafeRawBufferPointer?
            var passwordLastSet: UnsafeRawBufferPointer?
            var isDateAmbiguous = false
        }

        /// Appends an account read from an export (its values need not be valid UTF-8).
        mutating func append(_ row: Row) {
            func isValid(_ value: UnsafeRawBufferPointer?) -> Bool { value.map(Bytes.isValidUTF8) ?? true }
            guard isValid(row.sam), isValid(row.upn), isValid(row.mail), isValid(row.displayName),
                isValid(row.department), isValid(row.passwordLastSet), row.aliases.allSatisfy(Bytes.isValidUTF8)
            else {
                let values = [row.sam, row.upn, row.mail, row.displayName, row.department, row.passwordLastSet]
                // Rare: decoded once (as Windows-1252) into valid UTF-8, as the `String`s hold it.
                func decoded(_ view: UnsafeRawBufferPointer?) -> [UInt8]? {
                    view.map { Array(Text.asciiFastString($0).utf8) }
                }
                var owned = values.map(decoded)
                var aliases = row.aliases.map { Array(Text.asciiFastString($0).utf8) }
                withViews(of: &owned) { views in
                    withViews(of: &aliases) { aliasViews in
                        var copy = row
                        (copy.sam, copy.upn, copy.mail) = (views[0], views[1], views[2])
                        (copy.displayName, copy.department, copy.passwordLastSet) = (views[3], views[4], views[5])
                        copy.aliases = aliasViews.map { $0! }
                        appendValidated(copy)
                    }
                }
                return
            }
            appendValidated(row)
        }

        /// Appends a row whose values are valid UTF-8.
        private mutating func appendValidated(_ row: Row) {
            var flags: UInt8 = row.isEnabled ? 0 : Flag.disabled
            if row.sam != nil { flags |= Flag.sam }
            if row.upn != nil { flags |= Flag.upn }
            if row.mail != nil { flags |= Flag.mail }
            if row.displayName != nil { flags |= Flag.displayName }
            if row.department != nil { flags |= Flag.department }
            if row.passwordLastSet != nil { flags |= Flag.passwordLastSet }
            if row.isDateAmbiguous { flags |= Flag.ambiguousDate }
            list.records.append((list.segments.count << 48) | bytes.count)
            // Written in one append: a record is a dozen small pieces, each of which would
            // check the array's capacity and uniqueness on its own.
            // An identity takes its value and its key: at most 4.5 times as long as the value
            // once folded (lower-casing grows UTF-8 by up to half, composition by up to three
            // times); memory set aside and not written costs nothing.
            func identitySize(_ value: UnsafeRawBufferPointer?) -> Int {
                value.map { $0.count * 6 + 2 * LEB128Writer.maxBytes } ?? 0
            }
            var size = 1 + 5 * LEB128Writer.maxBytes + identitySize(row.sam) + identitySize(row.upn)
            size += identitySize(row.mail) + (row.displayName?.count ?? 0) + (row.department?.count ?? 0)
            size += row.passwordLastSet?.count ?? 0
            for alias in row.aliases { size += identitySize(alias) }
            withUnsafeTemporaryAllocation(byteCount: size, alignment: 1) { buffer in
                var writer = LEB128Writer(buffer: buffer)
                writer.byte(flags)
                writer.number(row.line)
                writer.number(row.aliases.count)
                if let sam = row.sam { writeIdentity(sam, &writer) }
                if let upn = row.upn { writeIdentity(upn, &writer) }
                if let mail = row.mail { writeIdentity(mail, &writer) }
                for alias in row.aliases { writeIdentity(alias, &writer) }
                if let displayName = row.displayName { writer.field(displayName) }
                if let department = row.department { writer.field(department) }
                if let date = row.passwordLastSet { writer.field(date) }
                bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[..<writer.count]))
            }
            let identities =
                (row.sam == nil ? 0 : 1) + (row.upn == nil ? 0 : 1) + (row.mail == nil ? 0 : 1) + row.aliases.count
            list.identityCount += identities
            list.disabledCount += row.isEnabled ? 0 : 1
            list.samCount += row.sam == nil ? 0 : 1
            list.upnCount += row.upn == nil ? 0 : 1
            list.mailCount += row.mail == nil ? 0 : 1
            list.aliasCount += row.aliases.count
        }

        /// The value, then its key: trimmed, and for text that is not ASCII, case-folded and
        /// composed (see `AccountList.key(of:)`); 0 when that is the value itself.
        private mutating func writeIdentity(_ value: UnsafeRawBufferPointer, _ writer: inout LEB128Writer) {
            writer.field(value)
            let trimmed = Bytes.trimmed(value)
            if Bytes.isASCII(trimmed) {
                if trimmed.count == value.count {
                    writer.byte(0)
                } else {
                    writer.number(trimmed.count + 1)
                    writer.bytes(trimmed)
                }
                return
            }
            scratch.removeAll(keepingCapacity: true)
            scratch.append(contentsOf: AccountList.folded(Text.string(trimmed)).utf8)
            if scratch.elementsEqual(value) {
                writer.byte(0)
            } else {
                // Folding may lengthen the text (up to 4.5 times: `append` sets that aside, and
                // `LEB128Writer.bytes` traps rather than write past it).
                scratch.withUnsafeBytes { folded in
                    writer.number(folded.count + 1)
                    writer.bytes(folded)
                }
            }
        }
    }

    /// Writes a record into memory set aside for it (`Builder` sizes it).
    private struct LEB128Writer {
        static let maxBytes = 10
        let buffer: UnsafeMutableRawBufferPointer
        private(set) var count = 0

        init(buffer: UnsafeMutableRawBufferPointer) {
            self.buffer = buffer
        }

        @inline(__always)
        mutating func byte(_ value: UInt8) {
            buffer[count] = value
            count += 1
        }

        @inline(__always)
        mutating func number(_ number: Int) {
            var rest = UInt(bitPattern: number)
            while rest >= 0x80 {
                byte(UInt8(truncatingIfNeeded: rest) | 0x80)
                rest >>= 7
            }
            byte(UInt8(rest))
        }

        @inline(__always)
        mutating func bytes(_ value: UnsafeRawBufferPointer) {
            guard let source = value.baseAddress, !value.isEmpty else { return }
            precondition(count + value.count <= buffer.count)
            (buffer.baseAddress! + count).copyMemory(from: source, byteCount: value.count)
            count += value.count
        }

        @inline(__always)
        mutating func field(_ value: UnsafeRawBufferPointer) {
            number(value.count)
            bytes(value)
        }
    }

    /// Unicode case folding and canonical composition of non-ASCII text, so that `É`, `é` and
    /// `e\u{301}` are one key. (ASCII case is folded by the index's comparisons.)
    static func folded(_ text: String) -> String {
        text.lowercased().precomposedStringWithCanonicalMapping
    }
}

/// Calls `body` with views of `arrays` (nil for nil), valid during the call.
private func withViews<Result>(
    of arrays: inout [[UInt8]?],
    _ body: ([UnsafeRawBufferPointer?]) -> Result
) -> Result {
    func nest(_ index: Int, _ views: [UnsafeRawBufferPointer?]) -> Result {
        guard index < arrays.count else { return body(views) }
        guard arrays[index] != nil else { return nest(index + 1, views + [nil]) }
        return arrays[index]!.withUnsafeBytes { nest(index + 1, views + [$0]) }
    }
    return nest(0, [])
}

private func withViews<Result>(of arrays: inout [[UInt8]], _ body: ([UnsafeRawBufferPointer?]) -> Result) -> Result {
    var optional = arrays.map { Optional($0) }
    return withViews(of: &optional, body)
}
