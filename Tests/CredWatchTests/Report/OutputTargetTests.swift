import Foundation
import Testing

@testable import CredWatch

/// How an output path is resolved and written: standard output, special files written in place,
/// regular files (through their symbolic links) replaced atomically, and the paths refused.
@Suite struct OutputTargetTests {
    /// A fresh folder (its real path: /tmp may be a link), removed when the test ends.
    static func withFolder(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/credwatch-output-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let created = String(cString: try #require(made))
        defer { try? FileManager.default.removeItem(atPath: created) }
        let real = try #require(realpath(created, nil))
        defer { free(real) }
        try body(String(cString: real))
    }

    static func kind(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & S_IFMT
    }

    static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    private func refusal(_ path: String, streams: StandardStreams = .current()) -> String? {
        do {
            _ = try OutputTarget.resolve(path, streams: streams)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func standardOutputSpellings() throws {
        let pid = getpid()
        for name in [
            "-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "/dev/./stdout", "//dev/stdout", "/dev/../dev/stdout",
            "/dev/fd/../fd/1", "/proc/\(pid)/fd/1", "/proc/thread-self/fd/1", "/proc/self/task/\(pid)/fd/1",
        ] {
            #expect(try OutputTarget.resolve(name) == .standardOutput, "\(name)")
        }
        try Self.withFolder { folder in
            symlink("/dev/stdout", folder + "/out")
            symlink("/dev/fd", folder + "/fd")
            for name in [folder + "/out", folder + "/fd/1", folder + "/fd/../fd/1"] {
                let target = try OutputTarget.resolve(name)
                #expect(target == .standardOutput, "\(name)")
            }
        }
    }

    /// Every other descriptor of credwatch's, however spelled and whether open or not: the
    /// file behind it is the shell's redirection (`2>>cron.log`, `< dump.txt`), never replaced.
    @Test func otherDescriptorsAreRefused() throws {
        let pid = getpid()
        try Self.withFolder { folder in
            symlink("/dev/stderr", folder + "/log")
            symlink("/dev/stdin", folder + "/in")
            symlink("/dev/fd", folder + "/fd")
            symlink("/proc/self", folder + "/me")
            let names = [
                "/dev/stdin", "/dev/stderr", "/dev/fd/0", "/dev/fd/2", "/dev/fd/9", "/dev/fd/01", "/proc/self/fd/0",
                "/proc/self/fd/2", "/proc/\(pid)/fd/2", "/proc/thread-self/fd/2", "/proc/\(pid)/task/\(pid)/fd/0",
                "/dev/./stderr", "//dev/stdin", "/dev/../dev/stderr", "/dev/fd/../fd/0", "/proc/self/fd/./2",
                folder + "/log", folder + "/in", folder + "/fd/2", folder + "/me/fd/0",
            ]
            for name in names {
                #expect(
                    refusal(name)
                        == "\(name) names one of credwatch's open descriptors; redirect with the shell instead",
                    "\(name)"
                )
            }
            let created = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(created.sorted() == ["fd", "in", "log", "me"])
        }
    }

    /// The file standard output is, by any other path, is standard output; the regular file
    /// standard error is, by any path, is refused.
    @Test func standardStreamsByIdentity() throws {
        try Self.withFolder { folder in
            #expect(FileManager.default.createFile(atPath: folder + "/cron.log", contents: Data("earlier\n".utf8)))
            #expect(FileManager.default.createFile(atPath: folder + "/out.jsonl", contents: Data()))
            try #require(mkfifo(folder + "/pipe", 0o600) == 0)
            symlink("cron.log", folder + "/log-link")
            link(folder + "/cron.log", folder + "/log-hard")
            symlink("out.jsonl", folder + "/out-link")
            let error = try #require(DeviceInode(path: folder + "/cron.log"))
            let streams = StandardStreams(output: DeviceInode(path: folder + "/out.jsonl"), error: error)
            for name in ["/cron.log", "/log-link", "/log-hard", "/./cron.log"] {
                #expect(
                    refusal(folder + name, streams: streams)
                        == "\(folder + name) is credwatch's standard error: refusing to replace it"
                )
            }
            #expect(try OutputTarget.resolve(folder + "/out.jsonl", streams: streams) == .standardOutput)
            #expect(try OutputTarget.resolve(folder + "/out-link", streams: streams) == .standardOutput)
            let piped = StandardStreams(output: DeviceInode(path: folder + "/pipe"))
            #expect(try OutputTarget.resolve(folder + "/pipe", streams: piped) == .standardOutput)
            // Other files are what they are.
            #expect(
                try OutputTarget.resolve(folder + "/pipe", streams: streams)
                    == .special(path: folder + "/pipe", kind: .fifo)
            )
            #expect(
                try OutputTarget.resolve(folder + "/out.jsonl", streams: piped)
                    == .regularFile(path: folder + "/out.jsonl", file: folder + "/out.jsonl")
            )
            #expect(FileManager.default.contents(atPath: folder + "/cron.log") == Data("earlier\n".utf8))
        }
    }

    @Test func newFileIsCreatedInTheRealFolder() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: false)
            symlink("real", folder + "/alias")
            let target = try OutputTarget.resolve(folder + "/alias/./report.jsonl")
            #expect(target == .regularFile(path: folder + "/alias/./report.jsonl", file: folder + "/real/report.jsonl"))
            try target.write(Array("report\n".utf8))
            #expect(FileManager.default.contents(atPath: folder + "/real/report.jsonl") == Data("report\n".utf8))
            #expect(Self.mode(folder + "/real/report.jsonl") == 0o600)
        }
    }

    @Test func relativePathsResolveFromTheWorkingFolder() throws {
        let name = "credwatch-absent-\(UUID().uuidString).jsonl"
        let working = try #require(realpath(".", nil))
        defer { free(working) }
        let folder = String(cString: working)
        let expected = (folder == "/" ? "" : folder) + "/" + name
        #expect(try OutputTarget.resolve(name) == .regularFile(path: name, file: expected))
        #expect(try OutputTarget.resolve("./" + name) == .regularFile(path: "./" + name, file: expected))
        #expect(!FileManager.default.fileExists(atPath: name))
    }

    /// A link to a regular file: the file is replaced (0600, atomically), the link stays a link.
    @Test func linkToARegularFileReplacesTheFileItPointsTo() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/reports", withIntermediateDirectories: false)
            #expect(
                FileManager.default.createFile(atPath: folder + "/reports/latest.jsonl", contents: Data("old".utf8))
            )
            symlink("reports/latest.jsonl", folder + "/first")
            symlink(folder + "/first", folder + "/second")
            let target = try OutputTarget.resolve(folder + "/second")
            #expect(target == .regularFile(path: folder + "/second", file: folder + "/reports/latest.jsonl"))
            try target.write(Array("new".utf8))
            #expect(FileManager.default.contents(atPath: folder + "/second") == Data("new".utf8))
            #expect(Self.kind(folder + "/second") == S_IFLNK)
            #expect(Self.kind(folder + "/first") == S_IFLNK)
            #expect(Self.kind(folder + "/reports/latest.jsonl") == S_IFREG)
            #expect(Self.mode(folder + "/reports/latest.jsonl") == 0o600)
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/reports") == ["latest.jsonl"])
        }
    }

    @Test func refusedPaths() throws {
        try Self.withFolder { folder in
            #expect(FileManager.default.createFile(atPath: folder + "/file", contents: Data()))
            symlink("nowhere", folder + "/dangling")
            symlink("loop-b", folder + "/loop-a")
            symlink("loop-a", folder + "/loop-b")
            try FileManager.default.createDirectory(atPath: folder + "/dir", withIntermediateDirectories: false)
            symlink("dir", folder + "/dir-link")

            #expect(refusal(folder + "/dir")?.contains("is a folder") == true)
            #expect(refusal(folder + "/dir-link")?.contains("is a folder") == true)
            #expect(refusal(folder + "/new/")?.contains("names a folder") == true)
            #expect(refusal(folder + "/dangling")?.contains("symbolic link to nothing") == true)
            #expect(
                refusal(folder + "/absent/report.csv")
                    == "\(folder)/absent/report.csv: the folder \(folder)/absent does not exist"
            )
            #expect(refusal(folder + "/file/report.csv")?.contains("is not a folder") == true)
            #expect(refusal(folder + "/loop-a/report.csv") != nil)
            #expect(refusal("") != nil)
            // Nothing was created.
            #expect(
                try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == [
                    "dangling", "dir", "dir-link", "file", "loop-a", "loop-b",
                ]
            )
        }
    }

    /// U+F780…U+F7FF stand for the raw bytes of an argument that is not UTF-8: writing the
    /// path as text would write another file than the one named.
    @Test func nonUTF8PathIsRefused() throws {
        try Self.withFolder { folder in
            #expect(
                refusal(folder + "/report-\u{F7FF}\u{F780}.jsonl")
                    == "\(folder)/report-\\xFF\\x80.jsonl is not valid UTF-8: name the output with a UTF-8 path"
            )
            #expect(refusal(folder + "/\u{F7C3}/report.jsonl")?.contains("is not valid UTF-8") == true)
            // Just outside the range, and other non-ASCII names, are names like any other.
            for name in ["r\u{F77F}.jsonl", "r\u{F800}.jsonl", "rapport-été.jsonl", "r\u{FFFD}.jsonl"] {
                let path = folder + "/" + name
                let target = try OutputTarget.resolve(path)
                #expect(target == .regularFile(path: path, file: path))
            }
            let created = try FileManager.default.contentsOfDirectory(atPath: folder)
            #expect(created.isEmpty)
        }
    }

    @Test(.enabled(if: geteuid() == 0, "creating a block device node needs root"))
    func blockDeviceIsRefused() throws {
        try Self.withFolder { folder in
            let path = folder + "/disk"
            try #require(mknod(path, S_IFBLK | 0o600, dev_t(7 << 8 | 200)) == 0)
            #expect(refusal(path)?.contains("block device") == true)
            #expect(Self.kind(path) == S_IFBLK)
        }
    }

    /// A FIFO is opened and written in place, and stays a FIFO.
    @Test func fifoIsWrittenInPlace() throws {
        try Self.withFolder { folder in
            let path = folder + "/pipe"
            try #require(mkfifo(path, 0o600) == 0)
            let target = try OutputTarget.resolve(path)
            #expect(target == .special(path: path, kind: .fifo))
            let reader = FIFOReader(path: path)
            try target.write(Array("through the pipe\n".utf8))
            #expect(reader.finish() == Data("through the pipe\n".utf8))
            #expect(Self.kind(path) == S_IFIFO)
        }
    }

    @Test func characterDeviceIsWrittenInPlace() throws {
        let target = try OutputTarget.resolve("/dev/null")
        #expect(target == .special(path: "/dev/null", kind: .characterDevice))
        try target.write(Array("discarded".utf8))
        #expect(Self.kind("/dev/null") == S_IFCHR)
    }

    /// A Unix socket is connected to, never replaced.
    @Test func socketIsConnectedTo() throws {
        try Self.withFolder { folder in
            let path = folder + "/report.sock"
            let server = try #require(UnixSocketServer(path: path))
            let target = try OutputTarget.resolve(path)
            #expect(target == .special(path: path, kind: .socket))
            let received = server.acceptAndRead()
            try target.write(Array("over the socket\n".utf8))
            #expect(received() == Data("over the socket\n".utf8))
            #expect(Self.kind(path) == S_IFSOCK)
        }
    }

    /// The rule of `fs.protected_symlinks`: a link another user planted in a sticky world-writable
    /// folder is not followed, whatever the kernel's setting.
    @Test(.enabled(if: geteuid() == 0, "giving a link to another user needs root"))
    func foreignLinkInASharedFolderIsRefused() throws {
        try Self.withFolder { folder in
            let shared = folder + "/shared"
            try FileManager.default.createDirectory(atPath: shared, withIntermediateDirectories: false)
            chmod(shared, 0o1777)
            #expect(FileManager.default.createFile(atPath: folder + "/precious", contents: Data("keep".utf8)))
            symlink(folder + "/precious", shared + "/report.jsonl")
            lchown(shared + "/report.jsonl", 4242, 4242)
            #expect(refusal(shared + "/report.jsonl")?.contains("owned by another user") == true)
            // The same link through a linked folder, and as a folder on the way.
            symlink(folder, shared + "/up")
            lchown(shared + "/up", 4242, 4242)
            #expect(refusal(shared + "/up/new.jsonl")?.contains("owned by another user") == true)
            #expect(FileManager.default.contents(atPath: folder + "/precious") == Data("keep".utf8))
            // The running user's own link is followed.
            lchown(shared + "/report.jsonl", 0, 0)
            #expect(try OutputTarget.resolve(shared + "/report.jsonl").path == shared + "/report.jsonl")
        }
    }

    /// A folder the user cannot create files in is found out when the path is resolved, not
    /// after the scan. (Root passes the check: see the command-line tests.)
    @Test(.enabled(if: geteuid() != 0, "root may create files in any folder"))
    func unwritableFolderIsRefused() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/locked", withIntermediateDirectories: false)
            #expect(FileManager.default.createFile(atPath: folder + "/locked/old.csv", contents: Data()))
            chmod(folder + "/locked/old.csv", 0o666)
            chmod(folder + "/locked", 0o555)
            defer { chmod(folder + "/locked", 0o755) }
            for name in ["/locked/new.jsonl", "/locked/old.csv"] {
                #expect(
                    refusal(folder + name)
                        == "\(folder + name): cannot create a file in the folder \(folder)/locked: Permission denied"
                )
            }
        }
    }

    /// Writing a regular file fails with the path as given and where it really is.
    @Test func writeFailureNamesBothPaths() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder + "/real", withIntermediateDirectories: false)
            symlink("real", folder + "/alias")
            let target = try OutputTarget.resolve(folder + "/alias/r.csv")
            try FileManager.default.removeItem(atPath: folder + "/real")
            let error = #expect(throws: SecureFileError.self) { try target.write([1]) }
            #expect(error?.path == "\(folder)/alias/r.csv (\(folder)/real/r.csv)")
        }
    }
}

