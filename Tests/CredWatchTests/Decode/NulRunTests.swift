import Foundation
import Testing

@testable import CredWatch

/// NUL bytes are dropped from text, so a run of them is read for nothing: a document that goes
/// `DocumentDecoder.maxNulRun` bytes without anything else (a sparse or zero-filled file) stops
/// there, named as not read; the text before the run is delivered, and short runs (UTF-16,
/// NUL-separated fields, padding) are read as before.
@Suite("Decode: runs of NUL bytes")
struct NulRunTests {
    private static let limit = Int(DocumentDecoder.maxNulRun)
    /// NUL bytes deflate about 1000 to 1: the compression guard would cut them off too.
    private static let unboundedRatio: ScanLimits = {
        var limits = ScanLimits()
        limits.maxCompressionRatio = 1_000_000
        return limits
    }()
    private let first = "https://mediboard.clinique-exemple.fr/login:jdupont:Avant-la-nuit1\n"
    private let second = "https://mediboard.clinique-exemple.fr/login:amartin:Apres-la-nuit2\n"

    private static func stopMessage(_ locator: String, offset: Int) -> String {
        "credwatch: error: \(locator): only NUL bytes from offset \(offset) for 16 MiB "
            + "(a sparse or zero-filled file?): the rest is not read"
    }

    /// A credential, 20 MiB of NUL bytes, another credential: the first is delivered, the
    /// document stops 16 MiB into the run with an error naming it and the run's offset, and the
    /// second is not read (what follows such a run cannot be reached without reading it all;
    /// the error makes the run incomplete, so nobody takes it as read).
    @Test(arguments: [1 << 16, 4093])
    func textAfterALongRunIsNotReadAndTheDocumentIsNamed(readSize: Int) {
        let bytes = Array(first.utf8) + [UInt8](repeating: 0, count: 20 << 20) + Array(second.utf8)
        for seekable in [false, true] {
            let harness = DecodeHarness()
            if seekable {
                let scratch = DecodeScratchDirectory()
                harness.readFile(scratch.write("nul.txt", bytes), locator: "nul.txt")
            } else {
                harness.readStream(bytes, locator: "nul.txt", readSize: readSize)
            }
            #expect(harness.collector.text(of: "nul.txt") == first, "seekable: \(seekable)")
            #expect(harness.errors == [Self.stopMessage("nul.txt", offset: first.utf8.count)])
            #expect(harness.warnings.isEmpty)
        }
    }

