import Crypto

/// `credwatch merge`: the partial results of the shards of a scan, turned into the findings one
/// scan of all their inputs gives. The partials' sightings are replayed into one
/// `FindingAggregator` (which applies the triage), so merging is associative and commutative;
/// a partial given twice (a task Spark ran twice) counts once.
public struct PartialMerge {
    /// What every partial must have been made under (the merge's own key and files).
    public let binding: PartialBinding
    private var partials: [Added] = []
    private var digests = Set<String>()
    /// The file each range was read from, to tell a retried task from a conflicting one.
    private var rangeDigests: [RangeKey: String] = [:]
    /// Who read each input completely: a partial's file, or the ranges of one file (which all
    /// fingerprint it). Two readers of one input would count its findings twice.
    private var readers: [InputFingerprint: String] = [:]

    private struct RangeKey: Hashable {
        var input: String
        var start: Int64
        var end: Int64
    }

    /// A partial added: whole when given as bytes; its header only when given as a file, whose
    /// entries are streamed again when merged (memory bounded by one line, not the partial).
    private struct Added {
        var partial: PartialResult
        var file: String
        var digest: String
        var isStreamed: Bool
    }

    /// The counters of the partials added so far, summed (bounded: `PartialCounters.adding`).
    private var counterTotals = PartialCounters()

    public init(binding: PartialBinding) {
        self.binding = binding
    }

    /// Adds the partial held in `bytes` (`file` names it). Returns false when the same partial
    /// was added before (it counts once). Throws when it is no partial, or one made under
    /// another key, account export, profile, pattern packs, hash exports or scan options.
    @discardableResult
    public mutating func add(_ bytes: [UInt8], file: String) throws(PartialError) -> Bool {
        let digest = Hex.encode(SHA256.hash(data: bytes))
        guard !digests.contains(digest) else { return false }
        let partial = try PartialResult.decode(bytes, file: file)
        return try add(Added(partial: partial, file: file, digest: digest, isStreamed: false))
    }

    /// Adds the partial in the file at `path`, as `add(_:file:)`, reading it a line at a time:
    /// its header is read here (and its bytes hashed), its entries by `merged`, which refuses a
    /// line that is no entry, or a file changed since, before anything is delivered.
    @discardableResult
    public mutating func add(contentsOf path: String) throws(PartialError) -> Bool {
        let reader = PartialReader(file: path)
        var header: PartialResult?
        let digest = try reader.forEachLine(ofFile: path) { (line, _) throws(PartialError) in
            if header == nil { header = try reader.header(line) }
        }
        guard let header else { throw PartialError(file: path, reason: "empty: not a partial result") }
        guard !digests.contains(digest) else { return false }
        return try add(Added(partial: header, file: path, digest: digest, isStreamed: true))
    }

    private mutating func add(_ added: Added) throws(PartialError) -> Bool {
        let (partial, file) = (added.partial, added.file)
        if let mismatch = partial.binding.mismatch(with: binding) {
            throw PartialError(file: file, reason: "made under \(mismatch) than this merge: refused")
        }
        if let range = partial.range {
            let key = RangeKey(input: range.input, start: range.start, end: range.end)
            if rangeDigests[key] != nil {
                throw PartialError(
                    file: file,
                    reason: "another partial of \(range.input) bytes \(range.start)-\(range.end) differs from this one"
                )
            }
            rangeDigests[key] = added.digest
        }
        let reader = partial.range.map { "the ranges of \($0.input)" } ?? "the partial \(file)"
        for input in partial.inputs {
            if let other = readers[input], other != reader {
                throw PartialError(
                    file: file,
                    reason: "it read \(input.path) completely, and so did \(other): partials that overlap "
                        + "(a shard given twice, or shards of two runs) would count its findings twice; refused"
                )
            }
        }
        guard let totals = counterTotals.adding(partial.counters) else {
            throw PartialError(file: file, reason: PartialCounters.sumTooLarge)
        }
        counterTotals = totals
        for input in partial.inputs { readers[input] = reader }
        digests.insert(added.digest)
        partials.append(added)
        return true
    }

    /// How many distinct partials were added.
    public var count: Int { partials.count }

