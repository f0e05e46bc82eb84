#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// One thing to read: standard input or a file (named on the command line, or found below a
/// directory that was).
public enum InputSource: Sendable, Equatable {
    /// Standard input, named `-` on the command line and in messages.
    case standardInput
    /// A file, opened by the reader when its turn comes.
    case file(InputFile)

    /// The command-line spelling of standard input.
    public static let standardInputLocator = "-"

    /// A file named by a path (relative to the working directory, or absolute).
    public static func file(path: String, locator: String? = nil) -> InputSource {
        .file(InputFile(namedInput: Array(path.utf8), locator: locator ?? path))
    }

    /// The name reports and messages use for this input.
    public var locator: String {
        switch self {
        case .standardInput: Self.standardInputLocator
        case .file(let file): file.locator
        }
    }
}

/// A path as the operating system knows it: bytes, which need not be UTF-8 (Latin-1 names,
/// CP866 folders left by `unzip`). Only `display` turns it into text, for messages and reports.
public struct InputPath: Sendable, Hashable, ExpressibleByStringLiteral {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }
    public init(_ string: String) { self.bytes = Array(string.utf8) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The path as text, lossless for UTF-8 names: each byte that is not part of valid UTF-8 is
    /// written `\xNN`.
    public var display: String { DisplayText.path(bytes) }

    /// Standard input's spelling.
    public var isStandardInput: Bool { bytes == [UInt8(ascii: "-")] }

    /// `stat` of the path (following symbolic links) into `info`; false when it fails.
    public func status(_ info: inout stat) -> Bool {
        InputFile.withCString(bytes) { stat($0, &info) } == 0
    }
}

/// A file to read: `name` is opened relative to an open `directory` (a file found by the walk),
/// or relative to the working directory (a path named on the command line). Opening relative to
/// a directory descriptor keeps paths short however deep the tree, and never turns name bytes
/// into text.
public struct InputFile: Sendable, Equatable {
    public let directory: DirectoryHandle?
    public let name: [UInt8]
    /// How reports and messages name the file (see `InputPath.display`).
    public let locator: String
    /// The file's path inside the dump, which its role is judged from: below the folder walked
    /// for a file found there (`FR[…]/Chrome/Passwords.txt`), the name alone for a file named on
    /// the command line. Never the folders above: a dump saved under `~/Downloads` or
    /// `/srv/telegram` is not a stealer's `Downloads` or `Telegram` folder.
    public let insideName: String
    /// Named on the command line: read whatever its name says (never skipped as a stealer's
    /// browser history or screenshot).
    public var isNamedInput: Bool { directory == nil }

    public init(directory: DirectoryHandle, name: [UInt8], locator: String, insideName: String) {
        self.directory = directory
        self.name = name
        self.locator = locator
        self.insideName = insideName
    }

    /// A file named on the command line (relative to the working directory, or absolute).
    public init(namedInput path: [UInt8], locator: String) {
        self.directory = nil
        self.name = path
        self.locator = locator
        let base =
            path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).last.map(Array.init) ?? path
        self.insideName = DisplayText.path(base)
    }

    /// Opens the file for reading. A file found by the walk is opened without blocking
    /// (something swapped for a FIFO since it was listed must not hang a reader) and must still be
    /// a regular file.
    public func open() throws(InputOpenError) -> Int32 {
        let base = directory?.descriptor ?? AT_FDCWD
        let found = directory != nil
        let flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | (found ? O_NONBLOCK : 0)
        let descriptor = InputFile.withCString(name) { openat(base, $0, flags) }
        guard descriptor >= 0 else { throw .system(errno) }
        guard found else { return descriptor }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw .notRegular
        }
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    /// `stat` of the file (following symbolic links), or nil.
    public func status() -> stat? {
        var info = stat()
        let base = directory?.descriptor ?? AT_FDCWD
        let result = InputFile.withCString(name) { fstatat(base, $0, &info, 0) }
        return result == 0 ? info : nil
    }

    static func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
        var terminated = bytes
        terminated.append(0)
        return terminated.withUnsafeBufferPointer {
            body(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }

    public static func == (lhs: InputFile, rhs: InputFile) -> Bool {
        lhs.directory === rhs.directory && lhs.name == rhs.name && lhs.locator == rhs.locator
            && lhs.insideName == rhs.insideName
    }
}

/// Why an input file could not be opened.
public enum InputOpenError: Error, CustomStringConvertible {
    case system(Int32)
    /// Replaced by a FIFO, device or directory after the walk listed it.
    case notRegular

    public var description: String {
        switch self {
        case .system(let errorNumber): SystemError.describe(errorNumber)
        case .notRegular: "no longer a regular file"
        }
    }
}

/// An open directory, kept open while files below it wait to be read; closed with its last user.
public final class DirectoryHandle: Sendable {
    public let descriptor: Int32

    init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }
}
