#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An output path credwatch will not write: it names the path as given and the reason.
public struct OutputPathError: Error, CustomStringConvertible, Equatable {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// What credwatch's standard output and standard error are, so that an output naming the same
/// file by another path is recognised.
public struct StandardStreams: Sendable, Equatable {
    /// Standard output's file when it is a regular file, a FIFO or a character device.
    public var output: DeviceInode?
    /// Standard error's file when it is a regular file.
    public var error: DeviceInode?

    public init(output: DeviceInode? = nil, error: DeviceInode? = nil) {
        self.output = output
        self.error = error
    }

    /// The process's descriptors 1 and 2 as they are now.
    public static func current() -> StandardStreams {
        func identity(_ descriptor: Int32, _ kinds: [mode_t]) -> DeviceInode? {
            var info = stat()
            guard fstat(descriptor, &info) == 0, kinds.contains(info.st_mode & S_IFMT) else { return nil }
            return DeviceInode(info)
        }
        return StandardStreams(output: identity(1, [S_IFREG, S_IFIFO, S_IFCHR]), error: identity(2, [S_IFREG]))
    }
}

/// Where a report or a reset list goes, decided before anything is scanned.
///
/// - `-`, `/dev/stdout`, `/dev/fd/1` and `/proc/self/fd/1` are standard output, written as is;
///   so is any other spelling of them (`/dev/./stdout`, `//dev/stdout`, `/dev/../dev/stdout`, a
///   link to them) and any path to the file standard output is (a regular file, a FIFO or a
///   character device).
/// - A FIFO, a character device (`/dev/null`, a terminal) or a socket is opened and written in
///   place: never replaced, never created.
/// - Anything else is a regular file, existing or not: written to an owner-only temporary file in
///   the folder where the file really is (symbolic links followed), flushed, then renamed over
///   it (`SecureFile`); the commands refuse a link to a file and a read-only file
///   (`checkReplaceable`).
///
/// Refused, each with a message naming the path: a folder; a block device; a dangling symbolic
/// link; a path through a missing folder or a file; a symbolic link in a sticky world-writable
/// folder (`/tmp`) owned by neither the running user nor the folder's owner (the rule of Linux's
/// `fs.protected_symlinks`, which a rename of the resolved path would otherwise get around); a
/// path holding characters U+F780…U+F7FF, which stand for the bytes of an argument that is not
/// UTF-8 (the file named would not be the file written); any other of credwatch's own
/// descriptors (`/dev/stdin`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`, `/proc/<pid>/fd/N`,
/// however spelled, open or not), whose file would be replaced from under the shell's
/// redirection; the regular file standard error is, by any path.
public enum OutputTarget: Sendable, Equatable {
    case standardOutput
    /// A FIFO, character device or socket, opened at `path` when written.
    case special(path: String, kind: SpecialKind)
    /// A regular file named `path` on the command line; `file` is where it really is (every
    /// symbolic link followed), replaced atomically.
    case regularFile(path: String, file: String)

    public enum SpecialKind: String, Sendable {
        case fifo = "FIFO"
        case characterDevice = "character device"
        case socket = "socket"
    }

    /// The path as given (`-` for standard output).
    public var path: String {
        switch self {
        case .standardOutput: "-"
        case .special(let path, _), .regularFile(let path, _): path
        }
    }