    /// The inputs the partials' scans named, each once, in the order the partials were given:
    /// what the report of one scan of them all names.
    public var namedInputs: [String] {
        var listed = Set<String>()
        return partials.flatMap(\.partial.named).filter { listed.insert($0).inserted }
    }

    /// The merged findings, in the report's order (see `merged`).
    public func findings(accounts: AccountList, diagnostics: Diagnostics) throws(PartialError) -> [Finding] {
        try merged(accounts: accounts, diagnostics: diagnostics).findings
    }

    /// What a merge gives: the findings, and the inputs and dates the partials recorded.
    public struct Merged {
        /// In the report's order.
        public var findings: [Finding]
        /// The files the merged partials read completely (for `--skip-seen-inputs`): a file read
        /// in ranges counts once every range of it was merged, all under one fingerprint.
        public var completedInputs: [InputFingerprint]
        /// The files of the partials skipped as seen by an earlier run.
        public var skippedInputs: [InputFingerprint]
        /// Each source path's input modification time, as the partials recorded it.
        public var modified: [String: Timestamp]
    }

    /// Merges the partials. Their counters and unread inputs go to `diagnostics` (each unread
    /// input named again); a file whose ranges leave a gap is named there too, and the ranges
    /// after the gap are left out (their lines cannot be numbered).
    ///
    /// With `seenInput` (`--skip-seen-inputs`), a partial is skipped whole (its sightings and
    /// counters) when it read every input completely and the state has seen them all; a file
    /// read in ranges is skipped whole when the state has seen it.
    public func merged(
        accounts: AccountList,
        diagnostics: Diagnostics,
        seenInput: ((InputFingerprint) -> Bool)? = nil
    ) throws(PartialError) -> Merged {
        var aggregator = FindingAggregator(accounts: accounts)
        var result = Merged(findings: [], completedInputs: [], skippedInputs: [], modified: [:])
        // Each count is bounded (`PartialCounters.maximum`), their sum too: however many
        // tampered partials, no exposure's total can overflow.
        var sightingTotal = 0
        func replay(_ added: Added, lineShift: Int) throws(PartialError) {
            func add(_ entry: PartialReader.Entry) throws(PartialError) {
                switch entry {
                case .sighting(let entry):
                    sightingTotal += entry.count
                    guard sightingTotal <= PartialCounters.maximumSum else {
                        throw PartialError(file: added.file, reason: PartialCounters.sumTooLarge)
                    }
                    var sighting = entry.sighting
                    sighting.source.line += lineShift
                    aggregator.add(sighting, count: entry.count)
                case .machine(var machine):
                    machine.source.line += lineShift
                    aggregator.add(machine)
                }
            }
            if added.isStreamed {
                let reader = PartialReader(file: added.file)
                var isHeader = true
                let digest = try reader.forEachLine(ofFile: added.file) { (line, number) throws(PartialError) in
                    if isHeader {
                        isHeader = false
                    } else {
                        try add(try reader.entry(line, number: number))
                    }
                }
                guard digest == added.digest else {
                    throw PartialError(file: added.file, reason: "changed while it was merged")
                }
            } else {
                for entry in added.partial.sightings { try add(.sighting(entry)) }
                for machine in added.partial.machines { try add(.machine(machine)) }
            }
            // Two tasks on one file may see it at different times: the earliest, as for sources.
            result.modified.merge(added.partial.modified) { min($0, $1) }
        }
        // With `seenInput`: the partials to skip. Every range fingerprints the whole file, so
        // one the state has seen stands for all the ranges of that file.
        let seenRangeInputs = Set(
            partials.map(\.partial).compactMap { partial in
                partial.range.flatMap { range in
                    seenInput.flatMap { partial.inputs.contains(where: $0) ? range.input : nil }
                }
            }
        )
        func isSkipped(_ partial: PartialResult) -> Bool {
            guard let seenInput else { return false }
            if let range = partial.range { return seenRangeInputs.contains(range.input) }
            return !partial.inputs.isEmpty && partial.unread.isEmpty && partial.inputs.allSatisfy(seenInput)
        }
        var rangesOfInput: [String: [Added]] = [:]
        var skippedInputs = Set<InputFingerprint>()
        for added in partials {
            let partial = added.partial
            if isSkipped(partial) {
                for input in partial.inputs where skippedInputs.insert(input).inserted {
                    diagnostics.note("skipped (already scanned): \(input.path)")
                }
                continue
            }
            partial.counters.add(to: diagnostics)
            for unread in partial.unread { diagnostics.error(unread.locator, unread.reason) }
            diagnostics.errors.add(max(0, partial.counters.errors - partial.unread.count), ordering: .relaxed)
            if let range = partial.range {
                rangesOfInput[range.input, default: []].append(added)
            } else {
                try replay(added, lineShift: 0)
                result.completedInputs += partial.inputs
            }
        }
        result.skippedInputs = skippedInputs.sorted { ($0.path, $0.digest) < ($1.path, $1.digest) }
        for input in rangesOfInput.keys.sorted() {
            let added = rangesOfInput[input]!.sorted { $0.partial.range!.start < $1.partial.range!.start }
            let ranges = added.map(\.partial)
            let size = ranges[0].range!.size
            // The ranges after one that read another version of the file are left out: their
            // lines cannot be numbered, nor told from the first version's.
            let changed = ranges.indices.dropFirst().lazy.compactMap { index in
                Self.change(between: ranges[0], and: ranges[index]).map { (index: index, what: $0) }
            }.first
            var (expected, lineShift): (Int64, Int) = (0, 0)
            var overlapping: (RangeRead, RangeRead)?
            for (index, partial) in ranges.enumerated() where index < changed?.index ?? ranges.count {
                let range = partial.range!
                guard range.start == expected else {
                    if range.start < expected { overlapping = (ranges[index - 1].range!, range) }
                    break
                }
                try replay(added[index], lineShift: lineShift)
                lineShift += range.lineFeeds
                expected = range.end
            }
            if let changed {
                let (first, other) = (ranges[0].range!, ranges[changed.index].range!)
                diagnostics.error(
                    input,
                    "changed between tasks: bytes \(other.start)-\(other.end) were read from another version of it "
                        + "than bytes \(first.start)-\(first.end) (\(changed.what)): the lines from byte "
                        + "\(expected) are not reported; scan it again"
                )
            } else if let (before, after) = overlapping {
                diagnostics.error(
                    input,
                    "the ranges \(before.start)-\(before.end) and \(after.start)-\(after.end) overlap (the ranges of a "
                        + "file must split it): the lines from byte \(expected) are not reported"
                )
            } else if expected < size {
                diagnostics.error(
                    input,
                    "no partial read its bytes from \(expected) (of \(size)): the lines after are not reported"
                )
            } else if let first = ranges[0].inputs.first,
                ranges.allSatisfy({ $0.inputs == [first] && $0.unread.isEmpty })
            {
                // Read completely only when every range was, under one fingerprint.
                result.completedInputs.append(first)
            }
        }
        // Each once (shards of one folder may both list a file found twice), in a stable order.
        result.completedInputs = Set(result.completedInputs).sorted { ($0.path, $0.digest) < ($1.path, $1.digest) }
        result.findings = aggregator.findings()
        return result
    }

    /// How the file `other`'s range was read from differs from the one `first`'s was (its size,
    /// modification time or content); nil when the partials recorded the same file.
    private static func change(between first: PartialResult, and other: PartialResult) -> String? {
        let (a, b) = (first.range!, other.range!)
        if a.size != b.size { return "its size was \(a.size) bytes, then \(b.size)" }
        if let mtimeA = a.mtime, let mtimeB = b.mtime, mtimeA != mtimeB { return "its modification time differs" }
        func fingerprint(_ partial: PartialResult) -> InputFingerprint? {
            partial.inputs.first { $0.path == partial.range!.input }
        }
        if let fingerprintA = fingerprint(first), let fingerprintB = fingerprint(other) {
            if fingerprintA.mtime != fingerprintB.mtime { return "its modification time differs" }
            if fingerprintA.digest != fingerprintB.digest { return "its content differs" }
        }
        return nil
    }
}
