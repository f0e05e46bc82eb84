import CZlib
import Foundation
import Synchronization
import Testing

@testable import CredWatch

/// Collects the chunks the decode stage delivers, from any thread.
final class DecodeChunkCollector: ChunkConsumer {
    private let chunks = Mutex<[TextChunk]>([])

    func accept(_ chunk: TextChunk) {
        chunks.withLock { $0.append(chunk) }
    }

    var all: [TextChunk] { chunks.withLock { $0 } }

    /// Locators of the documents delivered, in delivery order, each once.
    var locators: [String] {
        var seen: Set<String> = []
        return all.map(\.document.locator).filter { seen.insert($0).inserted }
    }

    func chunks(of locator: String) -> [TextChunk] {
        all.filter { $0.document.locator == locator }
    }

    /// A document's text, its chunks joined in order.
    func text(of locator: String) -> String? {
        let parts = chunks(of: locator)
        guard !parts.isEmpty else { return nil }
        return String(decoding: parts.flatMap(\.text), as: UTF8.self)
    }

    /// A document's lines by number, as the chunks' `firstLine` place them.
    func numberedLines(of locator: String) -> [Int: String] {
        var lines: [Int: String] = [:]
        for chunk in chunks(of: locator) {
            for (offset, line) in chunk.text.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated()
            where !line.isEmpty {
                lines[chunk.firstLine + offset] = String(decoding: line, as: UTF8.self)
            }
        }
        return lines
    }

    func bytes(of locator: String) -> [UInt8] {
        chunks(of: locator).flatMap(\.text)
    }
}

/// Runs the decode stage on fixtures and keeps what it delivered and reported.
struct DecodeHarness {
    let diagnostics = Diagnostics(output: nil)
    let collector = DecodeChunkCollector()
    var options: DecodeOptions

    init(limits: ScanLimits = ScanLimits(), chunkSize: Int = 4 << 20, backend: InflateBackend = .fastest) {
        options = DecodeOptions(limits: limits, chunkSize: chunkSize, classify: DecodeHarness.classify)
        options.inflateBackend = backend
    }

    /// A stand-in for the parse stage's classifier.
    @Sendable static func classify(_ locator: String) -> DocumentRole {
        let name = Locator.name(of: locator).lowercased()
        if name.hasSuffix(".jpg") || name.hasPrefix("screenshot") { return .ignored }
        if name == "passwords.txt" || name == "all passwords.txt" { return .credentials }
        if name.hasSuffix(".json") { return .credentialsJSON }
        if name.hasPrefix("cookies") { return .cookies }
        return .combolist
    }

    var reader: ContainerReader {
        ContainerReader(options: options, diagnostics: diagnostics, consumer: collector)
    }

    func read(_ source: InputSource) {
        reader.read(source)
    }

    func readFile(_ path: String, locator: String? = nil) {
        reader.read(.file(path: path, locator: locator ?? path))
    }

    /// Reads `bytes` as a stream that cannot seek (as standard input is read).
    func readStream(_ bytes: [UInt8], locator: String, readSize: Int = 1 << 16) {
        reader.read(stream: DecodeMemoryStream(bytes, readSize: readSize), locator: locator)
    }

    var messages: [String] { diagnostics.allMessages }
    var errors: [String] { messages.filter { $0.hasPrefix("credwatch: error: ") } }
    var warnings: [String] { messages.filter { $0.hasPrefix("credwatch: warning: ") } }

    /// True when some message contains every one of `parts`.
    func reported(_ parts: String...) -> Bool {
        messages.contains { message in parts.allSatisfy { message.contains($0) } }
    }
}

extension InflateBackend: CustomTestStringConvertible {
    public var testDescription: String { name }

    /// How the backend words a deflate block of the invalid type 3: ISA-L does not tell a bad
    /// block type from another bad block header.
    var invalidBlockTypeDetail: String { self == .zlib ? "invalid block type" : "invalid block header" }
}

/// A forward-only in-memory stream that hands out at most `readSize` bytes per read, to put
/// buffer boundaries anywhere.
final class DecodeMemoryStream: ByteStream {
    private let bytes: [UInt8]
    private let readSize: Int
    private var offset = 0

