import Foundation

/// The aggregator's exposures as compact records: the text of every exposure (key, URL, host,
/// login, fingerprint) in one byte arena, records of plain values (no reference-counted
/// field) that name their account, platform and source path by index, and an open-addressing
/// table over the key bytes. About a third of the memory of `Sighting`-based exposures, and
/// nothing to retain or release when records are sorted or read.
///
/// What merges is exactly what `ExposureKey` equality merges: the table is keyed on the key's
/// text (`ExposureKey.text`, escaped parts, injective) when it is ASCII, where bytes equal is
/// strings equal; a key with other characters is keyed on its NFC form when that is ASCII
/// (U+212A KELVIN SIGN is "K" to `String`), else goes through a dictionary of `ExposureKey`.
/// Cookies, whose key changes once their machine is known, and the rarer facts (several
/// sources, other platforms, dates, revealed passwords) live in `extras`.
struct ExposureStore {
    /// A span of the arena; `count < 0` for no text.
    struct Text {
        var offset = 0
        var count: Int32 = -1
        static let none = Text()
        var isNone: Bool { count < 0 }

        /// Whether the bytes of `self` lie within those of `other`.
        func isWithin(_ other: Text) -> Bool {
            !isNone && !other.isNone && offset >= other.offset
                && offset + Int(count) <= other.offset + Int(other.count)
        }
    }

    /// A source with its path interned.
    struct CompactSource: Equatable {
        var path: Int32
        var family: UInt8
        var lineEnding: UInt8
        var line: Int
        var offset: Int64
    }

    struct Record {
        var key = Text.none
        var url = Text.none
        var host = Text.none
        var login = Text.none
        var fingerprint = Text.none
        var account: Int32 = -1
        var platform: Int32 = -1
        var passwordLength: Int32 = -1
        /// In `alsoMatchedSets` (the empty set: -1).
        var alsoMatched: Int32 = -1
        /// Latest known password change, in `dates` (-1: none).
        var passwordLastChange: Int32 = -1
        var kind: UInt8 = 0
        /// `IdentityRule` index, `noRule` for none.
        var rule: UInt8 = Record.noRule
        var flags: UInt8 = 0
        /// Bit per text field whose bytes are all ASCII (`asciiKey`…): compared as bytes.
        var ascii: UInt8 = 0
        /// The smallest source (the representative's).
        var source: CompactSource
        /// Sightings merged.
        var total = 0
        /// Index in `extras`, -1 for none.
        var extra: Int32 = -1
        /// Once the report is built: severity and action (indices), and -1 for a record merged
        /// into another (`merged`).
        var severity: Int8 = 0
        var action: Int8 = 0

        static let noRule: UInt8 = 0xFF
        static let ambiguous: UInt8 = 1
        static let currentKnown: UInt8 = 2
        static let currentValue: UInt8 = 4
        static let merged: UInt8 = 8

        static let asciiKey: UInt8 = 1
        static let asciiURL: UInt8 = 2
        static let asciiHost: UInt8 = 4
        static let asciiLogin: UInt8 = 8
        static let asciiFingerprint: UInt8 = 16

        var isPasswordCurrent: Bool? {
            flags & Self.currentKnown == 0 ? nil : flags & Self.currentValue != 0
        }
    }

    /// The facts few exposures have.
    struct Extra {
        /// More than one distinct source (else the record's `source` and `total` say it all).
        var sources: SourceSample?
        var latestCookieExpiry: Int64?
        /// The representative's cookie and revealed password.
        var cookie: CookieEvidence?
        var cleartext: String?
        /// A cookie's key (its machine is set when the report is built).
        var cookieKey: ExposureKey?
        /// The key as first written, when the table holds another spelling of it (NFC).
        var keyText: String?
    }

