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
