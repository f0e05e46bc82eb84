/// Signatures of zip records (little-endian "PK..").
enum ZipSignature {
    static let localHeader: UInt32 = 0x0403_4B50
    static let centralDirectory: UInt32 = 0x0201_4B50
    static let endOfDirectory: UInt32 = 0x0605_4B50
    static let zip64EndOfDirectory: UInt32 = 0x0606_4B50
    static let zip64Locator: UInt32 = 0x0706_4B50
    static let dataDescriptor: UInt32 = 0x0807_4B50
    /// The optional digital signature after the central directory.
    static let directorySignature: UInt32 = 0x0505_4B50
    /// "PK00": written before the first header by some spanning tools.
    static let spanningMarker: UInt32 = 0x3030_4B50
}

/// What an archive records about one member, from its central-directory record or its local
/// header.
struct ZipEntry {
    var name: String
    var flags: UInt16
    var method: UInt16
    var checksum: UInt32
    var compressedSize: Int64
    var size: Int64
    var localHeaderOffset: Int64 = 0
    /// The sizes came from a zip64 extra field: a data descriptor then has 64-bit sizes.
    var hasZip64Sizes = false

    /// Parses a central-directory record (46 bytes, name, extra field, comment).
    init(centralRecord record: UnsafeRawBufferPointer) {
        flags = record.littleEndian16(at: 8)
        method = record.littleEndian16(at: 10)
        checksum = record.littleEndian32(at: 16)
        compressedSize = Int64(record.littleEndian32(at: 20))
        size = Int64(record.littleEndian32(at: 24))
        localHeaderOffset = Int64(record.littleEndian32(at: 42))
        let nameLength = Int(record.littleEndian16(at: 28))
        let extraLength = Int(record.littleEndian16(at: 30))
        name = ZipEntry.decodeName(UnsafeRawBufferPointer(rebasing: record[46..<(46 + nameLength)]))
        applyZip64(
            UnsafeRawBufferPointer(rebasing: record[(46 + nameLength)..<(46 + nameLength + extraLength)]),
            isLocal: false
        )
    }

    /// Parses a local header (30 bytes, name, extra field).
    init(localHeader header: UnsafeRawBufferPointer) {
        flags = header.littleEndian16(at: 6)
        method = header.littleEndian16(at: 8)
        checksum = header.littleEndian32(at: 14)
        compressedSize = Int64(header.littleEndian32(at: 18))
        size = Int64(header.littleEndian32(at: 22))
        let nameLength = Int(header.littleEndian16(at: 26))
        let extraLength = Int(header.littleEndian16(at: 28))
        name = ZipEntry.decodeName(UnsafeRawBufferPointer(rebasing: header[30..<(30 + nameLength)]))
        applyZip64(
            UnsafeRawBufferPointer(rebasing: header[(30 + nameLength)..<(30 + nameLength + extraLength)]),
            isLocal: true
        )
    }

    /// Why a member whose recorded data runs past the archive's data (into its central
    /// directory, or past its end) is read only up to there: `available` bytes of the declared
    /// compressed size lie in the archive's data.
    func overrunReason(available: Int64) -> String {
        "member data runs past the archive's data (declared \(compressedSize) bytes, \(available) available): "
            + "read as a truncated member"
    }

    /// Encryption flag (traditional or strong encryption).
    var isEncrypted: Bool { flags & 0x0041 != 0 }
    var hasDataDescriptor: Bool { flags & 0x0008 != 0 }
    var isDirectory: Bool { Locator.normalizedMemberName(name).hasSuffix("/") }

    /// Why the member cannot be read (it is then named and skipped), or nil.
    var skipReason: String? {
        if isEncrypted {
            // Readers hand encrypted members to libarchive when passwords were given: one
            // that arrives here had none, or uses PKWARE's strong encryption, which none reads.
            if flags & 0x0040 != 0 { return "encrypted member (PKWARE strong encryption): not read" }
            let kind = method == 99 ? " (AES)" : ""
            return "encrypted member\(kind): not read: give the pack's password with --archive-password"
        }
        switch method {
        case 0, 8: return nil
        default:
            let known = ZipEntry.methodNames[method].map { " (\($0))" } ?? ""
            return "unsupported compression method \(method)\(known): not read"
        }
    }

