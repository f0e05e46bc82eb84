import Foundation
import Testing

@Suite("CLI: scan --emit partial, --shard, --range, --stdin-name and merge")
struct MergeCommandTests {
    static let accounts = CLI.samples.appendingPathComponent("accounts.csv").path
    static let org = CLI.samples.appendingPathComponent("org.toml").path
    static let logs = CLI.samples.appendingPathComponent("logs").path
    static let configuration = ["--accounts", accounts, "--org", org, "--quiet"]

    static func read(_ url: URL) throws -> String { try String(contentsOf: url, encoding: .utf8) }

    @Test("the shards of --shard K/N merge into the single scan's report and reset list, whatever N")
    func shardsMergeToTheSingleReport() throws {
        let folder = try CLI.temporaryDirectory()
        let single = try CLI.runAtFixedTime(["scan", Self.logs, "--format", "jsonl"] + Self.configuration)
        #expect(single.status == 1)
        for count in [1, 3, 5] {
            var partials: [String] = []
            for index in 0..<count {
                let partial = folder.appendingPathComponent("part-\(count)-\(index)").path
                let shard = try CLI.runAtFixedTime(
                    ["scan", Self.logs, "--shard", "\(index)/\(count)", "--emit", "partial", "--output", partial]
                        + Self.configuration
                )
                #expect(shard.status == 0, "\(shard.stderr)")
                let mode = try FileManager.default.attributesOfItem(atPath: partial)[.posixPermissions] as? Int
                #expect(mode == 0o600)
                partials.append(partial)
            }
            // Any order, and a partial given twice counts once.
            let merged = try CLI.runAtFixedTime(
                ["merge"] + partials.reversed() + [partials[0], "--format", "jsonl"] + Self.configuration
            )
            #expect(merged.status == 1, "\(merged.stderr)")
            #expect(merged.stdoutText == single.stdoutText, "\(count) shards")
        }
    }

    @Test("a partial holds no password of the samples, and is refused under another key or export")
    func noPasswordAndRefusals() throws {
        let folder = try CLI.temporaryDirectory()
        let partial = folder.appendingPathComponent("p").path
        let scan = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--emit", "partial", "--output", partial] + Self.configuration
        )
        #expect(scan.status == 0)
        let text = try Self.read(URL(fileURLWithPath: partial))
        #expect(text.hasPrefix("{\"binding\""))
        #expect(text.contains("\"credwatch_partial\":1"))
        // The samples' Mediboard password for agarnier (see Samples/EXPECTED.md).
        let revealed = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--format", "jsonl", "--reveal-passwords"] + Self.configuration
        )
        let passwords = revealed.stdoutText.split(separator: "\n").compactMap { line -> String? in
            guard let range = line.range(of: "\"password\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        #expect(passwords.count >= 3)
        for password in passwords where password.count >= 4 { #expect(!text.contains(password), "\(password)") }

        let otherKey = try CLI.runAtFixedTime(
            ["merge", partial] + Self.configuration,
            environment: ["CREDWATCH_FINGERPRINT_KEY": "another-key-0123456789abcdef"]
        )
        #expect(otherKey.status == 2)
        #expect(otherKey.stderr.contains(partial) && otherKey.stderr.contains("another fingerprint key"))
        let otherAccounts = folder.appendingPathComponent("accounts.csv")
        try (try Self.read(URL(fileURLWithPath: Self.accounts)) + "zz-extra\n").write(
            to: otherAccounts,
            atomically: true,
            encoding: .utf8
        )
        let otherExport = try CLI.runAtFixedTime(
            ["merge", partial, "--accounts", otherAccounts.path, "--org", Self.org, "--quiet"]
        )
        #expect(otherExport.status == 2)
        #expect(otherExport.stderr.contains("another account export"))
        let noReuse = try CLI.runAtFixedTime(["merge", partial, "--no-reuse"] + Self.configuration)
        #expect(noReuse.status == 2)
        #expect(noReuse.stderr.contains("other scan options"))
        // Options of the merge are refused on the partial's side, and the other way round.
        let withState = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--emit", "partial", "--state", folder.appendingPathComponent("s").path]
                + Self.configuration
        )
        #expect(withState.status == 2)
        #expect(withState.stderr.contains("give it to credwatch merge"))
        let mergeRange = try CLI.runAtFixedTime(["merge", partial, "--range", "0-10"] + Self.configuration)
        #expect(mergeRange.status == 2)
    }

    @Test("--range splits of a plain combolist merge into the whole file's report; --stdin-name names stdin")
    func rangesAndStandardInputName() throws {
        let folder = try CLI.temporaryDirectory()
        let combolist = folder.appendingPathComponent("combo.txt")
        let unzipped = try CLI.runAtFixedTime(
            ["-c", "zcat '\(Self.logs)/combolist.txt.gz'"],
            program: URL(fileURLWithPath: "/bin/sh")
        )
        var text = unzipped.stdout
        text.append(text)
        try text.write(to: combolist)
        let whole = try CLI.runAtFixedTime(["scan", combolist.path, "--format", "jsonl"] + Self.configuration)
        #expect(whole.status == 1)
        let size = text.count
        var partials: [String] = []
        var start = 0
        for end in [size / 7, size / 3, size / 3 + 1, size - 10, size] {
            let partial = folder.appendingPathComponent("range-\(start)").path
            let range = try CLI.runAtFixedTime(
                ["scan", combolist.path, "--range", "\(start)-\(end)", "--emit", "partial", "--output", partial]
                    + Self.configuration
            )
            #expect(range.status == 0, "\(range.stderr)")
            partials.append(partial)
            start = end
        }
        let merged = try CLI.runAtFixedTime(["merge"] + partials + ["--format", "jsonl"] + Self.configuration)
        #expect(merged.stdoutText == whole.stdoutText)
        // A range missing: named, and the lines after it are not reported.
        let gap = try CLI.runAtFixedTime(
            ["merge"] + partials.dropFirst(2) + ["--format", "jsonl"] + Self.configuration
        )
        #expect(gap.stderr.contains("combo.txt") && gap.stderr.contains("no partial read its bytes from 0"))

        // Standard input named as the file it carries: the same sources as a scan of the file.
        let piped = try CLI.runAtFixedTime(
            ["scan", "-", "--stdin-name", combolist.path, "--format", "jsonl"] + Self.configuration,
            stdin: text
        )
        #expect(piped.stdoutText == whole.stdoutText)
        let outside = try CLI.runAtFixedTime(
            ["scan", "-", "--stdin-name", "a/b.txt", "--stdin-found-in", "c"] + Self.configuration
        )
        #expect(outside.status == 2)
    }
}
