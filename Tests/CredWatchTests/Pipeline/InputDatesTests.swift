import Foundation
import Testing

@testable import CredWatch

/// `input_modified`: the file a source was read from, found from the source's path.
@Suite struct InputDatesTests {
    static func file(_ directory: URL, _ name: String, modified seconds: Double) throws -> String {
        let path = directory.appendingPathComponent(name).path
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: seconds)],
            ofItemAtPath: path
        )
        return path
    }

    @Test func aFileAnArchiveMemberAndANameWithAnExclamationMark() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "input-dates-\(UUID().uuidString)"
        )
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let plain = try Self.file(directory, "combo.txt", modified: 1_700_000_000)
        let archive = try Self.file(directory, "pack.zip", modified: 1_710_000_000)
        let bang = try Self.file(directory, "free!logs.txt", modified: 1_720_000_000)
        var dates = InputDates()
        #expect(dates.modified(plain) == Timestamp(epochSeconds: 1_700_000_000))
        // A member, nested or not: the archive on disk.
        #expect(dates.modified(archive + "!inner.zip!Passwords.txt") == Timestamp(epochSeconds: 1_710_000_000))
        #expect(dates.modified(archive + "!a.txt") == Timestamp(epochSeconds: 1_710_000_000))
        // A name holding `!` is the file itself, not a member of `free`.
        #expect(dates.modified(bang) == Timestamp(epochSeconds: 1_720_000_000))
        #expect(dates.modified(bang + "!member.txt") == Timestamp(epochSeconds: 1_720_000_000))
        // Nothing to examine: standard input, a file gone, a folder.
        #expect(dates.modified("-") == nil)
        #expect(dates.modified("-!member.txt") == nil)
        #expect(dates.modified(directory.appendingPathComponent("gone.txt").path) == nil)
        #expect(dates.modified(directory.path) == nil)
    }
}