    private static let methodNames: [UInt16: String] = [
        1: "shrink", 2: "reduce", 3: "reduce", 4: "reduce", 5: "reduce", 6: "implode", 9: "deflate64",
        10: "PKWARE imploding", 12: "bzip2", 14: "lzma", 18: "IBM TERSE", 19: "IBM LZ77", 20: "zstd", 93: "zstd",
        95: "xz", 96: "jpeg", 97: "wavpack", 98: "ppmd", 99: "AES",
    ]

    /// Names are UTF-8 when flagged, else an OEM code page: valid UTF-8 is read as UTF-8 and
    /// anything else as Windows-1252, which keeps every name readable.
    private static func decodeName(_ bytes: UnsafeRawBufferPointer) -> String {
        Text.string(bytes)
    }

    /// Reads the zip64 extra field (id 1): 64-bit values for the fields saturated at 0xFFFFFFFF,
    /// in order (size, compressed size, local header offset). A local header's carries both sizes.
    private mutating func applyZip64(_ extra: UnsafeRawBufferPointer, isLocal: Bool) {
        var index = 0
        while index + 4 <= extra.count {
            let identifier = extra.littleEndian16(at: index)
            let length = Int(extra.littleEndian16(at: index + 2))
            let end = index + 4 + length
            guard end <= extra.count else { return }
            if identifier == 0x0001 {
                var cursor = index + 4
                func nextValue() -> Int64? {
                    guard cursor + 8 <= end else { return nil }
                    defer { cursor += 8 }
                    return Int64(clamping: extra.littleEndian64(at: cursor))
                }
                let hasBothSizes = isLocal && length >= 16
                if size == 0xFFFF_FFFF || hasBothSizes, let value = nextValue() { size = value }
                if compressedSize == 0xFFFF_FFFF || hasBothSizes, let value = nextValue() { compressedSize = value }
                if !isLocal && localHeaderOffset == 0xFFFF_FFFF, let value = nextValue() { localHeaderOffset = value }
                hasZip64Sizes = true
            }
            index = end
        }
    }
}

/// Where a seekable archive's central directory lies.
struct ZipDirectory {
    var start: Int64
    /// Where the end records begin.
    var end: Int64
    /// Added to recorded offsets: the archive's distance from where its offsets count from
    /// (nonzero when data was prepended, as in a self-extractor).
    var shift: Int64
    /// Bytes after the end record and its comment: nothing a zip reader reads.
    var trailingBytes: Int64 = 0

    /// Finds the end-of-central-directory record (and its zip64 form) in the archive's last
    /// 64 KiB; nil when there is none (a truncated archive).
    static func locate(in archive: FileWindow) throws(DecodeFault) -> ZipDirectory? {
        let tailLength = min(archive.length, 22 + 0xFFFF)
        let tailStart = archive.length - tailLength
        let tail = try archive.bytes(at: tailStart, count: Int(tailLength))
        guard let record = endRecord(in: tail) else { return nil }
        let endOffset = tailStart + Int64(record)
        let trailing = Int64(tail.count - (record + 22 + Int(tail.littleEndian16(at: record + 20))))
        var directorySize = Int64(tail.littleEndian32(at: record + 12))
        var directoryOffset = Int64(tail.littleEndian32(at: record + 16))
        var directoryEnd = endOffset
        if endOffset >= 20 {
            let locator = try archive.bytes(at: endOffset - 20, count: 20)
            if locator.count == 20 && locator.littleEndian32(at: 0) == ZipSignature.zip64Locator {
                // The recorded offset, or right before the locator if data was prepended.
                let recorded = Int64(clamping: locator.littleEndian64(at: 8))
                for candidate in [recorded, endOffset - 20 - 56] where candidate >= 0 {
                    let zip64Record = try archive.bytes(at: candidate, count: 56)
                    if zip64Record.count == 56 && zip64Record.littleEndian32(at: 0) == ZipSignature.zip64EndOfDirectory
                    {
                        directorySize = Int64(clamping: zip64Record.littleEndian64(at: 40))
                        directoryOffset = Int64(clamping: zip64Record.littleEndian64(at: 48))
                        directoryEnd = candidate
                        break
                    }
                }
            }
        }
        let (impliedStart, overflow) = directoryEnd.subtractingReportingOverflow(directorySize)
        for start in [directoryOffset, overflow ? -1 : impliedStart] where start >= 0 && start <= directoryEnd {
            let shift = start - directoryOffset
            if start == directoryEnd {
                return ZipDirectory(start: start, end: directoryEnd, shift: shift, trailingBytes: trailing)
            }
            let signature = try archive.bytes(at: start, count: 4)
            if signature.count == 4 && signature.littleEndian32(at: 0) == ZipSignature.centralDirectory {
                return ZipDirectory(start: start, end: directoryEnd, shift: shift, trailingBytes: trailing)
            }
        }
        return nil
    }

