#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Turns command-line arguments into the sources to read, in an order that does not depend on
/// the file system: directories are walked recursively with their entries sorted by name bytes.
///
/// Symbolic links are followed; a link that leads back into a directory being walked is reported
/// as a loop. Anything that cannot be listed or examined is reported and skipped, and the walk goes
/// on. Files are not opened here: the reader reports a file it cannot open.
public struct InputWalker: Sendable {
    private let diagnostics: Diagnostics

    public init(diagnostics: Diagnostics) {
        self.diagnostics = diagnostics
    }

    /// Expands `arguments` (`-` is standard input) and calls `visit` for each source found.
    public func walk(_ arguments: [String], visit: (InputSource) -> Void) {
        for argument in arguments {
            if argument == InputSource.standardInputLocator {
                found(.standardInput, visit)
                continue
            }
            var info = stat()
            guard stat(argument, &info) == 0 else {
                reportUnreadable(argument, errorNumber: errno)
                continue
            }
            if FileKind(info) == .directory {
                var walking: [FileIdentity] = []
                walkDirectory(argument, identity: FileIdentity(info), walking: &walking, visit: visit)
            } else {
                // Named explicitly: FIFOs and devices (`<(zcat …)`, /dev/stdin) are read too.
                if FileKind(info) == .regular && info.st_size == 0 {
                    diagnostics.warning(argument, "empty file")
                }
                found(.file(path: argument, locator: argument), visit)
            }
        }
    }

    /// Visits the regular files below `directory` depth-first in name order. `walking` holds the
    /// directories currently open above it, to recognise a symbolic-link loop.
    private func walkDirectory(
        _ directory: String,
        identity: FileIdentity,
        walking: inout [FileIdentity],
        visit: (InputSource) -> Void
    ) {
        if walking.contains(identity) {
            diagnostics.error(directory, "symbolic link loop: skipped")
            return
        }
        guard let entries = listDirectory(directory) else { return }
        walking.append(identity)
        defer { walking.removeLast() }
        for entry in entries {
            guard let name = String(validating: entry.name, as: UTF8.self) else {
                let shown = joined(directory, String(decoding: entry.name, as: UTF8.self))
                diagnostics.error(shown, "file name is not valid UTF-8, cannot be opened: skipped")
                continue
            }
            let path = joined(directory, name)
            var kind = entry.kind
            var info = stat()
            if kind == .unresolved {
                guard stat(path, &info) == 0 else {
                    reportUnreadable(path, errorNumber: errno)
                    continue
                }
                kind = FileKind(info)
            }
            switch kind {
            case .regular:
                found(.file(path: path, locator: path), visit)
            case .directory:
                walkDirectory(path, identity: FileIdentity(info), walking: &walking, visit: visit)
            case .other, .unresolved:
                continue
            }
        }
    }

    private func found(_ source: InputSource, _ visit: (InputSource) -> Void) {
        diagnostics.inputs.add(1, ordering: .relaxed)
        visit(source)
    }

    /// The entries of `directory` (without `.` and `..`) sorted by name bytes; nil when it
    /// cannot be listed (reported).
    private func listDirectory(_ directory: String) -> [DirectoryEntry]? {
        guard let stream = opendir(directory) else {
            reportUnreadable(directory, errorNumber: errno)
            return nil
        }
        defer { closedir(stream) }
        var entries: [DirectoryEntry] = []
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { reportUnreadable(directory, errorNumber: errno) }
                break
            }
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.prefix { $0 != 0 })
            }
            if name == [0x2E] || name == [0x2E, 0x2E] { continue }
            // Directories are examined too: the loop check needs their identity.
            let kind: FileKind =
                switch Int32(entry.pointee.d_type) {
                case Int32(DT_REG): .regular
                case Int32(DT_DIR), Int32(DT_LNK), Int32(DT_UNKNOWN): .unresolved
                default: .other
                }
            entries.append(DirectoryEntry(name: name, kind: kind))
        }
        entries.sort { $0.name.lexicographicallyPrecedes($1.name) }
        return entries
    }

    private func reportUnreadable(_ locator: String, errorNumber: Int32) {
        if errorNumber == ELOOP {
            diagnostics.error(locator, "symbolic link loop: skipped")
        } else {
            diagnostics.error(locator, "cannot read: \(SystemError.describe(errorNumber))")
        }
    }

    private func joined(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}

/// What a directory entry is, as far as the walk cares.
private enum FileKind: Equatable {
    case regular
    case directory
    case other
    /// A symbolic link or an entry the file system did not type: needs `stat`.
    case unresolved

    init(_ info: stat) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .directory
        default: self = .other
        }
    }
}

private struct DirectoryEntry {
    var name: [UInt8]
    var kind: FileKind
}

/// A directory's identity, to recognise it when a link leads back into it.
private struct FileIdentity: Equatable {
    var device: UInt64
    var inode: UInt64

    init(_ info: stat) {
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}

/// Text for `errno` values in messages.
enum SystemError {
    static func describe(_ errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "error \(errorNumber)" }
        return String(cString: text)
    }
}
