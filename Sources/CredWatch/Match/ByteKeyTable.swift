/// The one hash of the match stage: 64-bit FNV-1a over ASCII-lower-cased bytes, so a key is
/// hashed in one pass over the bytes as written, without lower-casing them into a copy.
enum ByteHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(Bytes.lower(byte))) &* prime
    }

    /// Hash of `bytes` read first to last.
    @inline(__always)
    static func lowercased(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = seed
        for byte in bytes { hash = step(hash, byte) }
        return hash
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
        return mixed | 1  // never 0: 0 marks an empty slot
    }
}

/// An immutable open-addressing table of distinct byte keys (stored lower-cased), each
/// numbered in insertion order; callers keep their payload in arrays indexed by that number.
///
/// A probe costs one hash-array read per slot visited and one byte comparison on a hash hit;
/// keys are compared, never trusted to their hash, so a crafted collision cannot fake a match.
struct ByteKeyTable: Sendable {
    /// A slot's hash (0: empty) and key number side by side: one cache line per probe.
    private struct Slot {
        var hash: UInt64
        var key: UInt32
    }

    private var slots: [Slot]
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
        slots = Array(repeating: Slot(hash: 0, key: 0), count: capacity)
        mask = capacity - 1
        isReversed = reversed
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
        while slots[slot].hash != 0 {
            if slots[slot].hash == hash && keyEquals(Int(slots[slot].key), key) { return Int(slots[slot].key) }
            slot = (slot &+ 1) & mask
        }
        let number = count
        storage.append(contentsOf: key)
        for index in keyStarts[number]..<storage.count { storage[index] = Bytes.lower(storage[index]) }
        keyStarts.append(storage.count)
        slots[slot] = Slot(hash: hash, key: UInt32(number))
        return number
    }

    /// The number of `key` compared ASCII-case-insensitively, with `finalizedHash` from
    /// `hash(_:)` (or from a running hash the caller finalized).
    @inline(__always)
    func find(_ key: UnsafeRawBufferPointer, finalizedHash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: finalizedHash >> 7) & mask
        while true {
            let stored = slots[slot]
            if stored.hash == 0 { return nil }
            if stored.hash == finalizedHash && keyEquals(Int(stored.key), key) { return Int(stored.key) }
            slot = (slot &+ 1) & mask
        }
    }

    @inline(__always)
    private func keyEquals(_ number: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = keyStarts[number]
        guard keyStarts[number + 1] - start == key.count else { return false }
        for index in 0..<key.count where storage[start + index] != Bytes.lower(key[index]) { return false }
        return true
    }

    private mutating func grow() {
        let old = slots
        slots = Array(repeating: Slot(hash: 0, key: 0), count: old.count * 2)
        mask = slots.count - 1
        for entry in old where entry.hash != 0 {
            var slot = Int(truncatingIfNeeded: entry.hash >> 7) & mask
            while slots[slot].hash != 0 { slot = (slot + 1) & mask }
            slots[slot] = entry
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

    /// The word, from bits 8 and up (bit 0 of a finalized hash is always set, and the top bits
    /// choose the bits).
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