    /// Where the central directory starts in `bytes`, the last bytes of a zip stream read
    /// forward (end records included): the end record (or its zip64 form just before the
    /// locator) less the directory's recorded size, where a directory record (or the end
    /// record, for an empty directory) is found. nil when `bytes` do not end with end records.
    static func impliedStart(in bytes: [UInt8]) -> Int? {
        let tailStart = max(0, bytes.count - (22 + 0xFFFF))
        guard let found = endRecord(in: Array(bytes[tailStart...])) else { return nil }
        let record = tailStart + found
        var directoryEnd = record
        var directorySize = Int64(bytes.littleEndian32(at: record + 12))
        let zip64Record = record - 20 - 56
        if zip64Record >= 0 && bytes.littleEndian32(at: record - 20) == ZipSignature.zip64Locator
            && bytes.littleEndian32(at: zip64Record) == ZipSignature.zip64EndOfDirectory
        {
            directoryEnd = zip64Record
            directorySize = Int64(clamping: bytes.littleEndian64(at: zip64Record + 40))
        }
        guard directorySize <= Int64(directoryEnd) else { return nil }
        let start = directoryEnd - Int(directorySize)
        guard start == record || bytes.littleEndian32(at: start) == ZipSignature.centralDirectory else { return nil }
        return start
    }

    /// The offset of the last end record in `tail` whose comment reaches exactly to the end
    /// (else the last one whose comment fits).
    private static func endRecord(in tail: [UInt8]) -> Int? {
        guard tail.count >= 22 else { return nil }
        var fallback: Int?
        for offset in stride(from: tail.count - 22, through: 0, by: -1)
        where tail[offset] == 0x50 && tail.littleEndian32(at: offset) == ZipSignature.endOfDirectory {
            let commentEnd = offset + 22 + Int(tail.littleEndian16(at: offset + 20))
            if commentEnd == tail.count { return offset }
            if commentEnd < tail.count && fallback == nil { fallback = offset }
        }
        return fallback
    }
}

/// The parts of a seekable archive that its members' data has been read from, so that none is
/// read twice. Members of a sound archive never share data; a central directory that lists the
/// same data again (an overlapping zip bomb, or nested stored zips whose repeated entries
/// multiply the reads level by level) names a hostile archive.
///
/// Spans are kept sorted and disjoint, and merged when less than a local header apart: every
/// member's span is at least a local header long, so one that touches such a gap touches a
/// neighbour too, and merging changes no answer (a sound archive read in order is one span).
/// Spans met out of order wait in a small sorted side list, merged in when it grows past the
/// square root of the rest, so that no order of entries makes the bookkeeping quadratic.
struct ZipDataLedger {
    /// No member's span is shorter: its local header alone is 30 bytes.
    static let minimumSpan: Int64 = 30
    private var settled: [Range<Int64>] = []
    private var recent: [Range<Int64>] = []

    /// Whether `span` shares a byte with a span read already.
    func overlaps(_ span: Range<Int64>) -> Bool {
        Self.overlaps(span, in: settled) || Self.overlaps(span, in: recent)
    }