    /// Decides what `path` is, without creating, opening or changing anything. `streams` says what
    /// credwatch's standard output and standard error are, to recognise them by other names.
    public static func resolve(
        _ path: String,
        streams: StandardStreams = .current()
    ) throws(OutputPathError) -> OutputTarget {
        if path == "-" { return .standardOutput }
        guard !path.isEmpty else { throw OutputPathError("the output path is empty") }
        // Not the bytes that were named: writing there would write a different file.
        if path.unicodeScalars.contains(where: isRawByte) {
            throw OutputPathError("\(rawBytesShown(path)) is not valid UTF-8: name the output with a UTF-8 path")
        }
        guard !path.hasSuffix("/") else { throw OutputPathError("\(path) names a folder: name a file") }
        // `/dev/./stdout`, `//dev/fd/2`, `/dev/../dev/stderr`: a descriptor even when it is not open.
        if let normalised = PathResolver.lexicallyNormalised(path),
            let number = PathResolver.ownDescriptor(named: normalised)
        {
            return try descriptor(number, named: path)
        }
        let target = try examine(path)
        let identity: DeviceInode? =
            switch target {
            case .standardOutput: nil
            case .special(let path, _): DeviceInode(path: path)
            case .regularFile(_, let file): DeviceInode(path: file)
            }
        guard let identity else {
            if case .regularFile(_, let file) = target { try checkFolderTakesFiles(file, named: path) }
            return target
        }
        // Replacing it would take the file from under the shell's redirection (`2>>cron.log`).
        if identity == streams.error {
            throw OutputPathError("\(path) is credwatch's standard error: refusing to replace it")
        }
        // Written through the descriptor, as the shell opened it (`>>` appends).
        if identity == streams.output { return .standardOutput }
        if case .regularFile(_, let file) = target { try checkFolderTakesFiles(file, named: path) }
        return target
    }

    /// The real folder of a regular-file output must take the temporary file and the rename:
    /// found out now, not after hours of scanning. Root passes every permission check, so a
    /// read-only file system is asked about too. (The delivery still handles a folder that
    /// changes in the meantime: nothing written, exit status 2, the state untouched.)
    private static func checkFolderTakesFiles(_ file: String, named path: String) throws(OutputPathError) {
        let slash = file.lastIndex(of: "/") ?? file.startIndex
        let folder = slash == file.startIndex ? "/" : String(file[..<slash])
        var system = statvfs()
        if statvfs(folder, &system) == 0 && system.f_flag & UInt(ST_RDONLY) != 0 {
            throw OutputPathError("\(path): the folder \(folder) is on a read-only file system")
        }
        // The effective user's rights, as the write will have.
        guard faccessat(AT_FDCWD, folder, W_OK | X_OK, AT_EACCESS) == 0 else {
            let reason = SystemError.last
            throw OutputPathError("\(path): cannot create a file in the folder \(folder): \(reason)")
        }
    }

    /// Standard output for descriptor 1, refused for every other: replacing the file behind the
    /// descriptor would destroy what the shell redirected (`2>>cron.log`, `< dump.txt`).
    private static func descriptor(_ number: String, named path: String) throws(OutputPathError) -> OutputTarget {
        guard number == "1" else {
            throw OutputPathError(
                "\(path) names one of credwatch's open descriptors; redirect with the shell instead"
            )
        }
        return .standardOutput
    }

