import Foundation
import Testing

@testable import CredWatch

/// The lines `grep -n -b -a ''` reads in `bytes`: its number, its byte offset and its bytes
/// (without the LF), as the real grep prints them.
enum Grep {
    struct Line {
        var number: Int
        var offset: Int64
        var content: [UInt8]
    }

    static func lines(of bytes: [UInt8]) throws -> [Int: Line] {
        let scratch = DecodeScratchDirectory()
        let path = scratch.write("input", bytes)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/grep")
        process.arguments = ["-n", "-b", "-a", "", path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        var lines: [Int: Line] = [:]
        for row in Array(data).split(separator: 0x0A, omittingEmptySubsequences: false).dropLast() {
            // NUMBER:OFFSET:content
            let first = try #require(row.firstIndex(of: 0x3A))
            let second = try #require(row[(first + 1)...].firstIndex(of: 0x3A))
            let number = try #require(Int(String(decoding: row[row.startIndex..<first], as: UTF8.self)))
            let offset = try #require(Int64(String(decoding: row[(first + 1)..<second], as: UTF8.self)))
            lines[number] = Line(number: number, offset: offset, content: Array(row[(second + 1)...]))
        }
        return lines
    }
}

/// What the parse stage read from the decoded chunks: each record with its line and offset.
struct NumberedRecord: CustomStringConvertible {
    var login: String
    var password: String
    var line: Int
    var offset: Int64
    var lineEnding: LineEnding

    var description: String { "\(login) line \(line) offset \(offset) \(lineEnding)" }
}

/// Parses every chunk a decode harness collected, as the workers do.
struct NumberingSink: RecordSink {
    var lineEnding = LineEnding.lf
    var records: [NumberedRecord] = []
    var machines: [(line: Int, offset: Int64)] = []

    mutating func credential(_ record: RawCredential) {
        records.append(
            NumberedRecord(
                login: Text.string(record.login),
                password: Text.string(record.password),
                line: record.line,
                offset: record.offset,
                lineEnding: lineEnding
            )
        )
    }

    mutating func cookie(_ record: RawCookie) {
        records.append(
            NumberedRecord(
                login: Text.string(record.name),
                password: "",
                line: record.line,
                offset: record.offset,
                lineEnding: lineEnding
            )
        )
    }

    mutating func machine(_ info: VictimInfo, line: Int, offset: Int64) { machines.append((line, offset)) }
    mutating func skippedLines(_ count: Int) {}

    static func parse(_ chunks: [TextChunk]) -> NumberingSink {
        var sink = NumberingSink()
        var parser = DocumentParser()
        for chunk in chunks {
            sink.lineEnding = chunk.lineEnding
            parser.parse(chunk, into: &sink)
        }
        return sink
    }
}

@Suite("Decode: line numbers and offsets, as grep -n and tail -c count them")
struct LineNumberingTests {
    /// A combolist with every kind of line end: LF, CRLF, lone CRs inside lines and before the
    /// LF, in fields and between them, CR runs, NUL bytes, blank lines and junk. Each credential
    /// has its own login (`userN@example.test`); `password(N)` is what it must read.
    static func mixedCombolist(lines: Int = 240) -> (bytes: [UInt8], passwords: [String: String]) {
        var bytes: [UInt8] = []
        var passwords: [String: String] = [:]
        for number in 0..<lines {
            let login = "user\(number)@example.test"
            let url = "https://mediboard.clinique-exemple.fr/index.php"
            switch number % 8 {
            case 0:
                bytes += Array("\(url):\(login):plain\(number)\n".utf8)
                passwords[login] = "plain\(number)"
            case 1:
                bytes += Array("\(url):\(login):crlf\(number)\r\n".utf8)
                passwords[login] = "crlf\(number)"
            case 2:
                // A stray CR inside the password: part of it, not a line end.
                bytes += Array("\(url):\(login):pa\rss\(number)\n".utf8)
                passwords[login] = "pa\rss\(number)"
            case 3:
                // Stray CRs before the line end: trimmed like other whitespace.
                bytes += Array("\(url):\(login):trail\(number)\r\r\r\n".utf8)
                passwords[login] = "trail\(number)"
            case 4:
                // A lone CR where a line used to be cut: the junk before it is the line's start.
                bytes += Array("# comment\r\(login):cr\(number)\n".utf8)
            case 5:
                bytes += Array("\(url):\(login):n\0ul\(number)\n\n\r\n".utf8)
                passwords[login] = "nul\(number)"
            case 6:
                bytes += Array("\r\r\n\0\(url)|\(login)|pipe\(number)\n".utf8)
                passwords[login] = "pipe\(number)"
            default:
                bytes += Array("\(login):\(number)\rmore\r\n".utf8)
                passwords[login] = "\(number)\rmore"
            }
        }
        return (bytes, passwords)
    }