    let accounts: AccountList
    private(set) var arena: [UInt8] = []
    /// Bytes of the arena no record points to any more (representatives replaced).
    private var wasted = 0
    // Set here while sightings are added, and by `report` (cookies merged, severities).
    var records: [Record] = []
    var extras: [Extra] = []
    /// Open addressing over ASCII key bytes: record index + 1, 0 for an empty slot.
    private var slots: [Int32] = Array(repeating: 0, count: 1024)
    private var otherKeys: [ExposureKey: Int32] = [:]
    private(set) var platforms = Interned<Platform>()
    /// Paths by their bytes: two spellings of one name (NFC, NFD) are two files, each
    /// written as it was read.
    private(set) var paths = Interned<SpelledText>()
    /// Other platforms matched (`Sighting.alsoMatched`, merged), and password change dates.
    private(set) var alsoMatchedSets = Interned<Set<String>>()
    private(set) var dates = Interned<Timestamp>()
    private var scratch: [UInt8] = []
    /// The identifier (in `identifierBytes`; `.none` until read) and whether it is disabled, of
    /// each account an exposure names: an account's record is decoded once, not once per
    /// sighting and once per finding (a dump of the organisation names each account again
    /// and again).
    private var accountIdentifiers: [Text] = []
    private var accountsDisabled: [Bool] = []
    private var identifierBytes: [UInt8] = []

    init(accounts: AccountList) {
        self.accounts = accounts
    }

    var count: Int { records.count }

    // MARK: Adding

    mutating func add(_ sighting: Sighting, count: Int = 1) {
        let account = sighting.account.flatMap { accounts.indices.contains($0) ? Int32($0) : nil }
        if let account { noteAccount(account) }
        let index: Int
        // The key is written into a local (taken from `scratch`, so no allocation): passing
        // `scratch` itself to a method of the store would copy the store for the call.
        var key: [UInt8] = []
        swap(&key, &scratch)
        let isASCIIKey = sighting.kind != .cookie && writeKey(of: sighting, account: account, into: &key)
        swap(&key, &scratch)
        if sighting.kind == .cookie {
            index = lookup(ExposureKey(sighting, account: nil), sighting: sighting)
        } else if isASCIIKey {
            index = lookupASCII(sighting)
        } else {
            index = lookup(ExposureKey(sighting, account: account.map { accounts[Int($0)] }), sighting: sighting)
        }
        if index < records.count {
            merge(sighting, count: count, into: index)
        } else {
            insert(sighting, count: count, account: account ?? -1)
        }
    }

    /// The record of the key in `scratch`, or `records.count` when it is new (the table then
    /// holds it, and the caller inserts the record with its key at the end of the arena).
    private mutating func lookupASCII(_ sighting: Sighting) -> Int {
        let hash = Self.hash(scratch)
        let mask = slots.count - 1
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 {
            let candidate = Int(slots[slot] - 1)
            if keyEquals(records[candidate].key, scratch) { return candidate }
            slot = (slot + 1) & mask
        }
        slots[slot] = Int32(records.count + 1)
        pendingKey = appendText(scratch)
        pendingExtraKey = nil
        return records.count
    }

    /// A key with other characters than ASCII (or a cookie's).
    private mutating func lookup(_ key: ExposureKey, sighting: Sighting) -> Int {
        let text = key.text
        if key.kind != .cookie {
            let normalised = text.precomposedStringWithCanonicalMapping
            if normalised.utf8.allSatisfy({ $0 < 0x80 }) {
                scratch.removeAll(keepingCapacity: true)
                scratch.append(contentsOf: normalised.utf8)
                let index = lookupASCII(sighting)
                if index == records.count && normalised != text {
                    pendingExtraKey = (text, nil)
                }
                return index
            }
        }
        if let known = otherKeys[key] { return Int(known) }
        otherKeys[key] = Int32(records.count)
        pendingKey = appendText(Array(text.utf8))
        pendingExtraKey = (nil, key.kind == .cookie ? key : nil)
        return records.count
    }

    private var pendingKey = Text.none
    private var pendingExtraKey: (text: String?, cookie: ExposureKey?)?