    init(_ bytes: [UInt8], readSize: Int = 1 << 16) {
        self.bytes = bytes
        self.readSize = max(1, readSize)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        let count = min(buffer.count, readSize, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// A scratch directory for one test, removed when the test ends.
final class DecodeScratchDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "credwatch-decode-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Writes `bytes` at `relativePath` (creating folders) and returns the full path.
    @discardableResult
    func write(_ relativePath: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + relativePath
        let folder = (full as NSString).deletingLastPathComponent
        try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        precondition(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot write \(full)")
        return full
    }

    @discardableResult
    func write(_ relativePath: String, _ text: String) -> String {
        write(relativePath, Array(text.utf8))
    }
}

/// Little-endian writing for binary fixtures.
struct DecodeFixtureBytes {
    var bytes: [UInt8] = []

    mutating func append<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }
}

/// Compressed fixtures built with the system zlib.
enum DecodeCompression {
    /// Deflates `data` with `windowBits` 31 (gzip), 15 (zlib) or -15 (raw).
    static func deflate(_ data: [UInt8], windowBits: Int32, level: Int32 = 6) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        precondition(czlib_deflateInit2(stream, level, windowBits) == Z_OK)
        var output = [UInt8](repeating: 0, count: Int(deflateBound(stream, UInt(data.count))) + 64)
        var input = data
        let produced = input.withUnsafeMutableBufferPointer { source in
            output.withUnsafeMutableBufferPointer { target in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = UInt32(source.count)
                stream.pointee.next_out = target.baseAddress
                stream.pointee.avail_out = UInt32(target.count)
                precondition(CZlib.deflate(stream, Z_FINISH) == Z_STREAM_END)
                return target.count - Int(stream.pointee.avail_out)
            }
        }
        return Array(output.prefix(produced))
    }

    static func gzip(_ data: [UInt8]) -> [UInt8] { deflate(data, windowBits: 31) }
    static func gzip(_ text: String) -> [UInt8] { gzip(Array(text.utf8)) }
    static func zlib(_ data: [UInt8]) -> [UInt8] { deflate(data, windowBits: 15) }
    static func raw(_ data: [UInt8]) -> [UInt8] { deflate(data, windowBits: -15) }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        data.withUnsafeBufferPointer { UInt32(CZlib.crc32(0, $0.baseAddress, UInt32($0.count))) }
    }

    /// A gzip member naming the compressed file, as `gzip FILE` writes it (FNAME).
    static func gzipNamingItsFile(_ data: [UInt8], name: String) -> [UInt8] {
        var member = DecodeFixtureBytes()
        member.append([0x1F, 0x8B, 0x08, 0x08])
        member.append(UInt32(1_700_000_000))  // mtime
        member.append([0x00, 0x03])  // extra flags, OS (Unix)
        member.append(Array(name.utf8) + [0])
        member.append(raw(data))
        member.append(crc32(data))
        member.append(UInt32(truncatingIfNeeded: data.count))
        return member.bytes
    }

    /// A gzip member with every optional header field: FEXTRA, FNAME, FCOMMENT and FHCRC.
    static func gzipWithAllHeaderFields(_ data: [UInt8], name: String, comment: String) -> [UInt8] {
        var header = DecodeFixtureBytes()
        header.append([0x1F, 0x8B, 0x08, 0x04 | 0x08 | 0x10 | 0x02])
        header.append(UInt32(0))  // mtime
        header.append([0x00, 0x03])  // extra flags, OS (Unix)
        let extra: [UInt8] = [0x41, 0x70, 0x04, 0x00, 0xDE, 0xAD, 0xBE, 0xEF]
        header.append(UInt16(extra.count))
        header.append(extra)
        header.append(Array(name.utf8) + [0])
        header.append(Array(comment.utf8) + [0])
        header.append(UInt16(truncatingIfNeeded: crc32(header.bytes)))
        var member = header
        member.append(raw(data))
        member.append(crc32(data))
        member.append(UInt32(truncatingIfNeeded: data.count))
        return member.bytes
    }
}

/// A zip archive written byte by byte, with the features the reader must handle.
struct ZipFixture {
    struct Member {
        var name: String
        var data: [UInt8]
        /// 0 stored, 8 deflate, anything else is written as stored bytes under that method.
        var method: UInt16 = 8
        var usesDataDescriptor = false
        /// Write the descriptor without its optional signature.
        var descriptorSignature = true
        var isEncrypted = false
        var isZip64 = false
        /// Replaces the compressed data (to corrupt it).
        var payload: [UInt8]?
        /// Records a wrong CRC-32.
        var hasWrongChecksum = false
        /// A compressed size the central directory records instead of the data's (a lie).
        var recordedCompressedSize: UInt32?
        /// A compressed size the local header records instead of the data's (a lie).
        var recordedLocalCompressedSize: UInt32?

