import Foundation

@testable import CredWatch

/// What every fuzz target shares. A target's `LLVMFuzzerTestOneInput` turns libFuzzer's bytes
/// into one call of a real entry point, with small limits, so that a timeout or an
/// out-of-memory report points at a real bug rather than at a legitimately large input.
///
/// Oracles: AddressSanitizer catches memory errors; Swift's own checks trap on overflow and
/// out-of-range indexes; `FuzzCheck.require` turns a broken invariant into a crash.
public enum Fuzz {
    /// Limits small enough that one iteration stays in milliseconds: every limit is still
    /// reachable by a crafted input of a few kilobytes.
    public static let limits: ScanLimits = {
        var limits = ScanLimits()
        limits.maxLineLength = 512
        limits.maxMemberSize = 1 << 20
        limits.maxCompressionRatio = 100
        limits.ratioGrace = 64 << 10
        limits.maxNestingDepth = 3
        limits.maxStructuredDocument = 16 << 10
        return limits
    }()

    /// Decode options with the fuzz limits, small chunks (so chunk cuts are exercised) and the
    /// parse stage's real classifier.
    public static func decodeOptions(chunkSize: Int = 1 << 10) -> DecodeOptions {
        DecodeOptions(limits: limits, chunkSize: chunkSize, classify: { DocumentClassifier.role(forLocator: $0) })
    }

    /// A decode session that parses and matches every document it delivers, as the pipeline
    /// does (so that archive members reach the parsers too).
    public static func session(chunkSize: Int = 1 << 10) -> DecodeSession {
        DecodeSession(
            options: decodeOptions(chunkSize: chunkSize),
            diagnostics: Diagnostics(output: nil),
            consumer: CheckingChunkConsumer(maxLineLength: limits.maxLineLength, parses: true)
        )
    }

    /// One reader buffer pool for the whole process: fuzzing is single-threaded, and
    /// allocating a 1 MiB buffer per iteration would dominate the run.
    nonisolated(unsafe) public static let pool = BufferPool()
}

/// Invariants that must hold whatever the input; a violation aborts with a message, which
/// libFuzzer reports as a crash with the input that caused it.
public enum FuzzCheck {
    public static func require(
        _ condition: @autoclosure () -> Bool,
        _ message: @autoclosure () -> String,
        file: StaticString = #fileID,
        line: UInt = #line
    ) {
        if !condition() { fatalError("invariant broken: \(message())", file: file, line: line) }
    }

    /// Reads every byte of `view`, so that AddressSanitizer sees any view that points outside
    /// live memory; returns a checksum the caller folds into `FuzzCheck.sink`.
    @inline(never)
    public static func touch(_ view: UnsafeRawBufferPointer) -> UInt64 {
        var sum: UInt64 = 0
        for byte in view { sum = sum &* 31 &+ UInt64(byte) }
        return sum
    }

    /// Keeps checksums alive so that the optimiser cannot drop the reads.
    nonisolated(unsafe) public static var sink: UInt64 = 0
}

/// A forward-only stream over a copy of the fuzz input, handing out at most `readSize` bytes
/// per read so that headers and lines straddle buffer boundaries.
public final class MemoryByteStream: ByteStream {
    private let bytes: [UInt8]
    private let readSize: Int
    private var offset = 0

    public init(_ bytes: [UInt8], readSize: Int = 1 << 16) {
        self.bytes = bytes
        self.readSize = max(1, readSize)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        let count = min(buffer.count, readSize, bytes.count - offset)
        guard count > 0 else { return 0 }
        bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + offset, byteCount: count)
        }
        offset += count
        return count
    }
}

