import Foundation
import Testing

@testable import CredWatch

/// The shortcuts that make a report of one finding per line of a dump cheap write the bytes
/// the plain code wrote: the escape check eight bytes at a time, decimal integers, the secret
/// search in place, lines rendered on several threads, large blocks written past the buffer.
@Suite struct FindingHeavyReportTests {
    typealias F = ReportFixture

    /// The byte-by-byte test the word-at-a-time check stands for.
    static func referenceNeedsEscape(_ bytes: [UInt8]) -> Bool {
        bytes.contains {
            $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") || $0 == 0x7F
                || [0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3].contains($0)
        }
    }

    @Test func escapeCheckAgreesWithTheByteTestForEveryByteAtEveryPosition() {
        for length in 1...19 {
            for position in 0..<length {
                for byte in 0...255 {
                    var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: length)
                    bytes[position] = UInt8(byte)
                    let checked = bytes.withUnsafeBytes { JSON.mayNeedEscape($0) }
                    #expect(checked == Self.referenceNeedsEscape(bytes), "byte \(byte) at \(position) of \(length)")
                }
            }
        }
        #expect(!JSON.mayNeedEscape(UnsafeRawBufferPointer(start: nil, count: 0)))
    }

    @Test func escapeCheckAgreesOnRandomText() {
        var random = ReportShuffleGenerator(seed: 17)
        // Mostly printable ASCII with a few bytes of every other kind, as reports hold.
        let alphabet: [UInt8] = Array(0x20...0x7E) + [0x00, 0x0A, 0x1F, 0x7F, 0x80, 0xC2, 0xC3, 0xE2, 0xF0, 0xFF]
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...40, using: &random)).map { _ in alphabet.randomElement(using: &random)!
            }
            #expect(bytes.withUnsafeBytes { JSON.mayNeedEscape($0) } == Self.referenceNeedsEscape(bytes))
        }
    }

    @Test func decimalsAreWrittenAsStringWritesThem() {
        var random = ReportShuffleGenerator(seed: 3)
        let numbers: [Int64] =
            [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
            + (0..<1_000).map { _ in Int64.random(in: Int64.min...Int64.max, using: &random) }
        for number in numbers {
            var output: [UInt8] = [UInt8(ascii: "x")]
            JSON.appendDecimal(number, to: &output)
            #expect(output == [UInt8(ascii: "x")] + Array(String(number).utf8))
        }
    }

    @Test func secretsAreFoundInPlaceWhateverTheirCase() {
        var secrets = SecretValues()
        Array("Cardio2024!".utf8).withUnsafeBytes { secrets.addPassword($0) }
        #expect(secrets.redact("https://h/x?p=CARDIO2024!&a=1") == "https://h/x?p=[REDACTED]&a=1")
        #expect(secrets.redact("cardio2024") == "cardio2024")
        #expect(secrets.redact("nothing here") == "nothing here")
        var short = SecretValues()
        Array("AbC".utf8).withUnsafeBytes { short.addPassword($0) }
        // Shorter than `substringMinimum`: only a whole field is redacted.
        #expect(short.redact("abc") == SecretValues.marker)
        #expect(short.redact("abcd") == "abcd")
        #expect(short.redact("xABC") == "xABC")
    }

    /// More findings than one round of batches holds, with a few repeated and hostile fields.
    static func manyFindings() -> [Finding] {
        var inputs: [F.Input] = []
        for index in 0..<(ReportRenderer.linesPerBatch * 5 + 37) {
            let login =
                index % 97 == 0
                ? "h\u{E9}l\u{E8}ne\"\(index)\n@clinique-exemple.fr" : "user\(index)@clinique-exemple.fr"
            inputs.append(
                .sighting(
                    F.credential(
                        // Mostly without an account, so that each login is an exposure of its own.
                        account: index % 10 == 0 ? [F.jdupont, F.mmartin, F.disabledUser][index % 3] : nil,
                        platform: [F.mediboard, F.webmail, nil][index % 3],
                        login: login,
                        password: "Secret\(index % 13)!",
                        path: "dump\(index % 7).txt",
                        line: index + 1,
                        kind: index % 4 == 3 ? .unknownAccount : .credential
                    )
                )
            )
        }
        return F.aggregate(inputs)
    }

    @Test func reportBuiltOnSeveralThreadsIsTheReportOfOne() {
        // Enough exposures for the severities and the sort to be split (at least 4,096 a part),
        // with repeats, so that some records hold several sources.
        var sightings: [Sighting] = []
        for index in 0..<10_000 {
            sightings.append(
                F.credential(
                    account: index % 10 == 0 ? [F.jdupont, F.mmartin, F.disabledUser][index % 3] : nil,
                    platform: [F.mediboard, F.webmail, F.intranet, nil][index % 4],
                    login: "user\(index % 9_500)@clinique-exemple.fr",
                    password: "Secret\(index % 11)!",
                    path: "dump\(index % 5).txt",
                    line: index + 1
                )
            )
        }
        func report(threads: Int) -> [Finding] {
            var aggregator = FindingAggregator(accounts: F.accounts)
            for sighting in sightings { aggregator.add(sighting) }
            return Array(aggregator.report(threads: threads))
        }
        let one = report(threads: 1)
        #expect(one.count > 8_192)
        #expect(report(threads: 2) == one)
        #expect(report(threads: 3) == one)
    }

    @Test(arguments: [ReportFormat.jsonl, .csv, .ecs, .cef])
    func linesRenderedOnSeveralThreadsAreTheBytesOfOne(format: ReportFormat) {
        let findings = Self.manyFindings()
        #expect(findings.count > ReportRenderer.linesPerBatch * 4)
        var options = ReportOptions()
        options.reportedAt = Date(timeIntervalSince1970: 1_700_000_000)
        let single = ReportRenderer.render(findings, as: format, options: options)
        for threads in [2, 3, 64] {
            options.threads = threads
            #expect(ReportRenderer.render(findings, as: format, options: options) == single)
        }
        let lines = single.split(separator: 0x0A, omittingEmptySubsequences: false).count
        #expect(lines >= findings.count)
    }

    @Test func largeBlocksReachTheDescriptorInOrder() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("credwatch-sink-\(getpid()).bin").path
        defer { unlink(path) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        try #require(descriptor >= 0)
        let small = [UInt8](repeating: UInt8(ascii: "a"), count: 100)
        let large = [UInt8](repeating: UInt8(ascii: "b"), count: ByteSink.flushThreshold + 5)
        let content = OutputContent.writer { sink in
            sink.write(small)
            sink.write(large)
            sink.append { $0 += small }
            sink.write(large)
            sink.write(small)
        }
        #expect(content.write(to: descriptor) == 0)
        close(descriptor)
        let written = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == small + large + small + large + small)
        #expect(content.bytes == written)
    }
}