    /// Records `span` as read; the caller has checked that it overlaps nothing.
    mutating func claim(_ span: Range<Int64>) {
        guard !span.isEmpty else { return }
        let isAfterSettled = settled.last.map { span.lowerBound >= $0.upperBound } ?? true
        let isAfterRecent = recent.last.map { span.lowerBound >= $0.upperBound } ?? true
        if isAfterSettled && isAfterRecent {
            Self.append(span, to: &settled)
            return
        }
        recent.insert(span, at: Self.partition(recent, before: span.lowerBound))
        if recent.count > max(64, Int(Double(settled.count).squareRoot())) {
            var merged: [Range<Int64>] = []
            merged.reserveCapacity(settled.count + recent.count)
            var (left, right) = (0, 0)
            while left < settled.count || right < recent.count {
                let takesSettled =
                    right == recent.count
                    || (left < settled.count && settled[left].lowerBound < recent[right].lowerBound)
                if takesSettled {
                    Self.append(settled[left], to: &merged)
                    left += 1
                } else {
                    Self.append(recent[right], to: &merged)
                    right += 1
                }
            }
            settled = merged
            recent.removeAll(keepingCapacity: true)
        }
    }

    /// Appends a span that starts at or after the end of the last, merging it when the gap
    /// between them is narrower than any member's span.
    private static func append(_ span: Range<Int64>, to spans: inout [Range<Int64>]) {
        if let last = spans.last, span.lowerBound - last.upperBound < minimumSpan {
            spans[spans.count - 1] = last.lowerBound..<max(last.upperBound, span.upperBound)
        } else {
            spans.append(span)
        }
    }

