#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a stream could not be read to its end. `locator` names the layer that failed (the file,
/// the gzip stream, the archive member), so the message points at the damaged thing.
struct DecodeFault: Error {
    var locator: String
    var reason: String
}

/// A forward-only source of bytes: a file, a decompressor, an archive member.
protocol ByteStream: AnyObject {
    /// Reads up to `buffer.count` bytes into `buffer`; returns 0 only at the end of the stream.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int
    /// Moves past up to `count` bytes without reading them, when the stream can seek; returns
    /// how many were skipped, or nil when the stream cannot skip (the caller reads instead).
    func skip(_ count: Int64) throws(DecodeFault) -> Int64?
}

extension ByteStream {
    func skip(_ count: Int64) throws(DecodeFault) -> Int64? { nil }
}

/// Recycles the fixed-size read buffers of one input's readers, so that an archive of ten
/// thousand small members does not allocate (and fault in) ten thousand buffers.
final class BufferPool {
    /// The size of every reader's buffer: large enough for any header to be peeked whole (a zip
    /// local header is at most 30 + 2 × 65,535 bytes) and for reads to be cheap.
    static let bufferSize = 1 << 20
    private var spare: [UnsafeMutableRawBufferPointer] = []

    func acquire() -> UnsafeMutableRawBufferPointer {
        if let buffer = spare.popLast() { return buffer }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: BufferPool.bufferSize, alignment: 64)
        buffer.bindMemory(to: UInt8.self)
        return buffer
    }

    func release(_ buffer: UnsafeMutableRawBufferPointer) {
        spare.append(buffer)
    }

    deinit {
        for buffer in spare { buffer.deallocate() }
    }
}

/// A buffered reader over a `ByteStream`: lets parsers peek at headers and hand whole buffers on
/// without copying. A fault from the source is remembered: every later read throws it again, so
/// a container can tell that the stream under it is broken.
final class ByteReader {
    private let source: any ByteStream
    private let pool: BufferPool
    private let storage: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var sourceEnded = false
    /// The fault the source raised, if any.
    private(set) var failure: DecodeFault?
    /// Bytes consumed so far: the position in the stream.
    private(set) var position: Int64 = 0

    init(_ source: any ByteStream, pool: BufferPool) {
        self.source = source
        self.pool = pool
        self.storage = pool.acquire()
    }

    deinit {
        pool.release(storage)
    }

    /// The bytes read but not yet consumed.
    var buffered: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[start..<end])
    }

    /// The buffered bytes, reading more when none are left; empty only at the end of the stream.
    func available() throws(DecodeFault) -> UnsafeRawBufferPointer {
        if start == end { try fill(atLeast: 1) }
        return buffered
    }

    /// At least `count` bytes (at most the buffer's size) unless the stream ends sooner.
    func peek(_ count: Int) throws(DecodeFault) -> UnsafeRawBufferPointer {
        let wanted = min(count, storage.count)
        if end - start < wanted { try fill(atLeast: wanted) }
        return buffered
    }

    /// Up to `count` bytes to judge a stream by: what could be read before its end or a fault.
    /// The fault is thrown only when nothing could be read; else it stays recorded and the next
    /// read throws it, so the bytes before it are still delivered.
    func sample(_ count: Int) throws(DecodeFault) -> UnsafeRawBufferPointer {
        do {
            return try peek(count)
        } catch {
            if start == end { throw error }
            return buffered
        }
    }

    /// Marks `count` buffered bytes as read.
    func consume(_ count: Int) {
        precondition(count >= 0 && count <= end - start, "consumed more than was buffered")
        start += count
        position += Int64(count)
    }

    /// Moves past `count` bytes, seeking when the source can; returns how many were skipped
    /// (fewer only at the end of the stream).
    @discardableResult
    func skip(_ count: Int64) throws(DecodeFault) -> Int64 {
        guard count > 0 else { return 0 }
        var remaining = count
        let fromBuffer = Int(min(Int64(end - start), remaining))
        consume(fromBuffer)
        remaining -= Int64(fromBuffer)
        if remaining > 0, !sourceEnded {
            if let failure { throw failure }
            let skipped: Int64?
            do {
                skipped = try source.skip(remaining)
            } catch {
                failure = error
                throw error
            }
            if let skipped {
                position += skipped
                remaining -= skipped
            }
        }
        while remaining > 0 {
            let view = try available()
            if view.isEmpty { break }
            let step = Int(min(Int64(view.count), remaining))
            consume(step)
            remaining -= Int64(step)
        }
        return count - remaining
    }

    /// Reads and discards the rest of the stream (so that a decompressor checks its CRC, or an
    /// archive member's end is reached).
    func drain() throws(DecodeFault) {
        while true {
            let view = try available()
            if view.isEmpty { return }
            consume(view.count)
        }
    }

    /// The next `count` bytes as an array (fewer at the end); for small metadata only.
    func readBytes(_ count: Int) throws(DecodeFault) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let view = try available()
            if view.isEmpty { break }
            let step = min(view.count, count - bytes.count)
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: view[0..<step]))
            consume(step)
        }
        return bytes
    }

    private func fill(atLeast wanted: Int) throws(DecodeFault) {
        if let failure { throw failure }
        if start == end {
            start = 0
            end = 0
        } else if storage.count - start < wanted {
            let count = end - start
            memmove(storage.baseAddress!, storage.baseAddress! + start, count)
            start = 0
            end = count
        }
        while end - start < wanted && !sourceEnded {
            let read: Int
            do {
                read = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[end...]))
            } catch {
                failure = error
                throw error
            }
            if read == 0 { sourceEnded = true } else { end += read }
        }
    }
}

extension UnsafeRawBufferPointer {
    /// Little-endian integers of binary headers; the caller has checked the bounds.
    @inline(__always)
    func littleEndian16(at offset: Int) -> UInt16 {
        UInt16(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always)
    func littleEndian32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always)
    func littleEndian64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }
}
