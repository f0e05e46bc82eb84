#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The 7-Zip command-line tool (`7zz`, `7z`, `7za`), run for the members libarchive cannot
/// decrypt (7z AES). Each member is streamed from the tool's standard output into the same
/// text assembly as any member, under its own name. The password goes to the tool's standard
/// input (7-Zip reads it from there when no `-p` is given): it never appears on a command line,
/// where `ps` would show it.
public struct SevenZipTool: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    /// The first of `7zz`, `7z`, `7za` found in the folders of `searchPath` (a `PATH` value).
    public static func find(searchPath: String) -> SevenZipTool? {
        for name in ["7zz", "7z", "7za"] {
            for folder in searchPath.split(separator: ":") where !folder.isEmpty {
                let candidate = folder + "/" + name
                if access(candidate, X_OK) == 0 { return SevenZipTool(path: candidate) }
            }
        }
        return nil
    }

    /// How many bytes of a member are held back until the tool either ends or goes on: a wrong
    /// password makes 7-Zip fail within its first block, so nothing decrypted with the wrong key
    /// is ever scanned.
    static let probeSize = 64 << 10

    /// The archive as a whole file, which the tool opens as `/dev/fd/3`.
    struct ArchiveFile {
        let window: FileWindow

        /// A window that is not a whole file (a member of another archive) is copied first.
        init(_ window: FileWindow, locator: String, session: DecodeSession) throws(DecodeFault) {
            var info = stat()
            if window.start == 0 && fstat(window.file.descriptor, &info) == 0 && Int64(info.st_size) == window.length {
                self.window = window
            } else {
                self.window = try Spool.copy(
                    window,
                    locator: locator,
                    directory: session.options.temporaryDirectory,
                    pool: session.pool
                )
            }
        }

        var descriptor: Int32 { window.file.descriptor }
    }

    /// An entry of the tool's listing, in the order the tool writes the data of all entries.
    struct ListedEntry {
        var path: String
        /// Bytes the entry puts in the tool's output (a symbolic link's: its target).
        var size: Int64 = 0
        var isFolder = false
        var isLink = false
        /// Encrypted (the tool says so); libarchive read the others.
        var isEncrypted = true

        /// A member of the scan: data of its own, encrypted.
        var isRead: Bool { !isFolder && !isLink && isEncrypted }
    }

    /// The longest listing read: about 250,000 entries.
    static let maxListingSize = 64 << 20

    /// The entries of an archive, listed with the first password that opens its list (any
    /// does when the list is not encrypted).
    func list(_ archive: ArchiveFile, passwords: ArchivePasswords, locator: String) throws(DecodeFault)
        -> [ListedEntry]
    {
        let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
        defer { chunk.deallocate() }
        for password in passwords.all {
            guard let child = Child(tool: self, ["l", "-slt", "-ba", "/dev/fd/3"], archive, password) else { break }
            // `-slt` lists each entry as `Key = value` lines from its `Path`.
            var entries: [ListedEntry] = []
            var line: [UInt8] = []
            var total = 0
            func take(_ line: [UInt8]) {
                let text = Text.string(line)
                if text.hasPrefix("Path = ") {
                    entries.append(ListedEntry(path: String(text.dropFirst(7))))
                } else if !entries.isEmpty {
                    if text.hasPrefix("Size = ") {
                        entries[entries.count - 1].size = Int64(text.dropFirst(7)) ?? 0
                    } else if text.hasPrefix("Attributes = ") {
                        // `D drwxr-xr-x` for a folder, `A lrwxrwxrwx` for a link.
                        let attributes = text.dropFirst(13)
                        entries[entries.count - 1].isFolder = attributes.hasPrefix("D")
                        entries[entries.count - 1].isLink =
                            attributes.split(separator: " ").last?.hasPrefix("l") ?? false
                    } else if text.hasPrefix("Encrypted = ") {
                        entries[entries.count - 1].isEncrypted = text.hasSuffix("+")
                    }
                }
            }
            while true {
                let count = child.read(into: chunk)
                if count <= 0 { break }
                total += count
                guard total <= Self.maxListingSize else {
                    child.stop()
                    throw DecodeFault(
                        locator: locator,
                        reason:
                            "encrypted archive: its list of members is longer than \(Self.maxListingSize >> 20) MiB: not read"
                    )
                }
                for byte in UnsafeRawBufferPointer(rebasing: chunk[0..<count]) {
                    if byte == 0x0A {
                        take(line)
                        line.removeAll(keepingCapacity: true)
                    } else {
                        line.append(byte)
                    }
                }
            }
            if !line.isEmpty { take(line) }
            guard child.finish() == 0 else { continue }
            return entries
        }
        throw DecodeFault(
            locator: locator,
            reason:
                "encrypted archive: none of the \(passwords.count) archive passwords opens its list of members: not read"
        )
    }

    /// How many members none of the passwords opens are named one by one; the others are counted.
    static let namedFailures = 16

    /// Reads the encrypted members of `entries` (the archive's listing) with one run of the tool
    /// per password: its output holds the data of every entry one after the other, cut by the
    /// sizes of the listing. A run of the tool per member would cost a process start per
    /// member and password (hours for a pack of 100,000 small files). Nothing is written to
    /// disk. Every byte of the output counts against the input's byte budget.
    func readMembers(
        _ entries: [ListedEntry],
        of archive: ArchiveFile,
        format: LibArchiveFormat,
        passwords: ArchivePasswords,
        _ name: StreamName,
        depth: Int,
        session: DecodeSession
    ) {
        let members = entries.filter(\.isRead)
        guard !members.isEmpty else { return }
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.probeSize, alignment: 16)
        defer {
            SecretBytes.wipe(probe)
            probe.deallocate()
        }
        for password in passwords.all {
            guard let child = Child(tool: self, ["x", "-so", "-bd", "-y", "/dev/fd/3"], archive, password) else {
                session.diagnostics.error(name.locator, "encrypted \(format.name): not read: cannot run \(path)")
                return
            }
            // A wrong password makes 7-Zip fail within its first block: nothing decrypted with
            // the wrong key is scanned.
            var held = 0
            while held < probe.count {
                let count = child.read(into: UnsafeMutableRawBufferPointer(rebasing: probe[held...]))
                if count <= 0 { break }
                held += count
            }
            if held < probe.count && child.finish() != 0 { continue }
            let output = ByteReader(
                ToolOutputStream(
                    held: UnsafeRawBufferPointer(rebasing: probe[0..<held]),
                    child: child,
                    locator: name.locator
                ),
                pool: session.pool
            )
            // Read to its end, the output is complete: the tool is exiting. Left unread (the
            // input out of budget, the output cut short: said), the rest is not wanted.
            guard split(output, entries, archive: archive, name, depth: depth, session: session) else {
                child.stop()
                return
            }
            // More output than the listing accounts for (a name with a line break in it
            // misleads the listing): the tool is stopped rather than waited for.
            if let extra = try? output.available(), !extra.isEmpty {
                child.stop()
                session.diagnostics.error(
                    name.locator,
                    "7-Zip's output runs past the members its listing names: the rest is not read"
                )
                return
            }
            if child.finish() != 0 {
                session.diagnostics.error(
                    name.locator,
                    "7-Zip failed after \(output.position) bytes of members (damaged data?): what followed is not read"
                )
            }
            return
        }
        nameUnopened(members.map(\.path), format: format, passwords: passwords, name, session: session)
    }

    /// Names the members none of the passwords opens: one by one, then as a count.
    func nameUnopened(
        _ paths: [String],
        format: LibArchiveFormat,
        passwords: ArchivePasswords,
        _ name: StreamName,
        session: DecodeSession
    ) {
        // Debian's 7-Zip is built without RAR: it cannot open one at all.
        let otherCause = format == .rar ? "it is damaged, or this 7-Zip reads no rar" : "it is damaged"
        let reason =
            "encrypted member: none of the \(passwords.count) archive passwords opens it (or \(otherCause)): not read"
        for path in paths.prefix(Self.namedFailures) {
            session.diagnostics.error(name.member(path).locator, reason)
        }
        if paths.count > Self.namedFailures {
            session.diagnostics.error(
                name.locator,
                "\(paths.count - Self.namedFailures) more encrypted members: none of the \(passwords.count) "
                    + "archive passwords opens them (or \(otherCause)): not read"
            )
        }
    }

    /// Cuts the tool's output into its entries: the encrypted members are read, the rest is
    /// passed over. Stops when the output fails or the input runs out of budget (said here or
    /// by the member that met it); true when every entry was passed.
    private func split(
        _ output: ByteReader,
        _ entries: [ListedEntry],
        archive: ArchiveFile,
        _ name: StreamName,
        depth: Int,
        session: DecodeSession
    ) -> Bool {
        for entry in entries where !entry.isFolder {
            let member = name.member(entry.path)
            let data = ToolMemberStream(
                output,
                length: entry.size,
                locator: member.locator,
                compressedSize: archive.window.length,
                limits: session.limits,
                expansion: session.expansion
            )
            if entry.isRead {
                let content = session.readMember(data, member, depth: depth, sizeHint: entry.size, isStored: false)
                if content.failure == nil {
                    do {
                        try content.drain()
                    } catch {
                        session.diagnostics.error(error.locator, error.reason)
                    }
                }
            }
            // The member's reader has said why the output failed.
            if output.failure != nil || data.isCutShort { return false }
            do throws(DecodeFault) {
                if try !data.passOver() {
                    session.diagnostics.error(
                        name.locator,
                        "decompression bomb: this input expands more than \(session.limits.maxCompressionRatio) "
                            + "times over all its layers: the rest of it is skipped"
                    )
                    return false
                }
            } catch {
                session.diagnostics.error(error.locator, error.reason)
                return false
            }
            if session.expansion.isExhausted { return false }
        }
        return true
    }

    /// One run of the tool: its standard output to read, the archive as descriptor 3, the
    /// password written to its standard input.
    final class Child {
        private let pid: pid_t
        private let output: Int32
        private var status: Int32?

        init?(tool: SevenZipTool, _ arguments: [String], _ archive: ArchiveFile, _ password: [UInt8]) {
            var input: [Int32] = [-1, -1]
            var outputPipe: [Int32] = [-1, -1]
            guard pipe(&input) == 0 else { return nil }
            guard pipe(&outputPipe) == 0 else {
                close(input[0])
                close(input[1])
                return nil
            }
            // Other threads may start processes too: none must inherit these ends.
            for end in input + outputPipe { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, input[0], 0)
            posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
            posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
            posix_spawn_file_actions_adddup2(&actions, archive.descriptor, 3)
            let words: [String] = [tool.path] + arguments
            let settings: [String] = ["LC_ALL=C.UTF-8", "LANG=C.UTF-8"]
            let argv = words.map { strdup($0) } + [nil]
            let environment = settings.map { strdup($0) } + [nil]
            defer {
                for word in argv + environment { free(word) }
            }
            var child: pid_t = 0
            let spawned = posix_spawn(&child, tool.path, &actions, nil, argv, environment)
            close(input[0])
            close(outputPipe[1])
            guard spawned == 0 else {
                close(input[1])
                close(outputPipe[0])
                return nil
            }
            pid = child
            output = outputPipe[0]
            // A password is short: the pipe's buffer takes it whole, and the tool reads it first.
            var line = password + [0x0A]
            line.withUnsafeBytes { bytes in Self.writeToPipe(input[1], bytes) }
            SecretBytes.wipe(&line)
            close(input[1])
        }

        /// Writes to a pipe whose reader may already be gone (a tool that exits at once, such as
        /// a 7-Zip built without RAR) without SIGPIPE ending the process: the library cannot count
        /// on its caller ignoring the signal, so it is blocked in this thread for the write, and
        /// one the write raised is taken off before the thread's mask is restored.
        private static func writeToPipe(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) {
            var brokenPipe = sigset_t()
            sigemptyset(&brokenPipe)
            sigaddset(&brokenPipe, SIGPIPE)
            var previous = sigset_t()
            pthread_sigmask(SIG_BLOCK, &brokenPipe, &previous)
            defer { pthread_sigmask(SIG_SETMASK, &previous, nil) }
            if write(descriptor, bytes.baseAddress, bytes.count) < 0 && errno == EPIPE
                && sigismember(&previous, SIGPIPE) == 0
            {
                var now = timespec(tv_sec: 0, tv_nsec: 0)
                _ = sigtimedwait(&brokenPipe, nil, &now)
            }
        }

        deinit {
            stop()
            _ = finish()
            close(output)
        }

        func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
            while true {
                let count = Glibc.read(output, buffer.baseAddress, buffer.count)
                if count < 0 && errno == EINTR { continue }
                return count
            }
        }

        /// Ends a run whose output is no longer wanted.
        func stop() {
            if status == nil { kill(pid, SIGKILL) }
        }

        /// Waits for the tool; its exit status (-1 when it was killed).
        @discardableResult
        func finish() -> Int32 {
            if let status { return status }
            var raw: Int32 = 0
            while waitpid(pid, &raw, 0) < 0 && errno == EINTR {}
            let exited = raw & 0x7F == 0
            let result = exited ? (raw >> 8) & 0xFF : -1
            status = result
            return result
        }
    }
}

