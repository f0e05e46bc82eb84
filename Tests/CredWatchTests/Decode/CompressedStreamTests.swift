import Testing

@testable import CredWatch

@Suite("Decode: gzip and zlib streams")
struct CompressedStreamTests {
    private let lines = (1...300).map { "https://portail.chu-exemple.fr:user\($0)@chu-exemple.fr:Pass\($0)!\n" }
        .joined()

    @Test(arguments: InflateBackend.allCases)
    func gzipKeepsItsLocatorAndIsClassifiedByItsInnerName(backend: InflateBackend) throws {
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("Passwords.txt.gz", DecodeCompression.gzip(lines))
        let harness = DecodeHarness(backend: backend)
        harness.readFile(path, locator: "logs/Passwords.txt.gz")
        let chunk = try #require(harness.collector.all.first)
        #expect(chunk.document.locator == "logs/Passwords.txt.gz")
        #expect(chunk.document.role == .credentials)
        #expect(harness.collector.text(of: "logs/Passwords.txt.gz") == lines)
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: InflateBackend.allCases)
    func multiMemberGzipIsReadToTheEnd(backend: InflateBackend) {
        let first = "a@example.test:one\n"
        let second = "b@example.test:two\n"
        let third = "c@example.test:three\n"
        let bytes = DecodeCompression.gzip(first) + DecodeCompression.gzip(second) + DecodeCompression.gzip(third)
        for readSize in [7, 1 << 16] {
            let harness = DecodeHarness(backend: backend)
            harness.readStream(bytes, locator: "cat.gz", readSize: readSize)
            #expect(harness.collector.text(of: "cat.gz") == first + second + third)
            #expect(harness.messages.isEmpty)
        }
    }

    @Test(arguments: InflateBackend.allCases)
    func gzipHeaderWithEveryOptionalField(backend: InflateBackend) {
        let bytes = DecodeCompression.gzipWithAllHeaderFields(Array(lines.utf8), name: "combo.txt", comment: "généré")
        for readSize in [1, 5, 1 << 16] {
            let harness = DecodeHarness(backend: backend)
            harness.readStream(bytes, locator: "flags.gz", readSize: readSize)
            #expect(harness.collector.text(of: "flags.gz") == lines)
            #expect(harness.messages.isEmpty)
        }
    }

    /// `gzip FILE` records the file's name in the header; ISA-L skips it only when given no
    /// buffer for it.
    @Test(arguments: InflateBackend.allCases)
    func gzipNamingItsFile(backend: InflateBackend) {
        let member = DecodeCompression.gzipNamingItsFile(Array(lines.utf8), name: "Passwords.txt")
        for readSize in [3, 1 << 16] {
            let harness = DecodeHarness(backend: backend)
            harness.readStream(member + member, locator: "named.gz", readSize: readSize)
            #expect(harness.collector.text(of: "named.gz") == lines + lines)
            #expect(harness.messages.isEmpty)
        }
    }

    @Test(arguments: InflateBackend.allCases)
    func trailingJunkAfterGzipIsAWarning(backend: InflateBackend) {
        let bytes = DecodeCompression.gzip(lines) + Array("garbage".utf8)
        let harness = DecodeHarness(backend: backend)
        harness.readStream(bytes, locator: "junk.gz")
        #expect(harness.collector.text(of: "junk.gz") == lines)
        #expect(harness.warnings == ["credwatch: warning: junk.gz: data after the end of the gzip stream ignored"])
        #expect(harness.errors.isEmpty)
    }