        init(_ name: String, _ data: [UInt8], method: UInt16 = 8) {
            self.name = name
            self.data = data
            self.method = method
        }

        init(_ name: String, _ text: String, method: UInt16 = 8) {
            self.init(name, Array(text.utf8), method: method)
        }
    }

    var members: [Member]
    var hasCentralDirectory = true
    var hasZip64EndRecords = false
    /// Bytes before the archive whose offsets do not count them (a self-extractor stub).
    var stub: [UInt8] = []

    init(_ members: [Member]) {
        self.members = members
    }

    func build() -> [UInt8] {
        var out = DecodeFixtureBytes()
        out.append(stub)
        var central = DecodeFixtureBytes()
        for member in members {
            let offset = UInt64(out.bytes.count - stub.count)
            let payload = member.payload ?? (member.method == 8 ? DecodeCompression.raw(member.data) : member.data)
            let checksum = DecodeCompression.crc32(member.data) ^ (member.hasWrongChecksum ? 0xFFFF_FFFF : 0)
            var flags: UInt16 = 0x0800
            if member.usesDataDescriptor { flags |= 0x0008 }
            if member.isEncrypted { flags |= 0x0001 }
            let name = Array(member.name.utf8)
            let saturated: UInt32 = 0xFFFF_FFFF
            let descriptorOnly = member.usesDataDescriptor
            // Local header.
            out.append(ZipSignature.localHeader)
            out.append(UInt16(member.isZip64 ? 45 : 20))
            out.append(flags)
            out.append(member.method)
            out.append(UInt32(0x0021_0000))  // time, date
            out.append(descriptorOnly ? 0 : checksum)
            out.append(
                member.isZip64
                    ? saturated : descriptorOnly ? 0 : member.recordedLocalCompressedSize ?? UInt32(payload.count)
            )
            out.append(member.isZip64 ? saturated : descriptorOnly ? 0 : UInt32(member.data.count))
            out.append(UInt16(name.count))
            out.append(UInt16(member.isZip64 ? 20 : 0))
            out.append(name)
            if member.isZip64 {
                out.append(UInt16(1))
                out.append(UInt16(16))
                out.append(descriptorOnly ? 0 : UInt64(member.data.count))
                out.append(descriptorOnly ? 0 : UInt64(payload.count))
            }
            out.append(payload)
            if member.usesDataDescriptor {
                if member.descriptorSignature { out.append(ZipSignature.dataDescriptor) }
                out.append(checksum)
                if member.isZip64 {
                    out.append(UInt64(payload.count))
                    out.append(UInt64(member.data.count))
                } else {
                    out.append(UInt32(payload.count))
                    out.append(UInt32(member.data.count))
                }
            }
            // Central-directory record.
            central.append(ZipSignature.centralDirectory)
            central.append(UInt16(0x031E))
            central.append(UInt16(member.isZip64 ? 45 : 20))
            central.append(flags)
            central.append(member.method)
            central.append(UInt32(0x0021_0000))
            central.append(checksum)
            central.append(member.isZip64 ? saturated : member.recordedCompressedSize ?? UInt32(payload.count))
            central.append(member.isZip64 ? saturated : UInt32(member.data.count))
            central.append(UInt16(name.count))
            central.append(UInt16(member.isZip64 ? 28 : 0))
            central.append(UInt16(0))  // comment
            central.append(UInt16(0))  // disk
            central.append(UInt16(0))  // internal attributes
            central.append(UInt32(0))  // external attributes
            central.append(member.isZip64 ? saturated : UInt32(offset))
            central.append(name)
            if member.isZip64 {
                central.append(UInt16(1))
                central.append(UInt16(24))
                central.append(UInt64(member.data.count))
                central.append(UInt64(payload.count))
                central.append(offset)
            }
        }
        guard hasCentralDirectory else { return out.bytes }
        let directoryOffset = UInt64(out.bytes.count - stub.count)
        out.append(central.bytes)
        let count = UInt64(members.count)
        if hasZip64EndRecords {
            let recordOffset = UInt64(out.bytes.count - stub.count)
            out.append(ZipSignature.zip64EndOfDirectory)
            out.append(UInt64(44))
            out.append(UInt16(45))
            out.append(UInt16(45))
            out.append(UInt32(0))
            out.append(UInt32(0))
            out.append(count)
            out.append(count)
            out.append(UInt64(central.bytes.count))
            out.append(directoryOffset)
            out.append(ZipSignature.zip64Locator)
            out.append(UInt32(0))
            out.append(recordOffset)
            out.append(UInt32(1))
        }
        out.append(ZipSignature.endOfDirectory)
        out.append(UInt32(0))  // disks
        out.append(UInt16(hasZip64EndRecords ? 0xFFFF : UInt16(count)))
        out.append(UInt16(hasZip64EndRecords ? 0xFFFF : UInt16(count)))
        out.append(UInt32(hasZip64EndRecords ? 0xFFFF_FFFF : UInt32(central.bytes.count)))
        out.append(UInt32(hasZip64EndRecords ? 0xFFFF_FFFF : UInt32(directoryOffset)))
        out.append(UInt16(0))
        return out.bytes
    }
}

