import Crypto

/// `credwatch merge`: the partial results of the shards of a scan, turned into the findings one
/// scan of all their inputs gives. The partials' sightings are replayed into one
/// `FindingAggregator` (which applies the triage), so merging is associative and commutative;
/// a partial given twice (a task Spark ran twice) counts once.
public struct PartialMerge {
    /// What every partial must have been made under (the merge's own key and files).
    public let binding: PartialBinding
    private var partials: [PartialResult] = []
    private var digests = Set<String>()
    /// The file each range was read from, to tell a retried task from a conflicting one.
    private var rangeDigests: [RangeKey: String] = [:]

    private struct RangeKey: Hashable {
        var input: String
        var start: Int64
        var end: Int64
    }

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
            rangeDigests[key] = digest
        }
        digests.insert(digest)
        partials.append(partial)
        return true
    }

    /// How many distinct partials were added.
    public var count: Int { partials.count }

    /// The merged findings, in the report's order. The partials' counters and unread inputs go
    /// to `diagnostics` (each unread input named again); a file whose ranges leave a gap is
    /// named there too, and the ranges after the gap are left out (their lines cannot be
    /// numbered).
    public func findings(accounts: AccountList, diagnostics: Diagnostics) -> [Finding] {
        var aggregator = FindingAggregator(accounts: accounts)
        func replay(_ partial: PartialResult, lineShift: Int) {
            for entry in partial.sightings {
                var sighting = entry.sighting
                sighting.source.line += lineShift
                aggregator.add(sighting, count: entry.count)
            }
            for var machine in partial.machines {
                machine.source.line += lineShift
                aggregator.add(machine)
            }
        }
        var rangesOfInput: [String: [PartialResult]] = [:]
        for partial in partials {
            partial.counters.add(to: diagnostics)
            for unread in partial.unread { diagnostics.error(unread.locator, unread.reason) }
            diagnostics.errors.add(max(0, partial.counters.errors - partial.unread.count), ordering: .relaxed)
            if let range = partial.range {
                rangesOfInput[range.input, default: []].append(partial)
            } else {
                replay(partial, lineShift: 0)
            }
        }
        for input in rangesOfInput.keys.sorted() {
            let ranges = rangesOfInput[input]!.sorted { $0.range!.start < $1.range!.start }
            let size = ranges[0].range!.size
            var (expected, lineShift): (Int64, Int) = (0, 0)
            for partial in ranges {
                let range = partial.range!
                guard range.start == expected, range.size == size else { break }
                replay(partial, lineShift: lineShift)
                lineShift += range.lineFeeds
                expected = range.end
            }
            if expected < size {
                diagnostics.error(
                    input,
                    "no partial read its bytes from \(expected) (of \(size), or the file changed between tasks): "
                        + "the lines after are not reported"
                )
            }
        }
        return aggregator.findings()
    }
}