    @Test(arguments: InflateBackend.allCases)
    func zlibStream(backend: InflateBackend) {
        let harness = DecodeHarness(backend: backend)
        harness.readStream(DecodeCompression.zlib(Array(lines.utf8)), locator: "data.bin")
        #expect(harness.collector.text(of: "data.bin") == lines)
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: InflateBackend.allCases)
    func truncatedGzipDeliversWhatCameBefore(backend: InflateBackend) {
        let big = (1...20_000).map { "user\($0)@example.test:\(($0 * 7919) % 100_003)\n" }.joined()
        let full = DecodeCompression.gzip(big)
        let harness = DecodeHarness(backend: backend)
        harness.readStream(Array(full.prefix(full.count / 2)), locator: "cut.txt.gz")
        let delivered = harness.collector.text(of: "cut.txt.gz") ?? ""
        #expect(delivered.count > 1000)
        #expect(big.hasPrefix(delivered))
        #expect(
            harness.errors == [
                "credwatch: error: cut.txt.gz: truncated gzip stream after \(delivered.utf8.count) bytes"
            ]
        )
    }

    @Test(arguments: InflateBackend.allCases)
    func gzipChecksumMismatchIsAnError(backend: InflateBackend) {
        var bytes = DecodeCompression.gzip(lines)
        bytes[bytes.count - 8] ^= 0xFF
        let harness = DecodeHarness(backend: backend)
        harness.readStream(bytes, locator: "crc.gz")
        #expect(harness.collector.text(of: "crc.gz") == lines)
        #expect(harness.reported("error: crc.gz: CRC mismatch (incorrect data check)"))
    }

    /// ISA-L reads ahead past the Adler-32: the byte after it must still be seen.
    @Test(arguments: InflateBackend.allCases)
    func byteAfterAZlibStreamIsAWarning(backend: InflateBackend) {
        let harness = DecodeHarness(backend: backend)
        harness.readStream(DecodeCompression.zlib(Array(lines.utf8)) + [0x0A], locator: "data.bin")
        #expect(harness.collector.text(of: "data.bin") == lines)
        #expect(harness.warnings == ["credwatch: warning: data.bin: data after the end of the zlib stream ignored"])
        #expect(harness.errors.isEmpty)
    }

    @Test(arguments: InflateBackend.allCases)
    func gzipBombIsCutOffByRatio(backend: InflateBackend) {
        var limits = ScanLimits()
        limits.ratioGrace = 100_000
        limits.maxCompressionRatio = 50
        let bomb = DecodeCompression.gzip(String(repeating: "user@example.test:password\n", count: 200_000))
        let harness = DecodeHarness(limits: limits, backend: backend)
        harness.readStream(bomb, locator: "bomb.txt.gz")
        let delivered = harness.diagnostics.bytesDecoded.load(ordering: .relaxed)
        #expect(delivered > 100_000 && delivered < 5_000_000)
        #expect(harness.collector.all.allSatisfy { $0.document.locator == "bomb.txt.gz" })
        #expect(harness.errors.count == 1)
        #expect(harness.reported("error: bomb.txt.gz: decompression bomb: ", "cut off after"))
        #expect(harness.diagnostics.skippedLines.load(ordering: .relaxed) == 0)
    }

    @Test(arguments: InflateBackend.allCases)
    func gzipBombIsCutOffBySize(backend: InflateBackend) {
        var limits = ScanLimits()
        limits.maxMemberSize = 1000
        let harness = DecodeHarness(limits: limits, backend: backend)
        harness.readStream(DecodeCompression.gzip(lines), locator: "size.gz")
        #expect(harness.diagnostics.bytesDecoded.load(ordering: .relaxed) <= 1000)
        #expect(
            harness.reported(
                "error: size.gz: decompression bomb: larger than the 1000-byte limit, cut off after 1000 bytes"
            )
        )
    }

    @Test(arguments: InflateBackend.allCases)
    func gzipOfExactlyTheSizeLimitIsNotABomb(backend: InflateBackend) {
        var limits = ScanLimits()
        limits.maxMemberSize = Int64(lines.utf8.count)
        let harness = DecodeHarness(limits: limits, backend: backend)
        harness.readStream(DecodeCompression.gzip(lines), locator: "exact.gz")
        #expect(harness.collector.text(of: "exact.gz") == lines)
        #expect(harness.messages.isEmpty)
    }
}
