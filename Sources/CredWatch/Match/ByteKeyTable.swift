/// The hashes of the match stage, over ASCII-lower-cased bytes, so that a key is hashed in
/// one pass over the bytes as written, without lower-casing them into a copy.
///
/// Forward hashing (logins, packages, path segments) takes eight bytes per step, lower-cased
/// all at once; backward hashing (hosts, see `reversedLowercased`) is FNV-1a byte by byte.
/// Neither needs to resist crafted collisions: every table compares the key itself.
enum ByteHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    /// One FNV-1a step over a lower-cased byte.
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(Bytes.lower(byte))) &* prime
    }

    /// `step(_:_:)`, lower-casing with `lowercaseTable` (read once before a loop): one load,
    /// where the comparison and select took seven instructions of the host walk's nineteen.
    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8, lowercasing table: UnsafePointer<UInt8>) -> UInt64 {
        (hash ^ UInt64(table[Int(byte)])) &* prime
    }

    /// `Bytes.lower` of every byte; made once, never freed, so that a lookup is a plain load.
    nonisolated(unsafe) static let lowercaseTable: UnsafePointer<UInt8> = {
        let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
        for byte in 0...255 { table[byte] = Bytes.lower(UInt8(byte)) }
        return UnsafePointer(table)
    }()

    /// Hash of `bytes` read first to last.
    @inline(__always)
    static func lowercased(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        lowercasedCheckingASCII(bytes).hash
    }

    /// `lowercased(_:)`, and whether every byte is ASCII, in the same pass.
    @inline(__always)
    static func lowercasedCheckingASCII(_ bytes: UnsafeRawBufferPointer) -> (hash: UInt64, isASCII: Bool) {
        var hash = seed ^ UInt64(bytes.count)
        guard let base = bytes.baseAddress else { return (hash, true) }
        var highBits: UInt64 = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            let word = base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            highBits |= word
            hash = mixed(hash ^ lowercasedWord(word))
            offset += 8
        }
        if offset < bytes.count {
            let word = tailWord(base + offset, bytes.count - offset)
            highBits |= word
            hash = mixed(hash ^ lowercasedWord(word))
        }
        return (hash, highBits & 0x8080_8080_8080_8080 == 0)
    }

    /// The last 1 to 7 bytes of a key as a little-endian word, zero above them, read with two
    /// or three overlapping loads (a byte loop here cost 30 instructions a byte).
    @inline(__always)
    private static func tailWord(_ start: UnsafeRawPointer, _ count: Int) -> UInt64 {
        if count >= 4 {
            let low = UInt64(start.loadUnaligned(as: UInt32.self))
            let high = UInt64(start.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
            return low | high &<< UInt64(8 * (count - 4))
        }
        let first = UInt64(start.load(as: UInt8.self))
        let middle = UInt64(start.load(fromByteOffset: count >> 1, as: UInt8.self))
        let last = UInt64(start.load(fromByteOffset: count - 1, as: UInt8.self))
        return first | middle &<< UInt64(8 * (count >> 1)) | last &<< UInt64(8 * (count - 1))
    }

    /// Eight bytes lower-cased at once: `A`–`Z` get bit 5, other bytes (non-ASCII too) are kept.
    @inline(__always)
    private static func lowercasedWord(_ word: UInt64) -> UInt64 {
        let sevenBits = word & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = sevenBits &+ 0x3F3F_3F3F_3F3F_3F3F
        let aboveZ = sevenBits &+ 0x2525_2525_2525_2525
        let upper = atLeastA & ~aboveZ & ~word & 0x8080_8080_8080_8080
        return word | upper >> 2
    }

    @inline(__always)
    private static func mixed(_ value: UInt64) -> UInt64 {
        let product = value &* 0x9E37_79B9_7F4A_7C15
        return product ^ product >> 29
    }

    /// Hash of `bytes` read last to first. Hosts are hashed this way: walking a host backwards,
    /// the running hash at each `.` is the hash of the suffix after it, so one pass yields the
    /// host's hash and every parent domain's.
    @inline(__always)
    static func reversedLowercased(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = seed
        var index = bytes.count
        while index > 0 {
            index -= 1
            hash = step(hash, bytes[index])
        }
        return hash
    }

    /// Spreads FNV's weak low bits before they index a table (murmur3's finaliser).
    @inline(__always)
    static func finalized(_ hash: UInt64) -> UInt64 {
        var mixed = hash
        mixed ^= mixed >> 33
        mixed &*= 0xff51_afd7_ed55_8ccd
        mixed ^= mixed >> 33
        mixed &*= 0xc4ce_b9fe_1a85_ec53
        mixed ^= mixed >> 33
        return mixed
    }
}

/// An immutable open-addressing table of distinct byte keys (stored lower-cased), each
/// numbered in insertion order; callers keep their payload in arrays indexed by that number.
///
/// A probe costs one hash-array read per slot visited and one byte comparison on a hash hit;
/// keys are compared, never trusted to their hash, so a crafted collision cannot fake a match.
struct ByteKeyTable: Sendable {
    /// One word per slot: the high half of the key's hash and the key's number (see
    /// `slotWord`), so that a probe touches one cache line and the table stays small.
    private var slots: [UInt64]
    private var keyStarts: [Int] = [0]
    private var storage: [UInt8] = []
    private var mask: Int
    /// Whether keys were hashed last byte first (`ByteHash.reversedLowercased`).
    let isReversed: Bool

    /// Number of distinct keys.
    var count: Int { keyStarts.count - 1 }

