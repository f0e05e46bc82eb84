#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open file descriptor; closed when the last stream over it is released. Every byte read
/// is counted in `Diagnostics.bytesRead`, and how much of the input was read in the input's
/// expansion guard.
final class OpenFile {
    let descriptor: Int32
    let locator: String
    private let ownsDescriptor: Bool
    private let diagnostics: Diagnostics
    private let expansion: ExpansionGuard

    init(descriptor: Int32, locator: String, ownsDescriptor: Bool, diagnostics: Diagnostics, expansion: ExpansionGuard)
    {
        self.descriptor = descriptor
        self.locator = locator
        self.ownsDescriptor = ownsDescriptor
        self.diagnostics = diagnostics
        self.expansion = expansion
    }

    /// The whole file, when `preload(size:)` read it.
    private var preloaded: UnsafeMutableRawBufferPointer?

    deinit {
        if ownsDescriptor { close(descriptor) }
        preloaded?.deallocate()
    }

    /// Reads the first `size` bytes of the file into memory, from where every later
    /// `read(into:at:)` is served (see `DecodeOptions.preloadLimit`). On a read error the file
    /// is read as usual, so that the error is met, and reported, where the data is needed.
    func preload(size: Int) {
        guard preloaded == nil, size > 0 else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
        let filled = (try? readFully(into: buffer, at: 0)) ?? 0
        guard filled > 0 else {
            buffer.deallocate()
            return
        }
        // A file that shrank since it was measured ends where the read ended.
        preloaded = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<filled])
    }

    /// Reads at the file offset (pipes, terminals).
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        try counted { systemRead(descriptor, buffer) }
    }

    /// Reads at `offset` without moving the file offset.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(DecodeFault) -> Int {
        if let preloaded {
            guard offset >= 0, offset < Int64(preloaded.count), !buffer.isEmpty else { return 0 }
            let count = min(buffer.count, preloaded.count - Int(offset))
            buffer.baseAddress!.copyMemory(from: preloaded.baseAddress! + Int(offset), byteCount: count)
            return count
        }
        return try counted(at: offset) { pread(descriptor, buffer.baseAddress, buffer.count, off_t(offset)) }
    }

    /// Reads at `offset` until `buffer` is full or the file ends; returns the bytes read.
    func readFully(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(DecodeFault) -> Int {
        var filled = 0
        while filled < buffer.count {
            let read = try read(
                into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]),
                at: offset + Int64(filled)
            )
            if read == 0 { break }
            filled += read
        }
        return filled
    }

    /// Runs a read call (at `offset` for `pread`, nil for `read`), counting what it read.
    private func counted(at offset: Int64? = nil, _ call: () -> Int) throws(DecodeFault) -> Int {
        while true {
            let result = call()
            if result >= 0 {
                diagnostics.bytesRead.add(result, ordering: .relaxed)
                if let offset {
                    expansion.noteFileRead(through: offset &+ Int64(result))
                } else {
                    expansion.noteStreamRead(result)
                }
                return result
            }
            if errno == EINTR { continue }
            throw DecodeFault(locator: locator, reason: "read failed: \(SystemError.describe(errno))")
        }
    }
}

/// A byte range of a seekable file (the whole file, or a stored archive member), read with
/// `pread` so that several readers can share one descriptor.
final class FileWindow {
    let file: OpenFile
    /// Offset of the window in the file.
    let start: Int64
    /// Length of the window as declared (an archive may claim more than the file holds).
    let length: Int64

    init(file: OpenFile, start: Int64, length: Int64) {
        self.file = file
        self.start = start
        self.length = max(0, length)
    }

    /// The sub-range at `offset` (relative to this window), clipped to this window.
    func window(offset: Int64, length: Int64) -> FileWindow {
        let clippedOffset = min(max(0, offset), self.length)
        let clippedLength = min(max(0, length), self.length - clippedOffset)
        return FileWindow(file: file, start: start + clippedOffset, length: clippedLength)
    }

    /// Up to `count` bytes at `offset` (relative to this window); fewer at its end.
    func bytes(at offset: Int64, count: Int) throws(DecodeFault) -> [UInt8] {
        guard offset >= 0, offset < length, count > 0 else { return [] }
        let wanted = Int(min(Int64(count), length - offset))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: wanted, alignment: 1)
        defer { buffer.deallocate() }
        let filled = try file.readFully(into: buffer, at: start + offset)
        return Array(UnsafeRawBufferPointer(rebasing: buffer[0..<filled]))
    }
}

/// Reads a file window from its start to its end.
final class WindowStream: ByteStream {
    private let window: FileWindow
    /// Bytes read (or skipped) so far.
    private(set) var offset: Int64 = 0
    /// Names the data in a message when the file turns out shorter than the window.
    private let locator: String
    /// Raised by a read past the window's end, when the data was declared longer than the
    /// window could be (an archive member whose recorded size runs past the archive's data);
    /// nil when the window's end is the data's.
    private let pastEnd: DecodeFault?

    init(_ window: FileWindow, locator: String, pastEnd: DecodeFault? = nil) {
        self.window = window
        self.locator = locator
        self.pastEnd = pastEnd
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        let remaining = window.length - offset
        guard !buffer.isEmpty else { return 0 }
        guard remaining > 0 else {
            if let pastEnd { throw pastEnd }
            return 0
        }
        let wanted = Int(min(Int64(buffer.count), remaining))
        let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted])
        let read = try window.file.read(into: target, at: window.start + offset)
        if read == 0 {
            throw DecodeFault(
                locator: locator,
                reason: "truncated: data ends after \(offset) of \(window.length) bytes"
            )
        }
        offset += Int64(read)
        return read
    }

    func skip(_ count: Int64) throws(DecodeFault) -> Int64? {
        let step = min(max(0, count), window.length - offset)
        offset += step
        return step
    }
}

/// `read(2)`, out of reach inside types that have a `read` method.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}

/// Reads a descriptor that cannot seek (a pipe, a terminal, standard input).
final class SequentialFileStream: ByteStream {
    private let file: OpenFile

    init(_ file: OpenFile) {
        self.file = file
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        try file.read(into: buffer)
    }
}
