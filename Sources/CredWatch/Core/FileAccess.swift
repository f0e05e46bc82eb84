#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Who besides its owner may use a file that holds secrets (the state, the fingerprint key,
/// password-hash exports): the one place that reads a file's permissions for that check.
public struct FileAccess: Sendable {
    /// The permission bits (`0o640`).
    let mode: mode_t
    let isRegularFile: Bool
    let isDirectory: Bool

    /// Of an open file; nil when it cannot be examined.
    init?(descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return nil }
        self.init(status)
    }

    /// Of the file at `path`, links followed; nil when it cannot be examined.
    public init?(path: String) {
        var status = stat()
        guard stat(path, &status) == 0 else { return nil }
        self.init(status)
    }

    private init(_ status: stat) {
        mode = status.st_mode & 0o777
        isRegularFile = status.st_mode & S_IFMT == S_IFREG
        isDirectory = status.st_mode & S_IFMT == S_IFDIR
    }

    /// Group or others may read it.
    var isReadableByOthers: Bool { mode & 0o044 != 0 }

    /// Group or others have some permission on it (read, write or execute).
    public var isOpenToOthers: Bool { mode & 0o077 != 0 }

    /// `mode 0640`, for messages.
    public var modeText: String { "mode 0" + String(mode, radix: 8) }
}
