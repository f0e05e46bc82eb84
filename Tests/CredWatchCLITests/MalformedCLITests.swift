import Foundation
import Testing

/// Damaged inputs through the built executable, for what only the CLI decides: the exit status
/// and the messages on stderr (the malformed-input suite drives the library for the rest).
@Suite("malformed inputs through the CLI")
struct MalformedCLITests {
    typealias Fixture = ScanContractTests.Fixture

    static let leaked = "https://mediboard.clinique-exemple.fr/index.php:jdupont:Fuite-cli1\n"

    private func scan(_ inputs: [String], _ fixture: Fixture, org: String? = nil) throws -> CLI.Outcome {
        try CLI.run(["scan"] + inputs + ["--accounts", fixture.accounts, "--org", org ?? fixture.org])
    }

    @Test func truncatedGzipWithNothingFoundExitsThree() throws {
        let fixture = try Fixture()
        let lines = (1...2000).map { "https://forum.example.test/login:visitor\($0)@mail.example:pw\($0)" }
        let compressed = try CLI.gzip(lines.joined(separator: "\n") + "\n")
        let path = try fixture.file("cut.txt.gz", data: compressed.prefix(compressed.count / 2))

        let outcome = try scan([path], fixture)

        #expect(outcome.status == 3)
        #expect(outcome.stderr.contains("credwatch: error: \(path): truncated gzip stream after "))
        #expect(outcome.jsonLines.isEmpty)
    }

