import Foundation

/// Every identity key of every account (sAMAccountName, UPN, mail, `smtp:` aliases), in one
/// open-addressing table over the accounts' records, behind two filters that answer most probes
/// from cache: a login with `@` is looked up only when its domain is the domain of some key (a
/// handful of domains, while most leaked logins are addresses at public mail providers); a
/// login without `@` only when an L2-sized Bloom filter of the names without `@` lets it
/// through.
///
/// A slot is one word: the high half of the key's hash and the account that owns the key (the
/// first, when several do). The key itself is not copied: a probe whose hash matches compares
/// the login with that account's keys in its record, which also tells the rule.
struct AccountIndex: Sendable {
    private let accounts: AccountList
    private var slots: [UInt64]
    private var keyDomains = ByteKeyTable(reversed: false)
    private var namePrefilter: HashPrefilter
    /// For the keys several accounts share, by slot: every owner, the first (the one the slot
    /// names) first. Most keys have one owner.
    private var sharedOwners: [Int: [Owner]] = [:]

    /// An account and which of its keys it is.
    private struct Owner {
        var account: Int
        var field: AccountList.IdentityField
    }

    /// The most accounts a slot can name.
    static let maxAccounts = Int(UInt32.max)

    /// When two accounts share a key, a login resolves to both: first to the one whose key is
    /// a UPN, then a mail, an alias, a sAMAccountName; among those, in export order.
    init(accounts: AccountList) {
        precondition(accounts.count <= Self.maxAccounts)
        self.accounts = accounts
        // At most 70 % full: about two slots visited per probe.
        slots = Self.zeroedSlots(max(16, accounts.identityCount * 10 / 7 + 1))
        namePrefilter = HashPrefilter(expectedCount: accounts.count)
        fill()
        for (slot, var owners) in sharedOwners {
            owners.sort { ($0.field.rule.priority, $0.account) < ($1.field.rule.priority, $1.account) }
            slots[slot] = Self.slotWord(slots[slot], owners[0])
            sharedOwners[slot] = owners
        }
    }

    // MARK: Slots

    /// `count` empty slots. A large table is asked of the kernel in huge pages (where it gives
    /// them on request: Linux's transparent huge pages in `madvise` mode): a million accounts
    /// make tens of MB of slots, probed at random, and with 4 KiB pages nearly every probe
    /// also misses the TLB.
    private static func zeroedSlots(_ count: Int) -> [UInt64] {
        [UInt64](unsafeUninitializedCapacity: count) { buffer, initialized in
            #if os(Linux)
                let hugePage = 2 << 20
                if let base = buffer.baseAddress, count * 8 >= 2 * hugePage {
                    let start = (UInt(bitPattern: base) + UInt(hugePage - 1)) & ~UInt(hugePage - 1)
                    let end = (UInt(bitPattern: base) + UInt(count * 8)) & ~UInt(hugePage - 1)
                    if start < end {
                        _ = madvise(UnsafeMutableRawPointer(bitPattern: start), Int(end - start), MADV_HUGEPAGE)
                    }
                }
            #endif
            buffer.initialize(repeating: 0)
            initialized = count
        }
    }

    /// Adds every key of every account. Keys go in batches: hashed, then their home slots read
    /// in one tight loop, so that their cache misses overlap instead of coming one after the
    /// other (nearly every insert into a table of tens of MB misses), then inserted in order.
    private mutating func fill() {
        var lastDomain: (bytes: [UInt8], isSet: Bool) = ([], false)
        var batch: [(key: UnsafeRawBufferPointer, hash: UInt64, owner: Owner)] = []
        batch.reserveCapacity(Self.batchSize + 64)
        var touched: UInt64 = 0
        accounts.withRecords { reader in
            for number in accounts.indices {
                reader.record(number).forEachKey { key, field in
                    guard !key.isEmpty else { return true }
                    batch.append(
                        (key, ByteHash.finalized(ByteHash.lowercased(key)), Owner(account: number, field: field))
                    )
                    return true
                }
                guard batch.count >= Self.batchSize || number == accounts.count - 1 else { continue }
                for entry in batch { touched ^= slots[home(entry.hash)] }
                for entry in batch { add(entry.key, entry.hash, entry.owner, lastDomain: &lastDomain) }
                batch.removeAll(keepingCapacity: true)
            }
        }
        readAhead = touched
    }