/// Splits the fuzz input into a leading selector byte (which picks a mode, a read size…) and
/// the payload.
public struct FuzzInput {
    public let selector: UInt8
    public let payload: [UInt8]

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        let bytes = size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
        selector = bytes.first ?? 0
        payload = Array(bytes.dropFirst())
    }

    /// The whole input, selector included (for targets without modes).
    public static func bytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
        size > 0 && data != nil ? Array(UnsafeBufferPointer(start: data, count: size)) : []
    }

    /// A read size between 1 byte and 64 KiB picked by the selector's low bits.
    public var readSize: Int {
        [1, 2, 3, 7, 16, 61, 512, 1 << 16][Int(selector & 7)]
    }
}

/// A file for entry points that need a descriptor or a path (a zip read through its central
/// directory, a TOML file): created once, unlinked at once, rewritten for every iteration and
/// reached through `/proc/self/fd`.
public final class ScratchFile: @unchecked Sendable {
    // @unchecked: libFuzzer calls the target from one thread.
    public let descriptor: Int32

    public init() {
        var template = Array("/tmp/credwatch-fuzz-XXXXXX".utf8CString)
        descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        precondition(descriptor >= 0, "cannot create a scratch file")
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
    }

    deinit {
        close(descriptor)
    }

    /// Replaces the file's content with `bytes` and rewinds it.
    public func write(_ bytes: [UInt8]) {
        precondition(ftruncate(descriptor, 0) == 0)
        var written = 0
        bytes.withUnsafeBytes { buffer in
            while written < buffer.count {
                let count = pwrite(descriptor, buffer.baseAddress! + written, buffer.count - written, off_t(written))
                precondition(count > 0, "cannot write the scratch file")
                written += count
            }
        }
        precondition(lseek(descriptor, 0, SEEK_SET) == 0)
    }

    /// A path that opens the file (Linux).
    public var path: String { "/proc/self/fd/\(descriptor)" }
}

/// Receives decoded chunks, checks the decode stage's promises about them, and (optionally)
/// parses and matches them as the pipeline's workers do.
public final class CheckingChunkConsumer: ChunkConsumer, @unchecked Sendable {
    // @unchecked: used by the single fuzzing thread.
    private let maxLineLength: Int
    private let parses: Bool
    private var parser = DocumentParser()
    /// The line each document's next chunk must start on, and the offset its next line must
    /// start past (the document is kept, so that its identifier cannot be reused by another
    /// while this consumer lives).
    private var nextLine: [ObjectIdentifier: (document: Document, line: Int, lastOffset: Int64)] = [:]

    public init(maxLineLength: Int, parses: Bool) {
        self.maxLineLength = maxLineLength
        self.parses = parses
    }

    public func accept(_ chunk: TextChunk) {
        let text = chunk.text
        let key = ObjectIdentifier(chunk.document)
        let expected = nextLine[key]?.line ?? 1
        FuzzCheck.require(chunk.firstLine == expected, "chunk starts at line \(chunk.firstLine), expected \(expected)")
        FuzzCheck.require(
            expected > 1 || chunk.offsets.first == 0,
            "the first line starts at offset \(chunk.offsets.first)"
        )
        FuzzCheck.require(!text.contains(0), "a NUL byte reached the parsers")
        // Every line starts past the one before it in the member.
        var lastOffset = nextLine[key]?.lastOffset ?? -1
        var lineOffsets: [Int64] = []
        func noteLine(at index: Int) {
            let offset = chunk.offsets.offset(ofLineAt: index)
            FuzzCheck.require(offset > lastOffset, "a line starts at offset \(offset), after one at \(lastOffset)")
            lastOffset = offset
            lineOffsets.append(offset)
        }
        noteLine(at: 0)
        var lines = 0
        var lineStart = 0
        for (index, byte) in text.enumerated() where byte == 0x0A {
            FuzzCheck.require(index - lineStart <= maxLineLength + 1, "a line longer than the limit was delivered")
            lines += 1
            lineStart = index + 1
            if lineStart < text.count { noteLine(at: lineStart) }
        }
        FuzzCheck.require(text.count - lineStart <= maxLineLength + 1, "an unterminated line longer than the limit")
        nextLine[key] = (chunk.document, chunk.firstLine + lines, lastOffset)
        guard parses else { return }
        var sink = MatchingSink(firstLine: chunk.firstLine, lineCount: lines + 1, lineOffsets: lineOffsets)
        sink.worker.begin(chunk.document, lineEnding: chunk.lineEnding)
        parser.parse(chunk, into: &sink)
        sink.finish()
    }
}

