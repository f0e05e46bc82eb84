/// Where the bytes of an output go while it is written: a descriptor, through a fixed buffer,
/// or memory. A report of a million findings is written piece by piece, never held whole.
///
/// Writing never throws: the first failure is kept (`failure`), and everything after it is
/// dropped, so a writer can stop early (`hasFailed`) or simply run to its end.
public struct ByteSink {
    private enum Destination {
        case descriptor(Int32)
        case memory
    }

    private let destination: Destination
    /// Pending bytes (descriptor), or everything written (memory).
    private var buffer: [UInt8] = []
    /// The `errno` value of the first failed write; 0 while none failed.
    public private(set) var failure: Int32 = 0

    /// Pending bytes are written once the buffer holds this many.
    static let flushThreshold = 1 << 18

    /// Writes to `descriptor` (which the caller owns and closes).
    init(descriptor: Int32) {
        destination = .descriptor(descriptor)
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Collects the bytes in memory (`bytes`).
    init() {
        destination = .memory
    }

    public var hasFailed: Bool { failure != 0 }

    /// What was written, for a sink in memory.
    var bytes: [UInt8] { buffer }

    /// Appends `bytes`; written out once enough is pending.
    public mutating func write(_ bytes: some Sequence<UInt8>) {
        guard failure == 0 else { return }
        buffer.append(contentsOf: bytes)
        if case .descriptor = destination, buffer.count >= Self.flushThreshold { flush() }
    }

    /// Appends `bytes`: a block of at least `flushThreshold` bytes (a batch of rendered lines)
    /// is written out at once after the pending bytes, rather than copied into them first.
    mutating func write(_ bytes: [UInt8]) {
        guard failure == 0 else { return }
        guard case .descriptor(let descriptor) = destination, bytes.count >= Self.flushThreshold else {
            buffer.append(contentsOf: bytes)
            if case .descriptor = destination, buffer.count >= Self.flushThreshold { flush() }
            return
        }
        flush()
        if failure == 0 { failure = FileDescriptor.writeAll(bytes, to: descriptor) }
    }

    /// Lets `body` append to the pending bytes directly (the encoders append to arrays), then
    /// writes them out once enough is pending.
    mutating func append(_ body: (inout [UInt8]) -> Void) {
        guard failure == 0 else { return }
        body(&buffer)
        if case .descriptor = destination, buffer.count >= Self.flushThreshold { flush() }
    }

    /// Writes out every pending byte (a no-op in memory).
    public mutating func flush() {
        guard case .descriptor(let descriptor) = destination, failure == 0, !buffer.isEmpty else { return }
        failure = FileDescriptor.writeAll(buffer, to: descriptor)
        buffer.removeAll(keepingCapacity: true)
    }
}

/// What an output holds: bytes rendered beforehand, or a writer that renders them piece by
/// piece into the output as it is delivered (`Delivery`), so that the whole never sits in
/// memory.
public enum OutputContent: Sendable {
    case bytes([UInt8])
    /// Writes the whole content into the sink; called once per delivery.
    case writer(@Sendable (inout ByteSink) -> Void)

    /// Writes the content to `descriptor`; returns 0 or the `errno` value of the failed write.
    func write(to descriptor: Int32) -> Int32 {
        switch self {
        case .bytes(let bytes):
            return FileDescriptor.writeAll(bytes, to: descriptor)
        case .writer(let writer):
            var sink = ByteSink(descriptor: descriptor)
            writer(&sink)
            sink.flush()
            return sink.failure
        }
    }

    /// The whole content in memory (tests, and outputs small enough to hold).
    public var bytes: [UInt8] {
        switch self {
        case .bytes(let bytes):
            return bytes
        case .writer(let writer):
            var sink = ByteSink()
            writer(&sink)
            return sink.bytes
        }
    }
}