    private mutating func insert(_ sighting: Sighting, count: Int, account: Int32) {
        var record = Record(source: compact(sighting.source))
        record.key = pendingKey
        record.account = account
        record.kind = UInt8(FindingKind.allCases.firstIndex(of: sighting.kind) ?? 0)
        record.total = count
        if sighting.isAmbiguous { record.flags |= Record.ambiguous }
        if let verdict = sighting.isPasswordCurrent {
            record.flags |= Record.currentKnown | (verdict ? Record.currentValue : 0)
        }
        setRepresentative(sighting, of: &record)
        records.append(record)
        let index = records.count - 1
        if let pending = pendingExtraKey {
            updateExtra(of: index) {
                $0.keyText = pending.text
                $0.cookieKey = pending.cookie
            }
        }
        if !sighting.alsoMatched.isEmpty {
            records[index].alsoMatched = alsoMatchedSets.position(of: Set(sighting.alsoMatched))
        }
        if let change = sighting.passwordLastChange { records[index].passwordLastChange = dates.position(of: change) }
        if let expiry = sighting.cookie?.expiry { updateExtra(of: index) { $0.latestCookieExpiry = expiry } }
        if records.count * 2 > slots.count { grow() }
    }

    /// Merges one more sighting of the exposure at `index` (as `Exposure.merge`).
    private mutating func merge(_ sighting: Sighting, count: Int, into index: Int) {
        let source = compact(sighting.source)
        let precedes = precedes(sighting, source, index)
        addSource(sighting.source, compact: source, count: count, to: index)
        var record = records[index]
        if sighting.isAmbiguous { record.flags |= Record.ambiguous }
        // A verified-current verdict wins over "not current", which wins over "unknown".
        if let verdict = sighting.isPasswordCurrent {
            let merged = (record.isPasswordCurrent ?? false) || verdict
            record.flags =
                record.flags & ~Record.currentValue | Record.currentKnown | (merged ? Record.currentValue : 0)
        }
        if precedes { setRepresentative(sighting, of: &record) }
        records[index] = record
        mergeAlsoMatched(sighting.alsoMatched, into: index)
        mergePasswordLastChange(sighting.passwordLastChange, into: index)
        if let expiry = sighting.cookie?.expiry {
            updateExtra(of: index) { $0.latestCookieExpiry = max($0.latestCookieExpiry ?? expiry, expiry) }
        }
        if wasted > 1 << 20 && wasted > arena.count / 2 { compactArena() }
    }

    mutating func mergeAlsoMatched(_ others: some Collection<String>, into index: Int) {
        guard !others.isEmpty else { return }
        let current = records[index].alsoMatched
        guard current >= 0 else {
            records[index].alsoMatched = alsoMatchedSets.position(of: Set(others))
            return
        }
        let merged = alsoMatchedSets[current].union(others)
        if merged.count != alsoMatchedSets[current].count {
            records[index].alsoMatched = alsoMatchedSets.position(of: merged)
        }
    }

    mutating func mergePasswordLastChange(_ change: Timestamp?, into index: Int) {
        guard let change else { return }
        let current = records[index].passwordLastChange
        if current < 0 || change > dates[current] { records[index].passwordLastChange = dates.position(of: change) }
    }

    private mutating func addSource(_ source: Source, compact: CompactSource, count: Int, to index: Int) {
        let record = records[index]
        if record.extra < 0 || extras[Int(record.extra)].sources == nil {
            if source == self.source(record.source) {
                records[index].total &+= count
                return
            }
            let first = self.source(record.source)
            updateExtra(of: index) { extra in
                var sample = SourceSample()
                sample.add(first, sightings: record.total)
                extra.sources = sample
            }
        }
        let extra = Int(records[index].extra)
        extras[extra].sources!.add(source, sightings: count)
        records[index].total = extras[extra].sources!.total
        if source < self.source(records[index].source) { records[index].source = compact }
    }

    /// Whether `sighting` stands for the exposure rather than its representative (the smallest
    /// source, then the other fields: `Exposure.precedes`).
    private func precedes(_ sighting: Sighting, _ source: CompactSource, _ index: Int) -> Bool {
        let record = records[index]
        let representative = self.source(record.source)
        if sighting.source != representative { return sighting.source < representative }
        return sighting.tieBreakFields.lexicographicallyPrecedes(tieBreakFields(of: index))
    }

    /// `Sighting.tieBreakFields` of the record's representative.
    func tieBreakFields(of index: Int) -> [String] {
        let record = records[index]
        let cookie = record.extra < 0 ? nil : extras[Int(record.extra)].cookie
        return [
            string(record.url) ?? "", string(record.login) ?? "", string(record.host) ?? "",
            rule(of: record)?.rawValue ?? "", platform(of: record)?.name ?? "", cookie?.path ?? "",
            cookie.map { $0.isSecure ? "1" : "0" } ?? "",
        ]
    }

