import Foundation
import Testing

@testable import CredWatch

@Suite struct InputFingerprintTests {
    /// Sets the modification time of `path` (seconds and nanoseconds since 1970).
    private static func setModificationTime(_ path: String, seconds: Int, nanoseconds: Int) {
        let time = timespec(tv_sec: seconds, tv_nsec: nanoseconds)
        var times = [time, time]
        _ = utimensat(AT_FDCWD, path, &times, 0)
    }

    /// The fingerprint is taken from the open file before it is read; a file appended to or
    /// rewritten meanwhile no longer matches it, and is not recorded as scanned.
    @Test func aFileChangedWhileOpenNoLongerMatchesItsFingerprint() throws {
        let folder = PrivateTestDirectory()
        let dump = folder.file("combo.txt", text: "jdupont@clinique-exemple.fr:Soleil2024!\n")
        let descriptor = open(dump, O_RDONLY)
        defer { close(descriptor) }
        let fingerprint = try #require(InputFingerprint.of(descriptor: descriptor, locator: "combo.txt"))
        #expect(fingerprint.path == "combo.txt")
        #expect(fingerprint.stillDescribes(descriptor))
        let appending = try FileHandle(forWritingTo: URL(fileURLWithPath: dump))
        try appending.seekToEnd()
        try appending.write(contentsOf: Data("https://mediboard.example.test/:late:line\n".utf8))
        try appending.close()
        #expect(!fingerprint.stillDescribes(descriptor))
    }

    @Test func anInputIsSeenUntilItsSizeOrContentChanges() throws {
        let folder = PrivateTestDirectory()
        let dump = folder.file("combo.txt", text: "jdupont@clinique-exemple.fr:Soleil2024!\n")
        Self.setModificationTime(dump, seconds: 1_717_200_000, nanoseconds: 123)
        let original = try #require(InputFingerprint.of(path: dump))
        #expect(original.size == 40)
        #expect(original.mtime == 1_717_200_000_000_000_123)
        #expect(original.digest.count == 64)

        let store = try StateStore.open(
            path: folder.path + "/state.db",
            keyID: "k",
            options: StateOptions(),
            now: StateStoreTests.dayZero
        )
        defer { store.close() }
        #expect(!store.hasSeenInput(original))
        try store.recordInputs([original], now: StateStoreTests.dayZero)
        #expect(store.hasSeenInput(original))
        #expect(InputFingerprint.of(path: dump).map(store.hasSeenInput) == true)

        // Same size and modification time, one byte different: the digest tells.
        folder.file("combo.txt", text: "jdupont@clinique-exemple.fr:Soleil2025!\n")
        Self.setModificationTime(dump, seconds: 1_717_200_000, nanoseconds: 123)
        let edited = try #require(InputFingerprint.of(path: dump))
        #expect(edited.size == original.size && edited.mtime == original.mtime)
        #expect(edited.digest != original.digest)
        #expect(!store.hasSeenInput(edited))

        // Appended: the size tells.
        folder.file("combo.txt", text: "jdupont@clinique-exemple.fr:Soleil2024!\nmore:lines\n")
        Self.setModificationTime(dump, seconds: 1_717_200_000, nanoseconds: 123)
        #expect(try !store.hasSeenInput(#require(InputFingerprint.of(path: dump))))

        // Recording the new version replaces the old one for that path.
        try store.recordInputs([edited], now: StateStoreTests.dayZero)
        #expect(store.hasSeenInput(edited))
        #expect(!store.hasSeenInput(original))
    }

    @Test func largeFilesAreSampledAtBothEnds() throws {
        let folder = PrivateTestDirectory()
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: 3 << 20)
        let path = folder.file("big.txt", bytes: bytes)
        Self.setModificationTime(path, seconds: 1_700_000_000, nanoseconds: 0)
        let original = try #require(InputFingerprint.of(path: path))

        bytes[bytes.count - 10] = UInt8(ascii: "y")  // in the last MiB
        folder.file("big.txt", bytes: bytes)
        Self.setModificationTime(path, seconds: 1_700_000_000, nanoseconds: 0)
        #expect(try #require(InputFingerprint.of(path: path)).digest != original.digest)

        bytes[bytes.count - 10] = UInt8(ascii: "x")
        bytes[3 << 19] = UInt8(ascii: "y")  // in the middle: not sampled, by design
        folder.file("big.txt", bytes: bytes)
        Self.setModificationTime(path, seconds: 1_700_000_000, nanoseconds: 0)
        #expect(try #require(InputFingerprint.of(path: path)).digest == original.digest)
    }

    @Test func unreadableInputsHaveNoFingerprint() {
        let folder = PrivateTestDirectory()
        #expect(InputFingerprint.of(path: folder.path + "/missing.txt") == nil)
        #expect(InputFingerprint.of(path: folder.path) == nil)
    }
}