    @Test func truncatedGzipWithAFindingBeforeTheCutExitsOne() throws {
        let fixture = try Fixture()
        let lines = (1...2000).map { "https://forum.example.test/login:visitor\($0)@mail.example:pw\($0)" }
        let compressed = try CLI.gzip(Self.leaked + lines.joined(separator: "\n") + "\n")
        let path = try fixture.file("cut.txt.gz", data: compressed.prefix(compressed.count / 2))

        let outcome = try scan([path], fixture)

        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("credwatch: error: \(path): truncated gzip stream after "))
        let finding = try #require(outcome.jsonLines.first { $0["kind"] as? String == "credential" })
        #expect(finding["account"] as? String == "jdupont")
    }

    @Test func binaryJunkAndEmptyFilesAreWarningsOnly() throws {
        let fixture = try Fixture()
        var state: UInt32 = 7
        let junk = Data(
            (0..<8192).map { _ in
                state = state &* 1_664_525 &+ 1_013_904_223
                return UInt8(truncatingIfNeeded: state >> 24)
            }
        )
        let photo = try fixture.file("photo.txt", data: Data([0xFF, 0xD8, 0xFF, 0xE0]) + junk)
        let empty = try fixture.file("empty.txt", "")

        let outcome = try scan([photo, empty], fixture)

        #expect(outcome.status == 0)
        #expect(outcome.stderr.contains("credwatch: warning: \(photo): binary data, not text: skipped"))
        #expect(outcome.stderr.contains("credwatch: warning: \(empty): empty file"))
    }

    /// A sparse file of 20 GB (`truncate -s 20G`: nothing on disk) was read for minutes and
    /// ended as complete, having decoded nothing: NUL bytes are dropped from text. It stops
    /// 16 MiB in, named as not read, and the run is incomplete (exit 3). Terminated after two
    /// minutes, failing the test, should reading it to its end come back.
    @Test func sparseFileEndsAtOnceAsIncomplete() throws {
        let fixture = try Fixture()
        let path = try fixture.file("sparse.txt", "")
        #expect(truncate(path, 20_000_000_000) == 0)

        let outcome = try CLI.run(["scan", path, "--accounts", fixture.accounts, "--org", fixture.org], timeout: 120)

        #expect(outcome.status == 3)
        #expect(
            outcome.stderr.contains(
                "credwatch: error: \(path): only NUL bytes from offset 0 for 16 MiB (a sparse or zero-filled file?): "
                    + "the rest is not read"
            )
        )
        #expect(outcome.jsonLines.isEmpty)
    }

    /// A credential, 20 MiB of NUL bytes, another credential: the first is found, the file is
    /// named, and the second is not read — what follows such a run is not looked for (that would
    /// mean reading the whole run, without bound); the error tells the SOC to look at the file.
    @Test func credentialAfterALongNulRunIsNotReadAndTheFileIsNamed() throws {
        let fixture = try Fixture()
        let after = "https://mediboard.clinique-exemple.fr/index.php:amartin:Apres-la-nuit2\n"
        let bytes = Data(Self.leaked.utf8) + Data(count: 20 << 20) + Data(after.utf8)
        let path = try fixture.file("nul.txt", data: bytes)

        let outcome = try CLI.run(["scan", path, "--accounts", fixture.accounts, "--org", fixture.org], timeout: 120)

        #expect(outcome.status == 1)
        #expect(
            outcome.stderr.contains(
                "credwatch: error: \(path): only NUL bytes from offset \(Self.leaked.utf8.count) for 16 MiB "
                    + "(a sparse or zero-filled file?): the rest is not read"
            )
        )
        let accounts = outcome.jsonLines.compactMap { $0["account"] as? String }
        #expect(accounts == ["jdupont"])
    }

    /// Short NUL runs are text as before: NUL-separated fields and zero padding between lines
    /// (a 1 MiB run) are read, and nothing is named.
    @Test func shortNulRunsAreReadAsBefore() throws {
        let fixture = try Fixture()
        let fields = "https://mediboard.clinique-exemple.fr/index.php\0:jdupont\0\0:Fuite-cli1\n"
        let after = "https://mediboard.clinique-exemple.fr/index.php:amartin:Apres-la-nuit2\n"
        let bytes = Data(fields.utf8) + Data(count: 1 << 20) + Data(after.utf8)
        let path = try fixture.file("padded.txt", data: bytes)

        let outcome = try CLI.run(["scan", path, "--accounts", fixture.accounts, "--org", fixture.org], timeout: 120)

        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("credwatch: errors 0, warnings 0"))
        let accounts = outcome.jsonLines.compactMap { $0["account"] as? String }.sorted()
        #expect(accounts == ["amartin", "jdupont"])
    }

    /// A link back to its own folder leads to a folder already walked: counted as a duplicate
    /// path, not an error, and the scan is complete.
    @Test func symbolicLinkLoopIsADuplicateBesideTheFindings() throws {
        let fixture = try Fixture()
        let tree = fixture.directory.appendingPathComponent("tree")
        try FileManager.default.createDirectory(at: tree, withIntermediateDirectories: true)
        try Self.leaked.write(to: tree.appendingPathComponent("dump.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(
            atPath: tree.appendingPathComponent("loop").path,
            withDestinationPath: "."
        )

        let outcome = try scan([tree.path], fixture)

        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("credwatch: inputs 1 (1 duplicate paths not read again)"))
        #expect(outcome.stderr.contains("errors 0, warnings 0"))
    }

    /// Issue 14: a 25 KB zip whose central directory lists its one stored member 30 times,
    /// nested 8 deep (each level a stored zip of the next), was read 30⁸ times: the scan never
    /// ended and its memory grew. Now the scan ends (the run is terminated after two minutes,
    /// failing the test, should that come back), every archive is named as hostile on stderr,
    /// the credential of the first copy is reported once, and the exit status is 1 (findings
    /// reported, README's contract, even though inputs were cut).
    @Test func nestedZipListingItsMemberThirtyTimesEnds() throws {
        let fixture = try Fixture()
        var lines = (1...200).map { "https://forum.example.test/login:visitor\($0)@mail.example:pw\($0)\n" }
        lines[100] = Self.leaked
        let zip = CLI.nestedRepeatedZip(document: Array(lines.joined().utf8), levels: 8, copies: 30)
        #expect(zip.count < 30_000)
        let path = try fixture.file("repeat.zip", data: Data(zip))

        let outcome = try CLI.run(
            ["scan", path, "--accounts", fixture.accounts, "--org", fixture.org],
            timeout: 120
        )

        #expect(outcome.status == 1)
        let hostile = outcome.stderr.split(separator: "\n").filter {
            $0.hasSuffix(
                ": hostile archive: 29 central-directory entries point at data already read for another member "
                    + "(overlapping zip bomb?): skipped"
            )
        }
        #expect(hostile.count == 8)
        #expect(hostile.last?.hasPrefix("credwatch: error: \(path): ") == true)
        let credentials = outcome.jsonLines.filter { $0["kind"] as? String == "credential" }
        #expect(credentials.count == 1)
        let finding = try #require(credentials.first)
        #expect(finding["account"] as? String == "jdupont")
        #expect(finding["count"] as? Int == 1)
        #expect(finding["sources_omitted"] == nil)
        let source = try #require((finding["sources"] as? [[String: Any]])?.first)
        let inner = (1...7).reversed().map { "copy0-level\($0).zip!" }.joined()
        #expect(source["path"] as? String == path + "!" + inner + "copy0-combo.txt")
        #expect(source["line"] as? Int == 101)
    }

    /// The fuzzer's profile (`[<`) aborted the process inside toml++; it is a configuration
    /// error, with the file and line, and exit status 2.
    @Test func profileThatTOMLKitWouldAbortOnIsFatal() throws {
        let fixture = try Fixture()
        let org = try fixture.file("org.toml", "name = \"X\"\n[<\n")
        let dump = try fixture.file("dump.txt", Self.leaked)

        let outcome = try scan([dump], fixture, org: org)

        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("\(org):2: invalid table header: expected a key after '['"))
    }
}
