/// What a stream holds, judged from its first bytes only (never from its name: a `.txt` that is
/// gzip is gzip, a `.zip` that is text is text).
enum ContainerFormat: Equatable {
    case gzip
    case zlib
    case zip
    case tar
    /// 7z, RAR, bzip2, xz, lzma, zstd: read through libarchive.
    case libArchive(LibArchiveFormat)
    /// Anything else: read as text.
    case document

    /// How many leading bytes `detect` looks at (a tar header is one 512-byte block).
    static let sniffLength = 512

    var isContainer: Bool {
        switch self {
        case .gzip, .zlib, .zip, .tar, .libArchive: true
        case .document: false
        }
    }

    var name: String {
        switch self {
        case .gzip: "gzip stream"
        case .zlib: "zlib stream"
        case .zip: "zip archive"
        case .tar: "tar archive"
        case .libArchive(let format): format.name
        case .document: "document"
        }
    }

    static func detect(_ head: UnsafeRawBufferPointer) -> ContainerFormat {
        func starts(with magic: [UInt8]) -> Bool {
            head.count >= magic.count && Swift.zip(head, magic).allSatisfy { $0 == $1 }
        }
        if starts(with: [0x1F, 0x8B, 0x08]) { return .gzip }
        if starts(with: [0x50, 0x4B, 0x03, 0x04]) || starts(with: [0x50, 0x4B, 0x05, 0x06])
            || starts(with: [0x50, 0x4B, 0x07, 0x08, 0x50, 0x4B, 0x03, 0x04])
        {
            return .zip
        }
        if starts(with: [0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
            return .libArchive(.sevenZip)
        }
        if starts(with: [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07]) {
            return .libArchive(.rar)
        }
        if starts(with: [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) {
            return .libArchive(.xz)
        }
        if starts(with: [0x28, 0xB5, 0x2F, 0xFD]) {
            return .libArchive(.zstd)
        }
        // "BZh", a block size digit, then the block magic (π in BCD): text rarely starts so.
        if head.count >= 10 && starts(with: [0x42, 0x5A, 0x68]) && (0x31...0x39).contains(head[3])
            && head[4] == 0x31 && head[5] == 0x41 && head[6] == 0x59
        {
            return .libArchive(.bzip2)
        }
        // "LZMA alone": properties (lc, lp, pb; 0x5D for the defaults) and a dictionary size
        // whose low 16 bits are zero (a power of two from 64 KiB): text rarely starts so.
        if head.count >= 13 && head[0] == 0x5D && head[1] == 0 && head[2] == 0 { return .libArchive(.lzma) }
        if isZlibHeader(head) { return .zlib }
        if TarHeader.isHeader(head) { return .tar }
        return .document
    }

    /// RFC 1950: deflate with a 32 KiB window (0x78), a header check that divides by 31 and no
    /// preset dictionary — only 78 01, 78 5E, 78 9C and 78 DA pass — and data that inflates.
    private static func isZlibHeader(_ head: UnsafeRawBufferPointer) -> Bool {
        guard head.count >= 2, head[0] == 0x78 else { return false }
        let check = (UInt16(head[0]) << 8 | UInt16(head[1])) % 31
        let hasDictionary = head[1] & 0x20 != 0
        return check == 0 && !hasDictionary && DeflateWrapper.zlib.inflatesCleanly(head)
    }
}
