import Testing

@testable import CredWatch

@Suite("Decode: text documents")
struct TextDecodingTests {
    private let combo = "https://mediboard.clinique-exemple.fr/login:j.martin@clinique-exemple.fr:Soleil2024\n"

    @Test func plainTextIsDeliveredWholeWithItsLocator() throws {
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("combo.txt", combo + "alice@example.test:hunter2\n")
        let harness = DecodeHarness()
        harness.readFile(path, locator: "dump/combo.txt")
        let chunk = try #require(harness.collector.all.first)
        #expect(harness.collector.all.count == 1)
        #expect(chunk.document.locator == "dump/combo.txt")
        #expect(chunk.document.role == .combolist)
        #expect(chunk.firstLine == 1)
        #expect(chunk.isWholeDocument)
        #expect(String(decoding: chunk.text, as: UTF8.self) == combo + "alice@example.test:hunter2\n")
        #expect(harness.messages.isEmpty)
        #expect(harness.diagnostics.bytesRead.load(ordering: .relaxed) == chunk.text.count)
        #expect(harness.diagnostics.bytesDecoded.load(ordering: .relaxed) == chunk.text.count)
    }

    @Test func utf8ByteOrderMarkIsStripped() {
        let harness = DecodeHarness()
        harness.readStream([0xEF, 0xBB, 0xBF] + Array("URL: https://intranet.example.test\n".utf8), locator: "a.txt")
        #expect(harness.collector.text(of: "a.txt") == "URL: https://intranet.example.test\n")
    }

    /// UTF-16 with a BOM or evident from its zero bytes, transcoded to UTF-8, including a
    /// surrogate pair (𝄞) and characters outside Latin-1 (ł, €).
    @Test(arguments: [
        (true, false), (true, true), (false, false), (false, true),
    ])
    func utf16IsTranscoded(bigEndian: Bool, withMark: Bool) {
        let text = "Host: pc-accueil\r\nUser: łukasz 𝄞 €\r\nLogin: admin\r\n"
        var bytes: [UInt8] = withMark ? (bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        for readSize in [1, 3, 1 << 16] {
            let harness = DecodeHarness()
            harness.readStream(bytes, locator: "System.txt", readSize: readSize)
            #expect(harness.collector.text(of: "System.txt") == text, "read \(readSize) bytes at a time")
        }
    }

    /// UTF-16 without a mark whose text is mostly in another script (Cyrillic passwords, Greek,
    /// Chinese) has too few zero bytes to be evident, yet is text, not binary junk.
    @Test(arguments: [
        (false, "пароль"), (true, "пароль"), (false, "Κωδικός"), (false, "密码口令"),
    ])
    func utf16WithoutMarkInOtherScriptsIsText(bigEndian: Bool, word: String) {
        let text = (0..<40).map { "Пользователь\(word)\($0):\(word)Секрет\($0)\r\n" }.joined()
        var bytes: [UInt8] = []
        for unit in text.utf16 {
            let high = UInt8(unit >> 8)
            let low = UInt8(unit & 0xFF)
            bytes += bigEndian ? [high, low] : [low, high]
        }
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "passwords.txt")
        #expect(harness.collector.text(of: "passwords.txt") == text)
        #expect(harness.messages.isEmpty)
    }

    /// The same words in an 8-bit code page (CP1251), and random bytes, are not taken for UTF-16.
    @Test func eightBitTextAndJunkAreNotTakenForUTF16() {
        let cp1251: [UInt8] = (0..<200).flatMap { index -> [UInt8] in
            Array("user\(index):".utf8) + [0xEF, 0xE0, 0xF0, 0xEE, 0xEB, 0xFC] + [0x0A]
        }
        let harness = DecodeHarness()
        harness.readStream(cp1251, locator: "cp1251.txt")
        #expect(harness.collector.bytes(of: "cp1251.txt") == cp1251)
        var state: UInt32 = 99
        let junk = (0..<4096).map { _ -> UInt8 in
            state = state &* 1_664_525 &+ 1_013_904_223
            return UInt8(truncatingIfNeeded: state >> 24)
        }
        let junkHarness = DecodeHarness()
        junkHarness.readStream(junk, locator: "photo.txt")
        #expect(junkHarness.collector.all.isEmpty)
        #expect(junkHarness.warnings == ["credwatch: warning: photo.txt: binary data, not text: skipped"])
    }

    @Test func utf16OddTrailingByteBecomesReplacementCharacter() {
        let harness = DecodeHarness()
        harness.readStream([0xFF, 0xFE, 0x61, 0x00, 0x62, 0x00, 0x63], locator: "odd.txt")
        #expect(harness.collector.text(of: "odd.txt") == "ab\u{FFFD}")
    }