    /// An existing regular file is replaced only when named itself and writable by its owner:
    /// through a link, a run (often as root) would replace whatever the link points to
    /// (`/etc/passwd`), and a read-only file says it is not to be overwritten. Checked by the
    /// commands after `OutputGuard` (whose messages name the run's own files first).
    public func checkReplaceable() throws(OutputPathError) {
        guard case .regularFile(let path, let file) = self else { return }
        var info = stat()
        guard stat(file, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        var link = stat()
        if lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK {
            throw OutputPathError(
                "\(path) is a symbolic link to a file: refusing to replace a file through a link (name the file itself)"
            )
        }
        if info.st_mode & S_IWUSR == 0 {
            throw OutputPathError(
                "\(path) is read-only: refusing to replace it (make it writable or name another file)"
            )
        }
    }

    /// What the file at `path` is, its symbolic links followed.
    private static func examine(_ path: String) throws(OutputPathError) -> OutputTarget {
        var info = stat()
        if stat(path, &info) == 0 {
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                throw OutputPathError("\(path) is a folder: name a file")
            case S_IFBLK:
                throw OutputPathError("\(path) is a block device: refusing to write a report onto it")
            case S_IFIFO, S_IFCHR, S_IFSOCK:
                // Opened in place by its path (the kernel follows the links, `/dev/fd/N` included);
                // only the symbolic-link rule and the descriptors are checked here.
                switch PathResolver.resolve(path, followingLinksSafely: true) {
                case .refused(let reason): throw OutputPathError(reason)
                case .descriptor(let number): return try descriptor(number, named: path)
                default: break
                }
                let kind: SpecialKind =
                    switch info.st_mode & S_IFMT {
                    case S_IFIFO: .fifo
                    case S_IFCHR: .characterDevice
                    default: .socket
                    }
                return .special(path: path, kind: kind)
            default:
                switch PathResolver.resolve(path, followingLinksSafely: true) {
                case .existing(let file) where DeviceInode(path: file) == DeviceInode(info):
                    return .regularFile(path: path, file: file)
                case .existing, .missing:
                    throw OutputPathError("\(path) changed while it was being examined")
                case .descriptor(let number):
                    return try descriptor(number, named: path)
                case .refused(let reason):
                    throw OutputPathError(reason)
                case .failed(let failedPath, let code):
                    throw OutputPathError("\(path): \(failedPath): \(SystemError.describe(code))")
                }
            }
        }
        let failure = errno
        var link = stat()
        if failure == ENOENT && lstat(path, &link) == 0 && link.st_mode & S_IFMT == S_IFLNK {
            throw OutputPathError("\(path) is a symbolic link to nothing: name the file itself")
        }
        switch PathResolver.resolve(path, followingLinksSafely: true) {
        case .missing(let file):
            return .regularFile(path: path, file: file)
        case .descriptor(let number):
            return try descriptor(number, named: path)
        case .refused(let reason):
            throw OutputPathError(reason)
        case .failed(let failedPath, let code) where code == ENOENT:
            throw OutputPathError("\(path): the folder \(failedPath) does not exist")
        case .failed(let failedPath, let code) where code == ENOTDIR:
            throw OutputPathError("\(path): \(failedPath) is not a folder")
        case .failed(let failedPath, let code):
            throw OutputPathError("\(path): \(failedPath): \(SystemError.describe(code))")
        case .existing:
            throw OutputPathError("\(path) changed while it was being examined")
        }
    }

    /// The characters that stand for the bytes 0x80…0xFF of a command-line argument that is not
    /// valid UTF-8 (one each, as Python's `surrogateescape`).
    public static let rawByteCharacters: ClosedRange<UInt32> = 0xF780...0xF7FF

    static func isRawByte(_ scalar: Unicode.Scalar) -> Bool { rawByteCharacters.contains(scalar.value) }

