#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The files a run reads or keeps, which none of its outputs may overwrite; checked before
/// anything is scanned.
///
/// Files are compared by device and inode (through symbolic and hard links); a file that does not
/// exist yet by where it would be created (its folder's real path and its name). A protected
/// folder also protects every existing file below it (the input walk, or the pattern loader,
/// would read it): an output's real folders are compared with it up to `/`. A folder whose every
/// file is loaded, new ones included (a pattern folder), refuses any file below it, existing or
/// not: a report there would break every later run.
///
/// Paths are plain strings and identities plain (device, inode) pairs, so callers that already
/// hold an open input can protect it by identity.
public struct OutputGuard: Sendable {
    /// One protected file or folder.
    public struct Entry: Sendable, Equatable {
        /// What it is to the run, for messages: `the accounts export`, `the input` (`the input
        /// folder` for a file below it).
        public var role: String
        /// The path as given.
        public var path: String
        public var location: Location
        /// A folder: existing files below it are protected too.
        public var isFolder: Bool
        /// A folder whose every file is loaded (a pattern folder): no file may be created below
        /// it either.
        public var coversNewFiles: Bool
    }

    /// Where a protected or output file is.
    public enum Location: Sendable, Hashable {
        case existing(DeviceInode)
        /// The real path it would be created at.
        case missing(String)
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// Protects the file or folder at `path` as `role` (with `coversNewFiles`, a folder protects
    /// the files not created yet below it too). A path that does not exist is protected by where
    /// it would be created; one that cannot be resolved at all cannot be overwritten either.
    public mutating func protect(_ path: String, as role: String, coversNewFiles: Bool = false) {
        var info = stat()
        if stat(path, &info) == 0 {
            let isFolder = info.st_mode & S_IFMT == S_IFDIR
            protect(DeviceInode(info), path: path, as: role, isFolder: isFolder, coversNewFiles: coversNewFiles)
            return
        }
        guard let location = Self.missingLocation(path) else { return }
        entries.append(
            Entry(role: role, path: path, location: .missing(location), isFolder: false, coversNewFiles: false)
        )
    }

    /// Protects the file (or with `isFolder`, the folder and what is below it; with
    /// `coversNewFiles`, the files not created yet below it too) `identity`, named `path` in
    /// messages.
    public mutating func protect(
        _ identity: DeviceInode,
        path: String,
        as role: String,
        isFolder: Bool,
        coversNewFiles: Bool = false
    ) {
        entries.append(
            Entry(
                role: role,
                path: path,
                location: .existing(identity),
                isFolder: isFolder,
                coversNewFiles: isFolder && coversNewFiles
            )
        )
    }

    /// Protects the regular file that `descriptor` (standard input) is, for a run that reads it
    /// (`credwatch scan - … < dump.txt`): an output naming that file by any path would replace the
    /// input while it is read.
    public mutating func protectStandardInput(descriptor: Int32 = STDIN_FILENO) {
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return }
        protect(DeviceInode(info), path: "(standard input)", as: "the input", isFolder: false)
    }

    /// Refuses an output that is a protected file, an existing file below a protected folder, or
    /// the same as another output (both standard output, or one file). `outputs` pairs each
    /// option (`--output`) with its target.
    public func check(_ outputs: [(option: String, target: OutputTarget)]) throws(OutputPathError) {
        for output in outputs { try check(output.target, option: output.option) }
        for (index, first) in outputs.enumerated() {
            for second in outputs[(index + 1)...] where Self.same(first.target, second.target) {
                let message =
                    first.target == .standardOutput
                    ? "\(second.option) and \(first.option) both go to standard output: give one of them a file"
                    : "\(second.option) \(second.target.path) and \(first.option) \(first.target.path) are the "
                        + "same file: one would overwrite the other"
                throw OutputPathError(
                    message
                )
            }
        }
    }

    /// Refuses `target` when it is a protected file, an existing file below a protected folder,
    /// or a new file below a folder whose new files are protected too.
    public func check(_ target: OutputTarget, option: String) throws(OutputPathError) {
        guard let location = Self.location(of: target) else { return }
        func refuse(_ entry: Entry, inside: Bool) -> OutputPathError {
            let relation = inside ? "lies inside \(entry.role) folder" : "is \(entry.role)"
            return OutputPathError("\(option) \(target.path) \(relation) \(entry.path): refusing to overwrite it")
        }
        for entry in entries where entry.location == location { throw refuse(entry, inside: false) }
        // A FIFO or device below an input folder is not read by the walk; a regular file is, and
        // a new one below a folder that is loaded whole would be by the next run.
        guard case .regularFile(_, let file) = target else { return }
        let isNew = if case .missing = location { true } else { false }
        let folders = entries.filter { $0.isFolder && (!isNew || $0.coversNewFiles) }
        guard !folders.isEmpty else { return }
        var folder = file
        while let slash = folder.lastIndex(of: "/") {
            folder = slash == folder.startIndex ? "/" : String(folder[..<slash])
            if let identity = DeviceInode(path: folder) {
                for entry in folders where entry.location == .existing(identity) {
                    guard isNew else { throw refuse(entry, inside: true) }
                    throw OutputPathError(
                        "\(option) \(target.path) lies inside \(entry.role) folder \(entry.path), which every run "
                            + "loads: refusing to create a file there"
                    )
                }
            }
            if folder == "/" { break }
        }
    }

    /// Where `target` is, for comparison; nil for standard output.
    static func location(of target: OutputTarget) -> Location? {
        switch target {
        case .standardOutput:
            return nil
        case .special(let path, _):
            return DeviceInode(path: path).map(Location.existing)
        case .regularFile(_, let file):
            if let identity = DeviceInode(path: file) { return .existing(identity) }
            return .missing(file)
        }
    }

    static func same(_ first: OutputTarget, _ second: OutputTarget) -> Bool {
        if first == .standardOutput || second == .standardOutput { return first == second }
        guard let one = location(of: first), let other = location(of: second) else { return false }
        return one == other
    }

    /// Where a missing `path` would be created, its symbolic links followed; nil when a folder on
    /// the way is missing too.
    static func missingLocation(_ path: String) -> String? {
        if case .missing(let location) = PathResolver.resolve(path, followingLinksSafely: false) { return location }
        return nil
    }
}