/// A tar archive with ustar, pax and GNU long-name entries.
struct TarFixture {
    enum Entry {
        case file(String, [UInt8])
        /// A pax `x` header carrying `path=`, then the member under a short name.
        case paxPath(String, [UInt8])
        /// A GNU `L` entry carrying the name, then the member.
        case gnuLongName(String, [UInt8])
        case directory(String)
        /// Name longer than 100 bytes split into ustar prefix and name.
        case prefixed(prefix: String, name: String, [UInt8])
    }

    var entries: [Entry]

    init(_ entries: [Entry]) {
        self.entries = entries
    }

    func build() -> [UInt8] {
        var out: [UInt8] = []
        for entry in entries {
            switch entry {
            case .file(let name, let data):
                out += TarFixture.header(name: name, size: data.count, type: "0") + TarFixture.padded(data)
            case .paxPath(let path, let data):
                let record = TarFixture.paxRecord("path", path)
                out += TarFixture.header(name: "PaxHeaders/x", size: record.count, type: "x")
                out += TarFixture.padded(record)
                out += TarFixture.header(name: "short-name", size: data.count, type: "0") + TarFixture.padded(data)
            case .gnuLongName(let name, let data):
                let nameBytes = Array(name.utf8) + [0]
                out += TarFixture.header(name: "././@LongLink", size: nameBytes.count, type: "L", gnu: true)
                out += TarFixture.padded(nameBytes)
                out += TarFixture.header(name: String(name.prefix(99)), size: data.count, type: "0", gnu: true)
                out += TarFixture.padded(data)
            case .directory(let name):
                out += TarFixture.header(name: name, size: 0, type: "5")
            case .prefixed(let prefix, let name, let data):
                out += TarFixture.header(name: name, size: data.count, type: "0", prefix: prefix)
                out += TarFixture.padded(data)
            }
        }
        return out + [UInt8](repeating: 0, count: 1024)
    }

    static func paxRecord(_ key: String, _ value: String) -> [UInt8] {
        let body = " \(key)=\(value)\n"
        var length = body.utf8.count + 1
        while String(length).count + body.utf8.count != length { length += 1 }
        return Array((String(length) + body).utf8)
    }

    static func padded(_ data: [UInt8]) -> [UInt8] {
        data + [UInt8](repeating: 0, count: (512 - data.count % 512) % 512)
    }

    static func header(name: String, size: Int, type: Character, prefix: String = "", gnu: Bool = false) -> [UInt8] {
        var block = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { block[offset + index] = byte }
        }
        func octal(_ value: Int, width: Int) -> String {
            let digits = String(value, radix: 8)
            return String(repeating: "0", count: width - 1 - digits.count) + digits
        }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0001750", at: 108)
        put("0001750", at: 116)
        put(octal(size, width: 12), at: 124)
        put(octal(0, width: 12), at: 136)
        put("        ", at: 148)
        block[156] = UInt8(ascii: type.unicodeScalars.first!)
        if gnu {
            put("ustar  ", at: 257)
        } else {
            put("ustar", at: 257)
            put("00", at: 263)
            put(prefix, at: 345)
        }
        put("alice", at: 265)
        put("staff", at: 297)
        let checksum = block.reduce(0) { $0 + Int($1) }
        put(octal(checksum, width: 7), at: 148)
        block[154] = 0
        block[155] = 0x20
        return block
    }
}