    @Test func invalidUTF8BytesAreKeptAsTheyAre() {
        let bytes: [UInt8] = Array("login:Fran".utf8) + [0xE7, 0x6F, 0x69, 0x73, 0xFF, 0x0A]
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "latin1.txt")
        #expect(harness.collector.bytes(of: "latin1.txt") == bytes)
    }

    /// In text with LF line ends, a lone CR is text (lines are what `grep -n` counts), CRLF
    /// stays, NUL bytes vanish — also when a CR or CRLF straddles two reads.
    @Test(arguments: [1, 2, 5, 1 << 16])
    func lineEndsAndNulBytesAreNormalised(readSize: Int) {
        let bytes = Array("a:1\rb:2\r\nc:3\nd\0:4\0\r\re:5\r".utf8)
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "mixed.txt", readSize: readSize)
        #expect(harness.collector.text(of: "mixed.txt") == "a:1\rb:2\r\nc:3\nd:4\r\re:5\r")
        #expect(harness.collector.chunks(of: "mixed.txt").map(\.lineEnding) == [.lf])
    }

    /// In text without LF (classic Mac), a lone CR becomes LF — also when it ends a read, or
    /// the text.
    @Test(arguments: [1, 2, 5, 1 << 16])
    func carriageReturnsEndLinesInTextWithoutLineFeeds(readSize: Int) {
        let bytes = Array("a:1\rb:2\r\rc\0:3\0\r\re:5\r".utf8)
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "mac.txt", readSize: readSize)
        #expect(harness.collector.text(of: "mac.txt") == "a:1\nb:2\n\nc:3\n\ne:5\n")
        #expect(harness.collector.chunks(of: "mac.txt").map(\.lineEnding) == [.cr])
    }

    /// Line ends are judged on the first 64 KiB: a LF there makes CRs text; CRs and no LF there
    /// split at CR, even if a LF comes later; neither leaves LF (one long line).
    @Test func lineEndsAreJudgedOnTheFirst64KiB() {
        let window = DocumentDecoder.lineEndWindow
        let filler = "x@example.test:filler\r"
        func lineEnding(_ bytes: [UInt8]) -> LineEnding? {
            let harness = DecodeHarness()
            harness.readStream(bytes, locator: "judged.txt", readSize: 4096)
            return harness.collector.chunks(of: "judged.txt").first?.lineEnding
        }
        let crs = Array(String(repeating: filler, count: window / filler.utf8.count + 10).utf8)
        #expect(lineEnding(crs) == .cr)
        #expect(lineEnding(Array(crs.prefix(window - 10)) + [0x0A] + crs) == .lf)
        #expect(lineEnding(crs + [0x0A]) == .cr)
        #expect(lineEnding([0xEF, 0xBB, 0xBF] + Array("a:b\rc:d\r".utf8)) == .cr)
        #expect(lineEnding(Array("a:b\r\nc:d".utf8)) == .lf)
        let utf16: [UInt8] = [0xFF, 0xFE] + "a:b\rc:d\r".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(lineEnding(utf16) == .cr)
        #expect(lineEnding(utf16 + [0x0A, 0x00]) == .lf)
        #expect(lineEnding(Array(repeating: UInt8(ascii: "a"), count: window + 10) + Array("\rb\r".utf8)) == .lf)
    }

    /// An over-long line is replaced by an empty line (so later line numbers hold), counted and
    /// warned about once, and the lines after it are still read — also when it spans reads.
    @Test(arguments: [3, 1 << 16])
    func overLongLinesAreSkipped(readSize: Int) {
        var limits = ScanLimits()
        limits.maxLineLength = 16
        let long = String(repeating: "x", count: 40)
        let text = "first:line\n\(long)\nthird:line\n\(long)\nfifth:line:exact\nlast:\(long)"
        let harness = DecodeHarness(limits: limits, chunkSize: 24)
        harness.readStream(Array(text.utf8), locator: "long.txt", readSize: readSize)
        #expect(harness.collector.text(of: "long.txt") == "first:line\n\nthird:line\n\nfifth:line:exact\n")
        #expect(harness.diagnostics.skippedLines.load(ordering: .relaxed) == 3)
        #expect(harness.warnings == ["credwatch: warning: long.txt: 3 lines longer than 16 bytes skipped"])
        let numbered = harness.collector.numberedLines(of: "long.txt")
        #expect(numbered[3] == "third:line")
        #expect(numbered[5] == "fifth:line:exact")
    }

    /// Lines around the limit, read in pieces of every size against the limit: what is kept,
    /// skipped and numbered matches a line-by-line reading, whichever way a read cut the text.
    @Test(arguments: [1, 7, 16, 17, 40, 1 << 16])
    func lineLimitHoldsWhereverReadsCut(readSize: Int) {
        var limits = ScanLimits()
        limits.maxLineLength = 16
        var seed: UInt64 = 42
        let lines = (0..<300).map { _ in
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return String(repeating: "a", count: Int(seed >> 58) % 40)
        }
        let expected = lines.map { $0.count > 16 ? "" : $0 }
        let harness = DecodeHarness(limits: limits, chunkSize: 64)
        harness.readStream(Array(lines.map { $0 + "\n" }.joined().utf8), locator: "cut.txt", readSize: readSize)
        #expect(harness.collector.text(of: "cut.txt") == expected.map { $0 + "\n" }.joined())
        #expect(harness.diagnostics.skippedLines.load(ordering: .relaxed) == lines.filter { $0.count > 16 }.count)
        #expect(harness.diagnostics.lines.load(ordering: .relaxed) == lines.count)
        var expectedLine = 1
        for chunk in harness.collector.chunks(of: "cut.txt") {
            #expect(chunk.firstLine == expectedLine)
            expectedLine += chunk.text.filter { $0 == 0x0A }.count
        }
    }

    @Test func combolistsAreCutIntoChunksAtLineEnds() {
        let lines = (1...200).map { "user\($0)@example.test:pass\($0)\n" }
        let harness = DecodeHarness(chunkSize: 256)
        harness.readStream(Array(lines.joined().utf8), locator: "big.txt", readSize: 100)
        let chunks = harness.collector.chunks(of: "big.txt")
        #expect(chunks.count > 5)
        var expectedLine = 1
        for chunk in chunks {
            #expect(chunk.firstLine == expectedLine)
            #expect(chunk.text.last == 0x0A)
            #expect(!chunk.isWholeDocument)
            expectedLine += chunk.text.filter { $0 == 0x0A }.count
        }
        #expect(harness.collector.text(of: "big.txt") == lines.joined())
    }

    @Test func lastLineWithoutLineFeedIsDelivered() {
        let harness = DecodeHarness(chunkSize: 8)
        harness.readStream(Array("one:1\ntwo:2\nthree:3".utf8), locator: "c.txt")
        let chunks = harness.collector.chunks(of: "c.txt")
        #expect(chunks.map(\.firstLine) == [1, 2, 3])
        #expect(chunks.last.map { String(decoding: $0.text, as: UTF8.self) } == "three:3")
    }

    @Test func structuredDocumentsComeWholeUnderTheirLimit() throws {
        let record = "URL: https://dpi.clinique-exemple.fr\nUsername: j.martin\nPassword: Soleil2024\n\n"
        let text = String(repeating: record, count: 50)
        let harness = DecodeHarness(chunkSize: 64)
        harness.readStream(Array(text.utf8), locator: "victim/Passwords.txt", readSize: 97)
        let chunk = try #require(harness.collector.all.first)
        #expect(harness.collector.all.count == 1)
        #expect(chunk.isWholeDocument)
        #expect(chunk.document.role == .credentials)
        #expect(String(decoding: chunk.text, as: UTF8.self) == text)
    }

    @Test func largeStructuredDocumentsFallBackToChunks() {
        var limits = ScanLimits()
        limits.maxStructuredDocument = 200
        let text = String(repeating: "URL: https://a.example.test\nPassword: x\n", count: 40)
        let harness = DecodeHarness(limits: limits, chunkSize: 100)
        harness.readStream(Array(text.utf8), locator: "Passwords.txt", readSize: 64)
        let chunks = harness.collector.chunks(of: "Passwords.txt")
        #expect(chunks.count > 2)
        #expect(chunks.allSatisfy { !$0.isWholeDocument })
        #expect(harness.collector.text(of: "Passwords.txt") == text)
    }

    @Test func binaryJunkNamedTextIsSkippedWithAWarning() {
        var generator = SystemRandomNumberGenerator()
        let junk = [0xFF, 0xD8, 0xFF, 0xE0] + (0..<8192).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let harness = DecodeHarness()
        harness.readStream(junk, locator: "Passwords.txt")
        #expect(harness.collector.all.isEmpty)
        #expect(harness.warnings == ["credwatch: warning: Passwords.txt: binary data, not text: skipped"])
    }

    @Test func zeroByteFilesDeliverNothingQuietly() {
        let scratch = DecodeScratchDirectory()
        let harness = DecodeHarness()
        harness.readFile(scratch.write("empty.txt", []))
        harness.readStream([0xEF, 0xBB, 0xBF], locator: "bom-only.txt")
        #expect(harness.collector.all.isEmpty)
        #expect(harness.messages.isEmpty)
    }

    @Test func ignoredDocumentsAreNotDecoded() {
        let harness = DecodeHarness()
        harness.readStream(Array("not really a jpeg\n".utf8), locator: "victim/Screenshot.jpg")
        #expect(harness.collector.all.isEmpty)
        #expect(harness.messages.isEmpty)
    }
}
