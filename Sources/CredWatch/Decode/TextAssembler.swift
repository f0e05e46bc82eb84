/// Builds a document's chunks from its 8-bit text: NUL bytes are dropped, a line longer than
/// the limit becomes an empty line (so line numbers hold) and is never buffered past the limit,
/// and the text is cut at line ends into chunks of about the chunk size — or kept whole, for a
/// structured document under its size limit.
///
/// Lines end at LF, as `grep -n` counts them: a CR inside a line stays in it. In a document
/// judged to have no LF (`LineEnding.cr`), a lone CR becomes LF (CRLF stays).
///
/// Works on whole buffers: `memchr` finds NUL (and CR), and LF; runs between them are copied in
/// bulk.
struct TextAssembler {
    private static let lineFeed: UInt8 = 0x0A
    private static let carriageReturn: UInt8 = 0x0D

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
    /// Inside an over-long line: bytes are dropped until its LF.
    private var isDiscarding = false
    /// The last byte appended was a CR (CR-split documents): whether it ends a line depends on
    /// the next byte.
    private var holdsCarriageReturn = false
    private var hasDelivered = false
    private var skippedLines = 0

    /// `sizeHint` (the document's size when known) keeps small documents from reserving a whole
    /// chunk.
    init(
        document: Document,
        consumer: any ChunkConsumer,
        diagnostics: Diagnostics,
        options: DecodeOptions,
        sizeHint: Int64?,
        lineEnding: LineEnding = .lf
    ) {
        self.document = document
        self.lineEnding = lineEnding
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

    /// Appends 8-bit text (UTF-8 or not), in slices of at most a quarter chunk so that chunks
    /// stay close to the chunk size whatever the size of the buffers read.
    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + sliceSize)
            appendSlice(UnsafeRawBufferPointer(rebasing: bytes[offset..<end]))
            if pending.count >= threshold && lineStart > 0 { deliver(upTo: lineStart) }
            offset = end
        }
    }

    private mutating func appendSlice(_ bytes: UnsafeRawBufferPointer) {
        guard lineEnding == .cr else {
            // Lines end at LF only: a CR is text. NUL bytes are dropped.
            var runStart = 0
            while let nul = Bytes.index(of: 0, in: bytes, from: runStart) {
                appendRun(bytes, runStart..<nul)
                runStart = nul + 1
            }
            appendRun(bytes, runStart..<bytes.count)
            return
        }
        if holdsCarriageReturn {
            holdsCarriageReturn = false
            appendByte(bytes[0] == TextAssembler.lineFeed ? TextAssembler.carriageReturn : TextAssembler.lineFeed)
        }
        var runStart = 0
        var nextCarriageReturn = Bytes.index(of: TextAssembler.carriageReturn, in: bytes)
        var nextNul = Bytes.index(of: 0, in: bytes)
        while nextCarriageReturn != nil || nextNul != nil {
            let carriageReturn = nextCarriageReturn ?? Int.max
            let nul = nextNul ?? Int.max
            if nul < carriageReturn {
                appendRun(bytes, runStart..<nul)
                runStart = nul + 1
                nextNul = Bytes.index(of: 0, in: bytes, from: runStart)
                continue
            }
            let after = carriageReturn + 1
            if after == bytes.count {
                appendRun(bytes, runStart..<carriageReturn)
                runStart = after
                holdsCarriageReturn = true
                break
            }
            if bytes[after] != TextAssembler.lineFeed {
                appendRun(bytes, runStart..<carriageReturn)
                appendByte(TextAssembler.lineFeed)
                runStart = after
            }
            nextCarriageReturn = Bytes.index(of: TextAssembler.carriageReturn, in: bytes, from: after)
        }
        appendRun(bytes, runStart..<bytes.count)
    }

    /// Delivers what is left. `isComplete` is false when the document was cut short by a fault.
    mutating func finish(isComplete: Bool) {
        if holdsCarriageReturn {
            holdsCarriageReturn = false
            appendByte(TextAssembler.lineFeed)
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

    private mutating func appendByte(_ byte: UInt8) {
        withUnsafeBytes(of: byte) { appendText($0) }
    }

    private mutating func appendRun(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) {
        if !range.isEmpty { appendText(UnsafeRawBufferPointer(rebasing: bytes[range])) }
    }

    /// Appends normalised text, enforcing the line-length limit and counting lines.
    private mutating func appendText(_ text: UnsafeRawBufferPointer) {
        var index = 0
        while index < text.count {
            if isDiscarding {
                guard let newline = Bytes.index(of: TextAssembler.lineFeed, in: text, from: index) else { return }
                isDiscarding = false
                pending.append(TextAssembler.lineFeed)
                pendingLines += 1
                lineStart = pending.count
                index = newline + 1
                continue
            }
            // Whole lines from `index` while they fit; `partial` is the current line's length so far.
            var partial = pending.count - lineStart
            var cursor = index
            var isTooLong = false
            while let newline = Bytes.index(of: TextAssembler.lineFeed, in: text, from: cursor) {
                if partial + (newline - cursor) > maxLineLength {
                    isTooLong = true
                    break
                }
                pendingLines += 1
                partial = 0
                cursor = newline + 1
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

    private mutating func appendBytes(_ bytes: UnsafeRawBufferPointer) {
        if !bytes.isEmpty { pending.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self)) }
    }

    /// Delivers `pending` up to `cut` (just past a LF) and keeps the rest (part of a line).
    private mutating func deliver(upTo cut: Int) {
        var rest: [UInt8] = []
        rest.reserveCapacity(chunkCapacity)
        rest.append(contentsOf: pending[cut...])
        pending.removeLast(pending.count - cut)
        swap(&pending, &rest)
        deliver(rest, isWholeDocument: false)
        lineStart = 0
        threshold = chunkSize
    }

    private mutating func deliver(_ text: [UInt8], isWholeDocument: Bool) {
        diagnostics.bytesDecoded.add(text.count, ordering: .relaxed)
        diagnostics.lines.add(pendingLines, ordering: .relaxed)
        consumer.accept(
            TextChunk(
                document: document,
                firstLine: nextLine,
                lineEnding: lineEnding,
                text: text,
                isWholeDocument: isWholeDocument
            )
        )
        nextLine += pendingLines
        pendingLines = 0
        hasDelivered = true
    }
}
