#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns command-line arguments into the sources to read, in an order that does not depend on
/// the file system: directories are walked depth-first with their entries sorted by name bytes.
///
/// The tree is hostile (what `tar x` of a criminal's tarball leaves behind), so:
/// - names are bytes end to end: each directory is opened relative to its parent's descriptor
///   (`openat`), so neither name encodings nor path length limit what can be read;
/// - each directory (device, inode) is walked once and each file read once per run, whatever the
///   number of paths (symbolic links, hard links, repeated arguments) that reach it: the others
///   are counted as duplicates;
/// - the walk is a loop with its own stack, not recursion, and holds one descriptor per level,
///   within the process's limit;
/// - FIFOs, sockets and devices found in a tree are named and skipped (only one named on the
///   command line is read: `<(zcat …)`, /dev/stdin).
/// Anything that cannot be listed or examined is reported and skipped, and the walk goes on.
/// Files are not opened here: the reader reports a file it cannot open.
public final class InputWalker {
    private let diagnostics: Diagnostics
    private var walkedDirectories = Set<DeviceInode>()
    private var readFiles = Set<DeviceInode>()
    /// Directories open at once (one per level of the walk), leaving the rest of the process's
    /// descriptors to the readers.
    private let maxOpenDirectories: Int

    /// `--shard`: only the files of this shard are inputs of the run.
    private let shard: InputShard?

    public init(diagnostics: Diagnostics, shard: InputShard? = nil) {
        self.diagnostics = diagnostics
        self.shard = shard
        maxOpenDirectories = max(16, OpenFileLimit.raised() - 256)
    }

    /// Expands `arguments` (`-` is standard input) and calls `visit` for each source found.
    public func walk(_ arguments: [InputPath], visit: (InputSource) -> Void) {
        for argument in arguments {
            if argument.isStandardInput {
                found(.standardInput, visit)
                continue
            }
            let locator = argument.display
            var info = stat()
            guard argument.status(&info) else {
                reportUnreadable(locator, errorNumber: errno)
                continue
            }
            switch FileKind(info) {
            case .directory:
                let descriptor = InputFile.withCString(argument.bytes) {
                    open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                }
                guard descriptor >= 0 else {
                    reportUnreadable(locator, errorNumber: errno)
                    continue
                }
                let root = DirectoryHandle(descriptor: descriptor)
                walkTree(root, identity: DeviceInode(info), locator: locator, realPath: Self.realPath(of: root), visit)
            case .regular:
                guard readFiles.insert(DeviceInode(info)).inserted else {
                    duplicate()
                    continue
                }
                let file = InputSource.file(InputFile(namedInput: argument.bytes, locator: locator))
                if info.st_size == 0 && shard?.contains(file) != false { diagnostics.warning(locator, "empty file") }
                found(file, visit)
            case .other:
                // Named explicitly: FIFOs and devices (`<(zcat …)`, /dev/stdin) are read too.
                found(.file(InputFile(namedInput: argument.bytes, locator: locator)), visit)
            }
        }
    }

    /// Convenience for callers holding text paths.
    public func walk(_ arguments: [String], visit: (InputSource) -> Void) {
        walk(arguments.map { InputPath($0) }, visit: visit)
    }

    /// One open directory of the walk and the entries of it still to visit.
    private struct Level {
        var handle: DirectoryHandle
        /// This folder's name as shown (the argument as given for the root). Only the name: a
        /// full path per level would cost the square of a deep chain's length.
        var name: String
        /// Names, in byte order.
        var entries: [[UInt8]]
        var next = 0
    }

    /// The path of `name` below the folders of `stack`: the locator from the root, and the
    /// path inside the walked folder (what a document's role is judged from).
    private static func paths(_ stack: [Level], _ name: String) -> (locator: String, inside: String) {
        var inside = ""
        for level in stack.dropFirst() { inside += level.name + "/" }
        inside += name
        return (joined(stack[0].name, inside), inside)
    }