    /// Short runs are text as usual: UTF-16 without a mark (every other byte NUL),
    /// NUL-separated fields, and a run of NUL bytes one short of the limit between two lines.
    @Test func shortRunsAreReadAsBefore() {
        var utf16: [UInt8] = []
        for unit in (first + second).utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
        let fields = Array("https://mediboard.clinique-exemple.fr/login\0jdupont\0\0\0Avant-la-nuit1\n".utf8)
        let padded =
            Array(first.utf8) + [UInt8](repeating: 0, count: Self.limit - 1) + Array(second.utf8)
            + [UInt8](repeating: 0, count: 4096)
        let harness = DecodeHarness()
        harness.readStream(utf16, locator: "utf16.txt")
        harness.readStream(fields, locator: "fields.txt")
        harness.readStream(padded, locator: "padded.txt", readSize: 4093)
        #expect(harness.collector.text(of: "utf16.txt") == first + second)
        #expect(
            harness.collector.text(of: "fields.txt")
                == "https://mediboard.clinique-exemple.fr/loginjdupontAvant-la-nuit1\n"
        )
        #expect(harness.collector.text(of: "padded.txt") == first + second)
        #expect(
            harness.collector.numberedLines(of: "padded.txt") == [
                1: String(first.dropLast()), 2: String(second.dropLast()),
            ]
        )
        #expect(harness.messages.isEmpty)
    }

    /// A sparse file of 20 GB (no disk cost) ends at once: nothing delivered, one error at
    /// offset 0. Read in place, as a file over the preload limit is.
    @Test(.timeLimit(.minutes(1)))
    func sparseFileStopsAtTheLimit() throws {
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("sparse.txt", [UInt8]())
        #expect(truncate(path, 20_000_000_000) == 0)
        let harness = DecodeHarness()
        harness.readFile(path, locator: "sparse.txt")
        #expect(harness.collector.all.isEmpty)
        #expect(harness.errors == [Self.stopMessage("sparse.txt", offset: 0)])
        #expect(harness.diagnostics.bytesRead.load(ordering: .relaxed) <= Self.limit + 2 * BufferPool.bufferSize)
    }

    /// A tar whose first member is a sparse terabyte (a file with a hole, 1 KB on disk): the
    /// member stops after 16 MiB, the archive seeks past the rest, and the next member is read.
    @Test(.timeLimit(.minutes(1)))
    func sparseTerabyteTarMemberCostsOnlyItself() throws {
        let size: Int64 = 1 << 40
        var header = TarFixture.header(name: "huge.txt", size: 0, type: "0")
        // GNU base-256 size: a terabyte does not fit in the 11 octal digits.
        header[124] = 0x80
        for index in 125..<136 { header[index] = UInt8(truncatingIfNeeded: size >> (8 * (135 - index))) }
        for index in 148..<156 { header[index] = 0x20 }
        let checksum = String(header.reduce(0) { $0 + Int($1) }, radix: 8)
        let field = Array((String(repeating: "0", count: 6 - checksum.count) + checksum).utf8) + [0, 0x20]
        header.replaceSubrange(148..<156, with: field)
        let tail = TarFixture([.file("after.txt", Array(second.utf8))]).build()
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("sparse.tar", header)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(512 + size))
        try handle.write(contentsOf: Data(tail))
        try handle.close()

        let harness = DecodeHarness()
        harness.readFile(path, locator: "sparse.tar")
        #expect(harness.collector.locators == ["sparse.tar!after.txt"])
        #expect(harness.collector.text(of: "sparse.tar!after.txt") == second)
        #expect(harness.errors == [Self.stopMessage("sparse.tar!huge.txt", offset: 0)])
    }

    /// Inside gzip: the document stops, and the rest of the layer is not inflated only to check
    /// its CRC (one error, the run's).
    @Test func gzipOfALongRunStopsWithOneError() {
        let text = Array(first.utf8) + [UInt8](repeating: 0, count: 20 << 20) + Array(second.utf8)
        let harness = DecodeHarness(limits: Self.unboundedRatio)
        harness.readStream(DecodeCompression.gzip(text), locator: "nul.txt.gz")
        #expect(harness.collector.text(of: "nul.txt.gz") == first)
        #expect(harness.errors == [Self.stopMessage("nul.txt.gz", offset: first.utf8.count)])
    }

    /// Zip members, through the directory and in a forward pass: the member stops, its
    /// siblings are read.
    @Test(arguments: ZipReadMode.allCases)
    func zipMemberOfALongRunCostsOnlyItself(mode: ZipReadMode) {
        let text = Array(first.utf8) + [UInt8](repeating: 0, count: 17 << 20) + Array(second.utf8)
        let zip = ZipFixture([
            .init("nul.txt", text, method: 0), .init("deflated.txt", text, method: 8), .init("after.txt", second),
        ]).build()
        let harness = DecodeHarness(limits: Self.unboundedRatio)
        mode.read(zip, as: "nul.zip", into: harness)
        #expect(harness.collector.text(of: "nul.zip!nul.txt") == first)
        #expect(harness.collector.text(of: "nul.zip!deflated.txt") == first)
        #expect(harness.collector.text(of: "nul.zip!after.txt") == second)
        #expect(
            harness.errors == [
                Self.stopMessage("nul.zip!nul.txt", offset: first.utf8.count),
                Self.stopMessage("nul.zip!deflated.txt", offset: first.utf8.count),
            ]
        )
    }

    /// The meter stops where a run reaches the limit, and nowhere else, whatever the blocks (no
    /// longer than the limit, as a reader's buffers are): checked against a byte-by-byte count
    /// on random documents cut into random blocks.
    @Test func meterAgreesWithAByteCount() {
        var state: UInt32 = 0x9E37_79B9
        func next(_ bound: Int) -> Int {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int(state >> 8) % bound
        }
        for round in 0..<400 {
            let limit = 1 + next(40)
            var document: [UInt8] = []
            while document.count < 300 {
                let run = next(3) == 0 ? next(limit * 2 + 2) : next(4)
                document += [UInt8](repeating: 0, count: run)
                document += (0..<(1 + next(6))).map { _ in UInt8(1 + next(255)) }
            }
            // Where a byte count stops: just past the `limit`-th NUL of a run.
            var expected: Int?
            var run = 0
            for (index, byte) in document.enumerated() {
                run = byte == 0 ? run + 1 : 0
                if run == limit {
                    expected = index + 1
                    break
                }
            }
            var meter = NulRunMeter(limit: Int64(limit))
            var stop: Int?
            var offset = 0
            document.withUnsafeBytes { bytes in
                while offset < bytes.count && stop == nil {
                    let count = min(bytes.count - offset, limit, 1 + next(round % 2 == 0 ? 9 : 70))
                    let block = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
                    if let index = meter.measure(block, at: Int64(offset)) { stop = offset + index }
                    offset += count
                }
            }
            #expect(stop == expected, "round \(round), limit \(limit)")
            if let expected { #expect(meter.runStart == Int64(expected - limit), "round \(round)") }
        }
    }

    @Test func bytesOtherThanAByteAreFoundFromEitherEnd() {
        for length in 0..<40 {
            for position in 0..<max(1, length) {
                var bytes = [UInt8](repeating: 0, count: length)
                if length > 0 { bytes[position] = 0x41 }
                bytes.withUnsafeBytes { view in
                    #expect(Bytes.firstIndex(notEqualTo: 0, in: view) == (length > 0 ? position : nil))
                    #expect(Bytes.lastIndex(notEqualTo: 0, in: view) == (length > 0 ? position : nil))
                }
            }
        }
    }
}