/// A record sink that reads every byte of every record (AddressSanitizer then sees a view into
/// freed or foreign memory), checks line numbers and offsets, and hands the record to a real
/// match worker.
public struct MatchingSink: RecordSink {
    /// Copies of one worker share its PCRE2 scratch, which is costly to create per input.
    nonisolated(unsafe) private static let prototype = MatchWorker(context: FuzzContext.shared)
    public var worker = MatchingSink.prototype
    private let lines: ClosedRange<Int>
    private let lineOffsets: [Int64]?

    /// `firstLine` and `lineCount` bound the line numbers records may claim; `lineOffsets`, the
    /// offset of each of those lines when known, is the offset a record on that line must claim.
    public init(firstLine: Int, lineCount: Int, lineOffsets: [Int64]? = nil) {
        lines = firstLine...(firstLine + max(0, lineCount - 1))
        self.lineOffsets = lineOffsets
    }

    private func check(line: Int, offset: Int64, _ what: String) {
        FuzzCheck.require(lines.contains(line), "\(what) on line \(line), outside \(lines)")
        guard let lineOffsets, line - lines.lowerBound < lineOffsets.count else { return }
        let expected = lineOffsets[line - lines.lowerBound]
        FuzzCheck.require(offset == expected, "\(what) on line \(line) at offset \(offset), not \(expected)")
    }

    public mutating func credential(_ record: RawCredential) {
        check(line: record.line, offset: record.offset, "credential")
        FuzzCheck.sink &+=
            FuzzCheck.touch(record.url) &+ FuzzCheck.touch(record.login) &+ FuzzCheck.touch(record.password)
            &+ FuzzCheck.touch(record.software)
        worker.credential(record)
    }

    public mutating func cookie(_ record: RawCookie) {
        check(line: record.line, offset: record.offset, "cookie")
        FuzzCheck.sink &+=
            FuzzCheck.touch(record.domain) &+ FuzzCheck.touch(record.path) &+ FuzzCheck.touch(record.name)
        worker.cookie(record)
    }

    public mutating func machine(_ info: VictimInfo, line: Int, offset: Int64) {
        check(line: line, offset: offset, "machine block")
        worker.machine(info, line: line, offset: offset)
    }

    public mutating func skippedLines(_ count: Int) {
        FuzzCheck.require(count >= 0 && count <= lines.count, "\(count) lines skipped of \(lines.count)")
    }

    /// Reads what the worker produced (the report stage's inputs).
    public mutating func finish() {
        for sighting in worker.takeSightings() {
            FuzzCheck.sink &+= UInt64(
                truncatingIfNeeded: (sighting.login?.utf8.count ?? 0) &+ (sighting.url?.utf8.count ?? 0)
            )
        }
        FuzzCheck.sink &+= UInt64(worker.takeMachines().count)
    }
}

/// Parses `text` as one document of `role` (the whole chunk, from line 1) and matches its
/// records; the parse targets' common body.
public func fuzzParse(_ text: [UInt8], role: DocumentRole, locator: String) {
    let chunk = TextChunk(
        document: Document(locator: locator, role: role),
        firstLine: 1,
        text: text,
        isWholeDocument: true
    )
    // The chunk is the member's bytes from offset 0: each line starts where its text does.
    let lineOffsets = [0] + text.indices.filter { text[$0] == 0x0A }.map { Int64($0 + 1) }
    var sink = MatchingSink(firstLine: 1, lineCount: lineOffsets.count, lineOffsets: lineOffsets)
    sink.worker.begin(chunk.document)
    var parser = DocumentParser()
    parser.parse(chunk, into: &sink)
    sink.finish()
}
