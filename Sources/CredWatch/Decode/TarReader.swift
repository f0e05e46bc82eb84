/// One 512-byte tar header (v7, ustar, GNU).
struct TarHeader {
    static let blockSize = 512
    /// Larger sizes are treated as damage (and keep the padding arithmetic far from overflow).
    static let maxSize: Int64 = 1 << 50
    /// `name`, with the ustar `prefix` in front when there is one.
    var name: String
    var type: UInt8
    var size: Int64

    /// Parses a header whose checksum and size field are valid; nil otherwise.
    init?(_ block: UnsafeRawBufferPointer) {
        guard block.count >= TarHeader.blockSize, TarHeader.checksumMatches(block),
            let size = TarHeader.number(block, 124..<136), (0...TarHeader.maxSize).contains(size)
        else { return nil }
        self.size = size
        type = block[156]
        let baseName = TarHeader.string(block, 0..<100)
        let prefix = TarHeader.isPOSIX(block) ? TarHeader.string(block, 345..<500) : ""
        name = prefix.isEmpty ? baseName : prefix + "/" + baseName
    }

    /// A tar archive starts here: the ustar magic, or (v7 tar) a valid header checksum.
    static func isHeader(_ head: UnsafeRawBufferPointer) -> Bool {
        guard head.count >= blockSize else { return false }
        let hasMagic =
            head[257] == 0x75 && head[258] == 0x73 && head[259] == 0x74 && head[260] == 0x61 && head[261] == 0x72
        return hasMagic || (head[0] != 0 && checksumMatches(head))
    }

    /// The header's checksum: its bytes summed with the checksum field read as spaces (unsigned,
    /// or signed as some old tars wrote it).
    static func checksumMatches(_ block: UnsafeRawBufferPointer) -> Bool {
        guard let recorded = number(block, 148..<156) else { return false }
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for index in 0..<blockSize {
            let byte = (148..<156).contains(index) ? 0x20 : block[index]
            unsigned += Int64(byte)
            signed += Int64(Int8(bitPattern: byte))
        }
        return recorded == unsigned || recorded == signed
    }

    /// "ustar\0": the POSIX layout, whose `prefix` field extends the name (GNU tar uses those
    /// bytes for other things).
    private static func isPOSIX(_ block: UnsafeRawBufferPointer) -> Bool {
        Array(block[257..<263]) == [0x75, 0x73, 0x74, 0x61, 0x72, 0x00]
    }

    /// A numeric field: octal digits (leading spaces, ending at NUL or space), or GNU base-256
    /// (high bit of the first byte set). nil when malformed or negative.
    static func number(_ block: UnsafeRawBufferPointer, _ range: Range<Int>) -> Int64? {
        if block[range.lowerBound] & 0x80 != 0 {
            guard block[range.lowerBound] == 0x80 else { return nil }
            var value: Int64 = 0
            for index in range.dropFirst() {
                guard value <= Int64.max >> 8 else { return nil }
                value = value << 8 | Int64(block[index])
            }
            return value
        }
        var index = range.lowerBound
        while index < range.upperBound && block[index] == 0x20 { index += 1 }
        var value: Int64 = 0
        var digits = 0
        while index < range.upperBound, (0x30...0x37).contains(block[index]) {
            guard value <= Int64.max >> 3 else { return nil }
            value = value << 3 | Int64(block[index] - 0x30)
            digits += 1
            index += 1
        }
        guard digits > 0, index == range.upperBound || block[index] == 0 || block[index] == 0x20 else { return nil }
        return value
    }

    /// A NUL-terminated text field.
    private static func string(_ block: UnsafeRawBufferPointer, _ range: Range<Int>) -> String {
        let field = UnsafeRawBufferPointer(rebasing: block[range])
        let length = Bytes.index(of: 0, in: field) ?? field.count
        return Text.string(UnsafeRawBufferPointer(rebasing: field[0..<length]))
    }
}

/// Attributes that pax extended headers (`x` for the next member, `g` for all that follow) and
/// GNU long-name entries (`L`) carry for members.
struct TarAttributes {
    var path: String?
    var size: Int64?

    /// Reads pax records (`"<length> <key>=<value>\n"`); keeps `path` and `size`.
    mutating func merge(paxRecords data: [UInt8]) {
        var index = 0
        while index < data.count {
            var cursor = index
            var length = 0
            while cursor < data.count, (0x30...0x39).contains(data[cursor]), length <= data.count {
                length = length * 10 + Int(data[cursor] - 0x30)
                cursor += 1
            }
            let end = index + length
            guard cursor < data.count, data[cursor] == 0x20, length > 0, end <= data.count, end > cursor + 1,
                data[end - 1] == 0x0A
            else { return }
            let record = data[(cursor + 1)..<(end - 1)]
            if let equals = record.firstIndex(of: 0x3D) {
                let key = record[..<equals]
                let value = Array(record[(equals + 1)...])
                if key.elementsEqual("path".utf8) {
                    path = Text.string(value)
                } else if key.elementsEqual("size".utf8), let number = Int64(Text.string(value)),
                    (0...TarHeader.maxSize).contains(number)
                {
                    size = number
                }
            }
            index = end
        }
    }
}

