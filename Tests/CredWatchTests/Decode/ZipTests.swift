import Foundation
import Testing

@testable import CredWatch

/// How a zip reaches the reader: a seekable file (central directory; small files are read into
/// memory first) or a stream (one forward pass over the local headers).
enum ZipReadMode: String, CaseIterable, CustomTestStringConvertible {
    case centralDirectory
    case centralDirectoryReadInPlace
    case forwardPass
    case forwardPassInSmallReads

    var testDescription: String { rawValue }

    /// Read through the central directory, at random.
    var isSeekable: Bool { self == .centralDirectory || self == .centralDirectoryReadInPlace }

    /// Reads `bytes` as `locator` the way this mode says.
    func read(_ bytes: [UInt8], as locator: String, into harness: DecodeHarness) {
        switch self {
        case .centralDirectory, .centralDirectoryReadInPlace:
            let scratch = DecodeScratchDirectory()
            var reading = harness  // shares the harness's collector and diagnostics
            if self == .centralDirectoryReadInPlace { reading.options.preloadLimit = 0 }
            reading.readFile(scratch.write("archive", bytes), locator: locator)
        case .forwardPass:
            harness.readStream(bytes, locator: locator)
        case .forwardPassInSmallReads:
            harness.readStream(bytes, locator: locator, readSize: 13)
        }
    }
}

@Suite("Decode: zip archives")
struct ZipTests {
    private let passwords = "URL: https://dpi.clinique-exemple.fr\nUsername: j.martin\nPassword: Soleil2024\n"
    private let combo = (1...50).map { "https://webmail.example.test:user\($0):pw\($0)\n" }.joined()

    @Test(arguments: ZipReadMode.allCases, InflateBackend.allCases)
    func storedAndDeflatedMembers(mode: ZipReadMode, backend: InflateBackend) {
        let zip = ZipFixture([
            .init("victim1/Passwords.txt", passwords, method: 8),
            .init("victim1/", ""),
            .init("combo.txt", combo, method: 0),
            .init("victim1/Screenshot.jpg", "ignored", method: 0),
        ]).build()
        let harness = DecodeHarness(backend: backend)
        mode.read(zip, as: "dump.zip", into: harness)
        #expect(harness.collector.locators == ["dump.zip!victim1/Passwords.txt", "dump.zip!combo.txt"])
        #expect(harness.collector.text(of: "dump.zip!victim1/Passwords.txt") == passwords)
        #expect(harness.collector.chunks(of: "dump.zip!victim1/Passwords.txt").first?.document.role == .credentials)
        #expect(harness.collector.text(of: "dump.zip!combo.txt") == combo)
        #expect(harness.messages.isEmpty)
        #expect(harness.diagnostics.members.load(ordering: .relaxed) == 3)
    }

    @Test(arguments: ZipReadMode.allCases, InflateBackend.allCases)
    func dataDescriptors(mode: ZipReadMode, backend: InflateBackend) {
        var deflated = ZipFixture.Member("deflated.txt", combo, method: 8)
        deflated.usesDataDescriptor = true
        var stored = ZipFixture.Member("stored.txt", passwords + "PK\u{07}\u{08}decoy\n", method: 0)
        stored.usesDataDescriptor = true
        var unsigned = ZipFixture.Member("unsigned.txt", "third:member\n", method: 8)
        unsigned.usesDataDescriptor = true
        unsigned.descriptorSignature = false
        let harness = DecodeHarness(backend: backend)
        mode.read(ZipFixture([deflated, stored, unsigned]).build(), as: "dd.zip", into: harness)
        #expect(harness.collector.text(of: "dd.zip!deflated.txt") == combo)
        #expect(harness.collector.text(of: "dd.zip!stored.txt") == passwords + "PK\u{07}\u{08}decoy\n")
        #expect(harness.collector.text(of: "dd.zip!unsigned.txt") == "third:member\n")
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: ZipReadMode.allCases, InflateBackend.allCases)
    func zip64Records(mode: ZipReadMode, backend: InflateBackend) {
        var first = ZipFixture.Member("big/combo.txt", combo, method: 8)
        first.isZip64 = true
        var second = ZipFixture.Member("stored64.txt", passwords, method: 0)
        second.isZip64 = true
        second.usesDataDescriptor = true
        var zip = ZipFixture([first, second])
        zip.hasZip64EndRecords = true
        let harness = DecodeHarness(backend: backend)
        mode.read(zip.build(), as: "z64.zip", into: harness)
        #expect(harness.collector.text(of: "z64.zip!big/combo.txt") == combo)
        #expect(harness.collector.text(of: "z64.zip!stored64.txt") == passwords)
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: ZipReadMode.allCases)
    func backslashNamesAreNormalised(mode: ZipReadMode) {
        let zip = ZipFixture([.init("FR[2A3B]\\Browsers\\Passwords.txt", passwords)]).build()
        let harness = DecodeHarness()
        mode.read(zip, as: "log.zip", into: harness)
        #expect(harness.collector.locators == ["log.zip!FR[2A3B]/Browsers/Passwords.txt"])
    }

