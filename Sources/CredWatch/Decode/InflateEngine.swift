import CZlib
import Foundation

/// The decompression libraries `InflateStream` can run on, by the names `CREDWATCH_INFLATE`
/// gives them. ISA-L, when built in (see Package.swift), inflates more than twice as fast as
/// zlib; zlib is always there.
public enum InflateBackend: String, CaseIterable, Sendable {
    case zlib
    #if CREDWATCH_ISAL
        case isal
    #endif

    /// The fastest backend built in: what a scan uses unless told otherwise.
    #if CREDWATCH_ISAL
        public static let fastest = InflateBackend.isal
    #else
        public static let fastest = InflateBackend.zlib
    #endif

    /// The library's name in messages.
    public var name: String {
        switch self {
        case .zlib: "zlib"
        #if CREDWATCH_ISAL
            case .isal: "ISA-L"
        #endif
        }
    }

    func makeEngine(for wrapper: DeflateWrapper) throws(InflateStartFailure) -> any InflateEngine {
        switch self {
        case .zlib: try ZlibInflateEngine(wrapper: wrapper)
        #if CREDWATCH_ISAL
            case .isal: ISALInflateEngine(wrapper: wrapper)
        #endif
        }
    }
}

/// Why an engine could not start.
struct InflateStartFailure: Error {
    var reason: String
}

/// How one step of an engine ended. Details are worded as zlib words them, so that a damaged
/// stream reads the same whichever engine met it.
enum InflateOutcome: Equatable {
    /// Still inside the stream (possibly without having moved: see `InflateStream`).
    case progress
    /// The stream (or gzip member) ended and its check value matched.
    case streamEnd
    /// A zlib stream that needs a preset dictionary, which nothing here can supply.
    case needsDictionary
    case corrupt(String)
    /// Everything decoded, but the gzip CRC-32 or zlib Adler-32 does not match.
    case checksumMismatch(String)
}

struct InflateStep {
    /// Input bytes done with; the caller drops them from its buffer.
    var consumed: Int
    var produced: Int
    var outcome: InflateOutcome
}

/// One decompression library behind `InflateStream`, which keeps everything else (limits,
/// gzip members, trailing data, messages).
protocol InflateEngine: AnyObject {
    /// Input the engine has taken in but not decoded yet (its lookahead). It is not counted as
    /// consumed: the caller keeps it and passes it again at the start of the next step's input.
    /// So the end of the stream is known to the byte, and a zip's next record right after its
    /// deflate data is not swallowed.
    var retainedInput: Int { get }
    /// Decodes from `input`, which starts with the `retainedInput` bytes, into `output` (not empty).
    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep
    /// Starts over on the next gzip member.
    func reset()
}

final class ZlibInflateEngine: InflateEngine {
    /// zlib keeps pointers into the stream structure: it must never move.
    private let stream: UnsafeMutablePointer<z_stream>

    init(wrapper: DeflateWrapper) throws(InflateStartFailure) {
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        let status = czlib_inflateInit2(stream, wrapper.windowBits)
        guard status == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw InflateStartFailure(reason: "cannot start zlib (status \(status))")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// zlib gives back the bytes it read ahead itself.
    var retainedInput: Int { 0 }

    func step(input: UnsafeRawBufferPointer, output: UnsafeMutableRawBufferPointer) -> InflateStep {
        let offered = UInt32(min(input.count, Int(UInt32.max)))
        let room = UInt32(min(output.count, Int(UInt32.max)))
        stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = offered
        stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = room
        let status = CZlib.inflate(stream, Z_NO_FLUSH)
        let outcome: InflateOutcome
        switch status {
        case Z_STREAM_END: outcome = .streamEnd
        case Z_OK, Z_BUF_ERROR: outcome = .progress
        case Z_NEED_DICT: outcome = .needsDictionary
        default:
            let message = stream.pointee.msg.map { String(cString: $0) } ?? "zlib status \(status)"
            outcome = message == "incorrect data check" ? .checksumMismatch(message) : .corrupt(message)
        }
        return InflateStep(
            consumed: Int(offered - stream.pointee.avail_in),
            produced: Int(room - stream.pointee.avail_out),
            outcome: outcome
        )
    }

    func reset() {
        inflateReset(stream)
    }
}
