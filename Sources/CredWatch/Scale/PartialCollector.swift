/// What one shard of a scan keeps of its sightings for a partial result: per exposure, every
/// distinct sighting at the first `Finding.maxListedSources` sources (with how many times it was
/// seen), and the sightings at the other sources folded into one. Memory stays bounded as the
/// aggregator's does, and replaying the entries of any partition of the inputs into one
/// `FindingAggregator` (`add(_:count:)`) gives the findings of one scan of them all:
///
/// - a source among the first N of all the inputs is among the first N of its shard's, so it
///   is listed with every sighting it had;
/// - a source left out here has N smaller sources in its shard alone, so the aggregator leaves
///   it out too: only its count and its facts (platforms also matched, ambiguity, password
///   verdict and change date, cookie expiry) reach the finding, and those merge by union, "or"
///   and maximum, so folding them first changes nothing. The folded sighting keeps a real
///   source of those left out (the largest): never the smallest, so never the representative.
///
/// `PartialMergeTests` checks this against one aggregator on random partitions and orders.
struct PartialCollector {
    private let accounts: AccountList
    private var exposures: [ExposureKey: ReducedExposure] = [:]
    private(set) var machines: [MachineSighting] = []

    init(accounts: AccountList) {
        self.accounts = accounts
    }

    mutating func add(_ sighting: Sighting) {
        let account = sighting.account.flatMap { accounts.indices.contains($0) ? accounts[$0] : nil }
        exposures[ExposureKey(sighting, account: account), default: ReducedExposure()].add(sighting)
    }

    mutating func add(_ machine: MachineSighting) {
        machines.append(machine)
    }

    /// Every entry, in a deterministic order (a partial's bytes do not depend on thread timing).
    var entries: [PartialSighting] {
        exposures.values.flatMap(\.entries).sorted(by: PartialSighting.storageOrder)
    }
}

/// A sighting seen `count` times.
public struct PartialSighting: Sendable, Equatable {
    public var sighting: Sighting
    public var count: Int

    /// By source, then by every other field: a total order on distinct entries.
    static func storageOrder(_ lhs: PartialSighting, _ rhs: PartialSighting) -> Bool {
        if lhs.sighting.source != rhs.sighting.source { return lhs.sighting.source < rhs.sighting.source }
        return lhs.sortFields.lexicographicallyPrecedes(rhs.sortFields)
    }

    private var sortFields: [String] {
        let s = sighting
        return [
            s.kind.rawValue, s.account.map(String.init) ?? "", s.platform?.id ?? "", s.url ?? "", s.login ?? "",
            s.host ?? "", s.rule?.rawValue ?? "", s.password?.fingerprint ?? "", s.cookie?.name ?? "",
            s.cookie?.path ?? "", s.cookie?.valueFingerprint ?? "", s.alsoMatched.joined(separator: ","),
            String(count),
        ]
    }
}

/// One exposure's sightings, reduced (see `PartialCollector`).
private struct ReducedExposure {
    /// Kept sources, sorted, each with its distinct sightings and their counts.
    private var listed: [(source: Source, sightings: [Sighting: Int])] = []
    /// The sightings at sources not kept, folded into one.
    private var folded: PartialSighting?

    mutating func add(_ sighting: Sighting) {
        let source = sighting.source
        var (low, high) = (0, listed.count)
        while low < high {
            let middle = (low + high) / 2
            if listed[middle].source < source { low = middle + 1 } else { high = middle }
        }
        if low < listed.count && listed[low].source == source {
            listed[low].sightings[sighting, default: 0] += 1
            return
        }
        if listed.count == Finding.maxListedSources {
            if low == listed.count {
                fold(sighting, count: 1)
                return
            }
            let evicted = listed.removeLast()
            for (other, count) in evicted.sightings { fold(other, count: count) }
        }
        listed.insert((source, [sighting: 1]), at: low)
    }

    private mutating func fold(_ sighting: Sighting, count: Int) {
        guard var into = folded else {
            folded = PartialSighting(sighting: sighting, count: count)
            return
        }
        into.count += count
        var facts = into.sighting
        if sighting.source > facts.source {
            // The carrier is the largest source left out; the facts carry over.
            let kept = facts
            facts = sighting
            facts.alsoMatched = kept.alsoMatched
            facts.isAmbiguous = kept.isAmbiguous
            facts.isPasswordCurrent = kept.isPasswordCurrent
            facts.passwordLastChange = kept.passwordLastChange
            if let expiry = kept.cookie?.expiry { facts.cookie?.expiry = expiry }
        }
        facts.alsoMatched = Array(Set(facts.alsoMatched).union(sighting.alsoMatched)).sorted()
        facts.isAmbiguous = facts.isAmbiguous || sighting.isAmbiguous
        if let verdict = sighting.isPasswordCurrent {
            facts.isPasswordCurrent = (facts.isPasswordCurrent ?? false) || verdict
        }
        if let change = sighting.passwordLastChange, facts.passwordLastChange.map({ change > $0 }) ?? true {
            facts.passwordLastChange = change
        }
        if let expiry = sighting.cookie?.expiry, let current = facts.cookie?.expiry, expiry > current {
            facts.cookie?.expiry = expiry
        }
        into.sighting = facts
        folded = into
    }

    var entries: [PartialSighting] {
        var result = listed.flatMap { entry in
            entry.sightings.map { PartialSighting(sighting: $0.key, count: $0.value) }
        }
        if let folded { result.append(folded) }
        return result
    }
}
