import Testing

@testable import CredWatch

@Suite("Decode: tar archives")
struct TarTests {
    private let passwords = "URL: https://rh.groupe-sante-exemple.fr\nUsername: c.durand\nPassword: Printemps!7\n"
    private let longFolder = String(repeating: "DE[9F1C2A]_2024_11_03_very_long_victim_folder_", count: 3)

    private var archive: [UInt8] {
        TarFixture([
            .directory("logs/"),
            .file("logs/combo.txt", Array("a@example.test:1\n".utf8)),
            .paxPath("\(longFolder)/Passwords.txt", Array(passwords.utf8)),
            .gnuLongName("\(longFolder)/gnu/Passwords.txt", Array("gnu:entry\n".utf8)),
            .prefixed(
                prefix: "ustar/prefix/folder",
                name: "cookies.txt",
                Array(".example.test\tTRUE\t/\tFALSE\t0\tsid\tx\n".utf8)
            ),
            .file("empty.txt", []),
        ]).build()
    }

    private func expectArchiveRead(_ harness: DecodeHarness, as locator: String) {
        #expect(
            harness.collector.locators == [
                "\(locator)!logs/combo.txt",
                "\(locator)!\(longFolder)/Passwords.txt",
                "\(locator)!\(longFolder)/gnu/Passwords.txt",
                "\(locator)!ustar/prefix/folder/cookies.txt",
            ]
        )
        #expect(harness.collector.text(of: "\(locator)!\(longFolder)/Passwords.txt") == passwords)
        #expect(harness.collector.text(of: "\(locator)!\(longFolder)/gnu/Passwords.txt") == "gnu:entry\n")
        #expect(
            harness.collector.chunks(of: "\(locator)!ustar/prefix/folder/cookies.txt").first?.document.role == .cookies
        )
        #expect(harness.messages.isEmpty)
        #expect(harness.diagnostics.members.load(ordering: .relaxed) == 5)
    }

    @Test(arguments: [13, 1 << 16])
    func ustarPaxAndGnuLongNames(readSize: Int) {
        let harness = DecodeHarness()
        harness.readStream(archive, locator: "logs.tar", readSize: readSize)
        expectArchiveRead(harness, as: "logs.tar")
    }

    @Test func tarFileOnDisk() {
        let scratch = DecodeScratchDirectory()
        let harness = DecodeHarness()
        harness.readFile(scratch.write("logs.tar", archive), locator: "logs.tar")
        expectArchiveRead(harness, as: "logs.tar")
    }

    @Test func gzippedTar() {
        let scratch = DecodeScratchDirectory()
        let harness = DecodeHarness()
        harness.readFile(scratch.write("logs.tgz", DecodeCompression.gzip(archive)), locator: "logs.tgz")
        expectArchiveRead(harness, as: "logs.tgz")
    }

    @Test func zipInsideGzippedTar() {
        let zip = ZipFixture([.init("victim/Passwords.txt", passwords), .init("victim/note.txt", "n:1\n", method: 0)])
            .build()
        let tar = TarFixture([.file("batch/victim.zip", zip), .file("batch/after.txt", Array("after:1\n".utf8))])
            .build()
        let harness = DecodeHarness()
        harness.readStream(DecodeCompression.gzip(tar), locator: "outer.tar.gz")
        #expect(
            harness.collector.locators == [
                "outer.tar.gz!batch/victim.zip!victim/Passwords.txt",
                "outer.tar.gz!batch/victim.zip!victim/note.txt",
                "outer.tar.gz!batch/after.txt",
            ]
        )
        #expect(harness.collector.text(of: "outer.tar.gz!batch/victim.zip!victim/Passwords.txt") == passwords)
        #expect(harness.messages.isEmpty)
    }

    @Test func truncatedTarDeliversTheMembersBefore() {
        let bytes = Array(archive.prefix(512 * 6 + 40))
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "cut.tar")
        #expect(harness.collector.text(of: "cut.tar!logs/combo.txt") == "a@example.test:1\n")
        #expect(
            harness.reported(
                "error: cut.tar!\(longFolder)/Passwords.txt: truncated archive: member data ends after 40 of"
            )
        )
    }

    @Test func damagedHeaderEndsTheArchiveWithAnError() {
        var bytes = archive
        bytes[512 * 3 + 148] = 0x39  // checksum of the third header (the pax header)
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "bad.tar")
        #expect(harness.collector.locators == ["bad.tar!logs/combo.txt"])
        #expect(harness.reported("error: bad.tar: damaged tar header at offset 1536"))
    }

    @Test func paxRecordsAreParsedDefensively() {
        var attributes = TarAttributes()
        attributes.merge(paxRecords: TarFixture.paxRecord("path", "a/b.txt") + TarFixture.paxRecord("size", "12"))
        #expect(attributes.path == "a/b.txt")
        #expect(attributes.size == 12)
        var broken = TarAttributes()
        broken.merge(paxRecords: Array("999999999999 path=x\n".utf8) + Array("5 pa".utf8))
        #expect(broken.path == nil)
    }
}