/// Reads a FIFO to its end on another thread; `finish` gives what was read, unblocking the reader
/// if no writer ever came.
final class FIFOReader: @unchecked Sendable {
    private let path: String
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(path: String) {
        self.path = path
        Thread.detachNewThread { [self] in
            let handle = FileHandle(forReadingAtPath: path)
            data = handle?.readDataToEndOfFile() ?? Data()
            try? handle?.close()
            done.signal()
        }
    }

    func finish(timeout: Double = 30) -> Data? {
        if done.wait(timeout: .now() + timeout) == .timedOut {
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            done.wait()
            return nil
        }
        return data
    }
}

/// A listening Unix stream socket that accepts one connection.
final class UnixSocketServer: @unchecked Sendable {
    private let descriptor: Int32

    init?(path: String) {
        descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8) + [0])
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(descriptor, 1) == 0 else {
            close(descriptor)
            return nil
        }
    }

    deinit { close(descriptor) }

    /// Accepts one connection on another thread; the closure returns what it sent.
    func acceptAndRead() -> () -> Data {
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var received = Data()
        let listening = descriptor
        Thread.detachNewThread {
            let connection = accept(listening, nil, nil)
            if connection >= 0 {
                var buffer = [UInt8](repeating: 0, count: 4096)
                while true {
                    let count = read(connection, &buffer, buffer.count)
                    if count <= 0 { break }
                    received.append(contentsOf: buffer[..<count])
                }
                close(connection)
            }
            done.signal()
        }
        return {
            done.wait()
            return received
        }
    }
}
