/// Decodes one text document: recognises its encoding from its first bytes (BOM, evident
/// UTF-16, binary junk), transcodes UTF-16 to UTF-8, and hands the text to a `TextAssembler`.
/// Bytes that are not valid UTF-8 are kept as they are (the parse stage reads them as
/// Windows-1252). One instance serves all the documents of an input, reusing its buffers.
final class DocumentDecoder {
    /// How much of a document's start is examined to judge its encoding.
    static let sampleLength = 4096
    /// How much of a document's start (after its BOM) is examined to judge its line ends: a
    /// document is split at CR (`LineEnding.cr`) when this much of it (all of it, when shorter)
    /// holds a CR and no LF. Deciding from the start keeps the text streamed: a document whose
    /// first LF comes later than this is still split at CR.
    static let lineEndWindow = 64 << 10
    /// A document that goes this far without a single byte other than NUL stops there, the rest
    /// named as not read. NUL bytes are dropped from text, so such a run is read for nothing: a
    /// sparse file (`truncate -s 20G`), a zero-filled disk image or a tar member of a sparse
    /// terabyte would be read for minutes or hours without a line, and end as if complete.
    /// Text holds short runs only — UTF-16 padding, NUL-separated fields, the zeroed slack of a
    /// preallocated log or of a file carved from a disk (a cluster, a few MiB at most) — far
    /// below this; and reading 16 MiB costs milliseconds, the same grace the compression-ratio
    /// guard gives a member before judging it.
    static let maxNulRun: Int64 = 16 << 20
    private let options: DecodeOptions
    private let diagnostics: Diagnostics
    private let consumer: any ChunkConsumer
    /// UTF-8 written from one reader buffer of UTF-16: at most 3 bytes per 2, plus carried
    /// state. Allocated for the first UTF-16 document.
    private var transcodeBuffer: UnsafeMutableRawBufferPointer?

    init(options: DecodeOptions, diagnostics: Diagnostics, consumer: any ChunkConsumer) {
        self.options = options
        self.diagnostics = diagnostics
        self.consumer = consumer
    }

    deinit {
        transcodeBuffer?.deallocate()
    }

    private func transcodeScratch() -> UnsafeMutableRawBufferPointer {
        if let transcodeBuffer { return transcodeBuffer }
        let buffer = UnsafeMutableRawBufferPointer.allocate(
            byteCount: BufferPool.bufferSize * 3 / 2 + 16,
            alignment: 64
        )
        buffer.bindMemory(to: UInt8.self)
        transcodeBuffer = buffer
        return buffer
    }

    /// Reads `reader` to its end as `document`. On a fault, the text read so far is delivered
    /// before the fault is thrown. Returns false when the document was stopped on purpose
    /// before its end (a run of `maxNulRun` NUL bytes), which is reported here: the rest of the
    /// stream need not be read by anyone.
    @discardableResult
    func decode(_ reader: ByteReader, document: Document, sizeHint: Int64?) throws(DecodeFault) -> Bool {
        let head = try reader.sample(DocumentDecoder.lineEndWindow + 4)
        guard !head.isEmpty else { return true }
        guard let judgement = TextJudgement(head) else {
            diagnostics.warning(document.locator, "binary data, not text: skipped")
            return true
        }
        var lineFeeds: Int?
        return try decode(reader, document: document, as: judgement, sizeHint: sizeHint, lineFeeds: &lineFeeds)
    }

