#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A copy of an archive's compressed bytes in an unlinked, owner-only temporary file, for the
/// formats that can only be read at random (7z) when they arrive as a stream (standard input,
/// a compressed member). Nothing extracted is ever written: only the archive as it came.
enum Spool {
    /// Copies the rest of `reader` (at most `maxMemberSize` bytes) and returns it as a window.
    static func copy(_ reader: ByteReader, locator: String, limits: ScanLimits, directory: String) throws(DecodeFault)
        -> FileWindow
    {
        let descriptor = try create(in: directory, locator: locator)
        var written: Int64 = 0
        do throws(DecodeFault) {
            while true {
                let view = try reader.available()
                if view.isEmpty { break }
                written += Int64(view.count)
                guard written <= limits.maxMemberSize else {
                    throw DecodeFault(
                        locator: locator,
                        reason:
                            "archive read from a stream larger than the \(limits.maxMemberSize)-byte limit: not read"
                    )
                }
                try writeAll(descriptor, view, locator: locator)
                reader.consume(view.count)
            }
        } catch {
            close(descriptor)
            throw error
        }
        return window(descriptor, length: written, locator: locator)
    }

    /// A copy of `window` (a part of a file) as a file of its own.
    static func copy(_ window: FileWindow, locator: String, directory: String, pool: BufferPool) throws(DecodeFault)
        -> FileWindow
    {
        let descriptor = try create(in: directory, locator: locator)
        let buffer = pool.acquire()
        defer { pool.release(buffer) }
        var offset: Int64 = 0
        do throws(DecodeFault) {
            while offset < window.length {
                let wanted = Int(min(Int64(buffer.count), window.length - offset))
                let count = try window.file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]),
                    at: window.start + offset
                )
                if count == 0 { break }
                try writeAll(descriptor, UnsafeRawBufferPointer(rebasing: buffer[0..<count]), locator: locator)
                offset += Int64(count)
            }
        } catch {
            close(descriptor)
            throw error
        }
        return Spool.window(descriptor, length: offset, locator: locator)
    }

    /// The copy's reads count nowhere: its bytes were counted as the input was read.
    private static func window(_ descriptor: Int32, length: Int64, locator: String) -> FileWindow {
        let file = OpenFile(
            descriptor: descriptor,
            locator: locator,
            ownsDescriptor: true,
            diagnostics: Diagnostics(output: nil),
            expansion: ExpansionGuard()
        )
        return FileWindow(file: file, start: 0, length: length)
    }

    /// Linux's O_TMPFILE (`__O_TMPFILE | O_DIRECTORY`), which Glibc's module does not export.
    private static let temporaryFileFlag: Int32 = 0o20_200_000

    /// An unnamed file (O_TMPFILE), or one unlinked at once where the file system has none.
    private static func create(in directory: String, locator: String) throws(DecodeFault) -> Int32 {
        var descriptor = open(directory, temporaryFileFlag | O_RDWR | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            var template = Array((directory + "/credwatch-spool-XXXXXX").utf8CString)
            descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
            if descriptor >= 0 {
                template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
                _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC)
                fchmod(descriptor, 0o600)
            }
        }
        guard descriptor >= 0 else {
            throw DecodeFault(
                locator: locator,
                reason: "cannot create a temporary copy in \(directory) to read the archive: \(SystemError.last)"
            )
        }
        return descriptor
    }

    private static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, locator: String)
        throws(DecodeFault)
    {
        var done = 0
        while done < bytes.count {
            let count = write(descriptor, bytes.baseAddress! + done, bytes.count - done)
            if count < 0 {
                if errno == EINTR { continue }
                throw DecodeFault(
                    locator: locator,
                    reason: "cannot write the temporary copy of the archive: \(SystemError.last)"
                )
            }
            done += count
        }
    }
}
