/// Exactly `length` bytes of an archive stream (a tar member, a stored zip member whose size
/// is known): the archive's own reader stays positioned for what follows.
final class LimitedStream: ByteStream {
    private let upstream: ByteReader
    let length: Int64
    private(set) var delivered: Int64 = 0
    /// Names the member when the archive ends inside it.
    private let locator: String

    init(_ upstream: ByteReader, length: Int64, locator: String) {
        self.upstream = upstream
        self.length = max(0, length)
        self.locator = locator
    }

    var remaining: Int64 { length - delivered }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        guard remaining > 0, !buffer.isEmpty else { return 0 }
        let view = try upstream.available()
        if view.isEmpty { throw truncation() }
        let count = Int(min(Int64(min(view.count, buffer.count)), remaining))
        buffer.baseAddress!.copyMemory(from: view.baseAddress!, byteCount: count)
        upstream.consume(count)
        delivered += Int64(count)
        return count
    }

    func skip(_ count: Int64) throws(DecodeFault) -> Int64? {
        let wanted = min(max(0, count), remaining)
        let skipped = try upstream.skip(wanted)
        delivered += skipped
        if skipped < wanted { throw truncation() }
        return skipped
    }

    private func truncation() -> DecodeFault {
        DecodeFault(
            locator: locator,
            reason: "truncated archive: member data ends after \(delivered) of \(length) bytes"
        )
    }
}

/// The data of a stored archive member (a zip member without compression, a tar member),
/// counted against the input's expansion budget like a decompressor's output: through nested
/// stored archives the same bytes of a file can be read out again and again, and every such
/// read costs the input. Once the input as a whole has expanded past its bound, the bytes of
/// this read are still delivered, and the next read fails.
final class StoredDataStream: ByteStream {
    private let source: any ByteStream
    private let expansion: ExpansionGuard
    private let limits: ScanLimits
    private let locator: String
    private var delivered: Int64 = 0
    /// Why the member is cut off, once the input has expanded too much; raised on the next read.
    private(set) var cutOff: DecodeFault?

    init(_ source: any ByteStream, expansion: ExpansionGuard, limits: ScanLimits, locator: String) {
        self.source = source
        self.expansion = expansion
        self.limits = limits
        self.locator = locator
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        if let cutOff { throw cutOff }
        let count = try source.read(into: buffer)
        guard count > 0 else { return 0 }
        delivered += Int64(count)
        if !expansion.record(count, limits: limits) {
            cutOff = DecodeFault(
                locator: locator,
                reason: "stored data cut off after \(delivered) bytes: this input expands more than "
                    + "\(limits.maxCompressionRatio) times over all its layers: the rest of it is skipped"
            )
        }
        return count
    }

    /// Bytes passed over are not handed on: they do not count.
    func skip(_ count: Int64) throws(DecodeFault) -> Int64? {
        if let cutOff { throw cutOff }
        return try source.skip(count)
    }
}

/// Passes a member's bytes through while computing their CRC-32 and size; checks them against
/// the archive's record at the end when that record is known before the data.
final class ChecksumStream: ByteStream {
    private let source: any ByteStream
    private let expected: ZipIntegrity?
    private let locator: String
    private(set) var checksum: UInt32 = 0
    private(set) var size: Int64 = 0
    private var isChecked = false

    init(_ source: any ByteStream, expected: ZipIntegrity?, locator: String) {
        self.source = source
        self.expected = expected
        self.locator = locator
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        let count = try source.read(into: buffer)
        if count > 0 {
            checksum = CRC32.update(checksum, UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            size += Int64(count)
        } else if let expected, !isChecked {
            isChecked = true
            if let problem = expected.mismatch(checksum: checksum, size: size) {
                throw DecodeFault(locator: locator, reason: problem)
            }
        }
        return count
    }
}

/// What a zip archive records about a member's data, to check it once read.
struct ZipIntegrity {
    var checksum: UInt32
    var size: Int64
    /// A data descriptor without zip64 keeps only the low 32 bits of the size.
    var sizeIsTruncatedTo32Bits = false

    /// Why the data does not match the record, or nil when it does.
    func mismatch(checksum actualChecksum: UInt32, size actualSize: Int64) -> String? {
        let sizeMatches =
            sizeIsTruncatedTo32Bits
            ? UInt32(truncatingIfNeeded: actualSize) == UInt32(truncatingIfNeeded: size) : actualSize == size
        if !sizeMatches {
            return "size mismatch: \(actualSize) bytes of data, the archive records \(size)"
        }
        if actualChecksum != checksum {
            return "CRC mismatch: data has CRC-32 \(hex(actualChecksum)), the archive records \(hex(checksum))"
        }
        return nil
    }

    private func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}

/// The data of a zip member whose size is recorded only after it (stored data, or skipped
/// encrypted data, followed by a data descriptor), read in a forward pass: it ends where a
/// descriptor signature is followed by a compressed size equal to the bytes seen so far.
final class DescriptorDelimitedStream: ByteStream {
    /// Signature, CRC-32 and two 64-bit sizes.
    static let lookahead = 24
    private let upstream: ByteReader
    private let locator: String
    /// Stored data: the uncompressed size must equal the compressed size too.
    private let sizesAreEqual: Bool
    private(set) var delivered: Int64 = 0
    private(set) var isEnded = false

    init(_ upstream: ByteReader, sizesAreEqual: Bool, locator: String) {
        self.upstream = upstream
        self.sizesAreEqual = sizesAreEqual
        self.locator = locator
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        guard !isEnded, !buffer.isEmpty else { return 0 }
        let view = try upstream.peek(DescriptorDelimitedStream.lookahead)
        if view.isEmpty {
            throw DecodeFault(
                locator: locator,
                reason: "truncated archive: no data descriptor after \(delivered) bytes of member data"
            )
        }
        let limit = min(view.count, buffer.count)
        var deliverable = limit
        var searchFrom = 0
        while let candidate = Bytes.index(of: 0x50, in: view, from: searchFrom), candidate < limit {
            switch descriptorVerdict(at: candidate, in: view) {
            case .found:
                deliverable = candidate
                isEnded = true
            case .needMoreData where candidate > 0:
                deliverable = candidate
            case .needMoreData, .absent:
                searchFrom = candidate + 1
                continue
            }
            break
        }
        buffer.baseAddress!.copyMemory(from: view.baseAddress!, byteCount: deliverable)
        upstream.consume(deliverable)
        delivered += Int64(deliverable)
        return deliverable
    }

    private enum Verdict {
        case found
        case absent
        /// The candidate runs past the buffered bytes: deliver up to it, then look again.
        case needMoreData
    }

    private func descriptorVerdict(at offset: Int, in view: UnsafeRawBufferPointer) -> Verdict {
        let available = view.count - offset
        guard available >= 4 else { return .needMoreData }
        guard view.littleEndian32(at: offset) == ZipSignature.dataDescriptor else { return .absent }
        let total = delivered + Int64(offset)
        if available >= 16 {
            let compressed = view.littleEndian32(at: offset + 8)
            let uncompressed = view.littleEndian32(at: offset + 12)
            if compressed == UInt32(truncatingIfNeeded: total) && (!sizesAreEqual || uncompressed == compressed) {
                return .found
            }
        }
        if available >= 24 {
            let compressed = view.littleEndian64(at: offset + 8)
            let uncompressed = view.littleEndian64(at: offset + 16)
            if compressed == UInt64(total) && (!sizesAreEqual || uncompressed == compressed) { return .found }
            return .absent
        }
        return .needMoreData
    }
}