    private mutating func setRepresentative(_ sighting: Sighting, of record: inout Record) {
        for old in [record.url, record.login] where !old.isNone { wasted += Int(old.count) }
        if !record.host.isNone && !record.host.isWithin(record.url) { wasted += Int(record.host.count) }
        if !record.fingerprint.isNone && !record.fingerprint.isWithin(record.key) {
            wasted += Int(record.fingerprint.count)
        }
        record.url = appendText(sighting.url)
        // The host is most often part of the URL, and the fingerprint the end of the key.
        record.host = span(sighting.host, within: record.url) ?? appendText(sighting.host)
        record.login = appendText(sighting.login)
        record.fingerprint =
            span(sighting.password?.fingerprint, within: record.key, atEnd: true)
            ?? appendText(sighting.password?.fingerprint)
        record.passwordLength = sighting.password.map { Int32(clamping: $0.length) } ?? -1
        record.rule = sighting.rule.map { UInt8(IdentityRule.allCases.firstIndex(of: $0)!) } ?? Record.noRule
        record.platform = sighting.platform.map { platforms.position(of: $0) } ?? -1
        record.ascii = record.ascii & Record.asciiKey
        if isASCII(record.key) { record.ascii |= Record.asciiKey }
        if isASCII(record.url) { record.ascii |= Record.asciiURL }
        if isASCII(record.host) { record.ascii |= Record.asciiHost }
        if isASCII(record.login) { record.ascii |= Record.asciiLogin }
        if isASCII(record.fingerprint) { record.ascii |= Record.asciiFingerprint }
        let hasExtra = record.extra >= 0
        if hasExtra || sighting.cookie != nil || sighting.password?.cleartext != nil {
            if !hasExtra {
                record.extra = Int32(extras.count)
                extras.append(Extra())
            }
            extras[Int(record.extra)].cookie = sighting.cookie
            extras[Int(record.extra)].cleartext = sighting.password?.cleartext
        }
    }

    private mutating func updateExtra(of index: Int, _ body: (inout Extra) -> Void) {
        if records[index].extra < 0 {
            records[index].extra = Int32(extras.count)
            extras.append(Extra())
        }
        body(&extras[Int(records[index].extra)])
    }

    // MARK: Text

    private mutating func appendText(_ text: String?) -> Text {
        guard var text else { return .none }
        return text.withUTF8 { appendText($0) }
    }

    private mutating func appendText(_ bytes: some Collection<UInt8>) -> Text {
        let span = Text(offset: arena.count, count: Int32(clamping: bytes.count))
        arena.append(contentsOf: bytes)
        return span
    }

    /// Where the bytes of `text` already are in `container` (its end only, with `atEnd`).
    private func span(_ text: String?, within container: Text, atEnd: Bool = false) -> Text? {
        guard var text, !container.isNone else { return nil }
        return text.withUTF8 { bytes -> Text? in
            guard !bytes.isEmpty, bytes.count <= Int(container.count) else { return nil }
            return arena.withUnsafeBytes { arena -> Text? in
                let within = UnsafeRawBufferPointer(
                    rebasing: arena[container.offset..<container.offset + Int(container.count)]
                )
                let needle = UnsafeRawBufferPointer(bytes)
                let found: Int?
                if atEnd {
                    let end = within.count - needle.count
                    found = memcmp(within.baseAddress! + end, needle.baseAddress!, needle.count) == 0 ? end : nil
                } else {
                    found = Bytes.index(of: needle, in: within)
                }
                return found.map { Text(offset: container.offset + $0, count: Int32(needle.count)) }
            }
        }
    }

    private func isASCII(_ text: Text) -> Bool {
        guard !text.isNone else { return true }
        return arena.withUnsafeBytes {
            Bytes.isASCII(UnsafeRawBufferPointer(rebasing: $0[text.offset..<text.offset + Int(text.count)]))
        }
    }