    /// Visits the files below `root` depth-first in name order. A symbolic link is followed
    /// only to what lies inside the walked folder (`realPath`): a dump that links to `/` or
    /// `/proc/self` must not make a run read the host.
    private func walkTree(
        _ root: DirectoryHandle,
        identity: DeviceInode,
        locator: String,
        realPath: [UInt8]?,
        _ visit: (InputSource) -> Void
    ) {
        guard walkedDirectories.insert(identity).inserted else {
            duplicate()
            return
        }
        guard let entries = listDirectory(root, locator: locator) else { return }
        var stack = [Level(handle: root, name: locator, entries: entries)]
        while !stack.isEmpty {
            let top = stack.count - 1
            guard stack[top].next < stack[top].entries.count else {
                stack.removeLast()
                continue
            }
            let entry = stack[top].entries[stack[top].next]
            stack[top].next += 1
            let parent = stack[top].handle
            let name = DisplayText.path(entry)

            // One `stat` per entry: the exact identity, where a `dirent`'s d_ino can disagree with
            // it (overlay file systems), and a falsely equal one would drop a file.
            var info = stat()
            guard InputFile.withCString(entry, { fstatat(parent.descriptor, $0, &info, AT_SYMLINK_NOFOLLOW) }) == 0
            else {
                reportUnreadable(Self.paths(stack, name).locator, errorNumber: errno)
                continue
            }
            if info.st_mode & S_IFMT == S_IFLNK {
                guard follows(entry, in: parent, within: realPath, stack: stack, name: name, into: &info) else {
                    continue
                }
            }
            switch FileKind(info) {
            case .regular:
                guard readFiles.insert(DeviceInode(info)).inserted else {
                    duplicate()
                    continue
                }
                let (path, inside) = Self.paths(stack, name)
                found(.file(InputFile(directory: parent, name: entry, locator: path, insideName: inside)), visit)
            case .directory:
                guard stack.count < maxOpenDirectories else {
                    let path = Self.paths(stack, name).locator
                    diagnostics.error(path, "more than \(maxOpenDirectories) nested folders: not read")
                    continue
                }
                let descriptor = InputFile.withCString(entry) {
                    openat(parent.descriptor, $0, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                }
                guard descriptor >= 0 else {
                    reportUnreadable(Self.paths(stack, name).locator, errorNumber: errno)
                    continue
                }
                let handle = DirectoryHandle(descriptor: descriptor)
                // The identity of what was opened, not of what was listed: it cannot have changed.
                guard fstat(descriptor, &info) == 0, walkedDirectories.insert(DeviceInode(info)).inserted else {
                    duplicate()
                    continue
                }
                guard let children = listDirectory(handle, locator: Self.paths(stack, name).locator) else { continue }
                stack.append(Level(handle: handle, name: name, entries: children))
            case .other:
                let path = Self.paths(stack, name).locator
                diagnostics.warning(path, "\(Self.describe(info)), not a regular file: skipped")
            }
        }
    }

    /// Whether to follow the symbolic link `entry`: only when it leads inside the walked folder
    /// (`root`, a real path; links are not followed when it is unknown). Fills `info` with what
    /// it leads to. A link that leads nowhere, or loops, is an error; one that leads outside is
    /// named and skipped.
    private func follows(
        _ entry: [UInt8],
        in parent: DirectoryHandle,
        within root: [UInt8]?,
        stack: [Level],
        name: String,
        into info: inout stat
    ) -> Bool {
        let target = InputFile.withCString(entry) { openat(parent.descriptor, $0, Self.openPathOnly | O_CLOEXEC) }
        guard target >= 0 else {
            reportUnreadable(Self.paths(stack, name).locator, errorNumber: errno)
            return false
        }
        defer { close(target) }
        guard fstat(target, &info) == 0 else {
            reportUnreadable(Self.paths(stack, name).locator, errorNumber: errno)
            return false
        }
        guard let root, let real = Self.realPath(ofDescriptor: target),
            real == root
                || (real.starts(with: root) && (root == [UInt8(ascii: "/")] || real[root.count] == UInt8(ascii: "/")))
        else {
            diagnostics.warning(
                Self.paths(stack, name).locator,
                "symbolic link to \(Self.realPath(ofDescriptor: target).map(DisplayText.path) ?? "?"), "
                    + "outside the folder walked: not followed"
            )
            return false
        }
        return true
    }

    /// Linux's O_PATH (open to examine, not to read: also a FIFO without blocking), which
    /// Glibc's Swift module does not export. The same value on x86-64 and arm64.
    private static let openPathOnly: Int32 = 0o10000000

    /// The real path of an open file or folder (symbolic links resolved), as bytes.
    private static func realPath(of handle: DirectoryHandle) -> [UInt8]? {
        realPath(ofDescriptor: handle.descriptor)
    }

    private static func realPath(ofDescriptor descriptor: Int32) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = "/proc/self/fd/\(descriptor)".withCString { link in
            buffer.withUnsafeMutableBytes {
                readlink(link, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
            }
        }
        guard length > 0, length < buffer.count, buffer[0] == UInt8(ascii: "/") else { return nil }
        return Array(buffer[0..<length])
    }

    private func found(_ source: InputSource, _ visit: (InputSource) -> Void) {
        // Another shard's file is no input of this run.
        if let shard, !shard.contains(source) { return }
        diagnostics.inputs.add(1, ordering: .relaxed)
        visit(source)
    }

    private func duplicate() {
        diagnostics.duplicates.add(1, ordering: .relaxed)
    }

    /// The entries of the open directory (without `.` and `..`) sorted by name bytes; nil when it
    /// cannot be listed (reported).
    private func listDirectory(_ directory: DirectoryHandle, locator: @autoclosure () -> String) -> [[UInt8]]? {
        // fdopendir takes the descriptor it is given: hand it a duplicate, the handle keeps its own.
        let copy = fcntl(directory.descriptor, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0, let stream = fdopendir(copy) else {
            let reason = errno
            if copy >= 0 { close(copy) }
            reportUnreadable(locator(), errorNumber: reason)
            return nil
        }
        defer { closedir(stream) }
        var entries: [[UInt8]] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { reportUnreadable(locator(), errorNumber: errno) }
                break
            }
            let name = Self.name(of: entry)
            if name == [0x2E] || name == [0x2E, 0x2E] || name.isEmpty { continue }
            entries.append(name)
        }
        entries.sort { $0.lexicographicallyPrecedes($1) }
        return entries
    }