    /// Reads `reader` to its end as `document`, in the encoding and with the line ends of
    /// `judgement`. When the stream starts at `sourceOffset` > 0 (a byte range of a file, see
    /// `InputRange`), the file's byte-order mark is not in it. `lineFeeds`, when not nil, gets
    /// the LF bytes read added. Returns false as the other `decode` does (the stop is reported
    /// here).
    @discardableResult
    func decode(
        _ reader: ByteReader,
        document: Document,
        as judgement: TextJudgement,
        sizeHint: Int64?,
        sourceOffset: Int64 = 0,
        lineFeeds: inout Int?
    ) throws(DecodeFault) -> Bool {
        let start = reader.position
        let (encoding, lineEnding) = (judgement.encoding, judgement.lineEnding)
        // The mark is buffered first: a range's reader (`InputRange`) has read nothing yet, and a
        // window may end inside the mark.
        let markLength =
            sourceOffset == 0 && judgement.markLength > 0
            ? min(judgement.markLength, try reader.sample(judgement.markLength).count) : 0
        reader.consume(markLength)
        var assembler = TextAssembler(
            document: document,
            consumer: consumer,
            diagnostics: diagnostics,
            options: options,
            sizeHint: sizeHint.map { $0 - Int64(markLength) },
            lineEnding: lineEnding,
            sourceOffset: sourceOffset + Int64(markLength),
            // Line 1 starts on the BOM (as `grep -b` says); a range's first line where it is.
            firstLineOffset: sourceOffset
        )
        var transcoder = encoding.utf16ByteOrder.map { UTF16Transcoder(isBigEndian: $0) }
        let transcoded = transcoder == nil ? UnsafeMutableRawBufferPointer(start: nil, count: 0) : transcodeScratch()
        var nulRun = NulRunMeter(limit: DocumentDecoder.maxNulRun)
        do throws(DecodeFault) {
            while true {
                var block = try reader.available()
                if block.isEmpty { break }
                // Measured on the bytes as stored, before they are transcoded: one comparison for
                // a block that ends in text.
                let stop = nulRun.measure(block, at: reader.position - start)
                if let stop { block = UnsafeRawBufferPointer(rebasing: block[0..<stop]) }
                if transcoder != nil {
                    // Line by line, so that each line's start in the UTF-16 bytes is known.
                    var done = 0
                    while done < block.count {
                        let (consumed, written) = transcoder!.transcode(
                            UnsafeRawBufferPointer(rebasing: block[done...]),
                            into: transcoded,
                            stoppingAtCarriageReturn: lineEnding == .cr
                        )
                        done += consumed
                        assembler.append(
                            UnsafeRawBufferPointer(rebasing: transcoded[0..<written]),
                            transcodedUpTo: reader.position - start + Int64(done)
                        )
                    }
                } else {
                    assembler.append(block)
                }
                if lineFeeds != nil { lineFeeds! += Bytes.count(of: 0x0A, in: block) }
                reader.consume(block.count)
                if stop != nil {
                    assembler.finish(isComplete: false)
                    diagnostics.error(
                        document.locator,
                        "only NUL bytes from offset \(nulRun.runStart ?? 0) for \(DocumentDecoder.maxNulRun >> 20) MiB "
                            + "(a sparse or zero-filled file?): the rest is not read"
                    )
                    return false
                }
            }
            if transcoder != nil {
                let count = transcoder!.finish(into: transcoded)
                assembler.append(
                    UnsafeRawBufferPointer(rebasing: transcoded[0..<count]),
                    transcodedUpTo: reader.position - start
                )
            }
            assembler.finish(isComplete: true)
        } catch {
            assembler.finish(isComplete: false)
            throw error
        }
        return true
    }
}

/// Measures, block by block, the run of NUL bytes a document ends with so far, to stop a
/// document at `limit` NUL bytes in a row. A block whose last byte is not NUL ends any run in one
/// comparison, so text pays nothing; the blocks of a run are tested eight bytes at a time.
struct NulRunMeter {
    let limit: Int64
    /// Where the run of NUL bytes the document ends with started (its offset in the document),
    /// or nil when the last byte measured is not NUL.
    private(set) var runStart: Int64?

    init(limit: Int64) {
        self.limit = max(1, limit)
    }