    /// Every record's line and offset are the ones grep prints for the line holding its login,
    /// and the member's bytes at the offset start that line.
    static func expectGrepAgrees(
        _ records: [NumberedRecord],
        bytes: [UInt8],
        grepped: [Int: Grep.Line]? = nil,
        marker: (String) -> [UInt8] = { Array($0.utf8) },
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let lines = try grepped ?? Grep.lines(of: bytes)
        for record in records {
            let line = try #require(lines[record.line], "\(record): no such line", sourceLocation: sourceLocation)
            #expect(
                record.offset == line.offset,
                "\(record): grep -b says \(line.offset)",
                sourceLocation: sourceLocation
            )
            #expect(
                line.content.firstRange(of: marker(record.login)) != nil,
                "\(record): line \(record.line) is \(String(decoding: line.content, as: UTF8.self).debugDescription)",
                sourceLocation: sourceLocation
            )
            let start = Int(record.offset)
            #expect(
                start == 0 || bytes[start - 1] == 0x0A,
                "\(record): not at a line start",
                sourceLocation: sourceLocation
            )
            #expect(
                Array(bytes[start..<min(bytes.count, start + line.content.count)]) == line.content,
                "\(record): the bytes at the offset are not the line",
                sourceLocation: sourceLocation
            )
        }
    }

    /// Mixed line ends read in reads of every size and cut into small chunks (so that lone
    /// CRs, CRLFs and NULs fall on read, slice and chunk boundaries): each credential is read
    /// once, from the line grep -n numbers, at the offset grep -b gives.
    @Test(arguments: [1, 2, 7, 64, 1 << 16], [48, 256, 4 << 20])
    func mixedLineEndsAreNumberedAsGrepDoes(readSize: Int, chunkSize: Int) throws {
        let (bytes, passwords) = Self.mixedCombolist()
        let harness = DecodeHarness(chunkSize: chunkSize)
        harness.readStream(bytes, locator: "combo.txt", readSize: readSize)
        let chunks = harness.collector.chunks(of: "combo.txt")
        #expect(chunks.allSatisfy { $0.lineEnding == .lf })
        if chunkSize < 1024 { #expect(chunks.count > 10) }
        let records = NumberingSink.parse(chunks).records
        #expect(Dictionary(records.map { ($0.login, $0.password) }, uniquingKeysWith: { $0 + "|" + $1 }) == passwords)
        try Self.expectGrepAgrees(records, bytes: bytes)
        #expect(harness.diagnostics.lines.load(ordering: .relaxed) == bytes.filter { $0 == 0x0A }.count)
    }

    /// The case: nine stray CRs early in a combolist no longer shift a later line.
    @Test func strayCarriageReturnsDoNotShiftLaterLines() throws {
        var text = ""
        for number in 1...30 { text += "https://forum.example.test/\(number):someone\(number):pw\r\(number)\n" }
        text += "https://mediboard.clinique-exemple.fr/index.php:target@example.test:Soleil2024\n"
        let bytes = Array(text.utf8)
        let harness = DecodeHarness(chunkSize: 64)
        harness.readStream(bytes, locator: "combo.txt", readSize: 5)
        let records = NumberingSink.parse(harness.collector.chunks(of: "combo.txt")).records
        let target = try #require(records.first { $0.login == "target@example.test" })
        #expect(target.line == 31)
        try Self.expectGrepAgrees(records, bytes: bytes)
    }

    /// A file without LF is split at CR (CRLF too), and its chunks say so; its lines are those
    /// grep numbers once every CR is made a LF (same length, so the offsets hold too).
    @Test(arguments: [1, 3, 1 << 16], [32, 4 << 20])
    func carriageReturnOnlyFilesAreSplitAtCR(readSize: Int, chunkSize: Int) throws {
        var bytes: [UInt8] = []
        var passwords: [String: String] = [:]
        for number in 0..<60 {
            let login = "mac\(number)@example.test"
            bytes += Array("https://dpi.clinique-exemple.fr/x:\(login):pw\(number)\r".utf8)
            if number % 5 == 0 { bytes += [0x0D, 0x00, 0x0D] }  // blank lines, a NUL
            passwords[login] = "pw\(number)"
        }
        bytes.removeLast()  // the last line has no line end
        passwords["mac59@example.test"] = "pw59"
        let harness = DecodeHarness(chunkSize: chunkSize)
        harness.readStream(bytes, locator: "mac.txt", readSize: readSize)
        let chunks = harness.collector.chunks(of: "mac.txt")
        #expect(chunks.allSatisfy { $0.lineEnding == .cr })
        let records = NumberingSink.parse(chunks).records
        #expect(Dictionary(uniqueKeysWithValues: records.map { ($0.login, $0.password) }) == passwords)
        #expect(records.allSatisfy { $0.lineEnding == .cr })
        let asLineFeeds = bytes.map { $0 == 0x0D ? 0x0A : $0 }
        try Self.expectGrepAgrees(records, bytes: asLineFeeds)
    }

    /// A BOM, NUL bytes (also right after a LF, at a line start, and in runs) and over-long lines
    /// are dropped from the text, but the offsets count them: each is where grep -b puts the
    /// line, and line 1 starts at 0, on the BOM.
    @Test(arguments: [1, 5, 1 << 16], [40, 4 << 20])
    func droppedBytesStillCountInOffsets(readSize: Int, chunkSize: Int) throws {
        var bytes: [UInt8] = [0xEF, 0xBB, 0xBF]
        var expected: [String: String] = [:]
        for number in 0..<80 {
            let login = "bom\(number)@example.test"
            switch number % 4 {
            case 0: bytes += Array("https://a.example.test/:\(login):p\(number)\n".utf8)
            case 1: bytes += [0, 0] + Array("https://a.example.test/:\(login):p\(number)\r\n".utf8) + [0]
            case 2:
                bytes += Array(String(repeating: "long", count: 60).utf8) + [0x0A]
                bytes += Array("https://a.example.test/:\(login)\0:p\(number)\n".utf8)
            default: bytes += Array("\0https://a.example.test/:\(login):p\(number)\0\0\0\n\0".utf8)
            }
            expected[login] = "p\(number)"
        }
        var limits = ScanLimits()
        limits.maxLineLength = 100
        let harness = DecodeHarness(limits: limits, chunkSize: chunkSize)
        harness.readStream(bytes, locator: "bom.txt", readSize: readSize)
        let chunks = harness.collector.chunks(of: "bom.txt")
        #expect(chunks.first?.offsets.first == 0)
        let records = NumberingSink.parse(chunks).records
        #expect(Dictionary(uniqueKeysWithValues: records.map { ($0.login, $0.password) }) == expected)
        try Self.expectGrepAgrees(records, bytes: bytes)
        #expect(harness.diagnostics.skippedLines.load(ordering: .relaxed) == 20)
    }

    /// The first line's record, after a BOM, is at offset 0 (the BOM is part of line 1 as
    /// stored); the next at its own offset.
    @Test func firstLineAfterAByteOrderMarkIsAtZero() {
        let harness = DecodeHarness()
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("a@example.test:one\nb@example.test:two\n".utf8)
        harness.readStream(bytes, locator: "bom.txt")
        let records = NumberingSink.parse(harness.collector.chunks(of: "bom.txt")).records
        #expect(records.map(\.line) == [1, 2])
        #expect(records.map(\.offset) == [0, 22])
    }

    /// UTF-16 text: offsets count the UTF-16 bytes (the line after a LF unit starts past its
    /// two bytes), lines are numbered by LF characters, CRs inside lines stay text; also when
    /// reads split code units and surrogate pairs, and for CR-only UTF-16.
    @Test(arguments: [(false, true), (true, true), (false, false), (true, false)], [1, 3, 1 << 16])
    func utf16OffsetsCountUTF16Bytes(format: (bigEndian: Bool, withMark: Bool), readSize: Int) throws {
        for carriageReturnOnly in [false, true] {
            let end = carriageReturnOnly ? "\r" : "\r\n"
            var text = ""
            for number in 0..<40 {
                let login = "ŭtf\(number)@example.test"
                switch number % 3 {
                case 0: text += "https://dpi.example.test/𝄞:\(login):pw€\(number)\(end)"
                case 1: text += "URL garbage ł\(end)\(login):pw\(number)\(end)"
                default:
                    text += carriageReturnOnly ? "\(login):p\(number)\r" : "\(login):p\r\(number)\r\r\n"
                }
            }
            var bytes: [UInt8] = format.withMark ? (format.bigEndian ? [0xFE, 0xFF] : [0xFF, 0xFE]) : []
            for unit in text.utf16 {
                let (high, low) = (UInt8(unit >> 8), UInt8(unit & 0xFF))
                bytes += format.bigEndian ? [high, low] : [low, high]
            }
            let harness = DecodeHarness(chunkSize: 64)
            harness.readStream(bytes, locator: "utf16.txt", readSize: readSize)
            let chunks = harness.collector.chunks(of: "utf16.txt")
            #expect(chunks.allSatisfy { $0.lineEnding == (carriageReturnOnly ? .cr : .lf) })
            let records = NumberingSink.parse(chunks).records
            #expect(records.count == 40)
            // Where each line starts in the UTF-16 bytes: after each line end unit.
            let lineEnd: UInt16 = carriageReturnOnly ? 0x0D : 0x0A
            var starts: [Int64] = [0]
            var index = format.withMark ? 2 : 0
            while index + 1 < bytes.count {
                let unit =
                    format.bigEndian
                    ? UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1])
                    : UInt16(bytes[index + 1]) << 8 | UInt16(bytes[index])
                index += 2
                if unit == lineEnd { starts.append(Int64(index)) }
            }
            for record in records {
                let start = starts[record.line - 1]
                #expect(record.offset == start, "\(record), CR only: \(carriageReturnOnly)")
                // The UTF-16 bytes from the offset hold the login.
                let marker = record.login.utf16.flatMap {
                    format.bigEndian ? [UInt8($0 >> 8), UInt8($0 & 0xFF)] : [UInt8($0 & 0xFF), UInt8($0 >> 8)]
                }
                let next = starts.first { $0 > start }.map(Int.init) ?? bytes.count
                #expect(bytes[Int(start)..<next].firstRange(of: marker) != nil, "\(record)")
            }
        }
    }

    /// A multi-member gzip is one stream: numbering and offsets run on across members (cut
    /// mid-line, between a CR and its LF, next to a stray CR), and agree with grep on the
    /// decompressed bytes; chunks are cut small.
    @Test(arguments: InflateBackend.allCases)
    func numberingRunsOnAcrossGzipMembers(backend: InflateBackend) throws {
        let (bytes, passwords) = Self.mixedCombolist(lines: 300)
        let crlf = try #require(bytes.firstRange(of: Array("\r\n".utf8))).lowerBound + 1
        let strayCR = try #require(bytes.firstRange(of: Array("pa\rss".utf8))).lowerBound + 3
        let cuts = [0, 777, crlf, strayCR, bytes.count / 2 + 13, bytes.count].sorted()
        var gzip: [UInt8] = []
        for (start, end) in zip(cuts, cuts.dropFirst()) where start < end {
            gzip += DecodeCompression.gzip(Array(bytes[start..<end]))
        }
        let grepped = try Grep.lines(of: bytes)
        for readSize in [11, 1 << 16] {
            let harness = DecodeHarness(chunkSize: 200, backend: backend)
            harness.readStream(gzip, locator: "combo.txt.gz", readSize: readSize)
            #expect(harness.messages.isEmpty)
            let chunks = harness.collector.chunks(of: "combo.txt.gz")
            #expect(chunks.count > 10)
            let records = NumberingSink.parse(chunks).records
            #expect(
                Dictionary(records.map { ($0.login, $0.password) }, uniquingKeysWith: { $0 + "|" + $1 }) == passwords
            )
            try Self.expectGrepAgrees(records, bytes: bytes, grepped: grepped)
        }
    }

    /// A zip member's offsets count from the start of the member's data.
    @Test(arguments: ZipReadMode.allCases)
    func zipMemberOffsetsCountFromTheMember(mode: ZipReadMode) throws {
        let (bytes, passwords) = Self.mixedCombolist(lines: 40)
        let zip = ZipFixture([
            .init("first.txt", "a@example.test:one\n", method: 0),
            .init("dir/combo.txt", bytes, method: 8),
            .init("stored.txt", bytes, method: 0),
        ]).build()
        let harness = DecodeHarness(chunkSize: 128)
        mode.read(zip, as: "dump.zip", into: harness)
        let grepped = try Grep.lines(of: bytes)
        for member in ["dump.zip!dir/combo.txt", "dump.zip!stored.txt"] {
            let records = NumberingSink.parse(harness.collector.chunks(of: member)).records
            #expect(
                Dictionary(records.map { ($0.login, $0.password) }, uniquingKeysWith: { $0 + "|" + $1 }) == passwords
            )
            try Self.expectGrepAgrees(records, bytes: bytes, grepped: grepped)
        }
    }

    /// Records spanning several lines (stealer label blocks, JSON objects) and system
    /// information give their first line, and its offset, with stray CRs and NULs around.
    @Test(arguments: [1, 1 << 16])
    func multiLineRecordsGiveTheirFirstLine(readSize: Int) throws {
        var passwords: [UInt8] = [0xEF, 0xBB, 0xBF]
        for number in 0..<12 {
            passwords += Array("\0Banner \r line\r\n".utf8)
            passwords += Array("URL: https://dpi.clinique-exemple.fr/\(number)\r\n".utf8)
            passwords += Array("Username: label\(number)@example.test\r\r\n".utf8)
            passwords += Array("Password: pw\r\(number)\r\n\r\n".utf8)
        }
        let json = Array(
            """
            [
              {"url": "https://a.example.test/", "username": "json1@example.test",
               "password": "x"},
              {"note": "two
            lines", "url": "https://b.example.test/",
               "username": "json2@example.test", "password": "y\\r"}
            ]
            """.utf8
        )
        let system = [0, 0] + Array("Banner\r\n\r\nMachineName: PC-1\r\nUserName: someone\n".utf8)
        let harness = DecodeHarness(chunkSize: 64)
        harness.readStream(passwords, locator: "victim/Passwords.txt", readSize: readSize)
        harness.readStream(json, locator: "victim/Passwords.json", readSize: readSize)
        harness.readStream(system, locator: "victim/UserInformation.txt", readSize: readSize)

        let labels = NumberingSink.parse(harness.collector.chunks(of: "victim/Passwords.txt")).records
        #expect(labels.count == 12)
        #expect(labels.map(\.line) == (0..<12).map { 2 + 5 * $0 })
        let grepped = try Grep.lines(of: passwords)
        for record in labels {
            let line = try #require(grepped[record.line])
            #expect(record.offset == line.offset)
            #expect(line.content.starts(with: Array("URL: ".utf8)))
        }

        let objects = NumberingSink.parse(harness.collector.chunks(of: "victim/Passwords.json")).records
        #expect(objects.map(\.login) == ["json1@example.test", "json2@example.test"])
        let jsonLines = try Grep.lines(of: json)
        #expect(objects.map(\.line) == [2, 4])
        #expect(objects.map(\.offset) == [jsonLines[2]?.offset, jsonLines[4]?.offset].compactMap { $0 })

        // System information is parsed by its own role (the harness reads it as a combolist):
        // its first label's line.
        let document = Document(locator: "victim/UserInformation.txt", role: .systemInfo)
        let chunks = harness.collector.chunks(of: "victim/UserInformation.txt").map {
            TextChunk(
                document: document,
                firstLine: $0.firstLine,
                offsets: $0.offsets,
                lineEnding: $0.lineEnding,
                text: $0.text,
                isWholeDocument: $0.isWholeDocument
            )
        }
        let machines = NumberingSink.parse(chunks).machines
        let systemLines = try Grep.lines(of: system)
        #expect(machines.count == 1)
        #expect(machines.first?.line == 3)
        #expect(machines.first?.offset == systemLines[3]?.offset)
    }

    /// A LF escaped by a backslash inside a JSON string is still a line end: the objects after
    /// it keep the line grep gives them.
    @Test func escapedLineFeedsInJSONStringsStillCount() throws {
        let json = Array(
            ("[{\"note\": \"a\\\nb\\\nc\", \"url\": \"https://a.example.test/\",\n"
                + " \"username\": \"x@example.test\", \"password\": \"p\"},\n"
                + "{\"url\": \"https://b.example.test/\", \"username\": \"y@example.test\", \"password\": \"q\"}]\n")
                .utf8
        )
        let harness = DecodeHarness()
        harness.readStream(json, locator: "Passwords.json")
        let records = NumberingSink.parse(harness.collector.chunks(of: "Passwords.json")).records
        let lines = try Grep.lines(of: json)
        #expect(records.map(\.login) == ["x@example.test", "y@example.test"])
        #expect(records.map(\.line) == [1, 5])
        #expect(records.map(\.offset) == [lines[1]?.offset, lines[5]?.offset].compactMap { $0 })
    }

    /// Cookie lines carry their offsets too.
    @Test func cookieLinesCarryTheirOffsets() throws {
        let bytes = Array(
            "# Netscape HTTP Cookie File\r\n\0.a.example.test\tTRUE\t/\tTRUE\t0\tsid\tv\r\n#HttpOnly_.b.example.test\tFALSE\t/\tFALSE\t0\tsess\tw\n"
                .utf8
        )
        let harness = DecodeHarness()
        harness.readStream(bytes, locator: "cookies.txt")
        let records = NumberingSink.parse(harness.collector.chunks(of: "cookies.txt")).records
        #expect(records.map(\.login) == ["sid", "sess"])
        let grepped = try Grep.lines(of: bytes)
        #expect(records.map(\.line) == [2, 3])
        #expect(records.map(\.offset) == [grepped[2]?.offset, grepped[3]?.offset].compactMap { $0 })
    }

    @Test func lineOffsetsFollowTheirAnchors() {
        let plain = LineOffsets(first: 1000)
        #expect(plain.offset(ofLineAt: 0) == 1000)
        #expect(plain.offset(ofLineAt: 17) == 1017)
        let anchored = LineOffsets(
            first: 10,
            anchors: [.init(index: 5, offset: 40), .init(index: 9, offset: 44), .init(index: 20, offset: 100)]
        )
        #expect(anchored.offset(ofLineAt: 0) == 10)
        #expect(anchored.offset(ofLineAt: 3) == 13)
        #expect(anchored.offset(ofLineAt: 5) == 40)
        #expect(anchored.offset(ofLineAt: 7) == 42)
        #expect(anchored.offset(ofLineAt: 9) == 44)
        #expect(anchored.offset(ofLineAt: 19) == 54)
        #expect(anchored.offset(ofLineAt: 25) == 105)
    }
}