    /// The name of a `dirent`, read up to its NUL and never past the record: a record returned
    /// by `readdir` is only `d_reclen` bytes long, often shorter than the declared 256-byte
    /// `d_name`, and may end a mapped page.
    static func name(of entry: UnsafeMutablePointer<dirent>) -> [UInt8] {
        let offset = MemoryLayout<dirent>.offset(of: \dirent.d_name)!
        let record = Int(entry.pointee.d_reclen)
        let limit = max(0, min(record, MemoryLayout<dirent>.size) - offset)
        let start = UnsafeRawPointer(entry) + offset
        let length = memchr(start, 0, limit).map { UnsafeRawPointer($0) - start } ?? limit
        return Array(UnsafeRawBufferPointer(start: start, count: length))
    }

    private func reportUnreadable(_ locator: String, errorNumber: Int32) {
        if errorNumber == ELOOP {
            diagnostics.error(locator, "symbolic link loop: skipped")
        } else {
            diagnostics.error(locator, "cannot read: \(SystemError.describe(errorNumber))")
        }
    }

    private static func describe(_ info: stat) -> String {
        switch info.st_mode & S_IFMT {
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        default: "special file"
        }
    }

    private static func joined(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// What a directory entry is, as far as the walk cares.
private enum FileKind: Equatable {
    case regular
    case directory
    case other

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        default: self = .other
        }
    }
}

/// The process's limit on open descriptors.
enum OpenFileLimit {
    /// Raises the soft limit to the hard one (a deep tree holds a descriptor per level) and
    /// returns the limit now in force.
    static func raised() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var wanted = limit
            wanted.rlim_cur = min(limit.rlim_max, 1 << 20)
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &wanted) == 0 { limit = wanted }
        }
        return Int(clamping: limit.rlim_cur)
    }
}