    /// Measures the document's next `block`, at `offset`: returns where in the block the run
    /// reaches `limit` (the document stops there), or nil when it does not. Blocks are no longer
    /// than `limit` (a reader's buffer, against 16 MiB): a run that starts and ends inside one
    /// block is then shorter than the limit, and only the runs at its ends are measured.
    mutating func measure(_ block: UnsafeRawBufferPointer, at offset: Int64) -> Int? {
        assert(block.count <= limit, "blocks are measured whole: none may hold a run longer than the limit")
        guard let last = block.last else { return nil }
        if let runStart {
            let end = runStart + limit - offset
            let firstData = Bytes.firstIndex(notEqualTo: 0, in: block) ?? block.count
            if Int64(firstData) >= end { return Int(max(0, end)) }
            if firstData == block.count { return nil }
            self.runStart = nil
        }
        guard last == 0 else { return nil }
        let start = offset + Int64(Bytes.lastIndex(notEqualTo: 0, in: block).map { $0 + 1 } ?? 0)
        runStart = start
        let end = start + limit - offset
        return Int64(block.count) >= end ? Int(end) : nil
    }
}

/// How a document's bytes are read, judged from its first bytes: its encoding, the length of
/// its byte-order mark and what its lines end with.
struct TextJudgement {
    var encoding: TextEncoding
    var markLength: Int
    var lineEnding: LineEnding

    /// nil when `head` looks like binary data, not text.
    init?(_ head: UnsafeRawBufferPointer) {
        (encoding, markLength) = TextEncoding.detect(head)
        if encoding == .eightBit && TextEncoding.looksBinary(head) { return nil }
        lineEnding = encoding.lineEnding(of: UnsafeRawBufferPointer(rebasing: head[markLength...]))
    }
}

/// The encodings a document can be read in.
enum TextEncoding: Equatable {
    /// UTF-8, or any 8-bit encoding (kept as bytes).
    case eightBit
    /// UTF-8 announced by a byte-order mark.
    case utf8
    case utf16LittleEndian
    case utf16BigEndian

    /// True for big-endian UTF-16, false for little-endian, nil for 8-bit text.
    var utf16ByteOrder: Bool? {
        switch self {
        case .utf16LittleEndian: false
        case .utf16BigEndian: true
        case .eightBit, .utf8: nil
        }
    }

    /// How the lines of a document whose text (after its BOM) starts with `head` are numbered:
    /// by CR when the first `DocumentDecoder.lineEndWindow` bytes hold a CR and no LF.
    func lineEnding(of head: UnsafeRawBufferPointer) -> LineEnding {
        let window = UnsafeRawBufferPointer(rebasing: head[0..<min(head.count, DocumentDecoder.lineEndWindow)])
        guard let isBigEndian = utf16ByteOrder else {
            if Bytes.index(of: 0x0A, in: window) != nil { return .lf }
            return Bytes.index(of: 0x0D, in: window) != nil ? .cr : .lf
        }
        var hasCarriageReturn = false
        var index = 0
        while index + 1 < window.count {
            let high = window[isBigEndian ? index : index + 1]
            let low = window[isBigEndian ? index + 1 : index]
            if high == 0 && low == 0x0A { return .lf }
            if high == 0 && low == 0x0D { hasCarriageReturn = true }
            index += 2
        }
        return hasCarriageReturn ? .cr : .lf
    }