    func string(_ text: Text) -> String? {
        guard !text.isNone else { return nil }
        return arena.withUnsafeBufferPointer {
            String(
                decoding: UnsafeBufferPointer(rebasing: $0[text.offset..<text.offset + Int(text.count)]),
                as: UTF8.self
            )
        }
    }

    private func keyEquals(_ text: Text, _ bytes: [UInt8]) -> Bool {
        guard Int(text.count) == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { arena in
            bytes.withUnsafeBufferPointer { memcmp(arena.baseAddress! + text.offset, $0.baseAddress!, $0.count) == 0 }
        }
    }

    /// Rewrites the arena with only the text records point to.
    private mutating func compactArena() {
        var fresh: [UInt8] = []
        fresh.reserveCapacity(arena.count - wasted)
        func move(_ text: inout Text) {
            guard !text.isNone else { return }
            let start = fresh.count
            fresh.append(contentsOf: arena[text.offset..<text.offset + Int(text.count)])
            text.offset = start
        }
        /// `inner`, moved with `outer` (once at `oldOuter`) when it lay within it.
        func moveWithin(_ inner: inout Text, _ outer: Text, _ oldOuter: Text) {
            if inner.isWithin(oldOuter) { inner.offset += outer.offset - oldOuter.offset } else { move(&inner) }
        }
        for index in records.indices {
            var record = records[index]
            let (key, url) = (record.key, record.url)
            move(&record.key)
            move(&record.url)
            move(&record.login)
            moveWithin(&record.host, record.url, url)
            moveWithin(&record.fingerprint, record.key, key)
            records[index] = record
        }
        arena = fresh
        wasted = 0
    }

