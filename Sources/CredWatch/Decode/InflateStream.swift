import CZlib

/// The deflate wrappers `InflateStream` reads.
enum DeflateWrapper {
    /// RFC 1952; a file may hold several members back to back (`cat a.gz b.gz`, pigz, bgzip).
    case gzip
    /// RFC 1950.
    case zlib
    /// Bare deflate data, as in a zip member: ends by itself, what follows belongs to the archive.
    case raw

    var windowBits: Int32 {
        switch self {
        case .gzip: 15 + 16
        case .zlib: 15
        case .raw: -15
        }
    }

    var name: String {
        switch self {
        case .gzip: "gzip"
        case .zlib: "zlib"
        case .raw: "deflate"
        }
    }
}

extension DeflateWrapper {
    /// Whether `sample` (a stream's first bytes) inflates without an error as far as it goes:
    /// confirms a two-byte zlib header, which text can start with by chance (`x^2…`).
    func inflatesCleanly(_ sample: UnsafeRawBufferPointer) -> Bool {
        guard let base = sample.baseAddress else { return false }
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        guard czlib_inflateInit2(stream, windowBits) == Z_OK else { return false }
        defer { inflateEnd(stream) }
        let scratch = UnsafeMutablePointer<Bytef>.allocate(capacity: 16 << 10)
        defer { scratch.deallocate() }
        stream.pointee.next_in = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = UInt32(sample.count)
        // A few rounds of output are enough: a sample that expands far is deflate data anyway.
        for _ in 0..<16 {
            stream.pointee.next_out = scratch
            stream.pointee.avail_out = 16 << 10
            switch CZlib.inflate(stream, Z_NO_FLUSH) {
            case Z_OK where stream.pointee.avail_in > 0: continue
            case Z_OK, Z_STREAM_END, Z_BUF_ERROR: return true
            default: return false
            }
        }
        return true
    }
}

/// What one input has produced so far across all its layers, to stop inputs that expand without
/// bound (a zip of zips of bombs, stored zips nested with repeated entries) even when no single
/// layer exceeds the per-member limits. Every byte a layer hands on counts: a decompressor's
/// output, and the data of stored archive members (the same bytes of the file can be read out
/// through several nested archives).
final class ExpansionGuard {
    /// The size of the input: how far into the file it has been read (reading the same part
    /// again does not make the input larger), or the bytes read from a stream.
    var rawBytes: Int64 = 0
    /// Bytes produced by every decompressor and stored member of this input.
    private(set) var inflatedBytes: Int64 = 0

    /// Counts `count` bytes read from a stream (each read once).
    func noteStreamRead(_ count: Int) {
        rawBytes &+= Int64(count)
    }

    /// Counts a read of a seekable file that reached `end`.
    func noteFileRead(through end: Int64) {
        rawBytes = max(rawBytes, end)
    }
    /// Set once the input expanded past the ratio: nothing more of it is read.
    private(set) var isExhausted = false

    /// Records `count` decoded bytes; returns false when the input as a whole now produced
    /// more than `maxCompressionRatio` times what was read of it, plus room for a few members cut
    /// off as bombs (each may produce about `ratioGrace`) so that their siblings are still read.
    func record(_ count: Int, limits: ScanLimits) -> Bool {
        inflatedBytes &+= Int64(count)
        let (proportional, overflow) = max(rawBytes, 1).multipliedReportingOverflow(by: limits.maxCompressionRatio)
        let (allowance, sumOverflow) = proportional.addingReportingOverflow(
            limits.ratioGrace.multipliedReportingOverflow(by: ExpansionGuard.bombAllowance).partialValue
        )
        if !overflow && !sumOverflow && inflatedBytes > allowance { isExhausted = true }
        return !isExhausted
    }

    /// How many members cut off as bombs an input may hold before it is stopped as a whole.
    static let bombAllowance: Int64 = 4

    /// Records `produced` bytes of a layer that has now produced `output` bytes from `input`
    /// compressed ones; returns the fault that cuts the layer off when it expands beyond the
    /// limits (its own ratio once past `ratioGrace`, or the input's as a whole), else nil. When
    /// the input as a whole expanded too much, the message says that the rest of it is skipped.
    func cutOff(produced: Int, output: Int64, input: Int64, limits: ScanLimits, locator: String) -> DecodeFault? {
        let isInputWithinLimits = record(produced, limits: limits)
        var isLayerWithinLimits = true
        if output > limits.ratioGrace {
            let (bound, overflow) = max(input, 1).multipliedReportingOverflow(by: limits.maxCompressionRatio)
            isLayerWithinLimits = overflow || output <= bound
        }
        if isLayerWithinLimits && isInputWithinLimits { return nil }
        var reason = "decompression bomb: "
        if !isLayerWithinLimits {
            reason += "\(output) bytes from \(input) compressed (ratio above \(limits.maxCompressionRatio)), "
        }
        reason += "cut off after \(output) bytes"
        if !isInputWithinLimits {
            reason +=
                "; this input expands more than \(limits.maxCompressionRatio) times over all its layers: the rest of it is skipped"
        }
        return DecodeFault(locator: locator, reason: reason)
    }