    /// `path` for messages, each raw-byte character written `\xNN`.
    static func rawBytesShown(_ path: String) -> String {
        var shown = ""
        for scalar in path.unicodeScalars {
            if isRawByte(scalar) {
                let byte = String(scalar.value - 0xF700, radix: 16, uppercase: true)
                shown += "\\x" + byte
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    /// Writes `bytes` whole to the target (see the type's description for how).
    public func write(_ bytes: [UInt8]) throws(SecureFileError) {
        try write(.bytes(bytes))
    }

    /// Writes `content` whole to the target (a writer renders into it piece by piece).
    public func write(_ content: OutputContent) throws(SecureFileError) {
        switch self {
        case .standardOutput:
            let code = content.write(to: 1)
            guard code == 0 else { throw SecureFileError(path: "standard output", operation: "write", code: code) }
        case .special(let path, let kind):
            try Self.writeInPlace(content, to: path, kind: kind)
        case .regularFile(let path, let file):
            do {
                try SecureFile.stage(content, to: file).commit()
            } catch {
                throw SecureFileError(
                    path: path == file ? path : "\(path) (\(file))",
                    operation: error.operation,
                    code: error.code
                )
            }
        }
    }

    /// Opens a FIFO, character device or socket without creating or truncating anything, and
    /// writes to it.
    private static func writeInPlace(
        _ content: OutputContent,
        to path: String,
        kind: SpecialKind
    ) throws(SecureFileError) {
        var descriptor = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY)
        if descriptor < 0 && errno == ENXIO && kind == .socket {
            descriptor = try connectSocket(path)
        }
        guard descriptor >= 0 else { throw SecureFileError(path: path, operation: "open", code: errno) }
        defer { close(descriptor) }
        // What was opened must still be what was examined: never a regular file written over
        // without the atomic rename, nor a block device.
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw SecureFileError(path: path, operation: "examine", code: errno)
        }
        switch info.st_mode & S_IFMT {
        case S_IFIFO, S_IFCHR, S_IFSOCK: break
        default: throw SecureFileError(path: path, operation: "open (no longer a \(kind.rawValue))", code: EEXIST)
        }
        let code = content.write(to: descriptor)
        guard code == 0 else { throw SecureFileError(path: path, operation: "write", code: code) }
    }

    /// A stream connection to the Unix socket at `path`.
    private static func connectSocket(_ path: String) throws(SecureFileError) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let name = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard name.count < capacity else {
            throw SecureFileError(path: path, operation: "connect to the socket", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: name)
            raw[name.count] = 0
        }
        #if canImport(Glibc)
            let streamType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
            let streamType = SOCK_STREAM | SOCK_CLOEXEC
        #endif
        let descriptor = socket(AF_UNIX, streamType, 0)
        guard descriptor >= 0 else { throw SecureFileError(path: path, operation: "create a socket", code: errno) }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard connected == 0 else {
            let code = errno
            close(descriptor)
            throw SecureFileError(path: path, operation: "connect to the socket", code: code)
        }
        return descriptor
    }
}

/// Writes on descriptors.
enum FileDescriptor {
    /// Writes every byte, retrying short and interrupted writes; returns 0 or the `errno` value.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32 {
        bytes.withUnsafeBytes { buffer -> Int32 in
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                if count == 0 { return EIO }
                offset += count
            }
            return 0
        }
    }
}

/// Follows a path's symbolic links one component at a time, as the kernel does, to where the
/// file really is, or would be created.
enum PathResolver {
    enum Resolution: Equatable {
        /// The real path of an existing file.
        case existing(String)
        /// The real path of the folder (which exists), joined with the missing last name.
        case missing(String)
        /// A component could not be examined (`errno` `code` at `path`).
        case failed(path: String, code: Int32)
        /// A symbolic link that must not be followed (see `OutputTarget`).
        case refused(String)
        /// One of the process's own descriptors (`/proc/<pid>/fd/N`, reached through `/dev/stderr`,
        /// `/dev/fd/N`…): its link names the file behind it, which is not the path named.
        case descriptor(String)
    }

    /// Links followed before giving up, as Linux's `MAXSYMLINKS`.
    static let maxLinks = 40

    /// With `followingLinksSafely`, a symbolic link in a sticky world-writable folder is followed
    /// only when the running user or the folder's owner owns it.
    static func resolve(_ path: String, followingLinksSafely: Bool) -> Resolution {
        var resolved: [String] = []
        if !path.hasPrefix("/") {
            guard let cwd = currentDirectory() else { return .failed(path: ".", code: errno) }
            resolved = components(cwd)
        }
        var pending = Array(components(path).reversed())
        var links = 0
        while let component = pending.popLast() {
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let folder = joined(resolved)
            let candidate = joined(resolved + [component])
            var info = stat()
            guard lstat(candidate, &info) == 0 else {
                let code = errno
                if code == ENOENT && pending.isEmpty { return .missing(candidate) }
                return .failed(path: candidate, code: code)
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                if isOwnDescriptorFolder(resolved) { return .descriptor(component) }
                links += 1
                guard links <= maxLinks else { return .failed(path: candidate, code: ELOOP) }
                if followingLinksSafely, let reason = unsafeLink(candidate, info, in: folder) {
                    return .refused(reason)
                }
                guard let target = readLink(candidate) else { return .failed(path: candidate, code: errno) }
                if target.hasPrefix("/") { resolved = [] }
                pending += components(target).reversed()
                continue
            }
            if !pending.isEmpty && info.st_mode & S_IFMT != S_IFDIR {
                return .failed(path: candidate, code: ENOTDIR)
            }
            resolved.append(component)
        }
        return .existing(joined(resolved))
    }

