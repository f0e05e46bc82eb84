import Foundation
import Testing

@testable import CredWatch

@Suite struct SecureFileTests {
    /// A fresh private folder, removed when the test ends.
    private func withFolder(_ body: (String) throws -> Void) throws {
        var template = Array("/tmp/credwatch-report-test-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        let folder = String(cString: try #require(made))
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try body(folder)
    }

    private func mode(of path: String) -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    private func contents(of folder: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
    }

    @Test func writesOwnerOnlyFile() throws {
        try withFolder { folder in
            let path = folder + "/report.jsonl"
            let bytes = Array("{\"kind\":\"credential\"}\n".utf8)
            try SecureFile.write(bytes, to: path)
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == bytes)
            #expect(mode(of: path) == 0o600)
            #expect(contents(of: folder) == ["report.jsonl"])
        }
    }

    /// A writer's content crosses the sink's buffer many times: the file holds every byte,
    /// in order, as the bytes written at once would be.
    @Test func writerContentIsStreamedWhole() throws {
        try withFolder { folder in
            let path = folder + "/report.jsonl"
            let line = Array("{\"kind\":\"credential\",\"login\":\"x\"}\n".utf8)
            let content = OutputContent.writer { sink in
                for index in 0..<40_000 {
                    sink.write(line)
                    sink.write(String(index).utf8)
                }
            }
            try SecureFile.stage(content, to: path).commit()
            let written = try #require(FileManager.default.contents(atPath: path).map(Array.init))
            #expect(written.count > 4 * ByteSink.flushThreshold)
            #expect(written == content.bytes)
            #expect(mode(of: path) == 0o600)
            #expect(contents(of: folder) == ["report.jsonl"])
        }
    }

    /// A report streamed into its staged file, then a stream that fails (`/dev/full`): the
    /// staged report is removed, the old file stays as it was, and the state is not committed.
    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/dev/full")))
    func failedStreamLeavesNoPartialReport() throws {
        try withFolder { folder in
            let path = folder + "/report.jsonl"
            try SecureFile.write(Array("old\n".utf8), to: path)
            let big = OutputContent.writer { sink in
                for _ in 0..<(3 * ByteSink.flushThreshold / 64) { sink.write(repeatElement(0x61, count: 64)) }
            }
            var committed = false
            #expect(throws: DeliveryError.self) {
                try Delivery.deliver(
                    [
                        RunOutput(name: "--output", target: .regularFile(path: path, file: path), content: big),
                        RunOutput(
                            name: "--reset-list /dev/full",
                            target: .special(path: "/dev/full", kind: .characterDevice),
                            content: big
                        ),
                    ]
                ) { () throws(DeliveryError) in committed = true }
            }
            #expect(!committed)
            #expect(FileManager.default.contents(atPath: path).map(Array.init) == Array("old\n".utf8))
            #expect(contents(of: folder) == ["report.jsonl"])
        }
    }

    /// A sink keeps the first failure and drops what follows, so a writer can stop early.
    @Test func sinkKeepsTheFirstFailure() throws {
        let descriptor = open("/dev/full", O_WRONLY | O_CLOEXEC)
        try #require(descriptor >= 0)
        defer { close(descriptor) }
        var sink = ByteSink(descriptor: descriptor)
        sink.write(repeatElement(0x61, count: ByteSink.flushThreshold))
        #expect(sink.failure == ENOSPC)
        sink.write([0x62])
        sink.flush()
        #expect(sink.hasFailed)
        #expect(sink.failure == ENOSPC)
    }

    @Test func replacesAtomically() throws {
        try withFolder { folder in
            let path = folder + "/reset.csv"
            #expect(
                FileManager.default.createFile(
                    atPath: path,
                    contents: Data("old".utf8),
                    attributes: [.posixPermissions: 0o644]
                )
            )
            // A reader that opened the old report keeps reading the old report, whole.
            let reader = try #require(FileHandle(forReadingAtPath: path))
            defer { try? reader.close() }

            try SecureFile.write(Array("new report".utf8), to: path)

            #expect(String(decoding: reader.readDataToEndOfFile(), as: UTF8.self) == "old")
            #expect(FileManager.default.contents(atPath: path) == Data("new report".utf8))
            #expect(mode(of: path) == 0o600)
            #expect(contents(of: folder) == ["reset.csv"])
        }
    }

    @Test func missingFolderFailsWithPathAndReason() throws {
        try withFolder { folder in
            let path = folder + "/absent/report.csv"
            let error = #expect(throws: SecureFileError.self) { try SecureFile.write([1, 2, 3], to: path) }
            #expect(error?.code == ENOENT)
            #expect(error?.description == "cannot write \(path): create temporary file: No such file or directory")
            #expect(contents(of: folder).isEmpty)
        }
    }

    @Test func failedRenameLeavesNoPartialFile() throws {
        try withFolder { folder in
            // The destination is a folder that is not empty: everything succeeds but the rename.
            let path = folder + "/report.jsonl"
            try FileManager.default.createDirectory(atPath: path + "/inside", withIntermediateDirectories: true)
            let error = #expect(throws: SecureFileError.self) {
                try SecureFile.write(Array(repeating: 0x41, count: 100_000), to: path)
            }
            #expect(error?.operation == "rename into place")
            #expect(contents(of: folder) == ["report.jsonl"])
            #expect(contents(of: path) == ["inside"])
        }
    }

    @Test(.enabled(if: geteuid() != 0, "root writes into read-only folders"))
    func readOnlyFolderFails() throws {
        try withFolder { folder in
            chmod(folder, 0o500)
            defer { chmod(folder, 0o700) }
            let error = #expect(throws: SecureFileError.self) { try SecureFile.write([1], to: folder + "/r.csv") }
            #expect(error?.code == EACCES)
            #expect(contents(of: folder).isEmpty)
        }
    }
}