    /// The encoding of a document that starts with `head`, and the length of its byte-order mark.
    /// UTF-16 without a mark is recognised when it is evident: nearly every other byte is zero.
    static func detect(_ head: UnsafeRawBufferPointer) -> (TextEncoding, markLength: Int) {
        if head.count >= 3 && head[0] == 0xEF && head[1] == 0xBB && head[2] == 0xBF { return (.utf8, 3) }
        if head.count >= 2 && head[0] == 0xFF && head[1] == 0xFE { return (.utf16LittleEndian, 2) }
        if head.count >= 2 && head[0] == 0xFE && head[1] == 0xFF { return (.utf16BigEndian, 2) }
        let units = min(head.count, DocumentDecoder.sampleLength) / 2
        guard units >= 2 else { return (.eightBit, 0) }
        var evenZeros = 0
        var oddZeros = 0
        for unit in 0..<units {
            if head[2 * unit] == 0 { evenZeros += 1 }
            if head[2 * unit + 1] == 0 { oddZeros += 1 }
        }
        // At least 90 % zeros on one side, at most 10 % on the other.
        if oddZeros * 10 >= units * 9 && evenZeros * 10 <= units { return (.utf16LittleEndian, 0) }
        if evenZeros * 10 >= units * 9 && oddZeros * 10 <= units { return (.utf16BigEndian, 0) }
        // Text in another script (Cyrillic passwords, Arabic, CJK) has fewer zero bytes, but
        // its high bytes still take a handful of values (one script block or two, and ASCII).
        if isPlausibleUTF16(head, units: units, bigEndian: false) { return (.utf16LittleEndian, 0) }
        if isPlausibleUTF16(head, units: units, bigEndian: true) { return (.utf16BigEndian, 0) }
        return (.eightBit, 0)
    }

    /// UTF-16 without a mark, beyond the evident case: at most 4 script blocks, a line break,
    /// and every code unit text (no control but TAB, LF, CR; no unpaired surrogate; no
    /// noncharacter). 8-bit text and binary data have many distinct bytes at odd positions.
    private static func isPlausibleUTF16(_ head: UnsafeRawBufferPointer, units: Int, bigEndian: Bool) -> Bool {
        guard units >= 16 else { return false }
        var blocks: [UInt16] = []
        blocks.reserveCapacity(5)
        var hasLineBreak = false
        var expectsLowSurrogate = false
        for index in 0..<units {
            let first = UInt16(head[2 * index])
            let second = UInt16(head[2 * index + 1])
            let unit = bigEndian ? first << 8 | second : second << 8 | first
            // The script blocks seen (by high byte; CJK ideographs and Hangul each count as one):
            // more than 4 and this is not text.
            let high = unit >> 8
            let block: UInt16 =
                switch high {
                case 0x34...0x9F: 0x100
                case 0xA0...0xD7: 0x101
                default: high
                }
            if !blocks.contains(block) {
                blocks.append(block)
                if blocks.count > 4 { return false }
            }
            switch unit {
            case 0x0A, 0x0D: hasLineBreak = true
            case 0x09: break
            case 0x00..<0x20, 0x7F, 0xFFFE, 0xFFFF: return false
            case 0xD800..<0xDC00:
                if expectsLowSurrogate { return false }
                expectsLowSurrogate = true
                continue
            case 0xDC00..<0xE000:
                guard expectsLowSurrogate else { return false }
            default: break
            }
            if expectsLowSurrogate && !(0xDC00..<0xE000).contains(unit) { return false }
            expectsLowSurrogate = false
        }
        return hasLineBreak
    }

    /// Binary junk (a JPEG, random bytes) named like text: more than 5 % of the sample are
    /// control bytes other than TAB, LF, FF, CR and ESC. NUL bytes are not counted: they are
    /// dropped from text, and a text padded with them is still text.
    static func looksBinary(_ head: UnsafeRawBufferPointer) -> Bool {
        let sample = UnsafeRawBufferPointer(rebasing: head[0..<min(head.count, DocumentDecoder.sampleLength)])
        var controls = 0
        for byte in sample where byte == 0x7F || (byte < UInt8(ascii: " ") && textControls >> UInt32(byte) & 1 == 0) {
            controls += 1
        }
        return controls * 20 > sample.count
    }

    /// NUL, TAB, LF, FF, CR and ESC, as bits: control bytes that text holds.
    private static let textControls: UInt32 = 1 << 0x00 | 1 << 0x09 | 1 << 0x0A | 1 << 0x0C | 1 << 0x0D | 1 << 0x1B
}

/// Incremental UTF-16 to UTF-8: code units and surrogate pairs may be split across buffers.
/// Unpaired surrogates and a dangling odd byte become U+FFFD; U+0000 is dropped, as NUL bytes
/// are from 8-bit text.
struct UTF16Transcoder {
    let isBigEndian: Bool
    private var heldByte: UInt8?
    /// A high surrogate waiting for its low half; 0 when none.
    private var highSurrogate: UInt16 = 0