/// The 7-Zip tool's output: the bytes held back while the password was judged, then the rest.
final class ToolOutputStream: ByteStream {
    private let held: UnsafeRawBufferPointer
    private var heldOffset = 0
    private let child: SevenZipTool.Child
    private let locator: String

    init(held: UnsafeRawBufferPointer, child: SevenZipTool.Child, locator: String) {
        self.held = held
        self.child = child
        self.locator = locator
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        guard !buffer.isEmpty else { return 0 }
        if heldOffset < held.count {
            let count = min(buffer.count, held.count - heldOffset)
            buffer.baseAddress!.copyMemory(from: held.baseAddress! + heldOffset, byteCount: count)
            heldOffset += count
            return count
        }
        let count = child.read(into: buffer)
        if count < 0 {
            throw DecodeFault(locator: locator, reason: "cannot read 7-Zip's output: \(SystemError.last)")
        }
        return count
    }
}

/// One entry's bytes in the 7-Zip tool's output (which holds every entry's one after the
/// other): exactly its listed size, within the scan limits (its ratio is judged against the
/// archive's whole size).
final class ToolMemberStream: ByteStream {
    private let output: ByteReader
    private let length: Int64
    private let locator: String
    private let compressedSize: Int64
    private let limits: ScanLimits
    private let expansion: ExpansionGuard
    private(set) var delivered: Int64 = 0
    private var deferredFault: DecodeFault?
    /// The output ended inside the entry (said by whoever met the end).
    private(set) var isCutShort = false

