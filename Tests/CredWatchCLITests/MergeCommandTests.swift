import CredWatch
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
        #expect(text.contains("\"credwatch_partial\":\(PartialResult.version)"))
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

    @Test("a partial cut short (a task killed while writing) is fatal: nothing delivered")
    func truncatedPartialIsFatal() throws {
        let folder = try CLI.temporaryDirectory()
        let partial = folder.appendingPathComponent("p")
        let scan = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--emit", "partial", "--output", partial.path] + Self.configuration
        )
        #expect(scan.status == 0)
        let bytes = try Data(contentsOf: partial)
        try bytes.prefix(bytes.count - 40).write(to: partial)
        let report = folder.appendingPathComponent("report.jsonl")
        let merged = try CLI.runAtFixedTime(["merge", partial.path, "--output", report.path] + Self.configuration)
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("\(partial.path): line "), "\(merged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: report.path))
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

    @Test("a range starting at 0 of a file with a BOM, a range of a folder, tampered counts (found by the probe)")
    func rangeAndPartialEdgeCases() throws {
        let folder = try CLI.temporaryDirectory()
        let combolist = folder.appendingPathComponent("bom.txt")
        let lines = (0..<40).map { "https://mediboard.clinique-exemple.fr/:jdupont:Pw\($0)\n" }.joined()
        try (Data([0xEF, 0xBB, 0xBF]) + Data(lines.utf8)).write(to: combolist)
        let whole = try CLI.runAtFixedTime(["scan", combolist.path, "--format", "jsonl"] + Self.configuration)
        #expect(whole.status == 1)
        var partials: [String] = []
        for (start, end) in [(0, 5), (5, 700), (700, 1 << 20)] {
            let partial = folder.appendingPathComponent("range-\(start)").path
            let range = try CLI.runAtFixedTime(
                ["scan", combolist.path, "--range", "\(start)-\(end)", "--emit", "partial", "--output", partial]
                    + Self.configuration
            )
            #expect(range.status == 0, "\(range.stderr)")
            partials.append(partial)
        }
        let merged = try CLI.runAtFixedTime(["merge"] + partials + ["--format", "jsonl"] + Self.configuration)
        #expect(merged.stdoutText == whole.stdoutText, "\(merged.stderr)")

        let ofFolder = try CLI.runAtFixedTime(
            ["scan", folder.path, "--range", "0-1000", "--emit", "partial", "--output", folder.path + "/f"]
                + Self.configuration
        )
        #expect(ofFolder.status == 2)
        #expect(ofFolder.stderr.contains("is a folder"), "\(ofFolder.stderr)")

        // Counts at Int.max, twice: refused, naming the partial, not a trap.
        let text = try Self.read(URL(fileURLWithPath: partials[1]))
        var tampered = text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init)
        let sighting = try #require(tampered.firstIndex { $0.contains("\"n\":") })
        tampered[sighting] = tampered[sighting].replacing(#/"n":[0-9]+/#, with: "\"n\":9223372036854775807")
        let forged = folder.appendingPathComponent("forged").path
        try (tampered.joined(separator: "\n") + "\n").write(toFile: forged, atomically: true, encoding: .utf8)
        let overflow = try CLI.runAtFixedTime(["merge", forged, forged + "", partials[0]] + Self.configuration)
        #expect(overflow.status == 2, "\(overflow.stderr)")
        #expect(overflow.stderr.contains("forged"))
    }

    /// A copy of the sample logs in a folder of its own, every file dated `date` (`touch -d`).
    static func copiedLogs(dated date: String) throws -> URL {
        let folder = try CLI.temporaryDirectory()
        let copy = folder.appendingPathComponent("logs")
        try FileManager.default.copyItem(atPath: Self.logs, toPath: copy.path)
        let touched = try CLI.run(
            ["-c", "find \"$0\" -exec touch -d \"$1\" {} +", copy.path, date],
            program: URL(fileURLWithPath: "/bin/sh")
        )
        #expect(touched.status == 0, "\(touched.stderr)")
        return copy
    }

    /// The partials of `shards` shards of `input`, written in `folder`.
    static func partials(of input: String, shards: Int, in folder: URL, _ extra: [String] = []) throws -> [String] {
        try (0..<shards).map { index in
            let partial = folder.appendingPathComponent("part-\(shards)-\(index)").path
            let shard = try CLI.runAtFixedTime(
                ["scan", input, "--shard", "\(index)/\(shards)", "--emit", "partial", "--output", partial]
                    + Self.configuration + extra
            )
            #expect(shard.status == 0, "\(shard.stderr)")
            return partial
        }
    }

    @Test("--hashes: the executors' verdicts merge into the single scan's report; other exports are refused")
    func hashesMergeToTheSingleReport() throws {
        let folder = try CLI.temporaryDirectory()
        // An NT hash export holding the leaked password of every other credential finding,
        // and another password's hash for the rest: both verdicts occur.
        let revealed = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--format", "jsonl", "--reveal-passwords"] + Self.configuration
        )
        var lines = ""
        var current = 0
        for (index, finding) in revealed.jsonLines.enumerated() {
            guard let account = finding["account"] as? String, let password = finding["password"] as? String else {
                continue
            }
            let leaked = index % 2 == 0
            if leaked { current += 1 }
            let hashed = Array((leaked ? password : password + "-changed").utf8)
            let hash = hashed.withUnsafeBytes { NTHash.hash(password: $0) }
            lines += "\(account):\(Hex.encode(hash))\n"
        }
        #expect(current >= 1)
        let export = folder.appendingPathComponent("ntds.txt")
        try lines.write(to: export, atomically: true, encoding: .utf8)
        chmod(export.path, 0o600)
        let hashes = ["--hashes", export.path]
        let single = try CLI.runAtFixedTime(["scan", Self.logs, "--format", "jsonl"] + Self.configuration + hashes)
        #expect(single.status == 1)
        #expect(single.jsonLines.contains { $0["password_current"] as? Bool == true })
        #expect(single.jsonLines.contains { $0["password_current"] as? Bool == false })
        let partials = try Self.partials(of: Self.logs, shards: 3, in: folder, hashes)
        for partial in partials {
            let text = try Self.read(URL(fileURLWithPath: partial))
            for line in lines.split(separator: "\n") { #expect(!text.contains(line.split(separator: ":")[1])) }
        }
        let merged = try CLI.runAtFixedTime(["merge"] + partials + ["--format", "jsonl"] + Self.configuration + hashes)
        #expect(merged.status == 1, "\(merged.stderr)")
        #expect(merged.stdoutText == single.stdoutText)

        // The verdicts were made against these exports: a merge without them, or with others, is refused.
        let without = try CLI.runAtFixedTime(["merge"] + partials + Self.configuration)
        #expect(without.status == 2)
        #expect(without.stderr.contains(partials[0]) && without.stderr.contains("other hash exports"))
        let other = folder.appendingPathComponent("ntds-other.txt")
        try (lines + "zz:31d6cfe0d16ae931b73c59d7e0c089c0\n").write(to: other, atomically: true, encoding: .utf8)
        chmod(other.path, 0o600)
        let refused = try CLI.runAtFixedTime(["merge"] + partials + Self.configuration + ["--hashes", other.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("other hash exports"))
    }

    @Test("input_modified comes from the executors' files: the merge's machine need not have them")
    func inputDatesTravelInThePartial() throws {
        let logs = try Self.copiedLogs(dated: "2024-11-18 09:30:00Z")
        let single = try CLI.runAtFixedTime(["scan", logs.path, "--format", "jsonl"] + Self.configuration)
        #expect(single.status == 1)
        #expect(single.stdoutText.contains("\"input_modified\":\"2024-11-18T09:30:00Z\""))
        let partials = try Self.partials(of: logs.path, shards: 2, in: logs.deletingLastPathComponent())
        try FileManager.default.removeItem(at: logs)
        let merged = try CLI.runAtFixedTime(["merge"] + partials + ["--format", "jsonl"] + Self.configuration)
        #expect(merged.status == 1, "\(merged.stderr)")
        #expect(merged.stdoutText == single.stdoutText)
    }

    @Test("merge --skip-seen-inputs skips partials whose inputs the state has seen, and records them once delivered")
    func mergeSkipsSeenInputs() throws {
        let logs = try Self.copiedLogs(dated: "2024-11-18 09:30:00Z")
        let folder = logs.deletingLastPathComponent()
        let state = folder.appendingPathComponent("state.db").path
        let stateOptions = ["--state", state, "--skip-seen-inputs", "--format", "jsonl"]
        // One partial per file, as the Spark driver makes them (each file streamed on stdin).
        let files = try FileManager.default.subpathsOfDirectory(atPath: logs.path).map {
            logs.appendingPathComponent($0).path
        }.filter { path in
            var isFolder: ObjCBool = false
            return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && !isFolder.boolValue
        }.sorted()
        #expect(files.count >= 3)
        var partials: [String] = []
        for (index, file) in files.enumerated() {
            let partial = folder.appendingPathComponent("file-\(index)").path
            let made = try CLI.runAtFixedTime(
                [
                    "-c", "f=$1; shift; exec \"$0\" \"$@\" < \"$f\"", CLI.executable.path, file, "scan", "-",
                    "--stdin-name", file,
                    "--stdin-found-in", logs.path, "--emit", "partial", "--output", partial,
                ] + Self.configuration,
                program: URL(fileURLWithPath: "/bin/sh")
            )
            #expect(made.status == 0, "\(made.stderr)")
            #expect(try Self.read(URL(fileURLWithPath: partial)).contains("\"inputs\":[{"), "\(file)")
            partials.append(partial)
        }
        let first = try CLI.runAtFixedTime(["merge"] + partials.dropLast() + Self.configuration + stateOptions)
        #expect(first.status == 1, "\(first.stderr)")
        #expect(!first.stderr.contains("skipped (already scanned)"))
        // Those partials are skipped whole (no finding reported again, even without --new-only);
        // the last file's is merged.
        let second = try CLI.runAtFixedTime(["merge"] + partials + Self.configuration + stateOptions)
        #expect(second.stderr.contains("skipped (already scanned): \(files[0])"), "\(second.stderr)")
        #expect(!second.stderr.contains("skipped (already scanned): \(files.last!)"))
        let last = try CLI.runAtFixedTime(["merge", partials.last!] + Self.configuration + ["--format", "jsonl"])
        #expect(second.status == last.status)
        #expect(second.jsonLines.count == last.jsonLines.count)
        let third = try CLI.runAtFixedTime(["merge"] + partials + Self.configuration + stateOptions)
        #expect(third.status == 0, "\(third.stderr)")
        #expect(third.stdoutText.isEmpty)

        // The inputs are fingerprinted as a scan fingerprints them: a scan with the same state skips them all.
        let scan = try CLI.runAtFixedTime(["scan", logs.path] + Self.configuration + stateOptions)
        #expect(scan.status == 0, "\(scan.stderr)")
        for file in files { #expect(scan.stderr.contains("skipped (already scanned): \(file)"), "\(file)") }
        // And the other way round: shards of a folder a scan recorded are skipped at merge.
        let fresh = folder.appendingPathComponent("fresh.db").path
        let freshOptions = ["--state", fresh, "--skip-seen-inputs"]
        #expect(try CLI.runAtFixedTime(["scan", logs.path] + Self.configuration + freshOptions).status == 1)
        let shards = try Self.partials(of: logs.path, shards: 2, in: folder)
        let merged = try CLI.runAtFixedTime(["merge"] + shards + Self.configuration + freshOptions)
        #expect(merged.status == 0, "\(merged.stderr)")
        #expect(merged.stdoutText.isEmpty)
    }

    /// The partial of bytes `start`-`end` of `file`, written as `name` in `folder`.
    static func rangePartial(of file: URL, _ start: Int, _ end: Int, as name: String, in folder: URL) throws -> String {
        let partial = folder.appendingPathComponent(name).path
        let range = try CLI.runAtFixedTime(
            ["scan", file.path, "--range", "\(start)-\(end)", "--emit", "partial", "--output", partial]
                + Self.configuration
        )
        #expect(range.status == 0, "\(range.stderr)")
        return partial
    }

    @Test("a file changed between its range tasks is named, incomplete and not recorded; overlaps are named")
    func changedAndOverlappingRanges() throws {
        let folder = try CLI.temporaryDirectory()
        let combolist = folder.appendingPathComponent("combo.txt")
        func write(_ password: String, dated date: Date) throws {
            let lines = (10..<70).map { "https://mediboard.clinique-exemple.fr/:jdupont:\(password)\($0)\n" }
            try lines.joined().write(to: combolist, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: combolist.path)
        }
        try write("Pw", dated: Date(timeIntervalSince1970: 1_700_000_000))
        let size = try #require(try FileManager.default.attributesOfItem(atPath: combolist.path)[.size] as? Int)
        let first = try Self.rangePartial(of: combolist, 0, size / 2, as: "r0", in: folder)
        // Rewritten at the same size, later, before the second task reads it.
        try write("Qw", dated: Date(timeIntervalSince1970: 1_700_000_100))
        let second = try Self.rangePartial(of: combolist, size / 2, size, as: "r1", in: folder)
        let state = folder.appendingPathComponent("state.db").path
        let summaryPath = folder.appendingPathComponent("summary.json").path
        let stateOptions = ["--state", state, "--skip-seen-inputs", "--summary", summaryPath, "--format", "jsonl"]
        let merged = try CLI.runAtFixedTime(["merge", first, second] + Self.configuration + stateOptions)
        #expect(merged.status == 1, "\(merged.stderr)")
        #expect(merged.stderr.contains("\(combolist.path): changed between tasks"), "\(merged.stderr)")
        // Only the first version's lines are reported.
        let firstOnly = try CLI.runAtFixedTime(["merge", first, "--format", "jsonl"] + Self.configuration)
        let fingerprints = { (run: CLI.Outcome) in run.jsonLines.map { $0["password_fingerprint"] as? String } }
        #expect(fingerprints(merged).count == 30 && fingerprints(merged) == fingerprints(firstOnly))
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: summaryPath)))
                as? [String: Any]
        )
        #expect(summary["complete"] as? Bool == false)
        let incomplete = try #require(summary["incomplete"] as? [[String: Any]])
        #expect(incomplete.map { $0["input"] as? String } == [combolist.path])
        // Not recorded as scanned: a scan with the state reads the file again.
        let scan = try CLI.runAtFixedTime(["scan", combolist.path] + Self.configuration + stateOptions)
        #expect(scan.status == 1, "\(scan.stderr)")
        #expect(!scan.stderr.contains("skipped (already scanned)"))

        // Ranges of the current file that overlap: named as such, not as a gap.
        let early = try Self.rangePartial(of: combolist, 0, size / 2, as: "o0", in: folder)
        let late = try Self.rangePartial(of: combolist, size / 3, size, as: "o1", in: folder)
        let overlap = try CLI.runAtFixedTime(["merge", early, late, "--format", "jsonl"] + Self.configuration)
        #expect(overlap.status == 1)
        #expect(
            overlap.stderr.contains("\(combolist.path): the ranges 0-\(size / 2) and \(size / 3)-\(size) overlap"),
            "\(overlap.stderr)"
        )
        #expect(!overlap.stderr.contains("no partial read"))
    }

    @Test("partials that both read one input completely are refused, naming it: nothing counted twice")
    func overlappingPartialsAreRefused() throws {
        let folder = try CLI.temporaryDirectory()
        let shards = try Self.partials(of: Self.logs, shards: 2, in: folder)
        let whole = folder.appendingPathComponent("whole").path
        let scan = try CLI.runAtFixedTime(
            ["scan", Self.logs, "--emit", "partial", "--output", whole] + Self.configuration
        )
        #expect(scan.status == 0, "\(scan.stderr)")
        let report = folder.appendingPathComponent("report.jsonl")
        let merged = try CLI.runAtFixedTime(
            ["merge"] + shards + [whole, "--output", report.path] + Self.configuration
        )
        #expect(merged.status == 2)
        #expect(merged.stderr.contains("\(whole): it read \(Self.logs)/"), "\(merged.stderr)")
        #expect(merged.stderr.contains("would count its findings twice"))
        #expect(!FileManager.default.fileExists(atPath: report.path))

        // The ranges of a file and a partial of the whole file.
        let combolist = folder.appendingPathComponent("combo.txt")
        try (0..<30).map { "https://mediboard.clinique-exemple.fr/:jdupont:Pw\($0)\n" }.joined().write(
            to: combolist,
            atomically: false,
            encoding: .utf8
        )
        let size = try #require(try FileManager.default.attributesOfItem(atPath: combolist.path)[.size] as? Int)
        let ranges = try [(0, 300), (300, size)].map {
            try Self.rangePartial(of: combolist, $0, $1, as: "r\($0)", in: folder)
        }
        let ofFile = folder.appendingPathComponent("file").path
        #expect(
            try CLI.runAtFixedTime(
                ["scan", combolist.path, "--emit", "partial", "--output", ofFile] + Self.configuration
            )
            .status == 0
        )
        let both = try CLI.runAtFixedTime(["merge"] + ranges + [ofFile] + Self.configuration)
        #expect(both.status == 2)
        #expect(
            both.stderr.contains("it read \(combolist.path) completely, and so did the ranges of"),
            "\(both.stderr)"
        )
    }

    @Test("merge --format html equals scan --format html, inputs named included")
    func mergedHTMLEqualsTheScans() throws {
        let folder = try CLI.temporaryDirectory()
        let single = try CLI.runAtFixedTime(["scan", Self.logs, "--format", "html"] + Self.configuration)
        #expect(single.status == 1)
        let partials = try Self.partials(of: Self.logs, shards: 3, in: folder)
        let merged = try CLI.runAtFixedTime(["merge"] + partials + ["--format", "html"] + Self.configuration)
        #expect(merged.status == 1, "\(merged.stderr)")
        #expect(single.stdoutText.contains("<dt>Inputs named</dt><dd>\(Self.logs)</dd>"))
        // The elapsed time is measured, not reported (as in HTMLReportCLITests).
        func page(_ text: String) -> String {
            text.replacingOccurrences(of: #"<dt>Elapsed</dt><dd>[0-9.]+ s"#, with: "E", options: .regularExpression)
        }
        #expect(page(merged.stdoutText) == page(single.stdoutText))
    }

    @Test("--stdin-name takes the name's bytes: a name that is not UTF-8 gives the scan's sources")
    func standardInputNameThatIsNotUTF8() throws {
        let folder = try CLI.temporaryDirectory()
        let script = """
            cd "$1" && f=$(printf 'bad\\377\\376name.txt') && \
            printf 'https://mediboard.clinique-exemple.fr/:jdupont:Pw123456\\n' > "$f" && \
            shift && if [ "$1" = stdin ]; then shift; exec "$0" scan - --stdin-name "$f" "$@" < "$f"; \
            else shift; exec "$0" scan "$f" "$@"; fi
            """
        func scan(_ how: String) throws -> CLI.Outcome {
            try CLI.runAtFixedTime(
                ["-c", script, CLI.executable.path, folder.path, how, "--format", "jsonl"] + Self.configuration,
                program: URL(fileURLWithPath: "/bin/sh")
            )
        }
        let file = try scan("file")
        #expect(file.status == 1, "\(file.stderr)")
        #expect(file.stdoutText.contains(#"bad\\xff\\xfename.txt"#), "\(file.stdoutText)")
        let piped = try scan("stdin")
        #expect(piped.stdoutText == file.stdoutText, "\(piped.stderr)")
    }

    @Test("merge refuses what it cannot do, naming it: no partial, --reveal-passwords, --range, standard input")
    func mergeUsageErrors() throws {
        let none = try CLI.runAtFixedTime(["merge"] + Self.configuration)
        #expect(none.status == 2)
        #expect(none.stderr.contains("name the partial results to merge"))
        #expect(!none.stderr.contains("scan merge") && none.stderr.contains("Usage: credwatch merge"), "\(none.stderr)")
        let unknown = try CLI.runAtFixedTime(["merge", "p", "--bogus"] + Self.configuration)
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("Usage: credwatch merge"), "\(unknown.stderr)")
        let folder = try CLI.temporaryDirectory()
        let partial = try Self.partials(of: Self.logs, shards: 1, in: folder)[0]
        let report = folder.appendingPathComponent("report.jsonl").path
        let revealed = try CLI.runAtFixedTime(
            ["merge", partial, "--reveal-passwords", "--output", report] + Self.configuration
        )
        #expect(revealed.status == 2)
        #expect(revealed.stderr.contains("merge takes no --reveal-passwords: partial results hold no password"))
        #expect(!FileManager.default.fileExists(atPath: report))
        let range = try CLI.runAtFixedTime(["merge", partial, partial, "--range", "0-10"] + Self.configuration)
        #expect(range.status == 2)
        #expect(range.stderr.contains("merge takes no --range"), "\(range.stderr)")
        let stdin = try CLI.runAtFixedTime(["merge", "-"] + Self.configuration)
        #expect(stdin.status == 2)
        #expect(stdin.stderr.contains("not from standard input"), "\(stdin.stderr)")
    }
}