    @Test(arguments: ZipReadMode.allCases, [UInt16(0), 8])
    func nestedZipInZip(mode: ZipReadMode, innerMethod: UInt16) {
        let innermost = ZipFixture([.init("Passwords.txt", passwords)]).build()
        let inner = ZipFixture([.init("c.zip", innermost, method: innerMethod), .init("note.txt", "a:b\n")]).build()
        let outer = ZipFixture([.init("b.zip", inner, method: innerMethod)]).build()
        let harness = DecodeHarness()
        mode.read(outer, as: "a.zip", into: harness)
        #expect(harness.collector.locators == ["a.zip!b.zip!c.zip!Passwords.txt", "a.zip!b.zip!note.txt"])
        #expect(harness.collector.text(of: "a.zip!b.zip!c.zip!Passwords.txt") == passwords)
        #expect(harness.messages.isEmpty)
        #expect(harness.diagnostics.members.load(ordering: .relaxed) == 4)
    }

    @Test(arguments: ZipReadMode.allCases)
    func nestingDeeperThanTheLimitIsSkipped(mode: ZipReadMode) {
        var limits = ScanLimits()
        limits.maxNestingDepth = 2
        let level3 = ZipFixture([.init("deep.txt", "too:deep\n")]).build()
        let level2 = ZipFixture([.init("c.zip", level3), .init("two.txt", "two:levels\n")]).build()
        let level1 = ZipFixture([.init("b.zip", level2)]).build()
        let harness = DecodeHarness(limits: limits)
        mode.read(level1, as: "a.zip", into: harness)
        #expect(harness.collector.locators == ["a.zip!b.zip!two.txt"])
        // Content not read: an error, the input is incomplete.
        #expect(
            harness.errors == [
                "credwatch: error: a.zip!b.zip!c.zip: zip archive nested more than 2 containers deep: not read"
            ]
        )
    }

    @Test(arguments: ZipReadMode.allCases)
    func encryptedAndUnsupportedMembersAreSkippedByName(mode: ZipReadMode) {
        var encrypted = ZipFixture.Member("secret/Passwords.txt", "opaque-bytes-opaque", method: 8)
        encrypted.isEncrypted = true
        encrypted.payload = Array("opaque-bytes-opaque".utf8)
        encrypted.usesDataDescriptor = true
        var aes = ZipFixture.Member("aes.txt", "aes-data", method: 99)
        aes.isEncrypted = true
        let bzip2 = ZipFixture.Member("b.txt", "bzip2-data", method: 12)
        let zip = ZipFixture([encrypted, .init("good1.txt", "one:1\n"), aes, bzip2, .init("good2.txt", "two:2\n")])
            .build()
        let harness = DecodeHarness()
        mode.read(zip, as: "mixed.zip", into: harness)
        #expect(harness.collector.locators == ["mixed.zip!good1.txt", "mixed.zip!good2.txt"])
        // Content not read: errors, so the input counts as incomplete and is never recorded as
        // scanned.
        #expect(
            harness.errors == [
                "credwatch: error: mixed.zip!secret/Passwords.txt: encrypted member: not read: "
                    + "give the pack's password with --archive-password",
                "credwatch: error: mixed.zip!aes.txt: encrypted member (AES): not read: "
                    + "give the pack's password with --archive-password",
                "credwatch: error: mixed.zip!b.txt: unsupported compression method 12 (bzip2): not read",
            ]
        )
        #expect(harness.warnings.isEmpty)
    }

    @Test(arguments: ZipReadMode.allCases, InflateBackend.allCases)
    func corruptMemberBesideGoodOnes(mode: ZipReadMode, backend: InflateBackend) {
        var broken = ZipFixture.Member("broken.txt", combo, method: 8)
        broken.payload = [0xFF, 0xFF, 0xFF, 0xFF] + Array(DecodeCompression.raw(Array(combo.utf8)).dropFirst(4))
        var wrongChecksum = ZipFixture.Member("crc.txt", "checked:data\n", method: 0)
        wrongChecksum.hasWrongChecksum = true
        let zip = ZipFixture([.init("before.txt", "a:1\n"), broken, wrongChecksum, .init("after.txt", "b:2\n")]).build()
        let harness = DecodeHarness(backend: backend)
        mode.read(zip, as: "bad.zip", into: harness)
        #expect(harness.collector.text(of: "bad.zip!before.txt") == "a:1\n")
        #expect(harness.collector.text(of: "bad.zip!after.txt") == "b:2\n")
        #expect(harness.collector.text(of: "bad.zip!crc.txt") == "checked:data\n")
        #expect(harness.reported("error: bad.zip!broken.txt: corrupt deflate data"))
        #expect(harness.reported("error: bad.zip!crc.txt: CRC mismatch: data has CRC-32 "))
        #expect(harness.errors.count == 2)
    }

    @Test(arguments: ZipReadMode.allCases)
    func damagedLocalHeaderCostsOnlyItsMember(mode: ZipReadMode) throws {
        var bytes = ZipFixture([.init("one.txt", "a:1\n"), .init("two.txt", "b:2\n"), .init("three.txt", "c:3\n")])
            .build()
        let headers = bytes.indices.filter { bytes[$0...].starts(with: [0x50, 0x4B, 0x03, 0x04]) }
        let second = try #require(headers.dropFirst().first)
        bytes[second + 2] = 0x09
        let harness = DecodeHarness()
        mode.read(bytes, as: "hdr.zip", into: harness)
        #expect(harness.collector.locators == ["hdr.zip!one.txt", "hdr.zip!three.txt"])
        let expected =
            mode.isSeekable
            ? "error: hdr.zip!two.txt: bad local header at offset \(second): skipped"
            : "error: hdr.zip: bad zip local header at offset \(second): skipping to the next member"
        #expect(harness.errors == ["credwatch: " + expected])
    }

    /// A stored member whose recorded size runs past the archive's data (here into the central
    /// directory and past the end) used to read the directory as its own data, be judged binary
    /// junk and skipped with a warning: the credential in it was lost and the run complete.
    /// What lies inside the archive's data is read, as a truncated member, and the member is
    /// named (an error): through the directory, and in a forward pass, where the stream ends
    /// inside the declared data and its last bytes show where the directory starts.
    @Test(arguments: ZipReadMode.allCases, [false, true])
    func storedMemberRunningPastTheArchivesDataIsReadUpToIt(mode: ZipReadMode, zip64EndRecords: Bool) {
        var overrun = ZipFixture.Member("victim/Passwords.txt", passwords, method: 0)
        let declared = UInt32(passwords.utf8.count + 100_000)
        overrun.recordedCompressedSize = declared
        overrun.recordedLocalCompressedSize = declared
        var zip = ZipFixture([.init("before.txt", "a:1\n", method: 0), overrun])
        zip.hasZip64EndRecords = zip64EndRecords
        let harness = DecodeHarness()
        mode.read(zip.build(), as: "over.zip", into: harness)
        #expect(harness.collector.text(of: "over.zip!before.txt") == "a:1\n")
        #expect(harness.collector.text(of: "over.zip!victim/Passwords.txt") == passwords)
        #expect(
            harness.errors == [
                "credwatch: error: over.zip!victim/Passwords.txt: member data runs past the archive's data "
                    + "(declared \(declared) bytes, \(passwords.utf8.count) available): read as a truncated member"
            ]
        )
        #expect(harness.warnings.isEmpty)
    }

    /// Deflate data ends by itself: a deflated member whose recorded compressed size runs past
    /// the archive's data is read whole without a word when its stream ends inside, and named
    /// like a stored one when the decompressor needs more than lies inside (what it produced
    /// until then is read). Through the directory: a forward pass never uses that size.
    @Test(arguments: [ZipReadMode.centralDirectory, .centralDirectoryReadInPlace], InflateBackend.allCases)
    func deflatedMemberRunningPastTheArchivesData(mode: ZipReadMode, backend: InflateBackend) {
        let text = String(repeating: combo, count: 40)
        var whole = ZipFixture.Member("whole.txt", passwords, method: 8)
        whole.recordedCompressedSize = 1_000_000
        var cut = ZipFixture.Member("cut.txt", text, method: 8)
        let deflated = DecodeCompression.raw(Array(text.utf8))
        cut.payload = Array(deflated.prefix(deflated.count / 2))
        cut.recordedCompressedSize = 1_000_000
        let harness = DecodeHarness(backend: backend)
        mode.read(ZipFixture([whole, cut]).build(), as: "over.zip", into: harness)
        #expect(harness.collector.text(of: "over.zip!whole.txt") == passwords)
        let partial = harness.collector.text(of: "over.zip!cut.txt") ?? ""
        #expect(!partial.isEmpty && text.hasPrefix(partial))
        #expect(
            harness.errors == [
                "credwatch: error: over.zip!cut.txt: member data runs past the archive's data "
                    + "(declared 1000000 bytes, \(deflated.count / 2) available): read as a truncated member"
            ]
        )
    }

    @Test(arguments: InflateBackend.allCases)
    func truncatedZipFallsBackToTheForwardPass(backend: InflateBackend) {
        var zip = ZipFixture([.init("one.txt", "first:member\n"), .init("two.txt", combo)])
        zip.hasCentralDirectory = false
        let bytes = zip.build()
        let cut = Array(bytes.prefix(bytes.count - 20))
        let harness = DecodeHarness(backend: backend)
        ZipReadMode.centralDirectory.read(cut, as: "cut.zip", into: harness)
        #expect(harness.collector.text(of: "cut.zip!one.txt") == "first:member\n")
        #expect(combo.hasPrefix(harness.collector.text(of: "cut.zip!two.txt") ?? "-"))
        #expect(harness.reported("error: cut.zip: no central directory (truncated archive?)"))
        #expect(harness.reported("error: cut.zip!two.txt: truncated deflate stream after"))
    }

    @Test func streamedZipWithoutCentralDirectoryIsReported() {
        var zip = ZipFixture([.init("one.txt", "first:member\n")])
        zip.hasCentralDirectory = false
        let harness = DecodeHarness()
        ZipReadMode.forwardPass.read(zip.build(), as: "-", into: harness)
        #expect(harness.collector.text(of: "-!one.txt") == "first:member\n")
        #expect(harness.errors == ["credwatch: error: -: truncated zip archive: ends without a central directory"])
    }

    /// A zip appended to other data (here the local entries of another, directory-less zip):
    /// its recorded offsets do not count what precedes it, and are shifted to where its
    /// directory really is.
    @Test func appendedZipIsFoundThroughItsDirectory() {
        var leading = ZipFixture([.init("orphan.txt", "not:listed\n")])
        leading.hasCentralDirectory = false
        var zip = ZipFixture([.init("one.txt", "first:member\n"), .init("two.txt", "second:member\n")])
        zip.stub = leading.build()
        let harness = DecodeHarness()
        ZipReadMode.centralDirectory.read(zip.build(), as: "joined.zip", into: harness)
        #expect(harness.collector.locators == ["joined.zip!one.txt", "joined.zip!two.txt"])
        #expect(harness.messages.isEmpty)
    }

    @Test(arguments: ZipReadMode.allCases, InflateBackend.allCases)
    func zipBombIsCutOffAndTheRunGoesOn(mode: ZipReadMode, backend: InflateBackend) {
        var limits = ScanLimits()
        limits.ratioGrace = 1_500_000
        limits.maxCompressionRatio = 20
        let bomb = String(repeating: "bomb@example.test:aaaaaaaa\n", count: 200_000)
        let zip = ZipFixture([.init("bomb.txt", bomb), .init("after.txt", "still:read\n")]).build()
        let harness = DecodeHarness(limits: limits, backend: backend)
        mode.read(zip, as: "bomb.zip", into: harness)
        let delivered = harness.collector.bytes(of: "bomb.zip!bomb.txt").count
        #expect(delivered > 1_500_000 && delivered < bomb.utf8.count)
        #expect(harness.reported("error: bomb.zip!bomb.txt: decompression bomb: ", "cut off after"))
        #expect(harness.collector.text(of: "bomb.zip!after.txt") == "still:read\n")
    }

    /// The whole-input guard against nested bombs (a zip of zips of bombs, each cut off on its
    /// own but together endless): an input may produce the ratio times what was read of it, plus
    /// the grace of a few members cut off as bombs.
    @Test func expansionGuardStopsAnInputThatExpandsTooMuchOverall() {
        var limits = ScanLimits()
        limits.ratioGrace = 1000
        limits.maxCompressionRatio = 10
        let expansion = ExpansionGuard()
        expansion.rawBytes = 200
        let allowance = 200 * 10 + 1000 * Int(ExpansionGuard.bombAllowance)
        #expect(expansion.record(allowance - 100, limits: limits))
        #expect(expansion.record(100, limits: limits))
        #expect(!expansion.isExhausted)
        #expect(!expansion.record(1, limits: limits))
        #expect(expansion.isExhausted)
    }

    /// Stored data counts against the input's budget like inflated data: three stored zips
    /// nested around a 20 KB combolist hand on about three times the file's size, past a
    /// budget of once the file plus 4 KB; the input is cut off with an error naming the member
    /// where it ran out, read through the directory or in a forward pass alike.
    @Test(arguments: ZipReadMode.allCases)
    func storedDataCountsAgainstTheInputsBudget(mode: ZipReadMode) {
        var limits = ScanLimits()
        limits.maxCompressionRatio = 1
        limits.ratioGrace = 1000
        let text = String(repeating: combo, count: 10)
        var archive = ZipFixture([.init("combo.txt", text, method: 0)]).build()
        for level in 1...2 {
            archive = ZipFixture([.init("level\(level).zip", archive, method: 0)]).build()
        }
        let harness = DecodeHarness(limits: limits)
        mode.read(archive, as: "stored.zip", into: harness)
        #expect(
            harness.reported(
                "error: stored.zip!level2.zip",
                ": stored data cut off after ",
                "this input expands more than 1 times over all its layers: the rest of it is skipped"
            ),
            "\(harness.messages)"
        )
        #expect(harness.errors.count == 1, "\(harness.messages)")
        #expect(harness.collector.all.flatMap(\.text).count < text.utf8.count)
    }

    /// A file read at random (a zip through its directory, read in place) is as large as the
    /// file, however many times parts of it are read: reading again must not raise the input's
    /// budget.
    @Test func rereadingAFileDoesNotRaiseItsBudget() {
        let zip = ZipFixture([.init("a.txt", combo), .init("b.txt", combo, method: 0)]).build()
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("archive.zip", zip)
        var harness = DecodeHarness()
        harness.options.preloadLimit = 0
        let session = DecodeSession(
            options: harness.options,
            diagnostics: harness.diagnostics,
            consumer: harness.collector
        )
        session.read(descriptor: open(path, O_RDONLY | O_CLOEXEC), ownsDescriptor: true, locator: "archive.zip")
        #expect(harness.collector.locators == ["archive.zip!a.txt", "archive.zip!b.txt"])
        #expect(harness.diagnostics.bytesRead.load(ordering: .relaxed) > zip.count)
        #expect(session.expansion.rawBytes == Int64(zip.count))
    }

    @Test func zipOfManyBombsIsStoppedAsAWhole() {
        var limits = ScanLimits()
        limits.ratioGrace = 100_000
        limits.maxCompressionRatio = 20
        let bomb = ZipFixture.Member("bomb.txt", String(repeating: "bomb@example.test:aaaaaaaa\n", count: 100_000))
        let inner = ZipFixture([bomb]).build()
        let outer = ZipFixture((0..<50).map { ZipFixture.Member("b\($0).zip", inner) }).build()
        let harness = DecodeHarness(limits: limits)
        ZipReadMode.centralDirectory.read(outer, as: "bombs.zip", into: harness)
        #expect(
            harness.reported(
                "error: bombs.zip!b0.zip!bomb.txt: decompression bomb: ",
                "this input expands more than 20 times over all its layers: the rest of it is skipped"
            )
        )
        #expect(harness.collector.locators.count < 50)
        #expect(harness.errors.count < 10)
    }

    /// A central directory that lists one stored member 30 times: through the directory, the
    /// data is read for the first entry only and the archive is named as hostile; a forward
    /// pass meets its one local header once.
    @Test(arguments: ZipReadMode.allCases)
    func memberListedAgainIsReadOnce(mode: ZipReadMode) {
        let zip = MalformedCompression.repeatedStoredZip("combo.txt", Array(combo.utf8), entries: 30)
        let harness = DecodeHarness()
        mode.read(zip, as: "again.zip", into: harness)
        if mode.isSeekable {
            #expect(harness.collector.locators == ["again.zip!copy0-combo.txt"])
            #expect(
                harness.errors == [
                    "credwatch: error: again.zip: hostile archive: 29 central-directory entries point at data "
                        + "already read for another member (overlapping zip bomb?): skipped"
                ]
            )
        } else {
            #expect(harness.collector.locators == ["again.zip!combo.txt"])
            #expect(harness.messages.isEmpty)
        }
        #expect(harness.collector.all.flatMap(\.text).count == combo.utf8.count)
    }

    /// A second entry whose local header lies inside the first member's stored data (a
    /// "quoted" header): whichever the directory lists first is read, the other is not, so the
    /// quoted member's text is read once either way.
    @Test(arguments: [false, true])
    func memberInsideAnotherMembersDataIsNotReadAgain(quotedFirst: Bool) {
        let inner = Array("quoted:member\n".utf8)
        let innerHeader = Self.storedLocalHeader("quoted.txt", inner)
        // Enough text first that the outer member is judged to be text.
        let outerText = Array(String(repeating: "outer:text\n", count: 500).utf8)
        let outerData = outerText + innerHeader + inner
        let outerHeader = Self.storedLocalHeader("outer.txt", outerData)
        let quotedOffset = outerHeader.count + outerText.count
        var archive = outerHeader + outerData
        let outerRecord = Self.centralRecord("outer.txt", outerData, offset: 0)
        let quotedRecord = Self.centralRecord("quoted.txt", inner, offset: quotedOffset)
        let directory = quotedFirst ? quotedRecord + outerRecord : outerRecord + quotedRecord
        archive += directory + Self.endRecord(entries: 2, size: directory.count, offset: archive.count)
        let harness = DecodeHarness()
        ZipReadMode.centralDirectory.read(archive, as: "quote.zip", into: harness)
        #expect(harness.collector.locators == [quotedFirst ? "quote.zip!quoted.txt" : "quote.zip!outer.txt"])
        #expect(
            harness.errors == [
                "credwatch: error: quote.zip: hostile archive: 1 central-directory entry points at data "
                    + "already read for another member (overlapping zip bomb?): skipped"
            ]
        )
    }

    /// The ledger of what an archive's members have read answers like a plain list of spans,
    /// whatever the order the spans are claimed in (in order, reversed, scattered).
    @Test func dataLedgerAnswersLikeAPlainList() {
        var state: UInt32 = 0x2545_F491
        func next(_ bound: Int64) -> Int64 {
            state = state &* 1_664_525 &+ 1_013_904_223
            return Int64(state >> 8) % bound
        }
        for order in 0..<3 {
            var ledger = ZipDataLedger()
            var plain: [Range<Int64>] = []
            var disagreements = 0
            var claimed = 0
            for step in 0..<3000 {
                let start: Int64
                switch order {
                case 0: start = Int64(step) * 40 + next(20)
                case 1: start = Int64(3000 - step) * 40 + next(20)
                default: start = next(200_000)
                }
                let span = start..<(start + ZipDataLedger.minimumSpan + next(order == 2 ? 300 : 20))
                let overlaps = plain.contains { $0.overlaps(span) }
                if ledger.overlaps(span) != overlaps { disagreements += 1 }
                if !overlaps {
                    ledger.claim(span)
                    plain.append(span)
                    claimed += 1
                }
            }
            #expect(disagreements == 0, "order \(order)")
            #expect(claimed > 500, "order \(order)")
        }
    }

    private static func storedLocalHeader(_ name: String, _ data: [UInt8]) -> [UInt8] {
        var out = DecodeFixtureBytes()
        out.append(ZipSignature.localHeader)
        out.append(UInt16(20))
        out.append(UInt16(0))
        out.append(UInt16(0))  // stored
        out.append(UInt32(0x0021_0000))
        out.append(DecodeCompression.crc32(data))
        out.append(UInt32(data.count))
        out.append(UInt32(data.count))
        out.append(UInt16(name.utf8.count))
        out.append(UInt16(0))
        out.append(Array(name.utf8))
        return out.bytes
    }

    private static func centralRecord(_ name: String, _ data: [UInt8], offset: Int) -> [UInt8] {
        var out = DecodeFixtureBytes()
        out.append(ZipSignature.centralDirectory)
        out.append(UInt16(0x031E))
        out.append(UInt16(20))
        out.append(UInt16(0))
        out.append(UInt16(0))  // stored
        out.append(UInt32(0x0021_0000))
        out.append(DecodeCompression.crc32(data))
        out.append(UInt32(data.count))
        out.append(UInt32(data.count))
        out.append(UInt16(name.utf8.count))
        out.append([UInt8](repeating: 0, count: 12))  // extra, comment, disk, attributes
        out.append(UInt32(offset))
        out.append(Array(name.utf8))
        return out.bytes
    }

    private static func endRecord(entries: Int, size: Int, offset: Int) -> [UInt8] {
        var out = DecodeFixtureBytes()
        out.append(ZipSignature.endOfDirectory)
        out.append(UInt32(0))
        out.append(UInt16(entries))
        out.append(UInt16(entries))
        out.append(UInt32(size))
        out.append(UInt32(offset))
        out.append(UInt16(0))
        return out.bytes
    }

    @Test func zipOnStandardInputThroughAPipe() throws {
        let zip = ZipFixture([.init("victim/Passwords.txt", passwords), .init("combo.txt", combo, method: 0)]).build()
        var ends: [Int32] = [0, 0]
        try #require(pipe(&ends) == 0)
        let writer = ends[1]
        let thread = Thread {
            zip.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = write(writer, bytes.baseAddress! + offset, bytes.count - offset)
                    if written <= 0 { break }
                    offset += written
                }
            }
            close(writer)
        }
        thread.start()
        let harness = DecodeHarness()
        harness.read(.file(path: "/dev/fd/\(ends[0])", locator: "-"))
        close(ends[0])
        #expect(harness.collector.text(of: "-!victim/Passwords.txt") == passwords)
        #expect(harness.collector.text(of: "-!combo.txt") == combo)
        #expect(harness.messages.isEmpty)
    }
}
