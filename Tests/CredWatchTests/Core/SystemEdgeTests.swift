import Foundation
import Testing

@testable import CredWatch

@Suite struct FileAccessTests {
    @Test(arguments: [
        (mode_t(0o600), false, false, "mode 0600"),
        (0o400, false, false, "mode 0400"),
        (0o640, true, true, "mode 0640"),
        (0o604, true, true, "mode 0604"),
        (0o620, false, true, "mode 0620"),
        (0o601, false, true, "mode 0601"),
        (0o700, false, false, "mode 0700"),
    ])
    func modes(mode: mode_t, readable: Bool, openToOthers: Bool, text: String) throws {
        let directory = PrivateTestDirectory()
        let path = directory.file("secret", text: "key", mode: mode)
        let byPath = try #require(FileAccess(path: path))
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        defer { close(descriptor) }
        let byDescriptor = try #require(FileAccess(descriptor: descriptor))
        for access in [byPath, byDescriptor] {
            #expect(access.isRegularFile)
            #expect(access.isReadableByOthers == readable)
            #expect(access.isOpenToOthers == openToOthers)
            #expect(access.modeText == text)
        }
    }

    @Test func foldersAreNoRegularFilesAndMissingFilesNoAccess() throws {
        let directory = PrivateTestDirectory()
        #expect(try #require(FileAccess(path: directory.path)).isRegularFile == false)
        #expect(FileAccess(path: directory.path + "/missing") == nil)
        #expect(FileAccess(descriptor: -1) == nil)
    }
}

@Suite struct SystemErrorTests {
    @Test func describesErrorNumbers() {
        #expect(SystemError.describe(ENOENT) == "No such file or directory")
        errno = EACCES
        #expect(SystemError.last == "Permission denied")
    }
}