    /// The index of the first span of `spans` (sorted, disjoint) that starts at or after `offset`.
    private static func partition(_ spans: [Range<Int64>], before offset: Int64) -> Int {
        var (low, high) = (0, spans.count)
        while low < high {
            let middle = (low + high) / 2
            if spans[middle].lowerBound < offset { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private static func overlaps(_ span: Range<Int64>, in spans: [Range<Int64>]) -> Bool {
        // The last span starting before `span` ends is the only one that can reach into it.
        let index = partition(spans, before: span.upperBound)
        return index > 0 && spans[index - 1].upperBound > span.lowerBound
    }
}

extension [UInt8] {
    /// Little-endian integers of small headers read with `FileWindow.bytes`; the caller has
    /// checked the bounds.
    func littleEndian16(at offset: Int) -> UInt16 {
        UInt16(self[offset]) | UInt16(self[offset + 1]) << 8
    }

    func littleEndian32(at offset: Int) -> UInt32 {
        UInt32(littleEndian16(at: offset)) | UInt32(littleEndian16(at: offset + 2)) << 16
    }

    func littleEndian64(at offset: Int) -> UInt64 {
        UInt64(littleEndian32(at: offset)) | UInt64(littleEndian32(at: offset + 4)) << 32
    }
}

extension DecodeSession {
    /// Reads a seekable zip through its central directory: each member is read from its own
    /// offset, so a damaged member costs nothing but itself. Without a central directory (a
    /// truncated archive) the local headers are read in order instead.
    func readZip(_ archive: FileWindow, _ name: StreamName, depth: Int) throws(DecodeFault) {
        guard let directory = try ZipDirectory.locate(in: archive) else {
            diagnostics.error(
                name.locator,
                "no central directory (truncated archive?): members read in order from their local headers"
            )
            let reader = ByteReader(WindowStream(archive, locator: name.locator), pool: pool)
            try readZip(streaming: reader, name, depth: depth, expectsDirectory: false)
            return
        }
        if directory.trailingBytes > 0 {
            diagnostics.error(
                name.locator,
                "\(directory.trailingBytes) bytes after the end of the zip archive: not read"
            )
        }
        let region = archive.window(offset: directory.start, length: directory.end - directory.start)
        let records = ByteReader(WindowStream(region, locator: name.locator), pool: pool)
        var count = 0
        // Each member's data is read once. An entry that points at data already read for another
        // (the same local header listed again, or data overlapping another member's: an
        // overlapping zip bomb, or nested stored zips whose repeated entries multiply the reads
        // level by level) is skipped, and the archive named as hostile.
        var ledger = ZipDataLedger()
        var overlapping = 0
        defer {
            if overlapping > 0 {
                diagnostics.error(
                    name.locator,
                    "hostile archive: \(overlapping) central-directory "
                        + (overlapping == 1 ? "entry points" : "entries point")
                        + " at data already read for another member (overlapping zip bomb?): skipped"
                )
            }
        }
        // A decompressor's reader reads ahead of its member's data, within the recorded size, by
        // up to a buffer: entries that record sizes far beyond their data would each read a whole
        // buffer, and pass every per-member limit while the archive's cost grows without bound.
        // What members read may take the archive's size, plus one buffer of slack so that a
        // single member whose recorded size is too large costs only itself.
        var memberData: Int64 = 0
        while !expansion.isExhausted {
            let fixed = try records.peek(46)
            if fixed.count < 4 { return }
            let signature = fixed.littleEndian32(at: 0)
            if [ZipSignature.zip64EndOfDirectory, ZipSignature.zip64Locator, ZipSignature.directorySignature]
                .contains(signature)
            {
                return
            }
            let recordLength =
                fixed.count >= 46
                ? 46 + Int(fixed.littleEndian16(at: 28)) + Int(fixed.littleEndian16(at: 30))
                    + Int(fixed.littleEndian16(at: 32)) : 46
            let record = try records.peek(recordLength)
            guard signature == ZipSignature.centralDirectory, record.count >= recordLength else {
                throw DecodeFault(
                    locator: name.locator,
                    reason: "central directory damaged after \(count) members: the rest of the archive is skipped"
                )
            }
            let entry = ZipEntry(centralRecord: record)
            records.consume(recordLength)
            count += 1
            let outcome = readDirectoryMember(
                entry,
                in: archive,
                shift: directory.shift,
                dataEnd: directory.start,
                name,
                depth: depth,
                ledger: &ledger
            )
            switch outcome {
            case .read(let bytes): memberData += bytes
            case .overlapping: overlapping += 1
            }
            if memberData > archive.length + Int64(BufferPool.bufferSize) {
                throw DecodeFault(
                    locator: name.locator,
                    reason: "members overlap: reading the first \(count) took more than the archive's "
                        + "\(archive.length) bytes (zip bomb?): the rest of the archive is skipped"
                )
            }
        }
    }

    enum DirectoryMemberOutcome {
        /// Bytes of the archive read for the member's data (a decompressor's reader reads ahead
        /// of it, within the recorded size, by at most one buffer).
        case read(Int64)
        /// The entry's local header or data lies in data already read for another member: it is
        /// not read.
        case overlapping
    }

    /// Reads one member located through the central directory; a fault is the member's alone.
    /// `ledger` holds what the archive's members have read so far: a member whose data lies
    /// there is not read, and what this one reads is added. Members' data ends at `dataEnd`
    /// (where the central directory starts).
    private func readDirectoryMember(
        _ entry: ZipEntry,
        in archive: FileWindow,
        shift: Int64,
        dataEnd: Int64,
        _ name: StreamName,
        depth: Int,
        ledger: inout ZipDataLedger
    ) -> DirectoryMemberOutcome {
        let memberName = name.member(entry.name)
        if entry.isDirectory { return .read(0) }
        if readsEncrypted(entry) {
            return readEncryptedDirectoryMember(
                entry,
                in: archive,
                shift: shift,
                dataEnd: dataEnd,
                memberName,
                depth: depth,
                ledger: &ledger
            )
        }
        if let reason = entry.skipReason {
            // Content not read (an encrypted member, another method): the input is incomplete.
            diagnostics.error(memberName.locator, reason)
            return .read(0)
        }
        let headerOffset = entry.localHeaderOffset &+ shift
        // A local header listed again is known without reading it.
        if headerOffset >= 0 && headerOffset <= archive.length - ZipDataLedger.minimumSpan
            && ledger.overlaps(headerOffset..<(headerOffset + ZipDataLedger.minimumSpan))
        {
            return .overlapping
        }
        var dataRead: WindowStream?
        do throws(DecodeFault) {
            let header = try archive.bytes(at: headerOffset, count: 30)
            guard header.count == 30, header.littleEndian32(at: 0) == ZipSignature.localHeader else {
                throw DecodeFault(
                    locator: memberName.locator,
                    reason: "bad local header at offset \(headerOffset): skipped"
                )
            }
            let dataOffset =
                headerOffset + 30 + Int64(header.littleEndian16(at: 26)) + Int64(header.littleEndian16(at: 28))
            // The data lies before the central directory: a recorded size that runs past it would
            // read the directory and the end records as the member's (binary junk, hiding the
            // text before them). What lies inside is read, as a truncated member.
            let available = min(entry.compressedSize, max(0, dataEnd - dataOffset))
            let overrun =
                available < entry.compressedSize
                ? DecodeFault(locator: memberName.locator, reason: entry.overrunReason(available: available)) : nil
            let data = archive.window(offset: dataOffset, length: available)
            let dataStart = data.start - archive.start
            let span = headerOffset..<(dataStart + data.length)
            if ledger.overlaps(span) { return .overlapping }
            if let overrun, entry.method == 0 {
                // Stored data is all content: it is known now to be cut short.
                diagnostics.error(overrun.locator, overrun.reason)
            }
            // Deflate data ends by itself: only a decompressor that needs more than lies inside
            // finds the member cut short.
            let window = WindowStream(
                data,
                locator: memberName.locator,
                pastEnd: entry.method == 0 ? nil : overrun
            )
            dataRead = window
            let stream: any ByteStream
            var inflater: InflateStream?
            if entry.method == 0 {
                // Stored data may be read anywhere in its window (a zip inside is read at random).
                ledger.claim(span)
                stream = window
            } else {
                let inflating = try inflate(ByteReader(window, pool: pool), .raw, locator: memberName.locator)
                inflater = inflating
                stream = inflating
            }
            let checked = ChecksumStream(
                stream,
                expected: overrun != nil && entry.method == 0
                    ? nil : ZipIntegrity(checksum: entry.checksum, size: entry.size),
                locator: memberName.locator
            )
            // A stored member is a window of the file: a zip inside it is read at random too.
            _ = readMember(
                checked,
                memberName,
                depth: depth,
                seekable: entry.method == 0 ? data : nil,
                sizeHint: entry.size,
                isStored: entry.method == 0
            )
            if let inflater {
                // Deflate data ends by itself: the member's data is what the decompressor took,
                // even when the recorded size is larger.
                ledger.claim(headerOffset..<(dataStart + min(inflater.compressedCount, data.length)))
            }
        } catch {
            diagnostics.error(error.locator, error.reason)
        }
        return .read(dataRead?.offset ?? 0)
    }

    /// Reads a zip in one forward pass over its local headers (standard input, pipes, archives
    /// inside compressed members). Deflate data ends by itself; stored data with a data
    /// descriptor ends at the descriptor whose size matches. After a damaged member, reading
    /// resumes at the next local header found.
    func readZip(
        streaming reader: ByteReader,
        _ name: StreamName,
        depth: Int,
        expectsDirectory: Bool
    ) throws(DecodeFault) {
        while !expansion.isExhausted {
            let head = try reader.peek(4)
            guard head.count >= 4 else {
                if expectsDirectory {
                    throw DecodeFault(
                        locator: name.locator,
                        reason: "truncated zip archive: ends without a central directory"
                    )
                }
                return
            }
            switch head.littleEndian32(at: 0) {
            case ZipSignature.localHeader:
                switch try readLocalMember(reader, name, depth: depth) {
                case .next: continue
                case .stop: return
                case .lost: if !(try resynchronize(reader)) { return }
                }
            case ZipSignature.centralDirectory, ZipSignature.endOfDirectory, ZipSignature.zip64EndOfDirectory:
                return
            case ZipSignature.dataDescriptor where reader.position == 0,
                ZipSignature.spanningMarker where reader.position == 0:
                reader.consume(4)
            default:
                diagnostics.error(
                    name.locator,
                    "bad zip local header at offset \(reader.position): skipping to the next member"
                )
                if !(try resynchronize(reader)) { return }
            }
        }
    }

    private enum LocalMemberOutcome {
        /// The reader stands at the next record.
        case next
        /// The member's end is unknown (damaged data): look for the next header.
        case lost
        /// The archive's own stream failed (already reported).
        case stop
    }

    private func readLocalMember(_ reader: ByteReader, _ name: StreamName, depth: Int) throws(DecodeFault)
        -> LocalMemberOutcome
    {
        let offset = reader.position
        let fixed = try reader.peek(30)
        let headerLength =
            fixed.count >= 30 ? 30 + Int(fixed.littleEndian16(at: 26)) + Int(fixed.littleEndian16(at: 28)) : 30
        let header = try reader.peek(headerLength)
        guard header.count >= headerLength else {
            throw DecodeFault(
                locator: name.locator,
                reason: "truncated zip archive: local header at offset \(offset) is cut short"
            )
        }
        let entry = ZipEntry(localHeader: header)
        let headerBytes = readsEncrypted(entry) ? Array(header[0..<headerLength]) : []
        reader.consume(headerLength)
        let memberName = name.member(entry.name)
        if readsEncrypted(entry) {
            try readEncryptedLocalMember(reader, header: headerBytes, entry, memberName, depth: depth)
            return .next
        }
        if let reason = entry.skipReason {
            // Content not read (an encrypted member, another method): the input is incomplete.
            diagnostics.error(memberName.locator, reason)
            try skipLocalData(reader, entry, memberName)
            return .next
        }
        var inflater: InflateStream?
        var delimited: DescriptorDelimitedStream?
        var limited: LimitedStream?
        /// The member's data runs past the archive's data: it is read up to the central directory.
        var isCutShort = false
        let data: any ByteStream
        if entry.method == 8 {
            let stream = try inflate(reader, .raw, locator: memberName.locator)
            inflater = stream
            data = stream
        } else if entry.hasDataDescriptor && entry.compressedSize == 0 {
            let stream = DescriptorDelimitedStream(reader, sizesAreEqual: true, locator: memberName.locator)
            delimited = stream
            data = stream
        } else {
            var length = entry.compressedSize
            if let available = try storedDataBeforeDirectory(reader, entry) {
                diagnostics.error(memberName.locator, entry.overrunReason(available: available))
                length = available
                isCutShort = true
            }
            let stream = LimitedStream(reader, length: length, locator: memberName.locator)
            limited = stream
            data = stream
        }
        let checked = ChecksumStream(
            data,
            expected: entry.hasDataDescriptor || isCutShort
                ? nil : ZipIntegrity(checksum: entry.checksum, size: entry.size),
            locator: memberName.locator
        )
        // A folder entry holds nothing to read; its data, if any, is only passed over.
        let member =
            entry.isDirectory
            ? ByteReader(checked, pool: pool)
            : readMember(
                checked,
                memberName,
                depth: depth,
                sizeHint: entry.hasDataDescriptor ? nil : entry.size,
                isStored: entry.method == 0
            )
        guard reader.failure == nil, !expansion.isExhausted else { return .stop }
        if member.failure == nil {
            // Read what the member's reader left (an ignored document, the rest after an archive).
            do {
                try member.drain()
            } catch {
                diagnostics.error(error.locator, error.reason)
            }
            guard reader.failure == nil, !expansion.isExhausted else { return .stop }
        }
        if member.failure != nil {
            if let limited {
                try reader.skip(limited.remaining)
            } else if inflater?.isFinished != true && delimited?.isEnded != true {
                return .lost
            }
        }
        // A member cut short at the central directory has no descriptor after it.
        if entry.hasDataDescriptor && !isCutShort {
            let compressed = inflater?.compressedCount ?? delimited?.delivered ?? limited?.delivered ?? 0
            let descriptor = try readDataDescriptor(reader, entry: entry, compressedSize: compressed, memberName)
            if member.failure == nil,
                let problem = descriptor.mismatch(checksum: checked.checksum, size: checked.size)
            {
                diagnostics.error(memberName.locator, problem)
            }
        }
        return .next
    }

    /// In a forward pass, the bytes of a stored member's declared data that come before the
    /// archive's central directory, when the data runs past it: the stream then ends within the
    /// declared size, and its last bytes are the directory and the end records. nil when the
    /// data lies inside, or when that cannot be told (a member larger than a reader buffer is
    /// found cut short only at the stream's end, as a truncated member).
    private func storedDataBeforeDirectory(_ reader: ByteReader, _ entry: ZipEntry) throws(DecodeFault) -> Int64? {
        let wanted = Int(min(entry.compressedSize, Int64(BufferPool.bufferSize)))
        // `sample`: a stream that fails here fails for the member's reader too, after the bytes
        // before the failure were delivered.
        let view = try reader.sample(wanted)
        guard view.count < wanted, reader.failure == nil else { return nil }
        return ZipDirectory.impliedStart(in: Array(view)).map { Int64($0) }
    }

    /// Moves past the data of a member that is not read (encrypted, unsupported method).
    private func skipLocalData(_ reader: ByteReader, _ entry: ZipEntry, _ memberName: StreamName) throws(DecodeFault) {
        var compressed = entry.compressedSize
        if entry.hasDataDescriptor && compressed == 0 {
            let delimited = DescriptorDelimitedStream(reader, sizesAreEqual: false, locator: memberName.locator)
            try ByteReader(delimited, pool: pool).drain()
            compressed = delimited.delivered
        } else {
            let skipped = try reader.skip(compressed)
            guard skipped == compressed else {
                throw DecodeFault(
                    locator: memberName.locator,
                    reason: "truncated archive: member data ends after \(skipped) of \(compressed) bytes"
                )
            }
        }
        if entry.hasDataDescriptor {
            _ = try readDataDescriptor(reader, entry: entry, compressedSize: compressed, memberName)
        }
    }

    /// Reads the data descriptor after a member (signature optional; 64-bit sizes after a zip64
    /// header, or when only the 64-bit reading matches the compressed size).
    func readDataDescriptor(
        _ reader: ByteReader,
        entry: ZipEntry,
        compressedSize: Int64,
        _ memberName: StreamName
    ) throws(DecodeFault) -> ZipIntegrity {
        let view = try reader.peek(24)
        let start = view.count >= 4 && view.littleEndian32(at: 0) == ZipSignature.dataDescriptor ? 4 : 0
        var isWide = entry.hasZip64Sizes
        if !isWide && view.count >= start + 20
            && view.littleEndian32(at: start + 4) != UInt32(truncatingIfNeeded: compressedSize)
            && view.littleEndian64(at: start + 4) == UInt64(compressedSize)
        {
            isWide = true
        }
        let length = start + (isWide ? 20 : 12)
        guard view.count >= length else {
            throw DecodeFault(locator: memberName.locator, reason: "truncated archive: data descriptor is cut short")
        }
        let size =
            isWide ? Int64(clamping: view.littleEndian64(at: start + 12)) : Int64(view.littleEndian32(at: start + 8))
        let integrity = ZipIntegrity(
            checksum: view.littleEndian32(at: start),
            size: size,
            sizeIsTruncatedTo32Bits: !isWide
        )
        reader.consume(length)
        return integrity
    }

    /// After damage, moves to the next local header (or the central directory); false when the
    /// stream ends first.
    private func resynchronize(_ reader: ByteReader) throws(DecodeFault) -> Bool {
        while true {
            let view = try reader.peek(4)
            if view.count < 4 {
                reader.consume(view.count)
                return false
            }
            var from = 0
            while let candidate = Bytes.index(of: 0x50, in: view, from: from), candidate + 4 <= view.count {
                let signature = view.littleEndian32(at: candidate)
                if signature == ZipSignature.localHeader || signature == ZipSignature.centralDirectory
                    || signature == ZipSignature.endOfDirectory
                {
                    reader.consume(candidate)
                    return true
                }
                from = candidate + 1
            }
            reader.consume(max(1, view.count - 3))
        }
    }
}