extension DecodeSession {
    /// Extended headers and long names larger than this are skipped (with a warning).
    private static let maxTarMetadata = 1 << 20

    /// Reads a tar stream header by header; each regular member is read like any stream (it may
    /// itself be an archive). A damaged header ends the archive: its position is then unknown.
    func readTar(_ reader: ByteReader, _ name: StreamName, depth: Int) throws(DecodeFault) {
        var next = TarAttributes()
        var global = TarAttributes()
        // Past the end-of-archive blocks, a header is read on (archives concatenated, as
        // `tar -i` reads them); anything else there is content not read.
        var endedAt: Int64?
        while !expansion.isExhausted {
            let offset = reader.position
            let view = try reader.peek(TarHeader.blockSize)
            if view.isEmpty { return }
            let block = UnsafeRawBufferPointer(rebasing: view[0..<min(view.count, TarHeader.blockSize)])
            if endedAt != nil && block.count < TarHeader.blockSize && block.allSatisfy({ $0 == 0 }) { return }
            guard block.count == TarHeader.blockSize else {
                throw DecodeFault(
                    locator: name.locator,
                    reason: "truncated tar archive: header at offset \(offset) is cut short"
                )
            }
            if block.allSatisfy({ $0 == 0 }) {
                endedAt = endedAt ?? offset
                reader.consume(TarHeader.blockSize)
                continue
            }
            guard let header = TarHeader(block) else {
                if let endedAt {
                    throw DecodeFault(
                        locator: name.locator,
                        reason:
                            "data after the end of the tar archive (offset \(endedAt)), at offset \(offset): not read"
                    )
                }
                throw DecodeFault(
                    locator: name.locator,
                    reason: "damaged tar header at offset \(offset) (bad checksum or size): rest of the archive skipped"
                )
            }
            endedAt = nil
            reader.consume(TarHeader.blockSize)
            let isMetadata = [UInt8(ascii: "x"), UInt8(ascii: "X"), UInt8(ascii: "g"), UInt8(ascii: "L")].contains(
                header.type
            )
            // A pax size applies to the member that follows, not to another extended header.
            let size = isMetadata ? header.size : next.size ?? global.size ?? header.size
            let padding = (Int64(TarHeader.blockSize) - size % Int64(TarHeader.blockSize)) % Int64(TarHeader.blockSize)
            if isMetadata {
                if let data = try readTarMetadata(reader, size: size, name, offset: offset) {
                    switch header.type {
                    case UInt8(ascii: "g"): global.merge(paxRecords: data)
                    case UInt8(ascii: "L"): next.path = Text.string(Array(data.prefix { $0 != 0 }))
                    default: next.merge(paxRecords: data)
                    }
                }
                try reader.skip(padding)
                continue
            }
            switch header.type {
            case UInt8(ascii: "S"), UInt8(ascii: "M"):
                let path = next.path ?? global.path ?? header.name
                diagnostics.error(
                    name.member(path).locator,
                    "GNU sparse or multi-volume tar member: not read (not supported)"
                )
                try reader.skip(size + padding)
            case UInt8(ascii: "1"), UInt8(ascii: "2"), UInt8(ascii: "3"), UInt8(ascii: "4"), UInt8(ascii: "5"),
                UInt8(ascii: "6"), UInt8(ascii: "D"), UInt8(ascii: "K"), UInt8(ascii: "N"), UInt8(ascii: "V"):
                // Links, devices, directories, volume labels: no content of their own.
                try reader.skip(size + padding)
            default:
                let path = next.path ?? global.path ?? header.name
                if path.hasSuffix("/") {
                    try reader.skip(size + padding)
                } else if !readTarMember(reader, name.member(path), size: size, padding: padding, depth: depth) {
                    return
                }
            }
            next = TarAttributes()
        }
    }

    /// Reads one regular member; false when the archive cannot go on.
    private func readTarMember(
        _ reader: ByteReader,
        _ memberName: StreamName,
        size: Int64,
        padding: Int64,
        depth: Int
    ) -> Bool {
        let data = LimitedStream(reader, length: size, locator: memberName.locator)
        _ = readMember(data, memberName, depth: depth, sizeHint: size, isStored: true)
        guard reader.failure == nil, !expansion.isExhausted else { return false }
        do {
            try reader.skip(data.remaining + padding)
        } catch {
            diagnostics.error(error.locator, error.reason)
            return false
        }
        return true
    }

    /// The data of an extended header or long-name entry, or nil when too large (skipped).
    private func readTarMetadata(
        _ reader: ByteReader,
        size: Int64,
        _ name: StreamName,
        offset: Int64
    ) throws(DecodeFault) -> [UInt8]? {
        guard size <= DecodeSession.maxTarMetadata else {
            diagnostics.warning(name.locator, "tar extended header of \(size) bytes at offset \(offset) ignored")
            try reader.skip(size)
            return nil
        }
        let data = try reader.readBytes(Int(size))
        guard data.count == Int(size) else {
            throw DecodeFault(
                locator: name.locator,
                reason: "truncated tar archive: extended header at offset \(offset)"
            )
        }
        return data
    }
}
