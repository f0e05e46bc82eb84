import Foundation
import Testing

@testable import CredWatch

@Suite("Scale: partial results merge into the findings of one scan")
struct PartialMergeTests {
    static let accounts: AccountList = [
        Account(sam: "agarnier", mail: "a.garnier@clinique-exemple.fr"),
        Account(sam: "tmoreau", mail: "t.moreau@clinique-exemple.fr", isEnabled: false),
    ]
    static let binding = PartialBinding(
        key: "k",
        accounts: "a",
        profile: "p",
        patterns: "q",
        hashes: "",
        options: "o"
    )
    static let platforms = [
        Platform(id: "mediboard", name: "Mediboard", severity: .critical, origin: "org.toml", isOrganisation: true),
        Platform(id: "webmail", name: "Webmail", severity: .high, origin: "pack.toml", isOrganisation: false),
    ]

    /// Random sightings over a few exposures, some sighted at more than 100 sources, with facts
    /// that differ between sightings (platforms also matched, ambiguity, verdicts, cookie expiry).
    static func sightings(seed: UInt64, count: Int) -> (sightings: [Sighting], machines: [MachineSighting]) {
        var random = SeededRandom(state: seed)
        var sightings: [Sighting] = []
        for _ in 0..<count {
            let folder = "dump/victim-\(random.below(12))"
            let source = Source(
                path: random.below(3) == 0 ? "combo.txt" : "\(folder)/Passwords.txt",
                line: 1 + random.below(400),
                offset: Int64(random.below(100_000)),
                family: random.below(2) == 0 ? .redline : .url
            )
            let isCookie = random.below(6) == 0
            let kind: FindingKind = isCookie ? .cookie : (random.below(5) == 0 ? .unknownAccount : .credential)
            var sighting = Sighting(
                kind: kind,
                // As the match stage does: only a credential's login resolves to an account.
                account: kind == .credential ? random.below(2) : nil,
                rule: .sam,
                platform: platforms[random.below(2)],
                alsoMatched: random.below(4) == 0 ? ["extra-\(random.below(3))"] : [],
                url: "https://mediboard.clinique-exemple.fr/\(random.below(2))",
                host: "mediboard.clinique-exemple.fr",
                login: random.below(2) == 0 ? "agarnier" : "AGarnier",
                password: isCookie ? nil : PasswordEvidence(fingerprint: "fp\(random.below(3))", length: 9),
                cookie: isCookie
                    ? CookieEvidence(
                        domain: ".clinique-exemple.fr",
                        path: "/",
                        name: "PHPSESSID",
                        expiry: Int64(random.below(1000)),
                        isSecure: random.below(2) == 0,
                        valueFingerprint: "v\(random.below(2))"
                    ) : nil,
                source: source,
                isAmbiguous: random.below(10) == 0
            )
            if random.below(3) == 0 { sighting.isPasswordCurrent = random.below(2) == 0 }
            if random.below(3) == 0 {
                sighting.passwordLastChange = Timestamp(iso8601: "2024-0\(1 + random.below(9))-01T00:00:00Z")
            }
            sightings.append(sighting)
        }
        var machines: [MachineSighting] = []
        for index in 0..<12 where index % 3 != 0 {
            var info = VictimInfo()
            info.hostname = "GEX-PAR-PC000\(index % 5)"
            info.user = "user\(index)"
            info.logDate = Timestamp(iso8601: "2024-11-0\(1 + index % 9)T10:00:00Z")
            machines.append(
                MachineSighting(
                    folder: "dump/victim-\(index)",
                    info: info,
                    source: Source(path: "dump/victim-\(index)/System.txt", line: 1, offset: 0, family: .redline),
                    isOrganisationMachine: index % 2 == 0,
                    evidence: index % 2 == 0 ? ["machine-name"] : [],
                    account: index % 4 == 0 ? 0 : nil
                )
            )
        }
        return (sightings, machines)
    }

