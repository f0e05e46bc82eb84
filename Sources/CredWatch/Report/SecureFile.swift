import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A report or reset list could not be written. Names the path, the step and the system's
/// reason; never the content.
public struct SecureFileError: Error, CustomStringConvertible, Equatable {
    public var path: String
    /// The step that failed (`create temporary file`, `write`, `rename`…).
    public var operation: String
    /// The `errno` value.
    public var code: Int32

    public init(path: String, operation: String, code: Int32) {
        self.path = path
        self.operation = operation
        self.code = code
    }

    public var description: String {
        "cannot write \(path): \(operation): \(SystemError.describe(code))"
    }
}

/// Files credwatch writes: 0600, written to a temporary file in the same folder then renamed,
/// so a failed write leaves no partial file and readers never see a half-written report.
///
/// `path` is taken as is: a symbolic link there is replaced by the file. Reports and reset lists
/// reach it through `OutputTarget`, which first resolves links, standard output and special files.
public enum SecureFile {
    /// Writes the whole file at once (`stage`, then `commit`).
    public static func write(_ bytes: [UInt8], to path: String) throws(SecureFileError) {
        try stage(bytes, to: path).commit()
    }

    /// Writes `bytes` to a new temporary file beside `path` and flushes it to disk, without
    /// touching `path`: `commit` renames it into place, `discard` removes it. Until then it is
    /// listed in `staged`, so that an interrupted run removes it (`removeStaged`).
    public static func stage(_ bytes: [UInt8], to path: String) throws(SecureFileError) -> StagedFile {
        try stage(.bytes(bytes), to: path)
    }

    /// Writes `content` (a writer renders into the file piece by piece) to a new temporary
    /// file beside `path`, as `stage(_:to:)` does: a failed write removes it, so no partial
    /// file is ever renamed into place.
    public static func stage(_ content: OutputContent, to path: String) throws(SecureFileError) -> StagedFile {
        let folder = folder(of: path)
        var temporary = ""
        var descriptor: Int32 = -1
        // O_EXCL on a random name: never follows or reuses a file someone planted there.
        for _ in 0..<8 {
            temporary = folder + "/." + name(of: path) + ".tmp-" + randomSuffix()
            staged.withLock { _ = $0.insert(temporary) }
            descriptor = open(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0o600)
            if descriptor >= 0 { break }
            let failure = errno
            staged.withLock { _ = $0.remove(temporary) }
            errno = failure
            if failure != EEXIST { break }
        }
        guard descriptor >= 0 else {
            throw SecureFileError(path: path, operation: "create temporary file", code: errno)
        }
        let file = StagedFile(temporary: temporary, path: path, folder: folder)
        func fail(_ operation: String, _ code: Int32) -> SecureFileError {
            if descriptor >= 0 { close(descriptor) }
            file.discard()
            return SecureFileError(path: path, operation: operation, code: code)
        }
        // The umask may have taken bits away (never added any); set the mode explicitly.
        guard fchmod(descriptor, 0o600) == 0 else { throw fail("set permissions", errno) }
        let written = content.write(to: descriptor)
        guard written == 0 else { throw fail("write", written) }
        guard fsync(descriptor) == 0 else { throw fail("flush to disk", errno) }
        let closed = close(descriptor)
        descriptor = -1
        guard closed == 0 else { throw fail("close", errno) }
        return file
    }

    /// Temporary files written and not yet renamed or removed.
    static let staged = Mutex<Set<String>>([])

    /// Removes every staged temporary file (an interrupted run leaves none behind).
    public static func removeStaged() {
        staged.withLock { paths in
            for path in paths { unlink(path) }
            paths.removeAll()
        }
    }

    /// Makes the rename itself durable; some file systems refuse, which changes nothing.
    static func syncFolder(_ folder: String) {
        let descriptor = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    private static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func name(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    private static func randomSuffix() -> String {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 16)
    }
}

/// A file written and flushed beside its target, not yet in place.
public struct StagedFile: Sendable {
    let temporary: String
    public let path: String
    let folder: String

    /// Renames the file into place and makes the rename durable.
    public func commit() throws(SecureFileError) {
        guard rename(temporary, path) == 0 else {
            let code = errno
            discard()
            throw SecureFileError(path: path, operation: "rename into place", code: code)
        }
        _ = SecureFile.staged.withLock { $0.remove(temporary) }
        SecureFile.syncFolder(folder)
    }

    /// Removes the temporary file; the target is left as it was.
    public func discard() {
        unlink(temporary)
        _ = SecureFile.staged.withLock { $0.remove(temporary) }
    }
}
