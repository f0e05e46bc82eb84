import Testing

@testable import CredWatch

/// Content that is not read is never silent: data hidden after an archive's end is read when it
/// is an archive, and named as not read otherwise (an error: the input is incomplete).
@Suite("Decode: content after an archive's end")
struct UnreadContentTests {
    @Test func tarArchivesConcatenatedAreAllRead() {
        let first = TarFixture([.file("a.txt", Array("a@example.test:1\n".utf8))]).build()
        let second = TarFixture([.file("b.txt", Array("b@example.test:2\n".utf8))]).build()
        let harness = DecodeHarness()
        harness.readStream(first + second, locator: "joined.tar")
        #expect(harness.collector.locators == ["joined.tar!a.txt", "joined.tar!b.txt"])
        #expect(harness.messages.isEmpty)
    }

    @Test func dataAfterATarArchiveIsNamedAsNotRead() {
        let archive = TarFixture([.file("a.txt", Array("a@example.test:1\n".utf8))]).build()
        let harness = DecodeHarness()
        harness.readStream(
            archive + Array("hidden:secret\n".utf8) + [UInt8](repeating: 0x41, count: 600),
            locator: "x.tar"
        )
        #expect(harness.collector.locators == ["x.tar!a.txt"])
        #expect(harness.errors.count == 1)
        #expect(
            harness.errors.first?.hasPrefix("credwatch: error: x.tar: data after the end of the tar archive") == true
        )
    }

    @Test func zeroPaddingAfterATarArchiveIsNothing() {
        let archive = TarFixture([.file("a.txt", Array("a@example.test:1\n".utf8))]).build()
        let harness = DecodeHarness()
        harness.readStream(archive + [UInt8](repeating: 0, count: 10_000), locator: "padded.tar")
        #expect(harness.collector.locators == ["padded.tar!a.txt"])
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: [ZipReadMode.centralDirectory, .centralDirectoryReadInPlace])
    func dataAfterAZipArchiveIsNamedAsNotRead(mode: ZipReadMode) {
        let zip = ZipFixture([.init("a.txt", "a@example.test:1\n")]).build()
        let harness = DecodeHarness()
        mode.read(zip + Array("hidden@example.test:after-the-end\n".utf8), as: "x.zip", into: harness)
        #expect(harness.collector.locators == ["x.zip!a.txt"])
        #expect(harness.errors == ["credwatch: error: x.zip: 34 bytes after the end of the zip archive: not read"])
    }

    /// Data before a zip (a self-extractor's stub, an advert line): the archive is still read
    /// through its central directory, and the text before it too.
    @Test(arguments: [ZipReadMode.centralDirectory, .centralDirectoryReadInPlace])
    func zipAfterOtherDataIsReadWithIt(mode: ZipReadMode) {
        let zip = ZipFixture([.init("in.txt", "inside@example.test:1\n")]).build()
        for prefix in [
            [0x58], Array("before@example.test:2\n".utf8), [0x4D, 0x5A] + [UInt8](repeating: 0x90, count: 600),
        ] {
            let harness = DecodeHarness()
            mode.read(prefix + zip, as: "x.zip", into: harness)
            #expect(harness.collector.locators.contains("x.zip!in.txt"))
            #expect(harness.collector.text(of: "x.zip!in.txt") == "inside@example.test:1\n")
            if prefix.count > 1 && prefix[0] == 0x62 {
                #expect(harness.collector.text(of: "x.zip") == "before@example.test:2\n")
            }
            #expect(harness.errors.isEmpty)
        }
    }
}
