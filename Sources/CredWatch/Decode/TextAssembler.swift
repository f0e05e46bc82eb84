/// Builds a document's chunks from its 8-bit text: NUL bytes are dropped, a line longer than
/// the limit becomes an empty line (so line numbers hold) and is never buffered past the limit,
/// and the text is cut at line ends into chunks of about the chunk size — or kept whole, for a
/// structured document under its size limit.
///
/// Lines end at LF, as `grep -n` counts them: a CR inside a line stays in it. In a document
/// judged to have no LF (`LineEnding.cr`), a lone CR becomes LF (CRLF stays).
///
/// Each chunk says where its lines start in the member as stored (`LineOffsets`): the member's
/// offset is carried alongside the line number, and an anchor is recorded only at the first
/// line start after the text stopped being the member's bytes as they are (a BOM or NUL bytes
/// dropped, an over-long line emptied, UTF-16 transcoded).
///
/// Works on whole buffers: `memchr` finds NUL (and CR), and LF; runs between them are copied in
/// bulk.
struct TextAssembler {
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

    /// Where appended text came from in the member, for the line starts it holds.
    private struct SourceMap {
        /// Linear text (the member's bytes as they are): the offset of its first byte.
        /// Transcoded text: the offset just past it, where the line after its last byte starts.
        var origin: Int64
        var isLinear: Bool

        /// The offset of the line that starts after the line end at `index`.
        @inline(__always)
        func lineStart(afterLineEndAt index: Int) -> Int64 {
            isLinear ? origin + Int64(index) + 1 : origin
        }

        /// The map of the text from `count` bytes on.
        @inline(__always)
        func advanced(by count: Int) -> SourceMap {
            isLinear ? SourceMap(origin: origin + Int64(count), isLinear: true) : self
        }
    }

    private let document: Document
    private let consumer: any ChunkConsumer
    private let diagnostics: Diagnostics
    private let lineEnding: LineEnding
    private let maxLineLength: Int
    private let chunkSize: Int
    /// Room reserved for each new chunk: the chunk size plus one appended slice.
    private let chunkCapacity: Int
    /// Text is appended at most this much at a time before the chunk is checked for a cut.
    private let sliceSize: Int
    /// Pending text is cut into a chunk at this size: the structured-document limit until the
    /// first cut, the chunk size after.
    private var threshold: Int
    private var pending: [UInt8] = []
    /// Index in `pending` just past its last LF.
    private var lineStart = 0
    /// LFs in `pending`.
    private var pendingLines = 0
    /// Line number of `pending`'s first line.
    private var nextLine = 1
    /// The member's offset of the next 8-bit byte appended (past the last transcoded text).
    private var sourcePosition: Int64
    /// Offset of `pending`'s first line.
    private var pendingOffset: Int64 = 0
    /// Line starts in `pending` whose offset does not follow from the previous one.
    private var anchors: [LineOffsets.Anchor] = []
    /// A line starting at index `i` of `pending` (after the last anchor) starts at offset
    /// `delta + i` in the member.
    private var delta: Int64 = 0
    /// Inside an over-long line: bytes are dropped until its LF.
    private var isDiscarding = false
    /// The last byte appended was a CR (CR-split documents): whether it ends a line depends on
    /// the next byte.
    private var holdsCarriageReturn = false
    /// Where the line after the held CR starts, if the CR ends a line.
    private var heldLineStart: Int64 = 0
    private var hasDelivered = false
    private var skippedLines = 0

    /// `sizeHint` (the document's size when known) keeps small documents from reserving a whole
    /// chunk. `sourceOffset` is the member's offset of the first byte appended (past a BOM).
    init(
        document: Document,
        consumer: any ChunkConsumer,
        diagnostics: Diagnostics,
        options: DecodeOptions,
        sizeHint: Int64?,
        lineEnding: LineEnding = .lf,
        sourceOffset: Int64 = 0,
        firstLineOffset: Int64 = 0
    ) {
        pendingOffset = firstLineOffset
        self.document = document
        self.lineEnding = lineEnding
        sourcePosition = sourceOffset
        self.consumer = consumer
        self.diagnostics = diagnostics
        maxLineLength = max(1, options.limits.maxLineLength)
        chunkSize = max(1, options.chunkSize)
        sliceSize = max(1, min(BufferPool.bufferSize, chunkSize / 4))
        chunkCapacity = chunkSize + sliceSize + 64
        threshold =
            document.role.isStructured ? max(chunkSize, options.limits.maxStructuredDocument) : chunkSize
        let defaultReserve = document.role.isStructured ? 64 << 10 : chunkCapacity
        let reserve = sizeHint.map { Int(clamping: min(max(0, $0), Int64(chunkCapacity))) + 64 } ?? defaultReserve
        pending.reserveCapacity(min(reserve, chunkCapacity, threshold + 64))
    }

