/// Encrypted zip members (ZipCrypto, WinZip AES AE-1 and AE-2) are decrypted by libarchive, which
/// does it as it streams: the zip reader hands it one member at a time, as a one-member zip (the
/// member's local header with its sizes known, its data, and the data descriptor after it), so
/// that the zip reader keeps its own checks of the archive (overlapping members, the budget).
extension DecodeSession {
    /// Whether an encrypted member is to be read (passwords were given) rather than named.
    func readsEncrypted(_ entry: ZipEntry) -> Bool {
        entry.isEncrypted && entry.flags & 0x0040 == 0 && !options.archivePasswords.isEmpty
    }

    /// Reads an encrypted member through libarchive: `header` is its local header as found,
    /// `data` its data, `trailer` the bytes after the data (its descriptor, when it has one).
    /// A member no password opens is named and not read.
    func readEncryptedZipMember(
        header: [UInt8],
        entry: ZipEntry,
        compressedSize: Int64?,
        data: any ByteStream,
        trailer: @escaping () throws(DecodeFault) -> [UInt8],
        _ name: StreamName,
        depth: Int
    ) {
        var patched = header
        // The sizes a data descriptor gives only after the data are written in, where known:
        // libarchive then knows where stored or AES data ends.
        if let compressedSize, compressedSize < 0xFFFF_FFFF, entry.size < 0xFFFF_FFFF, patched.count >= 30 {
            patched.replaceSubrange(14..<18, with: littleEndian(entry.checksum))
            patched.replaceSubrange(18..<22, with: littleEndian(UInt32(compressedSize)))
            patched.replaceSubrange(22..<26, with: littleEndian(UInt32(entry.size)))
        }
        let image = ConcatenatedStream(prefix: patched, body: data, suffix: trailer)
        let passwords = options.archivePasswords
        do throws(DecodeFault) {
            let archive = try LibArchive(
                format: .zipMember,
                input: LibArchiveInput(stream: ByteReader(image, pool: pool)),
                passwords: passwords,
                locator: name.locator
            )
            switch archive.nextEntry(locator: name.locator) {
            case .success(nil):
                throw DecodeFault(locator: name.locator, reason: "encrypted member: not found by libarchive: not read")
            case .failure(let failure):
                throw failure.fault
            case .success:
                break
            }
            let stream = LibArchiveEntryStream(
                archive,
                locator: name.locator,
                limits: limits,
                expansion: expansion,
                encryptedWith: passwords.count
            )
            let content = readMember(stream, name, depth: depth, isStored: false)
            if content.failure == nil { try content.drain() }
        } catch {
            diagnostics.error(error.locator, error.reason)
        }
    }

    private func littleEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value >> 16 & 0xFF), UInt8(value >> 24)]
    }
}

/// Some bytes, then a stream, then bytes known only once that stream has ended.
final class ConcatenatedStream: ByteStream {
    private var prefix: [UInt8]
    private var prefixOffset = 0
    private let body: any ByteStream
    private let suffixSource: () throws(DecodeFault) -> [UInt8]
    private var suffix: [UInt8]?
    private var suffixOffset = 0

    init(prefix: [UInt8], body: any ByteStream, suffix: @escaping () throws(DecodeFault) -> [UInt8]) {
        self.prefix = prefix
        self.body = body
        self.suffixSource = suffix
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        guard !buffer.isEmpty else { return 0 }
        if prefixOffset < prefix.count {
            return copy(prefix, from: &prefixOffset, into: buffer)
        }
        if suffix == nil {
            let count = try body.read(into: buffer)
            if count > 0 { return count }
            suffix = try suffixSource()
        }
        return copy(suffix ?? [], from: &suffixOffset, into: buffer)
    }

    private func copy(_ bytes: [UInt8], from offset: inout Int, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

extension DecodeSession {
    /// An encrypted member of a seekable zip, located through the central directory; its data
    /// is claimed in `ledger` like any member's.
    func readEncryptedDirectoryMember(
        _ entry: ZipEntry,
        in archive: FileWindow,
        shift: Int64,
        dataEnd: Int64,
        _ name: StreamName,
        depth: Int,
        ledger: inout ZipDataLedger
    ) -> DirectoryMemberOutcome {
        let headerOffset = entry.localHeaderOffset &+ shift
        do throws(DecodeFault) {
            let fixed = try archive.bytes(at: headerOffset, count: 30)
            guard fixed.count == 30, fixed.littleEndian32(at: 0) == ZipSignature.localHeader else {
                throw DecodeFault(locator: name.locator, reason: "bad local header at offset \(headerOffset): skipped")
            }
            let headerLength = 30 + Int(fixed.littleEndian16(at: 26)) + Int(fixed.littleEndian16(at: 28))
            let header = try archive.bytes(at: headerOffset, count: headerLength)
            let dataOffset = headerOffset + Int64(headerLength)
            let available = min(entry.compressedSize, max(0, dataEnd - dataOffset))
            let data = archive.window(offset: dataOffset, length: available)
            let span = headerOffset..<(data.start - archive.start + data.length)
            if ledger.overlaps(span) { return .overlapping }
            ledger.claim(span)
            let trailerOffset = dataOffset + available
            readEncryptedZipMember(
                header: header,
                entry: entry,
                compressedSize: available,
                data: WindowStream(data, locator: name.locator),
                trailer: { () throws(DecodeFault) -> [UInt8] in
                    entry.hasDataDescriptor ? try archive.bytes(at: trailerOffset, count: 24) : []
                },
                name,
                depth: depth
            )
            return .read(available)
        } catch {
            diagnostics.error(error.locator, error.reason)
            return .read(0)
        }
    }

    /// An encrypted member met in a forward pass; leaves `reader` after its data descriptor.
    func readEncryptedLocalMember(
        _ reader: ByteReader,
        header: [UInt8],
        _ entry: ZipEntry,
        _ name: StreamName,
        depth: Int
    ) throws(DecodeFault) {
        let isSizeKnown = !(entry.hasDataDescriptor && entry.compressedSize == 0)
        let limited = isSizeKnown ? LimitedStream(reader, length: entry.compressedSize, locator: name.locator) : nil
        let delimited =
            isSizeKnown ? nil : DescriptorDelimitedStream(reader, sizesAreEqual: false, locator: name.locator)
        let data: any ByteStream = limited ?? delimited!
        readEncryptedZipMember(
            header: header,
            entry: entry,
            compressedSize: isSizeKnown ? entry.compressedSize : nil,
            data: data,
            trailer: { () throws(DecodeFault) -> [UInt8] in
                entry.hasDataDescriptor ? Array(try reader.peek(24)) : []
            },
            name,
            depth: depth
        )
        guard reader.failure == nil else { return }
        if let limited {
            try reader.skip(limited.remaining)
        } else if let delimited, !delimited.isEnded {
            try ByteReader(delimited, pool: pool).drain()
        }
        if entry.hasDataDescriptor {
            let compressed = limited?.length ?? delimited?.delivered ?? 0
            _ = try readDataDescriptor(reader, entry: entry, compressedSize: compressed, name)
        }
    }
}