    init(reversed: Bool, expectedCount: Int = 16) {
        var capacity = 16
        while capacity < expectedCount * 2 { capacity <<= 1 }
        slots = Array(repeating: 0, count: capacity)
        mask = capacity - 1
        isReversed = reversed
    }

    /// The slot word of key `number` filed under `hash`: hash bits 32–63 (bit 32 forced, so the
    /// word is never 0, which marks an empty slot), then the number.
    @inline(__always)
    private static func slotWord(_ hash: UInt64, _ number: Int) -> UInt64 {
        (hash | 1 << 32) & 0xFFFF_FFFF_0000_0000 | UInt64(truncatingIfNeeded: number)
    }

    @inline(__always)
    private static func sameTag(_ word: UInt64, _ hash: UInt64) -> Bool {
        (word ^ (hash | 1 << 32)) >> 32 == 0
    }

    /// The hash this table files `key` under.
    @inline(__always)
    func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        ByteHash.finalized(isReversed ? ByteHash.reversedLowercased(key) : ByteHash.lowercased(key))
    }

    /// The number of `key` (any ASCII case), adding it when absent.
    mutating func insert(_ key: String) -> Int {
        var key = key
        return key.withUTF8 { insert(UnsafeRawBufferPointer($0)) }
    }

    /// The number of `key` (any ASCII case), adding it when absent.
    mutating func insert(_ key: UnsafeRawBufferPointer) -> Int {
        insert(key, finalizedHash: hash(key))
    }

    /// `insert(_:)` with the key's `hash(_:)` already computed.
    mutating func insert(_ key: UnsafeRawBufferPointer, finalizedHash hash: UInt64) -> Int {
        if (count + 1) * 2 > slots.count { grow() }
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        while slots[slot] != 0 {
            let word = slots[slot]
            if Self.sameTag(word, hash) && keyEquals(Int(word & 0xFFFF_FFFF), key) { return Int(word & 0xFFFF_FFFF) }
            slot = (slot &+ 1) & mask
        }
        let number = count
        let start = storage.count
        storage.append(contentsOf: key.assumingMemoryBound(to: UInt8.self))  // typed: one memcpy
        storage.withUnsafeMutableBufferPointer { stored in
            for index in start..<stored.count { stored[index] = Bytes.lower(stored[index]) }
        }
        keyStarts.append(storage.count)
        slots[slot] = Self.slotWord(hash, number)
        return number
    }

    /// The number of `key` compared ASCII-case-insensitively, with `finalizedHash` from
    /// `hash(_:)` (or from a running hash the caller finalized).
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, finalizedHash hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash >> 7) & mask
        while true {
            let word = slots[slot]
            if word == 0 { return nil }
            if Self.sameTag(word, hash) && keyEquals(Int(word & 0xFFFF_FFFF), key) { return Int(word & 0xFFFF_FFFF) }
            slot = (slot &+ 1) & mask
        }
    }

    /// Key `number` as stored (ASCII lower-cased).
    func key(_ number: Int) -> String {
        storage.withUnsafeBytes { Text.string(Bytes.slice($0, keyStarts[number]..<keyStarts[number + 1])) }
    }

    /// Reserves room for `count` keys of about `averageLength` bytes.
    mutating func reserve(_ count: Int, averageLength: Int) {
        keyStarts.reserveCapacity(count + 1)
        storage.reserveCapacity(count * averageLength)
    }

    /// Out of line: inlined into every probe, it made the callers too large to inline in turn,
    /// and `PlatformIndex` was then copied (with a retain of each of its tables) per URL.
    @inline(never)
    private func keyEquals(_ number: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = keyStarts[number]
        guard keyStarts[number + 1] - start == key.count else { return false }
        return storage.withUnsafeBytes {
            Bytes.equalsIgnoringASCIICase(Bytes.slice($0, start..<start + key.count), key)
        }
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: 0, count: old.count * 2)
        mask = slots.count - 1
        // Slots keep only the hash's high half: the slot index is recomputed from the key.
        for word in old where word != 0 {
            let number = Int(word & 0xFFFF_FFFF)
            let keyHash = storage.withUnsafeBytes {
                self.hash(Bytes.slice($0, keyStarts[number]..<keyStarts[number + 1]))
            }
            var slot = Int(truncatingIfNeeded: keyHash >> 7) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = word
        }
    }
}

/// A blocked Bloom filter small enough to stay in L2: most probes of a large key table are
/// misses, and this answers them with one cache-resident word instead of a cache-missing slot.
struct HashPrefilter: Sendable {
    private var words: [UInt64]
    private var wordMask: Int

    /// About 10 bits per key, between 128 KiB and 512 KiB.
    init(expectedCount: Int) {
        var wordCount = (128 * 1024) / 8
        while wordCount * 64 < expectedCount * 10 && wordCount < (512 * 1024) / 8 { wordCount <<= 1 }
        words = Array(repeating: 0, count: wordCount)
        wordMask = wordCount - 1
    }

    /// Three bits of one word, drawn from the hash's top 18 bits.
    @inline(__always)
    private static func bits(_ hash: UInt64) -> UInt64 {
        (1 << (hash >> 58)) | (1 << ((hash >> 52) & 63)) | (1 << ((hash >> 46) & 63))
    }

    /// The word, from bits 8 and up (the top bits choose the bits within it).
    @inline(__always)
    private func word(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 8) & wordMask
    }

    mutating func insert(finalizedHash hash: UInt64) {
        words[word(hash)] |= Self.bits(hash)
    }

    /// False when the key is certainly absent.
    @inline(__always)
    func mayContain(finalizedHash hash: UInt64) -> Bool {
        let bits = Self.bits(hash)
        return words[word(hash)] & bits == bits
    }
}