    /// The JSONL report, as text (a failed comparison shows the lines, not bytes).
    static func report(_ findings: [Finding]) -> String {
        String(decoding: ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()), as: UTF8.self)
    }

    /// The partial of one shard, through its file format.
    static func partialBytes(_ sightings: [Sighting], _ machines: [MachineSighting]) -> [UInt8] {
        var collector = PartialCollector(accounts: accounts)
        for sighting in sightings { collector.add(sighting) }
        for machine in machines { collector.add(machine) }
        return PartialResult(
            binding: binding,
            range: nil,
            counters: PartialCounters(),
            unread: [],
            sightings: collector.entries,
            machines: collector.machines
        ).encoded()
    }

    @Test("any partition, any order, duplicated partials: the one-scan report", arguments: 0..<24)
    func randomPartitions(seed: UInt64) throws {
        let (sightings, machines) = Self.sightings(seed: seed, count: 300 + Int(seed) * 40)
        var single = FindingAggregator(accounts: Self.accounts)
        for sighting in sightings { single.add(sighting) }
        for machine in machines { single.add(machine) }
        let expected = Self.report(single.findings())
        #expect(expected.utf8.count > 1000)

        var random = SeededRandom(state: seed &+ 1000)
        let shardCount = 1 + random.below(7)
        // A partition by source path, as shards split inputs (a file is in one shard).
        var shards = Array(repeating: ([Sighting](), [MachineSighting]()), count: shardCount)
        var shardOfPath: [String: Int] = [:]
        func shard(of path: String) -> Int {
            let folder = Locator.parent(of: path)
            if let known = shardOfPath[folder] { return known }
            let chosen = random.below(shardCount)
            shardOfPath[folder] = chosen
            return chosen
        }
        for sighting in sightings.shuffled(using: &random) {
            shards[shard(of: sighting.source.path)].0.append(sighting)
        }
        for machine in machines { shards[shard(of: machine.source.path)].1.append(machine) }
        var partials = shards.map { Self.partialBytes($0.0, $0.1) }
        // A task run twice (Spark's retries and speculation) hands in the same partial again.
        partials += partials.prefix(random.below(3))
        partials.shuffle(using: &random)

        var merge = PartialMerge(binding: Self.binding)
        for (index, partial) in partials.enumerated() { try merge.add(partial, file: "part-\(index)") }
        #expect(merge.count == Set(partials).count)
        let merged = Self.report(try merge.findings(accounts: Self.accounts, diagnostics: Diagnostics(output: nil)))
        let mergedLines = merged.split(separator: "\n")
        let expectedLines = expected.split(separator: "\n")
        #expect(mergedLines.count == expectedLines.count)
        let firstDifference = zip(mergedLines, expectedLines).first { $0 != $1 }
        #expect(firstDifference == nil, "seed \(seed): first differing finding")
    }

    @Test("merging is associative: merged partials re-emitted and merged again give the same report")
    func associative() throws {
        let (sightings, machines) = Self.sightings(seed: 7, count: 900)
        let halves = [Array(sightings[..<450]), Array(sightings[450...])]
        // A partial of partials: the collector fed the replayed entries of the first half.
        var collector = PartialCollector(accounts: Self.accounts)
        let first = try PartialResult.decode(Self.partialBytes(halves[0], machines), file: "a")
        for entry in first.sightings {
            for _ in 0..<entry.count { collector.add(entry.sighting) }
        }
        for machine in first.machines { collector.add(machine) }
        let regrouped = PartialResult(
            binding: Self.binding,
            range: nil,
            counters: PartialCounters(),
            unread: [],
            sightings: collector.entries,
            machines: collector.machines
        ).encoded()
        var nested = PartialMerge(binding: Self.binding)
        try nested.add(regrouped, file: "ab")
        try nested.add(Self.partialBytes(halves[1], []), file: "c")
        var flat = PartialMerge(binding: Self.binding)
        try flat.add(Self.partialBytes(halves[0], machines), file: "a")
        try flat.add(Self.partialBytes(halves[1], []), file: "c")
        let diagnostics = Diagnostics(output: nil)
        #expect(
            try Self.report(nested.findings(accounts: Self.accounts, diagnostics: diagnostics))
                == Self.report(flat.findings(accounts: Self.accounts, diagnostics: diagnostics))
        )
    }

    @Test("counters sum without overflow: each bounded by 2^50, their sums by 2^62, past it nil")
    func counterSumsAreBounded() {
        var atLimit = PartialCounters()
        atLimit.lines = PartialCounters.maximum
        atLimit.bytesRead = PartialCounters.maximum
        #expect(atLimit.isPlausible)
        var total = PartialCounters()
        for _ in 0..<(PartialCounters.maximumSum / PartialCounters.maximum) {
            guard let next = total.adding(atLimit) else {
                Issue.record("refused below the limit")
                return
            }
            total = next
        }
        #expect(total.lines == PartialCounters.maximumSum)
        // One more partial at the limit (4,097 of them: a forged set) is refused, not a trap.
        #expect(total.adding(atLimit) == nil)
        var negative = PartialCounters()
        negative.errors = -1
        #expect(!negative.isPlausible)
        var huge = PartialCounters()
        huge.records = Int.max
        #expect(!huge.isPlausible)
        #expect(PartialCounters().adding(huge) == nil)
    }

    @Test("a partial never holds a cleartext password, and reads back as written")
    func noCleartext() throws {
        var sighting = Self.sightings(seed: 3, count: 1).sightings[0]
        sighting.kind = .credential
        sighting.password = PasswordEvidence(fingerprint: "f00d", length: 11, cleartext: "Hôpital19!x")
        let bytes = Self.partialBytes([sighting], [])
        #expect(!String(decoding: bytes, as: UTF8.self).contains("Hôpital19!x"))
        let decoded = try PartialResult.decode(bytes, file: "p")
        #expect(decoded.sightings.count == 1)
        #expect(decoded.sightings[0].sighting.password?.cleartext == nil)
        #expect(decoded.sightings[0].sighting.password?.fingerprint == "f00d")
        #expect(decoded.binding == Self.binding)
    }

    @Test("partials under another key, export, profile, packs, hashes or options are refused")
    func refusesOtherBindings() throws {
        let bytes = Self.partialBytes(Self.sightings(seed: 5, count: 10).sightings, [])
        let others: [(PartialBinding, String)] = [
            (PartialBinding(key: "x", accounts: "a", profile: "p", patterns: "q", hashes: "", options: "o"), "key"),
            (PartialBinding(key: "k", accounts: "x", profile: "p", patterns: "q", hashes: "", options: "o"), "account"),
            (PartialBinding(key: "k", accounts: "a", profile: "x", patterns: "q", hashes: "", options: "o"), "profile"),
            (PartialBinding(key: "k", accounts: "a", profile: "p", patterns: "x", hashes: "", options: "o"), "pattern"),
            (PartialBinding(key: "k", accounts: "a", profile: "p", patterns: "q", hashes: "x", options: "o"), "hash"),
            (PartialBinding(key: "k", accounts: "a", profile: "p", patterns: "q", hashes: "", options: "x"), "option"),
        ]
        for (other, word) in others {
            var merge = PartialMerge(binding: other)
            #expect {
                try merge.add(bytes, file: "part-1")
            } throws: { error in
                "\(error)".contains("part-1") && "\(error)".contains(word) && "\(error)".contains("refused")
            }
        }
    }

    @Test("not a partial, or another version: refused by name")
    func refusesOtherFiles() {
        var merge = PartialMerge(binding: Self.binding)
        #expect(throws: PartialError.self) { try merge.add(Array("{\"kind\":\"credential\"}\n".utf8), file: "r") }
        #expect(throws: PartialError.self) { try merge.add([], file: "empty") }
        var bytes = Self.partialBytes([], [])
        let text = String(decoding: bytes, as: UTF8.self).replacingOccurrences(
            of: "\"credwatch_partial\":\(PartialResult.version)",
            with: "\"credwatch_partial\":99"
        )
        bytes = Array(text.utf8)
        #expect {
            try merge.add(bytes, file: "future")
        } throws: { error in
            "\(error)".contains("version 99")
        }
        // A partial of version 1 (no inputs, no dates) is refused for its version too.
        let old =
            #"{"binding":{"accounts":"a","hashes":"","key":"k","options":"o","patterns":"q","profile":"p"},"#
            + #""counters":{},"credwatch_partial":1,"unread":[]}"# + "\n"
        #expect {
            try merge.add(Array(old.utf8), file: "old")
        } throws: { error in
            "\(error)".contains("partial format version 1")
        }
    }

    /// A partial of `sightings` that read `inputs` (and `range`, with `unread`).
    static func partialBytes(
        _ sightings: [Sighting],
        inputs: [InputFingerprint],
        range: RangeRead? = nil,
        unread: [UnreadInput] = [],
        modified: [String: Timestamp] = [:]
    ) -> [UInt8] {
        var collector = PartialCollector(accounts: accounts)
        for sighting in sightings { collector.add(sighting) }
        var counters = PartialCounters()
        counters.errors = unread.count
        return PartialResult(
            binding: binding,
            range: range,
            counters: counters,
            unread: unread,
            inputs: inputs,
            modified: modified,
            sightings: collector.entries,
            machines: []
        ).encoded()
    }

    @Test("a partial file is streamed: the same merge as from its bytes; a bad line, a missing or changed file named")
    func streamedFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("partials-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let (sightings, machines) = Self.sightings(seed: 21, count: 600)
        let halves = [
            Self.partialBytes(Array(sightings[..<300]), machines), Self.partialBytes(Array(sightings[300...]), []),
        ]
        var paths: [String] = []
        for (index, bytes) in halves.enumerated() {
            let path = folder.appendingPathComponent("part-\(index)").path
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            paths.append(path)
        }
        var fromBytes = PartialMerge(binding: Self.binding)
        for (index, bytes) in halves.enumerated() { try fromBytes.add(bytes, file: "part-\(index)") }
        var fromFiles = PartialMerge(binding: Self.binding)
        for path in paths { #expect(try fromFiles.add(contentsOf: path)) }
        // The same partial as a file or as bytes counts once.
        #expect(try !fromFiles.add(contentsOf: paths[0]))
        #expect(try !fromFiles.add(halves[1], file: "again"))
        let diagnostics = Diagnostics(output: nil)
        #expect(
            try Self.report(fromFiles.findings(accounts: Self.accounts, diagnostics: diagnostics))
                == Self.report(fromBytes.findings(accounts: Self.accounts, diagnostics: diagnostics))
        )

        // Changed between the check and the merge: refused, not merged half old, half new.
        let changing = folder.appendingPathComponent("changing").path
        #expect(FileManager.default.createFile(atPath: changing, contents: Data(halves[0])))
        var merge = PartialMerge(binding: Self.binding)
        try merge.add(contentsOf: changing)
        // Rewritten with a valid line more: every line reads, but it is not the partial checked.
        let lastLine = Array(halves[0].dropLast().split(separator: 0x0A).last!) + [0x0A]
        #expect(FileManager.default.createFile(atPath: changing, contents: Data(halves[0] + lastLine)))
        #expect {
            try merge.merged(accounts: Self.accounts, diagnostics: Diagnostics(output: nil))
        } throws: { error in
            "\(error)" == "\(changing): changed while it was merged"
        }
        // A line that is no record, named by its number; a file that cannot be read.
        let broken = folder.appendingPathComponent("broken").path
        let lines = halves[0].split(separator: 0x0A)
        let text = Array(lines[0]) + [0x0A] + Array(lines[1]) + Array("\n{\"s\":1}\n".utf8)
        #expect(FileManager.default.createFile(atPath: broken, contents: Data(text)))
        var other = PartialMerge(binding: Self.binding)
        #expect(try other.add(contentsOf: broken))
        #expect {
            try other.merged(accounts: Self.accounts, diagnostics: Diagnostics(output: nil))
        } throws: { error in
            "\(error)" == "\(broken): line 3: not a sighting or machine record"
        }
        #expect {
            try other.add(contentsOf: broken + "-missing")
        } throws: { error in
            "\(error)".hasPrefix("\(broken)-missing: cannot read the partial result")
        }
        #expect(other.count == 1)
    }

    @Test("inputs and their dates read back as written; the earliest date of a path wins")
    func inputsAndDatesRoundTrip() throws {
        let input = InputFingerprint(path: "dump/a.txt", size: 10, mtime: 1_700_000_000_123_456_789, digest: "d1")
        let early = Timestamp(epochSeconds: 1_700_000_000)
        let late = Timestamp(epochSeconds: 1_800_000_000)
        let first = Self.partialBytes([], inputs: [input], modified: ["dump/a.txt": late, "dump/b.txt": early])
        let decoded = try PartialResult.decode(first, file: "p")
        #expect(decoded.inputs == [input])
        #expect(decoded.modified == ["dump/a.txt": late, "dump/b.txt": early])
        var merge = PartialMerge(binding: Self.binding)
        try merge.add(first, file: "p")
        try merge.add(Self.partialBytes([], inputs: [], modified: ["dump/a.txt": early]), file: "q")
        let merged = try merge.merged(accounts: Self.accounts, diagnostics: Diagnostics(output: nil))
        #expect(merged.modified == ["dump/a.txt": early, "dump/b.txt": early])
        #expect(merged.completedInputs == [input])
    }

    @Test("skip-seen: partials whose every input the state has seen are skipped whole, ranges of a seen file all")
    func skipsSeenInputs() throws {
        let (sightings, _) = Self.sightings(seed: 11, count: 200)
        let thirds = [Array(sightings[..<60]), Array(sightings[60..<130]), Array(sightings[130...])]
        let seen = InputFingerprint(path: "seen.txt", size: 5, mtime: 5, digest: "s")
        let new = InputFingerprint(path: "new.txt", size: 6, mtime: 6, digest: "n")
        // Each input read completely by one partial only (two would be refused as overlapping).
        let seenToo = InputFingerprint(path: "seen2.txt", size: 5, mtime: 5, digest: "s2")
        let seenPartly = InputFingerprint(path: "seen3.txt", size: 5, mtime: 5, digest: "s3")
        let ranged = InputFingerprint(path: "big.txt", size: 100, mtime: 7, digest: "b")
        func range(_ start: Int64, _ end: Int64) -> RangeRead {
            RangeRead(input: "big.txt", start: start, end: end, size: 100, lineFeeds: 3)
        }
        let partials = [
            Self.partialBytes(thirds[0], inputs: [seen]),
            Self.partialBytes(thirds[1], inputs: [seenToo, new]),
            // Not read completely: never skipped, whatever it read completely.
            Self.partialBytes([], inputs: [seenPartly], unread: [UnreadInput(locator: "seen2.zip", reason: "damaged")]),
            Self.partialBytes(thirds[2], inputs: [ranged], range: range(0, 40)),
            Self.partialBytes([], inputs: [ranged], range: range(40, 100)),
        ]
        func merge(_ selected: [Int], seenInputs: Set<InputFingerprint>?) throws -> PartialMerge.Merged {
            var merge = PartialMerge(binding: Self.binding)
            for index in selected { try merge.add(partials[index], file: "part-\(index)") }
            return try merge.merged(
                accounts: Self.accounts,
                diagnostics: Diagnostics(output: nil),
                seenInput: seenInputs.map { set in { set.contains($0) } }
            )
        }
        // Nothing seen: everything merged, the ranged file completed once every range was.
        let all = try merge(Array(partials.indices), seenInputs: [])
        #expect(all.completedInputs == [ranged, new, seen, seenToo, seenPartly])
        #expect(all.skippedInputs.isEmpty)
        #expect(try merge([3], seenInputs: []).completedInputs.isEmpty)
        // `seen` skipped: the first partial only; the second still holds a new input.
        let skipping = try merge(Array(partials.indices), seenInputs: [seen, seenToo, seenPartly])
        #expect(skipping.skippedInputs == [seen])
        #expect(Self.report(skipping.findings) == Self.report(try merge([1, 2, 3, 4], seenInputs: nil).findings))
        // The ranged file seen: all its ranges skipped, no gap named.
        let diagnostics = Diagnostics(output: nil)
        var ranges = PartialMerge(binding: Self.binding)
        try ranges.add(partials[3], file: "r0")
        try ranges.add(partials[4], file: "r1")
        let skippedRanges = try ranges.merged(
            accounts: Self.accounts,
            diagnostics: diagnostics,
            seenInput: { $0 == ranged }
        )
        #expect(skippedRanges.findings.isEmpty)
        #expect(skippedRanges.skippedInputs == [ranged])
        #expect(diagnostics.errors.load(ordering: .relaxed) == 0)
        #expect(diagnostics.allMessages == ["credwatch: skipped (already scanned): big.txt"])
    }

    @Test("ranges of one file read from two versions: named, the later range left out, the file not completed")
    func rangesOfAChangedFile() throws {
        let (sightings, _) = Self.sightings(seed: 12, count: 40)
        let before = InputFingerprint(path: "big.txt", size: 100, mtime: 7, digest: "b")
        var after = before
        // Same size and modification time: the content alone tells them apart.
        after.digest = "c"
        func range(_ start: Int64, _ end: Int64) -> RangeRead {
            RangeRead(input: "big.txt", start: start, end: end, size: 100, mtime: 7, lineFeeds: 3)
        }
        let first = Self.partialBytes(Array(sightings[..<20]), inputs: [before], range: range(0, 40))
        let second = Self.partialBytes(Array(sightings[20...]), inputs: [after], range: range(40, 100))
        var merge = PartialMerge(binding: Self.binding)
        try merge.add(second, file: "r1")
        try merge.add(first, file: "r0")
        let diagnostics = Diagnostics(output: nil)
        let merged = try merge.merged(accounts: Self.accounts, diagnostics: diagnostics)
        #expect(merged.completedInputs.isEmpty)
        #expect(diagnostics.errors.load(ordering: .relaxed) == 1)
        #expect(
            diagnostics.allMessages == [
                "credwatch: error: big.txt: changed between tasks: bytes 40-100 were read from another version of "
                    + "it than bytes 0-40 (its content differs): the lines from byte 40 are not reported; scan it again"
            ]
        )
        var alone = PartialMerge(binding: Self.binding)
        try alone.add(first, file: "r0")
        let firstOnly = try alone.merged(accounts: Self.accounts, diagnostics: Diagnostics(output: nil))
        #expect(Self.report(merged.findings) == Self.report(firstOnly.findings))
    }

    @Test("shards partition the files whatever N, and the hash is stable")
    func shards() {
        let paths = (0..<500).map { "dumps/victim-\($0).zip" }
        for count in [1, 2, 3, 7, 64] {
            var seen = 0
            for index in 0..<count {
                let shard = InputShard(index: index, count: count)!
                seen += paths.filter { shard.contains(.file(path: $0)) }.count
            }
            #expect(seen == paths.count)
        }
        // FNV-1a 64 of "a": 0xaf63dc4c8601ec8c.
        let fnvOfA: UInt64 = 0xaf63_dc4c_8601_ec8c
        #expect(InputShard.shard(ofLocator: "a", count: 1 << 20) == Int(fnvOfA % (1 << 20)))
        #expect(InputShard(parsing: "3/3") == nil)
        #expect(InputShard(parsing: "0/0") == nil)
        #expect(InputShard(parsing: "2/5")?.index == 2)
        #expect(InputShard(index: 0, count: 1)!.contains(.standardInput))
        #expect(!InputShard(index: 1, count: 2)!.contains(.standardInput))
    }
}

extension SeededRandom {
    /// A number in 0..<bound.
    fileprivate mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