    init(isBigEndian: Bool) {
        self.isBigEndian = isBigEndian
    }

    /// Transcodes `input` into `output` (room for 3 bytes per 2 input bytes, plus 8), stopping
    /// just after a line end (LF, and CR when `stoppingAtCarriageReturn`), so that the caller
    /// knows where the next line starts; returns the input bytes consumed (a dangling odd byte
    /// is consumed and held) and the bytes written.
    mutating func transcode(
        _ input: UnsafeRawBufferPointer,
        into output: UnsafeMutableRawBufferPointer,
        stoppingAtCarriageReturn: Bool
    ) -> (consumed: Int, written: Int) {
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        var index = 0
        if let held = heldByte, !input.isEmpty {
            heldByte = nil
            let value = unit(held, input[0])
            written = write(value, to: out, at: written)
            index = 1
            if value == 0x0A || (stoppingAtCarriageReturn && value == 0x0D) { return (index, written) }
        }
        while index + 1 < input.count {
            let value = unit(input[index], input[index + 1])
            written = write(value, to: out, at: written)
            index += 2
            if value == 0x0A || (stoppingAtCarriageReturn && value == 0x0D) { return (index, written) }
        }
        if index < input.count {
            heldByte = input[index]
            index += 1
        }
        return (index, written)
    }

    /// Ends the text: a pending half becomes U+FFFD.
    mutating func finish(into output: UnsafeMutableRawBufferPointer) -> Int {
        let out = output.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var written = 0
        if highSurrogate != 0 {
            highSurrogate = 0
            written = writeScalar(0xFFFD, to: out, at: written)
        }
        if heldByte != nil {
            heldByte = nil
            written = writeScalar(0xFFFD, to: out, at: written)
        }
        return written
    }

    @inline(__always)
    private func unit(_ first: UInt8, _ second: UInt8) -> UInt16 {
        isBigEndian ? UInt16(first) << 8 | UInt16(second) : UInt16(second) << 8 | UInt16(first)
    }

    private mutating func write(_ unit: UInt16, to out: UnsafeMutablePointer<UInt8>, at offset: Int) -> Int {
        var offset = offset
        if highSurrogate != 0 {
            let high = highSurrogate
            highSurrogate = 0
            if (0xDC00...0xDFFF).contains(unit) {
                let scalar = 0x10000 + (UInt32(high - 0xD800) << 10) + UInt32(unit - 0xDC00)
                return writeScalar(scalar, to: out, at: offset)
            }
            offset = writeScalar(0xFFFD, to: out, at: offset)
        }
        switch unit {
        case 0:
            return offset
        case 0xD800...0xDBFF:
            highSurrogate = unit
            return offset
        case 0xDC00...0xDFFF:
            return writeScalar(0xFFFD, to: out, at: offset)
        default:
            return writeScalar(UInt32(unit), to: out, at: offset)
        }
    }

    @inline(__always)
    private func writeScalar(_ scalar: UInt32, to out: UnsafeMutablePointer<UInt8>, at offset: Int) -> Int {
        switch scalar {
        case 0..<0x80:
            out[offset] = UInt8(scalar)
            return offset + 1
        case 0x80..<0x800:
            out[offset] = UInt8(0xC0 | scalar >> 6)
            out[offset + 1] = UInt8(0x80 | scalar & 0x3F)
            return offset + 2
        case 0x800..<0x10000:
            out[offset] = UInt8(0xE0 | scalar >> 12)
            out[offset + 1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[offset + 2] = UInt8(0x80 | scalar & 0x3F)
            return offset + 3
        default:
            out[offset] = UInt8(0xF0 | scalar >> 18)
            out[offset + 1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            out[offset + 2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            out[offset + 3] = UInt8(0x80 | scalar & 0x3F)
            return offset + 4
        }
    }
}
