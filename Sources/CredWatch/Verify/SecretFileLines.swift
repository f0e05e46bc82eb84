#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Streams a secret file (a hash export) line by line through one buffer that is wiped
/// afterwards: the file is never copied, and no line outlives the callback that receives it.
enum SecretFileLines {
    /// Lines longer than this are skipped (a hash export's lines are a few hundred bytes).
    static let maxLineLength = 1 << 20
    private static let readSize = 64 << 10

    /// Calls `body` with each line (without its LF, CR or UTF-8 byte-order mark) and its
    /// 1-based number. Returns how many over-long lines were skipped.
    static func forEach(
        in descriptor: Int32,
        path: String,
        _ body: (UnsafeRawBufferPointer, Int) -> Void
    ) throws(ConfigurationError) -> Int {
        let capacity = maxLineLength + readSize
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        defer {
            SecretBytes.wipe(buffer)
            buffer.deallocate()
        }
        let view = UnsafeRawBufferPointer(buffer)
        var start = 0
        var end = 0
        var lineNumber = 0
        var isSkippingLongLine = false
        var overlongLines = 0

        func emit(_ range: Range<Int>) {
            var line = Bytes.slice(view, range)
            if line.last == 0x0D { line = Bytes.slice(line, 0..<line.count - 1) }
            if lineNumber == 1, line.starts(with: [0xEF, 0xBB, 0xBF]) { line = Bytes.slice(line, 3..<line.count) }
            body(line, lineNumber)
        }

        while true {
            if end == capacity {
                if start > 0 {
                    buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: end - start)
                    end -= start
                    start = 0
                } else {
                    // A full buffer without a line end: drop what we have until the next LF.
                    if !isSkippingLongLine { overlongLines += 1 }
                    isSkippingLongLine = true
                    end = 0
                }
            }
            let count = read(descriptor, buffer.baseAddress! + end, capacity - end)
            if count < 0 {
                if errno == EINTR { continue }
                throw ConfigurationError(file: path, message: "cannot read: \(SystemError.last)")
            }
            if count == 0 { break }
            var scanFrom = end
            end += count
            let filled = Bytes.slice(view, 0..<end)
            while let newline = Bytes.index(of: 0x0A, in: filled, from: scanFrom) {
                lineNumber += 1
                if isSkippingLongLine {
                    isSkippingLongLine = false
                } else {
                    emit(start..<newline)
                }
                start = newline + 1
                scanFrom = start
            }
            if start == end {
                start = 0
                end = 0
            }
        }
        if start < end && !isSkippingLongLine {
            lineNumber += 1
            emit(start..<end)
        }
        return overlongLines
    }
}