    /// The fault of a layer that produced more than `maxMemberSize` bytes (`output` before the
    /// byte that went past it).
    static func sizeFault(output: Int64, limits: ScanLimits, locator: String) -> DecodeFault {
        DecodeFault(
            locator: locator,
            reason:
                "decompression bomb: larger than the \(limits.maxMemberSize)-byte limit, cut off after \(output) bytes"
        )
    }
}

/// Decompresses gzip, zlib or raw deflate data read from `upstream`, within the scan limits:
/// a stream that grows past `maxMemberSize`, or past `maxCompressionRatio` once beyond
/// `ratioGrace`, is cut off with a fault after what it produced until then has been delivered.
/// The decompression itself is the `backend`'s; everything else is decided here, the same for all.
final class InflateStream: ByteStream {
    private let upstream: ByteReader
    private let wrapper: DeflateWrapper
    private let backend: InflateBackend
    private let engine: any InflateEngine
    private let locator: String
    private let limits: ScanLimits
    private let expansion: ExpansionGuard
    /// Compressed bytes consumed.
    private(set) var compressedCount: Int64 = 0
    /// Decompressed bytes produced.
    private(set) var decompressedCount: Int64 = 0
    /// Bytes after the last gzip member (or after the zlib stream) that were not a new member.
    private(set) var ignoredTrailingData = false
    private(set) var isFinished = false
    /// A fault found after producing output: raised on the next read, so the output is kept.
    private var deferredFault: DecodeFault?

    init(
        upstream: ByteReader,
        wrapper: DeflateWrapper,
        backend: InflateBackend,
        locator: String,
        limits: ScanLimits,
        expansion: ExpansionGuard
    ) throws(DecodeFault) {
        self.upstream = upstream
        self.wrapper = wrapper
        self.backend = backend
        self.locator = locator
        self.limits = limits
        self.expansion = expansion
        do {
            engine = try backend.makeEngine(for: wrapper)
        } catch {
            throw DecodeFault(locator: locator, reason: error.reason)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        if let deferredFault { throw deferredFault }
        guard !isFinished, !buffer.isEmpty else { return 0 }
        let allowance = limits.maxMemberSize - decompressedCount
        // At the size limit, one more byte is asked for: if it comes, the stream is too large.
        var probe: UInt8 = 0
        return try withUnsafeMutableBytes(of: &probe) { (probeBuffer) throws(DecodeFault) -> Int in
            let target =
                allowance > 0
                ? UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(min(Int64(buffer.count), allowance))])
                : probeBuffer
            let produced = try inflate(into: target)
            if allowance <= 0 && produced > 0 {
                throw ExpansionGuard.sizeFault(
                    output: decompressedCount - Int64(produced),
                    limits: limits,
                    locator: locator
                )
            }
            return produced
        }
    }

    /// Runs the engine until it produces output, the stream ends, or a fault.
    private func inflate(into target: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        while true {
            // What the engine retains is still in the reader: ask for at least one byte more.
            let retained = engine.retainedInput
            let input = try upstream.peek(retained + 1)
            let step = engine.step(input: input, output: target)
            upstream.consume(step.consumed)
            compressedCount += Int64(step.consumed)
            decompressedCount += Int64(step.produced)
            var fault: DecodeFault?
            switch step.outcome {
            case .streamEnd:
                try endOfStream()
            case .progress:
                if step.consumed == 0 && step.produced == 0 && engine.retainedInput == retained {
                    fault = DecodeFault(
                        locator: locator,
                        reason: input.count > retained
                            ? "corrupt \(wrapper.name) data: \(backend.name) made no progress"
                            : "truncated \(wrapper.name) stream after \(decompressedCount) bytes"
                    )
                }
            case .needsDictionary:
                fault = DecodeFault(locator: locator, reason: "corrupt \(wrapper.name) data: needs a preset dictionary")
            case .corrupt(let detail):
                fault = DecodeFault(
                    locator: locator,
                    reason: "corrupt \(wrapper.name) data after \(decompressedCount) bytes: \(detail)"
                )
            case .checksumMismatch(let detail):
                fault = DecodeFault(
                    locator: locator,
                    reason: "CRC mismatch (\(detail)) in \(wrapper.name) stream after \(decompressedCount) bytes"
                )
            }
            if step.produced > 0 {
                // What was produced before a fault (a CRC checked at the end) is delivered first.
                deferredFault = fault ?? expansionFault(step.produced)
                return step.produced
            }
            if let fault { throw fault }
            if isFinished { return 0 }
        }
    }

    /// After a member's end: a gzip file may continue with another member.
    private func endOfStream() throws(DecodeFault) {
        switch wrapper {
        case .raw:
            isFinished = true
        case .zlib:
            isFinished = true
            ignoredTrailingData = try !upstream.peek(1).isEmpty
        case .gzip:
            let next = try upstream.peek(2)
            if next.count >= 2 && next[0] == 0x1F && next[1] == 0x8B {
                engine.reset()
            } else {
                isFinished = true
                ignoredTrailingData = !next.isEmpty
            }
        }
    }

    /// The fault that cuts the stream off when it now expands beyond the limits, or nil.
    private func expansionFault(_ produced: Int) -> DecodeFault? {
        expansion.cutOff(
            produced: produced,
            output: decompressedCount,
            input: compressedCount,
            limits: limits,
            locator: locator
        )
    }
}
