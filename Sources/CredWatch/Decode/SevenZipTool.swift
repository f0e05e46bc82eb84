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

    /// The member names of an archive whose list is encrypted, from the first password that
    /// opens it.
    func listMembers(of archive: ArchiveFile, passwords: ArchivePasswords, locator: String) throws(DecodeFault)
        -> [String]
    {
        for password in passwords.all {
            guard let child = Child(tool: self, ["l", "-slt", "-ba", "/dev/fd/3"], archive, password) else { break }
            var listing: [UInt8] = []
            let chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 1)
            defer { chunk.deallocate() }
            while listing.count < 64 << 20 {
                let count = child.read(into: chunk)
                if count <= 0 { break }
                listing.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<count]))
            }
            guard child.finish() == 0 else { continue }
            // `-slt` lists each entry as `Key = value` lines from its `Path`; a folder's
            // attributes start with `D`.
            var names: [String] = []
            var path: String?
            for line in listing.split(separator: 0x0A, omittingEmptySubsequences: false) {
                let text = Text.string(Array(line))
                if text.hasPrefix("Path = ") {
                    if let path { names.append(path) }
                    path = String(text.dropFirst(7))
                } else if text.hasPrefix("Attributes = D") {
                    path = nil
                }
            }
            if let path { names.append(path) }
            return names
        }
        throw DecodeFault(
            locator: locator,
            reason:
                "encrypted archive: none of the \(passwords.count) archive passwords opens its list of members: not read"
        )
    }

    /// Reads one member through the tool, trying each password; a member none opens is named.
    func readMember(
        _ member: String,
        of archive: ArchiveFile,
        format: LibArchiveFormat,
        passwords: ArchivePasswords,
        _ name: StreamName,
        depth: Int,
        session: DecodeSession
    ) {
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.probeSize, alignment: 16)
        defer {
            SecretBytes.wipe(probe)
            probe.deallocate()
        }
        for password in passwords.all {
            guard
                let child = Child(
                    tool: self,
                    ["x", "-so", "-spd", "-bd", "-y", "/dev/fd/3", "--", member],
                    archive,
                    password
                )
            else {
                session.diagnostics.error(name.locator, "encrypted member: not read: cannot run \(path)")
                return
            }
            var held = 0
            while held < probe.count {
                let count = child.read(into: UnsafeMutableRawBufferPointer(rebasing: probe[held...]))
                if count <= 0 { break }
                held += count
            }
            var status: Int32?
            if held < probe.count {
                status = child.finish()
                if status != 0 { continue }
            }
            let output = ToolOutputStream(
                held: UnsafeRawBufferPointer(rebasing: probe[0..<held]),
                child: child,
                locator: name.locator,
                compressedSize: archive.window.length,
                limits: session.limits,
                expansion: session.expansion
            )
            let content = session.readMember(output, name, depth: depth, isStored: false)
            if content.failure == nil {
                do {
                    try content.drain()
                } catch {
                    session.diagnostics.error(error.locator, error.reason)
                }
            }
            if status == nil {
                // Read to its end, the member's output is complete: the tool is exiting. Left
                // unread (a document stopped, a bomb cut off), the rest is not wanted.
                if content.failure != nil { child.stop() }
                if content.failure == nil && child.finish() != 0 {
                    session.diagnostics.error(
                        name.locator,
                        "7-Zip failed after \(output.produced) bytes (damaged data?): the rest of the member is not read"
                    )
                }
            }
            return
        }
        // Debian's 7-Zip is built without RAR: it cannot open one at all.
        let otherCause = format == .rar ? "it is damaged, or this 7-Zip reads no rar" : "it is damaged"
        session.diagnostics.error(
            name.locator,
            "encrypted member: none of the \(passwords.count) archive passwords opens it (or \(otherCause)): not read"
        )
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

/// A member's bytes from the 7-Zip tool: those held back while the password was judged, then
/// the rest of its output, within the scan limits (its ratio is judged against the archive's
/// whole size).
final class ToolOutputStream: ByteStream {
    private let held: UnsafeRawBufferPointer
    private var heldOffset = 0
    private let child: SevenZipTool.Child
    private let locator: String
    private let compressedSize: Int64
    private let limits: ScanLimits
    private let expansion: ExpansionGuard
    private(set) var produced: Int64 = 0
    private var deferredFault: DecodeFault?

    init(
        held: UnsafeRawBufferPointer,
        child: SevenZipTool.Child,
        locator: String,
        compressedSize: Int64,
        limits: ScanLimits,
        expansion: ExpansionGuard
    ) {
        self.held = held
        self.child = child
        self.locator = locator
        self.compressedSize = compressedSize
        self.limits = limits
        self.expansion = expansion
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        if let deferredFault { throw deferredFault }
        guard !buffer.isEmpty else { return 0 }
        let count: Int
        if heldOffset < held.count {
            count = min(buffer.count, held.count - heldOffset)
            buffer.baseAddress!.copyMemory(from: held.baseAddress! + heldOffset, byteCount: count)
            heldOffset += count
        } else {
            count = child.read(into: buffer)
            if count < 0 {
                throw DecodeFault(locator: locator, reason: "cannot read 7-Zip's output: \(SystemError.last)")
            }
            if count == 0 { return 0 }
        }
        if produced + Int64(count) > limits.maxMemberSize {
            throw ExpansionGuard.sizeFault(output: produced, limits: limits, locator: locator)
        }
        produced += Int64(count)
        deferredFault = expansion.cutOff(
            produced: count,
            output: produced,
            input: compressedSize,
            limits: limits,
            locator: locator
        )
        return count
    }
}
