import Foundation
import Testing

/// `sources[].line` and `offset` through the built executable, checked with the tools an analyst
/// opens the dump with: `grep -n` for the line, `tail -c +$((offset+1))` for the offset
/// (through `gzip -dc` for gzip, `tr '\r' '\n'` for a file without LF).
@Suite("scan: line numbers and offsets")
struct LineNumberCLITests {
    typealias Fixture = ScanContractTests.Fixture

    /// Runs `script` with `sh -c`, its arguments as `$1`, `$2`…; returns its standard output.
    static func shell(_ script: String, _ arguments: String...) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script, "sh"] + arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Array(data)
    }

    static let url = "https://mediboard.clinique-exemple.fr/index.php"

    /// Nine stray CRs before the credentials, CRLF lines, a NUL, junk with a lone CR.
    static var combolist: [UInt8] {
        var text = "# free logs\r\n"
        for number in 1...9 {
            text += "https://forum.example.test/t/\(number):someone\(number)@mail.example:pw\r\(number)\n"
        }
        text += "\0\(url):jean.dupont@clinique-exemple.fr:Leaked-A1\r\n"
        text += "junk\rjunk\r\n\n"
        text += "\(url)|JDUPONT|Leaked-A2\r\r\n"
        return Array(text.utf8)
    }

    /// Two gzip members, cut in the middle of a credential's line.
    static let gzipText = """
        https://forum.example.test/x:a@mail.example:p\ra\r
        \(url):jdupont:Leaked-B1\r
        https://forum.example.test/y:b@mail.example:p\rb
        \(url):jean.dupont@clinique-exemple.fr:Leaked-B2

        """

    /// Classic Mac text: CR line ends only.
    static let macText = "header line\r\r\(url):jdupont:Leaked-C1\rother:line\r\(url):jdupont:Leaked-C2\r"

    @Test func sourcesPointWhereGrepAndTailLand() throws {
        let fixture = try Fixture()
        let combo = try fixture.file("combo.txt", data: Data(Self.combolist))
        let cut = Self.gzipText.utf8.count / 2 + 7
        let gzip =
            try CLI.gzip(String(Self.gzipText.utf8.prefix(cut))!)
            + CLI.gzip(String(Self.gzipText.utf8.dropFirst(cut))!)
        let gzipped = try fixture.file("combo2.txt.gz", data: gzip)
        let mac = try fixture.file("mac.txt", Self.macText)
        let outcome = try CLI.run([
            "scan", combo, gzipped, mac, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet",
            "--reveal-passwords", "--format", "jsonl",
        ])
        #expect(outcome.status == 1)
        var checked: Set<String> = []
        for finding in outcome.jsonLines where finding["kind"] as? String == "credential" {
            let password = try #require(finding["password"] as? String)
            let sources = try #require(finding["sources"] as? [[String: Any]])
            #expect(sources.count == 1)
            let source = try #require(sources.first)
            let path = try #require(source["path"] as? String)
            let line = try #require(source["line"] as? Int)
            let offset = try #require(source["offset"] as? Int)
            // What grep -n prints for the line holding the password, and what tail -c finds at
            // the offset, up to the line's end.
            let grepped: [UInt8]
            let tailed: [UInt8]
            switch path {
            case combo:
                #expect(source["line_ending"] == nil)
                grepped = try Self.shell(#"grep -n -a -F -- "$2" "$1""#, path, password)
                tailed = try Self.shell(#"tail -c +"$2" "$1" | head -n 1"#, path, String(offset + 1))
            case gzipped:
                #expect(source["line_ending"] == nil)
                grepped = try Self.shell(#"gzip -dc "$1" | grep -n -a -F -- "$2""#, path, password)
                tailed = try Self.shell(#"gzip -dc "$1" | tail -c +"$2" | head -n 1"#, path, String(offset + 1))
            case mac:
                #expect(source["line_ending"] as? String == "cr")
                grepped = try Self.shell(#"tr '\r' '\n' < "$1" | grep -n -a -F -- "$2""#, path, password)
                tailed = try Self.shell(#"tail -c +"$2" "$1" | tr '\r' '\n' | head -n 1"#, path, String(offset + 1))
            default:
                Issue.record("unexpected source \(path)")
                continue
            }
            let colon = try #require(grepped.firstIndex(of: UInt8(ascii: ":")))
            #expect(String(decoding: grepped[..<colon], as: UTF8.self) == String(line), "\(password)")
            #expect(Array(grepped[(colon + 1)...]) == tailed, "\(password)")
            checked.insert(password)
        }
        #expect(checked == ["Leaked-A1", "Leaked-A2", "Leaked-B1", "Leaked-B2", "Leaked-C1", "Leaked-C2"])
    }
}
