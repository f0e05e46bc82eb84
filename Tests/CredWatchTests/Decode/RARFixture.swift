import CZlib

/// Writes stored (uncompressed) RAR archives, RAR 4 and RAR 5, from the formats' published
/// descriptions (RARLAB's "RAR 5.0 archive format" and the RAR 4 `technote.txt`): no RAR tool
/// is free to install, and stored members are all a reader must get right about names, sizes,
/// checksums, truncation and encryption flags.
enum RARFixture {
    struct Member {
        var name: String
        var data: [UInt8]
        /// Marked as encrypted (the data is then not really encrypted: no reader can open it).
        var isEncrypted = false

        init(_ name: String, _ text: String, isEncrypted: Bool = false) {
            self.name = name
            self.data = Array(text.utf8)
            self.isEncrypted = isEncrypted
        }

        init(_ name: String, bytes: [UInt8]) {
            self.name = name
            self.data = bytes
        }
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    private static func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
    private static func le32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8(value >> (8 * $0) & 0xFF) } }

    // MARK: RAR 4

    /// A RAR 4 archive: marker, archive header, one stored file header and data per member,
    /// end of archive.
    static func rar4(_ members: [Member]) -> [UInt8] {
        var bytes: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00]
        bytes += block4(type: 0x73, flags: 0, body: le16(0) + le32(0))
        for member in members {
            let name = Array(member.name.utf8)
            var body: [UInt8] = []
            body += le32(UInt32(member.data.count))  // packed size
            body += le32(UInt32(member.data.count))  // unpacked size
            body += [2]  // host OS: Windows
            body += le32(crc32(member.data))
            body += le32(0x5A21_0000)  // DOS date and time
            body += [20, 0x30]  // version to unpack, method: store
            body += le16(name.count)
            body += le32(0x20)  // attributes: archive
            body += name
            // 0x8000: data follows the header; 0x0004: encrypted with a password.
            bytes += block4(type: 0x74, flags: 0x8000 | (member.isEncrypted ? 0x0004 : 0), body: body)
            bytes += member.data
        }
        bytes += block4(type: 0x7B, flags: 0x4000, body: [])
        return bytes
    }

    /// A RAR 4 block: CRC-16 (the low half of the CRC-32 of what follows it), type, flags, size.
    private static func block4(type: UInt8, flags: Int, body: [UInt8]) -> [UInt8] {
        let header = [type] + le16(flags) + le16(7 + body.count) + body
        return le16(Int(crc32(header) & 0xFFFF)) + header
    }

    // MARK: RAR 5

    /// A RAR 5 archive: signature, main header, one stored file header and data per member,
    /// end of archive.
    static func rar5(_ members: [Member]) -> [UInt8] {
        var bytes: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00]
        bytes += block5(type: 1, flags: [], fields: vint(0))
        for member in members {
            let name = Array(member.name.utf8)
            var fields: [UInt8] = []
            fields += vint(0x0004)  // file flags: CRC-32 present
            fields += vint(member.data.count)  // unpacked size
            fields += vint(0x20)  // attributes
            fields += le32(crc32(member.data))
            fields += vint(0)  // compression: version 0, store, smallest dictionary
            fields += vint(0)  // host OS: Windows
            fields += vint(name.count) + name
            var extra: [UInt8] = []
            if member.isEncrypted {
                // File encryption record: version 0 (AES-256), no check value, KDF count 15,
                // salt and IV.
                let record = vint(1) + vint(0) + vint(0) + [15] + [UInt8](repeating: 7, count: 32)
                extra = vint(record.count) + record
            }
            bytes += block5(type: 2, flags: [.data], fields: fields, extra: extra, dataSize: member.data.count)
            bytes += member.data
        }
        bytes += block5(type: 5, flags: [], fields: vint(0))
        return bytes
    }

    private struct Flags5: OptionSet {
        let rawValue: Int
        static let extra = Flags5(rawValue: 1)
        static let data = Flags5(rawValue: 2)
    }

    /// A RAR 5 header: CRC-32 of what follows it, size, type, flags, extra size, data size,
    /// the type's fields, the extra area.
    private static func block5(
        type: Int,
        flags: Flags5,
        fields: [UInt8],
        extra: [UInt8] = [],
        dataSize: Int = 0
    ) -> [UInt8] {
        var allFlags = flags
        if !extra.isEmpty { allFlags.insert(.extra) }
        var body = vint(type) + vint(allFlags.rawValue)
        if !extra.isEmpty { body += vint(extra.count) }
        if allFlags.contains(.data) { body += vint(dataSize) }
        body += fields + extra
        let sized = vint(body.count) + body
        return le32(crc32(sized)) + sized
    }

    /// A variable-length integer: 7 bits per byte, low first, high bit set on all but the last.
    private static func vint(_ value: Int) -> [UInt8] {
        var rest = value
        var bytes: [UInt8] = []
        repeat {
            var byte = UInt8(rest & 0x7F)
            rest >>= 7
            if rest > 0 { byte |= 0x80 }
            bytes.append(byte)
        } while rest > 0
        return bytes
    }
}