    /// Keys whose home slots are read ahead together.
    private static let batchSize = 64
    /// The home slots read ahead, folded: kept, so that the reads are not optimised away.
    private var readAhead: UInt64 = 0

    /// A slot word: bits 48–63 of the key's hash (bit 48 forced, so that the word is never 0,
    /// which marks an empty slot), the field (see `fieldCode`), and the account.
    @inline(__always)
    private static func slotWord(_ hash: UInt64, _ owner: Owner) -> UInt64 {
        (hash | 1 << 48) & 0xFFFF_0000_0000_0000 | UInt64(fieldCode(owner.field)) << 32
            | UInt64(truncatingIfNeeded: owner.account)
    }

    @inline(__always)
    private static func sameTag(_ word: UInt64, _ hash: UInt64) -> Bool {
        (word ^ (hash | 1 << 48)) >> 48 == 0
    }

    /// 0 UPN, 1 mail, 2 sAMAccountName, 3 + N alias N (the last code standing for every alias
    /// from there on).
    private static func fieldCode(_ field: AccountList.IdentityField) -> Int {
        switch field {
        case .upn: 0
        case .mail: 1
        case .sam: 2
        case .alias(let number): min(3 + number, 0xFFFF)
        }
    }

    /// Whether the key a slot word names is `key` (any ASCII case); its owner if it is.
    @inline(__always)
    private func owner(_ word: UInt64, ifItIs key: UnsafeRawBufferPointer) -> Owner? {
        let account = Int(word & 0xFFFF_FFFF)
        let code = Int(word >> 32 & 0xFFFF)
        return accounts.withRecord(account) { record in
            let field: AccountList.IdentityField
            switch code {
            case 0: field = .upn
            case 1: field = .mail
            case 2: field = .sam
            case 0xFFFF:
                var found: AccountList.IdentityField?
                record.forEachKey { candidate, candidateField in
                    guard case .alias(let number) = candidateField, number >= 0xFFFF - 3,
                        Bytes.equalsIgnoringASCIICase(candidate, key)
                    else { return true }
                    found = candidateField
                    return false
                }
                return found.map { Owner(account: account, field: $0) }
            default: field = .alias(code - 3)
            }
            guard let stored = record.key(field), Bytes.equalsIgnoringASCIICase(stored, key) else { return nil }
            return Owner(account: account, field: field)
        }
    }