    /// Appends 8-bit text (UTF-8 or not): the member's next bytes, as stored. Taken in slices
    /// of at most a quarter chunk so that chunks stay close to the chunk size whatever the size
    /// of the buffers read.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + sliceSize)
            let map = SourceMap(origin: sourcePosition + Int64(offset), isLinear: true)
            appendSlice(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]), map)
            if pending.count >= threshold && lineStart > 0 { deliver(upTo: lineStart) }
            offset = end
        }
        sourcePosition += Int64(bytes.count)
    }

    /// Appends text transcoded from the member's bytes up to offset `end`. It may hold a line
    /// end only as its last byte: the line after it starts at `end`.
    mutating func append(_ text: UnsafeRawBufferPointer, transcodedUpTo end: Int64) {
        let map = SourceMap(origin: end, isLinear: false)
        var offset = 0
        while offset < text.count {
            let sliceEnd = min(text.count, offset + sliceSize)
            appendSlice(UnsafeRawBufferPointer(rebasing: text[offset..<sliceEnd]), map)
            if pending.count >= threshold && lineStart > 0 { deliver(upTo: lineStart) }
            offset = sliceEnd
        }
        sourcePosition = end
    }

    private mutating func appendSlice(_ bytes: UnsafeRawBufferPointer, _ map: SourceMap) {
        guard lineEnding == .cr else {
            // Lines end at LF only: a CR is text. NUL bytes are dropped.
            var runStart = 0
            while let nul = Bytes.index(of: 0, in: bytes, from: runStart) {
                appendRun(bytes, runStart..<nul, map)
                runStart = nul + 1
            }
            appendRun(bytes, runStart..<bytes.count, map)
            return
        }
        if holdsCarriageReturn {
            holdsCarriageReturn = false
            if bytes[0] == TextAssembler.lineFeed {
                appendByte(TextAssembler.carriageReturn, lineStart: heldLineStart)
            } else {
                appendByte(TextAssembler.lineFeed, lineStart: heldLineStart)
            }
        }
        var runStart = 0
        var nextCarriageReturn = Bytes.index(of: TextAssembler.carriageReturn, in: bytes)
        var nextNul = Bytes.index(of: 0, in: bytes)
        while nextCarriageReturn != nil || nextNul != nil {
            let carriageReturn = nextCarriageReturn ?? Int.max
            let nul = nextNul ?? Int.max
            if nul < carriageReturn {
                appendRun(bytes, runStart..<nul, map)
                runStart = nul + 1
                nextNul = Bytes.index(of: 0, in: bytes, from: runStart)
                continue
            }
            let after = carriageReturn + 1
            if after == bytes.count {
                appendRun(bytes, runStart..<carriageReturn, map)
                runStart = after
                holdsCarriageReturn = true
                heldLineStart = map.lineStart(afterLineEndAt: carriageReturn)
                break
            }
            if bytes[after] != TextAssembler.lineFeed {
                appendRun(bytes, runStart..<carriageReturn, map)
                appendByte(TextAssembler.lineFeed, lineStart: map.lineStart(afterLineEndAt: carriageReturn))
                runStart = after
            }
            nextCarriageReturn = Bytes.index(of: TextAssembler.carriageReturn, in: bytes, from: after)
        }
        appendRun(bytes, runStart..<bytes.count, map)
    }

    /// Delivers what is left. `isComplete` is false when the document was cut short by a fault.
    mutating func finish(isComplete: Bool) {
        if holdsCarriageReturn {
            holdsCarriageReturn = false
            appendByte(TextAssembler.lineFeed, lineStart: heldLineStart)
        }
        isDiscarding = false
        if !pending.isEmpty {
            deliver(pending, isWholeDocument: isComplete && !hasDelivered)
            pending = []
        }
        if skippedLines > 0 {
            diagnostics.skippedLines.add(skippedLines, ordering: .relaxed)
            diagnostics.warning(
                document.locator,
                "\(skippedLines) line\(skippedLines == 1 ? "" : "s") longer than \(maxLineLength) bytes skipped"
            )
            skippedLines = 0
        }
    }

    /// Appends one byte; if it is a line end, the next line starts at `lineStart`.
    private mutating func appendByte(_ byte: UInt8, lineStart: Int64) {
        withUnsafeBytes(of: byte) { appendText($0, SourceMap(origin: lineStart, isLinear: false)) }
    }

    private mutating func appendRun(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ map: SourceMap) {
        if !range.isEmpty {
            appendText(UnsafeRawBufferPointer(rebasing: bytes[range]), map.advanced(by: range.lowerBound))
        }
    }

    /// Appends normalised text, enforcing the line-length limit, counting lines and noting
    /// where they start.
    private mutating func appendText(_ text: UnsafeRawBufferPointer, _ map: SourceMap) {
        var index = 0
        while index < text.count {
            if isDiscarding {
                guard let newline = Bytes.index(of: TextAssembler.lineFeed, in: text, from: index) else { return }
                isDiscarding = false
                pending.append(TextAssembler.lineFeed)
                pendingLines += 1
                lineStart = pending.count
                noteLineStart(at: lineStart, offset: map.lineStart(afterLineEndAt: newline))
                index = newline + 1
                continue
            }
            // Whole lines from `index` while they fit; `partial` is the current line's length so far.
            var partial = pending.count - lineStart
            var cursor = index
            var isTooLong = false
            // In linear text whose offsets already follow from the last anchor, every line start
            // does; otherwise the first one is noted, and those after it follow from it.
            var notesLineStarts = !map.isLinear || map.origin + Int64(index - pending.count) != delta
            while let newline = Bytes.index(of: TextAssembler.lineFeed, in: text, from: cursor) {
                if partial + (newline - cursor) > maxLineLength {
                    isTooLong = true
                    break
                }
                pendingLines += 1
                partial = 0
                cursor = newline + 1
                if notesLineStarts {
                    noteLineStart(at: pending.count + cursor - index, offset: map.lineStart(afterLineEndAt: newline))
                    notesLineStarts = !map.isLinear
                }
            }
            if !isTooLong && partial + (text.count - cursor) > maxLineLength { isTooLong = true }
            if cursor > index {
                appendBytes(UnsafeRawBufferPointer(rebasing: text[index..<cursor]))
                lineStart = pending.count
            }
            guard isTooLong else {
                appendBytes(UnsafeRawBufferPointer(rebasing: text[cursor...]))
                return
            }
            // Drop what was kept of the long line and skip the rest of it up to its LF.
            pending.removeLast(pending.count - lineStart)
            skippedLines += 1
            isDiscarding = true
            index = cursor
        }
    }

    /// Records that a line starts at `index` of `pending`, at `offset` in the member.
    @inline(__always)
    private mutating func noteLineStart(at index: Int, offset: Int64) {
        let lineDelta = offset - Int64(index)
        if lineDelta != delta {
            anchors.append(LineOffsets.Anchor(index: index, offset: offset))
            delta = lineDelta
        }
    }

    private mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        if !bytes.isEmpty { pending.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Delivers `pending` up to `cut` (just past a LF, at or after every anchor) and keeps the
    /// rest (part of a line).
    private mutating func deliver(upTo cut: Int) {
        var rest: [UInt8] = []
        rest.reserveCapacity(chunkCapacity)
        rest.append(contentsOf: pending[cut...])
        pending.removeLast(pending.count - cut)
        swap(&pending, &rest)
        let nextOffset = delta + Int64(cut)
        deliver(rest, isWholeDocument: false)
        lineStart = 0
        threshold = chunkSize
        pendingOffset = nextOffset
        delta = nextOffset
    }

    private mutating func deliver(_ text: [UInt8], isWholeDocument: Bool) {
        diagnostics.bytesDecoded.add(text.count, ordering: .relaxed)
        diagnostics.lines.add(pendingLines, ordering: .relaxed)
        // An anchor at the text's end is the next chunk's first line.
        while let last = anchors.last, last.index >= text.count { anchors.removeLast() }
        consumer.accept(
            TextChunk(
                document: document,
                firstLine: nextLine,
                offsets: LineOffsets(first: pendingOffset, anchors: anchors),
                lineEnding: lineEnding,
                text: text,
                isWholeDocument: isWholeDocument
            )
        )
        anchors = []
        nextLine += pendingLines
        pendingLines = 0
        hasDelivered = true
    }
}