    init(
        _ output: ByteReader,
        length: Int64,
        locator: String,
        compressedSize: Int64,
        limits: ScanLimits,
        expansion: ExpansionGuard
    ) {
        self.output = output
        self.length = max(0, length)
        self.locator = locator
        self.compressedSize = compressedSize
        self.limits = limits
        self.expansion = expansion
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        if let deferredFault { throw deferredFault }
        guard delivered < length, !buffer.isEmpty else { return 0 }
        if delivered >= limits.maxMemberSize {
            throw ExpansionGuard.sizeFault(output: delivered, limits: limits, locator: locator)
        }
        let view = try output.available()
        if view.isEmpty { throw truncation() }
        let count = Int(min(Int64(min(view.count, buffer.count)), length - delivered, limits.maxMemberSize - delivered))
        buffer.baseAddress!.copyMemory(from: view.baseAddress!, byteCount: count)
        output.consume(count)
        delivered += Int64(count)
        deferredFault = expansion.cutOff(
            produced: count,
            output: delivered,
            input: compressedSize,
            limits: limits,
            locator: locator
        )
        return count
    }

    /// Passes over what is left of the entry, counted against the input's byte budget too;
    /// false when the input has run out of it.
    func passOver() throws(DecodeFault) -> Bool {
        while delivered < length {
            let view = try output.available()
            if view.isEmpty { throw truncation() }
            let step = Int(min(Int64(view.count), length - delivered))
            output.consume(step)
            delivered += Int64(step)
            if !expansion.record(step, limits: limits) { return false }
        }
        return true
    }

    private func truncation() -> DecodeFault {
        isCutShort = true
        return DecodeFault(
            locator: locator,
            reason: "7-Zip's output ends after \(delivered) of the member's \(length) bytes (damaged data?): "
                + "the rest of the archive is not read"
        )
    }
}
