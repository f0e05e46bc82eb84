/// MD4 (RFC 1320): broken as a general hash, but it is what Windows stores as the NT hash.
public enum MD4 {
    /// The 16-byte MD4 digest of `bytes`.
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var state = State()
        let fullBlocks = bytes.count / blockSize
        if let base = bytes.baseAddress {
            for block in 0..<fullBlocks {
                state.compress(UnsafeRawBufferPointer(start: base + block * blockSize, count: blockSize))
            }
        }
        // Padding: 0x80, zeros, then the bit length (little-endian) in the last 8 bytes of the
        // last block. The tail holds the end of the message (a password): it lives on the stack
        // and is wiped before returning.
        let remainder = bytes.count - fullBlocks * blockSize
        let tailLength = remainder < blockSize - 8 ? blockSize : 2 * blockSize
        withUnsafeTemporaryAllocation(byteCount: 2 * blockSize, alignment: 8) { tail in
            tail.initializeMemory(as: UInt8.self, repeating: 0)
            if remainder > 0, let base = bytes.baseAddress {
                tail.copyMemory(
                    from: UnsafeRawBufferPointer(start: base + fullBlocks * blockSize, count: remainder)
                )
            }
            tail[remainder] = 0x80
            tail.storeBytes(
                of: (UInt64(truncatingIfNeeded: bytes.count) &* 8).littleEndian,
                toByteOffset: tailLength - 8,
                as: UInt64.self
            )
            let blocks = UnsafeRawBufferPointer(tail)
            for offset in stride(from: 0, to: tailLength, by: blockSize) {
                state.compress(UnsafeRawBufferPointer(rebasing: blocks[offset..<offset + blockSize]))
            }
            SecretBytes.wipe(tail)
        }
        return state.digest
    }

    static let blockSize = 64

    /// The four chaining words.
    private struct State {
        var a: UInt32 = 0x6745_2301
        var b: UInt32 = 0xEFCD_AB89
        var c: UInt32 = 0x98BA_DCFE
        var d: UInt32 = 0x1032_5476

        var digest: [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity(16)
            for word in [a, b, c, d] {
                for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: word >> shift)) }
            }
            return out
        }

        /// One 64-byte block: three rounds of sixteen steps. Each step updates the first of
        /// (a, b, c, d) and rotates the tuple, which walks RFC 1320's [abcd] [dabc] [cdab] [bcda].
        mutating func compress(_ block: UnsafeRawBufferPointer) {
            func word(_ index: Int) -> UInt32 {
                block.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self).littleEndian
            }
            var (a, b, c, d) = (self.a, self.b, self.c, self.d)
            for step in 0..<48 {
                let round = step >> 4
                let mixed: UInt32
                switch round {
                case 0: mixed = (b & c) | (~b & d)
                case 1: mixed = (b & c) | (b & d) | (c & d)
                default: mixed = b ^ c ^ d
                }
                let sum = a &+ mixed &+ word(MD4.wordOrder[step]) &+ MD4.roundConstants[round]
                let shift = MD4.shifts[round &* 4 &+ (step & 3)]
                let rotated = (sum << shift) | (sum >> (32 - shift))
                (a, b, c, d) = (d, rotated, b, c)
            }
            self.a &+= a
            self.b &+= b
            self.c &+= c
            self.d &+= d
        }
    }

    /// Message word used by each of the 48 steps (RFC 1320, rounds 1 to 3).
    private static let wordOrder: [Int] = [
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
        0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15,
        0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15,
    ]
    /// Left rotations of each round, by step within a group of four.
    private static let shifts: [UInt32] = [3, 7, 11, 19, 3, 5, 9, 13, 3, 9, 11, 15]
    private static let roundConstants: [UInt32] = [0, 0x5A82_7999, 0x6ED9_EBA1]
}

/// The NT hash Active Directory stores for a password: MD4 of its UTF-16LE encoding.
public enum NTHash {
    /// The 16-byte NT hash of `password`, read as UTF-8 when valid, else as Windows-1252.
    public static func hash(password: UnsafeRawBufferPointer) -> [UInt8] {
        var encodings = PasswordEncodings(password)
        return encodings.withUTF16LittleEndian { MD4.hash($0) }
    }
}