    private mutating func grow() {
        slots = Array(repeating: 0, count: slots.count * 2)
        let mask = slots.count - 1
        let cookie = UInt8(FindingKind.allCases.firstIndex(of: .cookie)!)
        // Cookies and keys other than ASCII are in `otherKeys`.
        for (index, record) in records.enumerated() where record.kind != cookie && record.ascii & Record.asciiKey != 0 {
            var slot =
                arena.withUnsafeBufferPointer {
                    Int(
                        truncatingIfNeeded: Self.hash(
                            UnsafeBufferPointer(
                                rebasing: $0[record.key.offset..<record.key.offset + Int(record.key.count)]
                            )
                        )
                    )
                } & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
    }

    /// FNV-1a, 64 bits.
    private static func hash(_ bytes: some Collection<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return hash ^ (hash >> 29)
    }

    // MARK: Keys

    /// The bytes of the identifier of account `position` (`Account.identifier`), without
    /// building the account.
    func withIdentifier<Result>(of position: Int32, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        let known = accountIdentifiers.isEmpty ? .none : accountIdentifiers[Int(position)]
        guard !known.isNone else { return accounts.withRecord(Int(position)) { body(Self.identifier(of: $0)) } }
        return identifierBytes.withUnsafeBytes {
            body(UnsafeRawBufferPointer(rebasing: $0[known.offset..<known.offset + Int(known.count)]))
        }
    }

    private static func identifier(of record: AccountList.Record) -> UnsafeRawBufferPointer {
        record.sam ?? record.upn ?? record.mail ?? record.aliases.first ?? UnsafeRawBufferPointer(start: nil, count: 0)
    }

    func isEnabled(_ position: Int32) -> Bool {
        guard accountIdentifiers.isEmpty || accountIdentifiers[Int(position)].isNone else {
            return !accountsDisabled[Int(position)]
        }
        return accounts.withRecord(Int(position)) { $0.flags & AccountList.Flag.disabled == 0 }
    }

    /// Reads the identifier and the enabled flag of account `position` once.
    private mutating func noteAccount(_ position: Int32) {
        if accountIdentifiers.isEmpty {
            accountIdentifiers = Array(repeating: .none, count: accounts.count)
            accountsDisabled = Array(repeating: false, count: accounts.count)
        }
        let index = Int(position)
        guard accountIdentifiers[index].isNone else { return }
        let (identifier, isDisabled) = accounts.withRecord(index) {
            (Array(Self.identifier(of: $0)), $0.flags & AccountList.Flag.disabled != 0)
        }
        accountIdentifiers[index] = Text(offset: identifierBytes.count, count: Int32(clamping: identifier.count))
        identifierBytes.append(contentsOf: identifier)
        accountsDisabled[index] = isDisabled
    }

    /// Writes `ExposureKey(sighting, account:).text` into `key` when every part is ASCII (and
    /// returns true); false, with `key` undefined, otherwise. Never for cookies.
    func writeKey(of sighting: Sighting, account: Int32?, into key: inout [UInt8]) -> Bool {
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: sighting.kind.rawValue.utf8)
        key.append(UInt8(ascii: "|"))
        var isASCII = true
        func appendEscaped(_ part: some Sequence<UInt8>, lowercasing: Bool) {
            for var byte in part {
                if byte >= 0x80 {
                    isASCII = false
                    return
                }
                if lowercasing && byte >= 0x41 && byte <= 0x5A { byte |= 0x20 }
                switch byte {
                case UInt8(ascii: "%"):
                    key.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "2"), UInt8(ascii: "5")])
                case UInt8(ascii: "|"):
                    key.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "7"), UInt8(ascii: "C")])
                case UInt8(ascii: ";"):
                    key.append(contentsOf: [UInt8(ascii: "%"), UInt8(ascii: "3"), UInt8(ascii: "B")])
                default: key.append(byte)
                }
            }
        }
        // Each part read through its contiguous bytes (the `utf8` view's iterator costs tens of
        // instructions a byte).
        func appendEscapedText(_ part: String?, lowercasing: Bool) {
            var part = part ?? ""
            part.withUTF8 { appendEscaped($0, lowercasing: lowercasing) }
        }
        if sighting.kind != .unknownAccount, let account {
            withIdentifier(of: account) { appendEscaped($0, lowercasing: false) }
        } else {
            appendEscapedText(sighting.login, lowercasing: true)
        }
        key.append(UInt8(ascii: "|"))
        appendEscapedText(sighting.platform?.id, lowercasing: false)
        key.append(UInt8(ascii: "|"))
        appendEscapedText(sighting.password?.fingerprint, lowercasing: false)
        return isASCII
    }

    // MARK: Reading

    private mutating func compact(_ source: Source) -> CompactSource {
        CompactSource(
            path: paths.position(of: SpelledText(source.path)),
            family: UInt8(Family.allCases.firstIndex(of: source.family)!),
            lineEnding: source.lineEnding == .lf ? 0 : 1,
            line: source.line,
            offset: source.offset
        )
    }

    func source(_ compact: CompactSource) -> Source {
        Source(
            path: paths[compact.path].text,
            line: compact.line,
            offset: compact.offset,
            lineEnding: compact.lineEnding == 0 ? .lf : .cr,
            family: Family.allCases[Int(compact.family)]
        )
    }

    func rule(of record: Record) -> IdentityRule? {
        record.rule == Record.noRule ? nil : IdentityRule.allCases[Int(record.rule)]
    }

    func platform(of record: Record) -> Platform? {
        record.platform < 0 ? nil : platforms[record.platform]
    }

    func extra(of record: Record) -> Extra? {
        record.extra < 0 ? nil : extras[Int(record.extra)]
    }
}

/// Values that repeat across records (platforms, paths, sets of other platforms, dates),
/// each held once and named by its position.
struct Interned<Value: Hashable & Sendable>: Sendable {
    private(set) var values: [Value] = []
    private var positions: [Value: Int32] = [:]

    /// The position of `value`, added if new.
    mutating func position(of value: Value) -> Int32 {
        if let known = positions[value] { return known }
        values.append(value)
        positions[value] = Int32(values.count - 1)
        return Int32(values.count - 1)
    }

    /// The position of `value` if it was added.
    func existing(_ value: Value) -> Int32? { positions[value] }

    subscript(position: Int32) -> Value { values[Int(position)] }
}

/// A string compared and hashed by its bytes, not by canonical equivalence.
struct SpelledText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: SpelledText, rhs: SpelledText) -> Bool {
        var (left, right) = (lhs.text, rhs.text)
        return left.withUTF8 { left in
            right.withUTF8 { right in
                left.count == right.count
                    && (left.isEmpty || memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0)
            }
        }
    }

    func hash(into hasher: inout Hasher) {
        var text = text
        text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
    }
}