    /// `/proc/<pid>/fd` or `/proc/<pid>/task/<tid>/fd` of this process (the real path of
    /// `/proc/self/fd`, `/dev/fd`, `/proc/thread-self/fd`).
    private static func isOwnDescriptorFolder(_ folder: [String]) -> Bool {
        guard folder.count == 3 || folder.count == 5, folder[0] == "proc", folder[1] == String(getpid()),
            folder.last == "fd"
        else { return false }
        return folder.count == 3 || (folder[2] == "task" && isNumber(folder[3]))
    }

    /// The descriptor that `path` (absolute, without `.`, `..` or empty components) names as one
    /// of the process's own (`/dev/stdin`, `/dev/stderr`, `/dev/fd/N`, `/proc/self/fd/N`,
    /// `/proc/<pid>/fd/N`, `/proc/thread-self/fd/N`, `/proc/<pid>/task/<tid>/fd/N`), open or not;
    /// nil for any other path.
    static func ownDescriptor(named path: String) -> String? {
        let parts = components(path)
        switch parts.count {
        case 2 where parts[0] == "dev":
            return ["stdin": "0", "stdout": "1", "stderr": "2"][parts[1]]
        case 3 where parts[0] == "dev" && parts[1] == "fd":
            return isNumber(parts[2]) ? parts[2] : nil
        case 4 where parts[0] == "proc" && ["self", "thread-self", String(getpid())].contains(parts[1]):
            return parts[2] == "fd" && isNumber(parts[3]) ? parts[3] : nil
        case 6 where parts[0] == "proc" && ["self", String(getpid())].contains(parts[1]):
            return parts[2] == "task" && isNumber(parts[3]) && parts[4] == "fd" && isNumber(parts[5]) ? parts[5] : nil
        default:
            return nil
        }
    }

    private static func isNumber(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    /// `path` made absolute, without empty or `.` components, each `..` taken as the real parent
    /// of what precedes it (as the kernel does: `/dev/fd/..` is `/proc/<pid>`); nil when a folder
    /// before a `..` cannot be resolved.
    static func lexicallyNormalised(_ path: String) -> String? {
        var normalised: [String] = []
        if !path.hasPrefix("/") {
            guard let cwd = currentDirectory() else { return nil }
            normalised = components(cwd)
        }
        for component in components(path) {
            guard component == ".." else {
                normalised.append(component)
                continue
            }
            guard let real = realpath(joined(normalised), nil) else { return nil }
            normalised = components(String(cString: real))
            free(real)
            _ = normalised.popLast()
        }
        return joined(normalised)
    }

    /// Why the link `path` in `folder` must not be followed, or nil.
    private static func unsafeLink(_ path: String, _ link: stat, in folder: String) -> String? {
        var owner = stat()
        guard stat(folder, &owner) == 0 else { return nil }
        let sticky = owner.st_mode & S_ISVTX != 0 && owner.st_mode & S_IWOTH != 0
        guard sticky, link.st_uid != geteuid(), link.st_uid != owner.st_uid else { return nil }
        return "\(path) is a symbolic link owned by another user (uid \(link.st_uid)) in the shared folder "
            + "\(folder): not followed"
    }

    private static func components(_ path: String) -> [String] {
        path.split(separator: "/", omittingEmptySubsequences: true).map(String.init).filter { $0 != "." }
    }

    private static func joined(_ components: [String]) -> String {
        "/" + components.joined(separator: "/")
    }

    private static func readLink(_ path: String) -> String? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = buffer.withUnsafeMutableBufferPointer { pointer in
            pointer.withMemoryRebound(to: CChar.self) { readlink(path, $0.baseAddress!, $0.count) }
        }
        guard count >= 0 else { return nil }
        return String(decoding: buffer[..<count], as: UTF8.self)
    }

    private static func currentDirectory() -> String? {
        guard let pointer = getcwd(nil, 0) else { return nil }
        defer { free(pointer) }
        return String(cString: pointer)
    }
}
