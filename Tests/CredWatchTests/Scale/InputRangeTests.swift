import Foundation
import Testing

@testable import CredWatch

@Suite("Scale: --range reads each line exactly once, numbered as the whole file numbers it")
struct InputRangeTests {
    /// A combolist with LF and CRLF lines, blank lines, a final line without LF and, when asked,
    /// a 50 MB line (over the line limit: skipped) in the middle.
    static func combolist(longLine: Bool = false) -> [UInt8] {
        var bytes: [UInt8] = []
        for number in 0..<120 {
            let end = number % 3 == 0 ? "\r\n" : "\n"
            bytes += Array("https://mediboard.clinique-exemple.fr/:user\(number)@example.test:pw\(number)\(end)".utf8)
            if number % 17 == 0 { bytes += Array("\n".utf8) }
            if longLine && number == 60 {
                bytes += [UInt8](repeating: 0x78, count: 50_000_000)
                bytes.append(0x0A)
            }
        }
        bytes += Array("user-last@example.test:no-final-lf".utf8)
        return bytes
    }

    static func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("range-\(UUID().uuidString).txt").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// (login, line, offset) of every record read, with `range` when given, and its LF count.
    static func records(_ path: String, range: InputRange? = nil) -> (records: [String], lineFeeds: Int?) {
        var harness = DecodeHarness()
        harness.options.range = range
        harness.readFile(path, locator: "combo.txt")
        let sink = NumberingSink.parse(harness.collector.all)
        #expect(harness.errors.isEmpty, "\(harness.errors)")
        return (sink.records.map { "\($0.login) \($0.line) \($0.offset)" }, range?.read?.lineFeeds)
    }

    /// Reads `path` in the ranges `cuts` make and puts the records back on the file's lines.
    static func splitRecords(_ path: String, size: Int64, cuts: [Int64]) -> [String] {
        let bounds = [0] + cuts + [size]
        var all: [String] = []
        var lineShift = 0
        for (start, end) in zip(bounds, bounds.dropFirst()) where start < end {
            let (records, lineFeeds) = records(path, range: InputRange(start: start, end: end))
            for record in records {
                let parts = record.split(separator: " ")
                all.append("\(parts[0]) \(Int(parts[1])! + lineShift) \(parts[2])")
            }
            lineShift += lineFeeds ?? 0
        }
        return all
    }

    @Test("cuts at line starts, just before and after them, inside CRLF and past the last LF")
    func cutsEverywhere() throws {
        let bytes = Self.combolist()
        let path = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = Self.records(path).records
        #expect(whole.count == 121)
        // Every line start, the bytes around it, and a CR of a CRLF.
        let starts = [Int64(0)] + bytes.indices.filter { bytes[$0] == 0x0A }.map { Int64($0 + 1) }
        let crlf = Int64(try #require(bytes.firstIndex(of: 0x0D)))
        let size = Int64(bytes.count)
        for cut in [starts[5], starts[5] - 1, starts[5] + 1, crlf, crlf + 1, starts[starts.count - 1], size - 1] {
            #expect(Self.splitRecords(path, size: size, cuts: [cut]) == whole, "cut at \(cut)")
        }
        // Many small ranges, several of them inside one line (read nothing).
        let small = stride(from: Int64(7), to: size, by: 13).map { $0 }
        #expect(Self.splitRecords(path, size: size, cuts: small) == whole)
    }

    @Test("a range that starts exactly at a line's start reads that line, numbered by the LFs before it")
    func lineAtStart() throws {
        let bytes = Self.combolist()
        let path = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let tenth = Int64(bytes.indices.filter { bytes[$0] == 0x0A }[9] + 1)
        let (records, lineFeeds) = Self.records(path, range: InputRange(start: tenth, end: tenth + 1))
        #expect(records.count == 1)
        #expect(records.first?.hasSuffix(" 1 \(tenth)") == true, "\(records)")
        #expect(lineFeeds == 1)
        // Inside that line: nothing.
        let (inside, insideFeeds) = Self.records(path, range: InputRange(start: tenth + 1, end: tenth + 20))
        #expect(inside.isEmpty)
        #expect(insideFeeds == 0)
    }

    @Test("ranges in the middle of a 50 MB line read nothing, and the lines around it keep their numbers")
    func fiftyMegabyteLine() throws {
        let bytes = Self.combolist(longLine: true)
        let path = try Self.file(bytes)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let whole = Self.records(path).records
        let size = Int64(bytes.count)
        let longStart = Int64(try #require(bytes.firstIndex(of: 0x78)))
        let cuts = [
            longStart - 3, longStart + 10, longStart + 20_000_000, longStart + 40_000_000, longStart + 49_999_999,
        ]
        #expect(Self.splitRecords(path, size: size, cuts: cuts) == whole)
        let (middle, lineFeeds) = Self.records(
            path,
            range: InputRange(start: longStart + 10_000_000, end: longStart + 20_000_000)
        )
        #expect(middle.isEmpty)
        #expect(lineFeeds == 0)
    }

    @Test("compressed inputs and files split at CR are refused by name; ranges parse as START-END")
    func refusals() throws {
        let crPath = try Self.file(Array("a@example.test:pw1\rb@example.test:pw2\r".utf8))
        defer { try? FileManager.default.removeItem(atPath: crPath) }
        var harness = DecodeHarness()
        harness.options.range = InputRange(start: 0, end: 5)
        harness.readFile(crPath, locator: "mac.txt")
        #expect(harness.reported("mac.txt", "CR", "ranges"))
        let gzipPath = try Self.file([0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0x03])
        defer { try? FileManager.default.removeItem(atPath: gzipPath) }
        harness = DecodeHarness()
        harness.options.range = InputRange(start: 0, end: 5)
        harness.readFile(gzipPath, locator: "x.gz")
        #expect(harness.reported("x.gz", "read whole, not in ranges"))
        #expect(InputRange(parsing: "10-20")?.end == 20)
        #expect(InputRange(parsing: "20-10") == nil)
        #expect(InputRange(parsing: "-1-5") == nil)
        #expect(InputRange(parsing: "5") == nil)
    }
}