    /// The first slot of `hash`: its low half scaled to the table (any size, no modulo).
    @inline(__always)
    private func home(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: ((hash & 0xFFFF_FFFF) &* UInt64(slots.count)) >> 32)
    }

    /// The slot that holds `key` (finalized hash `hash`) and its first owner, or the empty slot
    /// where it would go.
    @inline(__always)
    private func find(_ key: UnsafeRawBufferPointer, _ hash: UInt64) -> (slot: Int, owner: Owner?) {
        var slot = home(hash)
        while true {
            let word = slots[slot]
            if word == 0 { return (slot, nil) }
            if Self.sameTag(word, hash), let owner = owner(word, ifItIs: key) { return (slot, owner) }
            slot += 1
            if slot == slots.count { slot = 0 }
        }
    }

    /// Adds a key (in account order, each account's keys by priority). `lastDomain` is the
    /// domain last added to `keyDomains`: an export's addresses are nearly all at a handful of
    /// domains, most often the one the key before had.
    private mutating func add(
        _ key: UnsafeRawBufferPointer,
        _ hash: UInt64,
        _ owner: Owner,
        lastDomain: inout (bytes: [UInt8], isSet: Bool)
    ) {
        let (slot, first) = find(key, hash)
        if let first {
            // A key already known: shared, when another account owns it. An account's keys
            // come one after the other, so it is the last owner if it is one.
            guard first.account != owner.account else { return }
            var owners = sharedOwners[slot] ?? [first]
            if owners.last?.account != owner.account { owners.append(owner) }
            sharedOwners[slot] = owners
            return
        }
        slots[slot] = Self.slotWord(hash, owner)
        if let at = Bytes.lastIndex(of: UInt8(ascii: "@"), in: key) {
            let domain = Bytes.slice(key, at + 1..<key.count)
            if !lastDomain.isSet || !lastDomain.bytes.withUnsafeBytes({ Bytes.equalsIgnoringASCIICase($0, domain) }) {
                _ = keyDomains.insert(domain)
                lastDomain.bytes.removeAll(keepingCapacity: true)
                lastDomain.bytes.append(contentsOf: domain.assumingMemoryBound(to: UInt8.self))
                lastDomain.isSet = true
            }
        } else {
            namePrefilter.insert(finalizedHash: hash)
        }
    }

    // MARK: Lookups

    func lookup(_ login: UnsafeRawBufferPointer) -> Resolution? {
        probe(login, at: Bytes.lastIndex(of: UInt8(ascii: "@"), in: login), folding: true)
    }

    /// `lookup(_:)` with the index of the login's last `@` already found (the caller needs it too).
    func lookup(_ login: UnsafeRawBufferPointer, at: Int?) -> Resolution? {
        probe(login, at: at, folding: true)
    }

    /// The number of keys several accounts own.
    var sharedCount: Int { sharedOwners.count }

    /// The keys several accounts own, ordered by their first owner, then as that account's
    /// keys come (UPN, mail, aliases, sAMAccountName); each as the first owner wrote it,
    /// lower-cased in ASCII.
    var sharedIdentities: [SharedIdentity] {
        sharedOwners.values.sorted {
            ($0[0].account, $0[0].field.priority) < ($1[0].account, $1[0].field.priority)
        }.map { owners in
            let key = accounts.withRecord(owners[0].account) { record in
                Text.string(
                    (record.key(owners[0].field) ?? UnsafeRawBufferPointer(start: nil, count: 0)).map(Bytes.lower)
                )
            }
            return SharedIdentity(
                identity: key,
                owners: owners.map { IdentityOwner(account: $0.account, rule: $0.field.rule) }
            )
        }
    }

    /// One pass over the login computes its hash and tells whether it is ASCII; a login with
    /// non-ASCII bytes is folded (allocating) and probed again.
    private func probe(_ login: UnsafeRawBufferPointer, at: Int?, folding: Bool) -> Resolution? {
        // Most logins in a dump are strangers' e-mail addresses: turn them away on their domain
        // alone, before hashing the whole login. A domain is compared as written when it is
        // ASCII (the table folds ASCII case), else once folded.
        if let at {
            let domain = Bytes.slice(login, at + 1..<login.count)
            let (domainHash, isASCII) = ByteHash.lowercasedCheckingASCII(domain)
            if isASCII || !folding {
                guard keyDomains.find(domain, finalizedHash: ByteHash.finalized(domainHash)) != nil else { return nil }
            }
        }
        let (hash, isASCII) = ByteHash.lowercasedCheckingASCII(login)
        if !isASCII && folding {
            var folded = AccountList.folded(Text.string(login))
            return folded.withUTF8 {
                let folded = UnsafeRawBufferPointer($0)
                return probe(folded, at: Bytes.lastIndex(of: UInt8(ascii: "@"), in: folded), folding: false)
            }
        }
        let finalized = ByteHash.finalized(hash)
        if at == nil { guard namePrefilter.mayContain(finalizedHash: finalized) else { return nil } }
        let (slot, first) = find(login, finalized)
        guard let first else { return nil }
        let others = sharedOwners.isEmpty ? [] : sharedOwners[slot]?.dropFirst() ?? []
        return Resolution(
            account: first.account,
            rule: first.field.rule,
            sharedWith: others.map { IdentityOwner(account: $0.account, rule: $0.field.rule) }
        )
    }
}

extension IdentityRule {
    /// Which owner of a shared key a login resolves to first (lowest first).
    fileprivate var priority: Int {
        switch self {
        case .upn: 0
        case .mail: 1
        case .proxy: 2
        case .sam, .downlevel, .adDomain: 3
        }
    }
}
