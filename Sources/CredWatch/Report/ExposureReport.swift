import Foundation

extension ExposureStore {
    /// The store once every sighting is in: cookies merged by machine, machines attached,
    /// severity and action known. Findings are built from the records when read, and the report
    /// order is sorted on record indices with a comparator that reads the arena.
    struct Report: Sendable {
        let store: ExposureStore
        /// The victim machine of each interned path.
        let machineOfPath: [VictimMachine?]
        /// One finding per infected organisation machine, after the records' positions.
        let machineFindings: [Finding]
        /// Threads the report order is sorted on.
        var threads = 1

        var count: Int { store.records.count + machineFindings.count }

        func finding(at index: Int) -> Finding {
            guard index < store.records.count else { return machineFindings[index - store.records.count] }
            return store.finding(index, machineOfPath: machineOfPath)
        }

        func kindAndSeverity(at index: Int) -> (FindingKind, Severity) {
            guard index < store.records.count else {
                let finding = machineFindings[index - store.records.count]
                return (finding.kind, finding.severity)
            }
            let record = store.records[index]
            return (FindingKind.allCases[Int(record.kind)], Severity.allCases[Int(record.severity)])
        }

        func exposureKey(at index: Int) -> String {
            guard index < store.records.count else { return machineFindings[index - store.records.count].exposureKey }
            return store.keyText(index)
        }

        /// Live positions (records merged into another left out), in report order.
        func reportOrder() -> [Int] {
            let strings = ReportOrderStrings(store)
            let live = store.records.indices.filter { store.records[$0].flags & Record.merged == 0 }
            // Runs sorted on their own threads, then merged: the order is total (the exposure
            // key decides last), so the result is the one sort of the whole gives.
            let runs = inParallel(live.count, threads: threads, minimumPart: 1 << 12) { range in
                live[range].sorted { strings.precedes($0, $1) }
            }
            var order = runs.first ?? []
            for run in runs.dropFirst() { order = Self.merge(order, run, by: strings.precedes) }
            guard !machineFindings.isEmpty else { return order }
            // Few: each is placed by binary search against keys of the records it meets.
            let machineOrder = Finding.reportOrderIndices(machineFindings)
            for position in machineOrder {
                let key = ReportOrderKey(machineFindings[position])
                var (low, high) = (0, order.count)
                while low < high {
                    let middle = (low + high) / 2
                    let other = ReportOrderKey(finding(at: order[middle]))
                    if other.precedes(key) { low = middle + 1 } else { high = middle }
                }
                order.insert(store.records.count + position, at: low)
            }
            return order
        }

        /// The two sorted runs as one, taking from `first` on a tie.
        private static func merge(_ first: [Int], _ second: [Int], by precedes: (Int, Int) -> Bool) -> [Int] {
            var merged: [Int] = []
            merged.reserveCapacity(first.count + second.count)
            var (left, right) = (0, 0)
            while left < first.count && right < second.count {
                if precedes(second[right], first[left]) {
                    merged.append(second[right])
                    right += 1
                } else {
                    merged.append(first[left])
                    left += 1
                }
            }
            merged.append(contentsOf: first[left...])
            merged.append(contentsOf: second[right...])
            return merged
        }
    }

    /// Merges cookies by machine, works out each record's severity and action, and returns the
    /// report (`FindingAggregator.report`).
    /// `threads`: how many threads work out severities and sort the report.
    mutating func report(machines sightings: [String: [MachineSighting]], threads: Int = 1) -> Report {
        let directory = MachineDirectory(sightings, accounts: accounts, credentialPaths: paths.values.map(\.text))
        let machineOfPath = paths.values.map { directory.machine(holding: $0.text) }
        // A cookie is one exposure per victim machine: the records of its folders are keyed on
        // the machine of each, and merged when that is the same.
        var cookieOnMachine: [ExposureKey: Int] = [:]
        for index in records.indices {
            guard let key = extra(of: records[index])?.cookieKey else { continue }
            let machine = machineOfPath[Int(records[index].source.path)]
            let final = key.onMachine(machine?.identity ?? "")
            if let survivor = cookieOnMachine[final] {
                absorb(index, into: survivor)
            } else {
                cookieOnMachine[final] = index
                extras[Int(records[index].extra)].keyText = final.text
            }
        }
        let verdicts = Self.triage(self, machineOfPath: machineOfPath, threads: threads)
        for index in records.indices where records[index].flags & Record.merged == 0 {
            (records[index].severity, records[index].action) = verdicts[index]
        }
        var report = Report(
            store: self,
            machineOfPath: machineOfPath,
            machineFindings: directory.infectedMachineFindings()
        )
        report.threads = threads
        return report
    }

    /// The severity and action (indices) of each live record, worked out on `threads` threads
    /// from the store as it is (the records are only read).
    private static func triage(_ store: ExposureStore, machineOfPath: [VictimMachine?], threads: Int) -> [(Int8, Int8)]
    {
        inParallel(store.records.count, threads: threads, minimumPart: 1 << 12) { range in
            range.map { index -> (Int8, Int8) in
                guard store.records[index].flags & Record.merged == 0 else { return (0, 0) }
                let triage = TriageRules.evaluate(store.facts(index, machineOfPath: machineOfPath).facts)
                return (Int8(triage.severity.rank), Int8(Action.allCases.firstIndex(of: triage.action)!))
            }
        }.flatMap { $0 }
    }

    /// Merges the record at `other` into the one at `index` (the same cookie read in two
    /// folders of one machine), as `Exposure.absorb`.
    private mutating func absorb(_ other: Int, into index: Int) {
        let absorbed = records[other]
        let absorbedExtra = extra(of: absorbed)!
        let sample =
            absorbedExtra.sources
            ?? {
                var sample = SourceSample()
                sample.add(source(absorbed.source), sightings: absorbed.total)
                return sample
            }()
        var mine = extra(of: records[index])!
        if mine.sources == nil {
            var own = SourceSample()
            own.add(source(records[index].source), sightings: records[index].total)
            mine.sources = own
        }
        mine.sources!.absorb(sample)
        if absorbed.alsoMatched >= 0 { mergeAlsoMatched(alsoMatchedSets[absorbed.alsoMatched], into: index) }
        mergePasswordLastChange(absorbed.passwordLastChange < 0 ? nil : dates[absorbed.passwordLastChange], into: index)
        if let expiry = absorbedExtra.latestCookieExpiry {
            mine.latestCookieExpiry = max(mine.latestCookieExpiry ?? expiry, expiry)
        }
        var record = records[index]
        record.flags |= absorbed.flags & Record.ambiguous
        if let verdict = absorbed.isPasswordCurrent {
            let merged = (record.isPasswordCurrent ?? false) || verdict
            record.flags =
                record.flags & ~Record.currentValue | Record.currentKnown | (merged ? Record.currentValue : 0)
        }
        let absorbedSource = source(absorbed.source)
        let ownSource = source(record.source)
        let takesRepresentative =
            absorbedSource != ownSource
            ? absorbedSource < ownSource
            : tieBreakFields(of: other).lexicographicallyPrecedes(tieBreakFields(of: index))
        if takesRepresentative {
            record.url = absorbed.url
            record.host = absorbed.host
            record.login = absorbed.login
            record.fingerprint = absorbed.fingerprint
            record.passwordLength = absorbed.passwordLength
            record.rule = absorbed.rule
            record.platform = absorbed.platform
            record.ascii = record.ascii & Record.asciiKey | absorbed.ascii & ~Record.asciiKey
            record.source = absorbed.source
            mine.cookie = absorbedExtra.cookie
            mine.cleartext = absorbedExtra.cleartext
        }
        record.total = mine.sources!.total
        records[index] = record
        extras[Int(record.extra)] = mine
        records[other].flags |= Record.merged
    }

    /// The facts of the finding at `index` that need its machines.
    private func facts(_ index: Int, machineOfPath: [VictimMachine?])
        -> (facts: TriageRules.Facts, machines: [VictimMachine], changedAfterTheft: Bool?)
    {
        let record = records[index]
        let extra = extra(of: record)
        var machines = Set<VictimMachine>()
        // Machines come from the listed sources (see `Finding.maxListedSources`).
        if let sample = extra?.sources {
            for source in sample.sources {
                if let path = paths.existing(SpelledText(source.path)), let machine = machineOfPath[Int(path)] {
                    machines.insert(machine)
                }
            }
        } else if let machine = machineOfPath[Int(record.source.path)] {
            machines.insert(machine)
        }
        let sortedMachines = machines.sorted(by: VictimMachine.relevanceOrder)
        let lastLogDate = sortedMachines.compactMap(\.logDate).max()
        var changedAfterTheft: Bool?
        let passwordLastChange = record.passwordLastChange < 0 ? nil : dates[record.passwordLastChange]
        if !record.fingerprint.isNone, let change = passwordLastChange, let lastLogDate {
            changedAfterTheft = change.isCertainlyAfter(lastLogDate)
        }
        // Verification is authoritative: a password that still works was not changed.
        if record.isPasswordCurrent == true { changedAfterTheft = false }
        let platform = platform(of: record)
        let facts = TriageRules.Facts(
            kind: FindingKind.allCases[Int(record.kind)],
            platformSeverity: platform?.severity,
            identityProviderInUse: platform?.identityProviderInUse,
            fromOrganisationMachine: sortedMachines.contains(where: \.isOrganisationMachine),
            isPasswordCurrent: record.isPasswordCurrent,
            changedAfterTheft: changedAfterTheft,
            isAccountDisabled: record.account >= 0 && !isEnabled(record.account),
            isServiceAccount: record.account >= 0 && accounts.isServiceAccount(Int(record.account))
        )
        return (facts, sortedMachines, changedAfterTheft)
    }

    func keyText(_ index: Int) -> String {
        extra(of: records[index])?.keyText ?? string(records[index].key)!
    }

    /// The finding of the record at `index` (as `Exposure.finding`).
    func finding(_ index: Int, machineOfPath: [VictimMachine?]) -> Finding {
        let record = records[index]
        let extra = extra(of: record)
        let (facts, sortedMachines, changedAfterTheft) = self.facts(index, machineOfPath: machineOfPath)
        let listed = VictimMachine.distinct(sortedMachines)
        let logDates = sortedMachines.compactMap(\.logDate)
        var cookie = extra?.cookie
        if let latest = extra?.latestCookieExpiry { cookie?.expiry = latest }
        let platform = platform(of: record)
        var others = record.alsoMatched < 0 ? [] : alsoMatchedSets[record.alsoMatched]
        if let platform { others.remove(platform.id) }
        let password = string(record.fingerprint).map {
            PasswordEvidence(fingerprint: $0, length: Int(record.passwordLength), cleartext: extra?.cleartext)
        }
        return Finding(
            kind: facts.kind,
            // As `report` worked them out from the same facts.
            severity: Severity.allCases[Int(record.severity)],
            action: Action.allCases[Int(record.action)],
            directoryAccount: record.account < 0 ? nil : accounts[Int(record.account)],
            match: rule(of: record),
            platform: platform?.id,
            platformName: platform?.name,
            alsoMatched: others.sorted(),
            url: string(record.url),
            host: string(record.host),
            login: string(record.login),
            passwordEvidence: password,
            passwordCurrent: record.isPasswordCurrent,
            passwordLastChange: record.passwordLastChange < 0 ? nil : dates[record.passwordLastChange],
            changedAfterTheft: changedAfterTheft,
            cookie: cookie,
            sources: extra?.sources?.sources ?? [source(record.source)],
            sourcesOmitted: extra?.sources?.omitted ?? 0,
            count: record.total,
            firstLogDate: logDates.min(),
            lastLogDate: logDates.max(),
            machines: listed.machines,
            machinesOmitted: listed.omitted,
            ambiguous: record.flags & Record.ambiguous != 0,
            exposureKey: keyText(index)
        )
    }
}

/// The report order (`ReportOrderKey`) on records, read from the arena: bytes compared
/// directly when both sides are ASCII (where byte order is `String` order), `String`s
/// otherwise, so the order is the same as the findings'.
private struct ReportOrderStrings: Sendable {
    let store: ExposureStore
    /// Per interned path: ASCII without NUL, so that comparing it alone orders the source
    /// text `path\0line\0family` the same way.
    let plainPath: [Bool]
    /// Per record: the rank of its account's identifier among the identifiers the records
    /// name (`String` order, equal identifiers equal ranks; -1 without an account); and each
    /// platform's rank by id (at `platform + 1`; no platform is ""): the order compares two
    /// integers where it compared two strings. By record, not by account: a million accounts
    /// would make megabytes for a few findings.
    let accountRanks: [Int32]
    let platformRanks: [Int32]

    init(_ store: ExposureStore) {
        self.store = store
        plainPath = store.paths.values.map { $0.text.utf8.allSatisfy { $0 > 0 && $0 < 0x80 } }
        // Only the accounts the records name, each from its bytes once.
        var identifierOf: [Int32: String] = [:]
        for record in store.records where record.account >= 0 && identifierOf[record.account] == nil {
            identifierOf[record.account] = store.withIdentifier(of: record.account) {
                String(decoding: $0, as: UTF8.self)
            }
        }
        let named = Array(identifierOf.keys)
        let rankOf = Dictionary(uniqueKeysWithValues: zip(named, Self.ranks(named.map { identifierOf[$0] })))
        accountRanks = store.records.map { $0.account >= 0 ? rankOf[$0.account] ?? -1 : -1 }
        platformRanks = Self.ranks([""] + store.platforms.values.map(\.id))
    }

    /// The rank of each string among the others (nil: -1, not ranked).
    private static func ranks(_ strings: [String?]) -> [Int32] {
        let sorted = strings.indices.filter { strings[$0] != nil }.sorted { strings[$0]! < strings[$1]! }
        var ranks = [Int32](repeating: -1, count: strings.count)
        var rank: Int32 = 0
        for (offset, position) in sorted.enumerated() {
            if offset > 0 && strings[sorted[offset - 1]]! != strings[position]! { rank += 1 }
            ranks[position] = rank
        }
        return ranks
    }

    func precedes(_ a: Int, _ b: Int) -> Bool {
        store.records.withUnsafeBufferPointer { records in
            let lhs = records[a]
            let rhs = records[b]
            if lhs.severity != rhs.severity { return lhs.severity > rhs.severity }
            if lhs.account != rhs.account {
                // Findings with an account first.
                if lhs.account < 0 || rhs.account < 0 { return rhs.account < 0 }
                let left = accountRanks[a]
                let right = accountRanks[b]
                if left != right { return left < right }
            }
            if lhs.kind != rhs.kind { return lhs.kind < rhs.kind }
            if lhs.platform != rhs.platform {
                let left = platformRanks[Int(lhs.platform) + 1]
                let right = platformRanks[Int(rhs.platform) + 1]
                if left != right { return left < right }
            }
            typealias Record = ExposureStore.Record
            var order = compare(lhs.login, lhs.ascii & Record.asciiLogin, rhs.login, rhs.ascii & Record.asciiLogin)
            if order != 0 { return order < 0 }
            order = compare(
                lhs.fingerprint,
                lhs.ascii & Record.asciiFingerprint,
                rhs.fingerprint,
                rhs.ascii & Record.asciiFingerprint
            )
            if order != 0 { return order < 0 }
            order = compare(lhs.url, lhs.ascii & Record.asciiURL, rhs.url, rhs.ascii & Record.asciiURL)
            if order != 0 { return order < 0 }
            order = compareSources(lhs.source, rhs.source)
            if order != 0 { return order < 0 }
            return store.keyText(a) < store.keyText(b)
        }
    }

    /// -1, 0 or 1 as `lhs` sorts before, with or after `rhs` (no text sorts as "").
    private func compare(_ lhs: ExposureStore.Text, _ lhsASCII: UInt8, _ rhs: ExposureStore.Text, _ rhsASCII: UInt8)
        -> Int
    {
        if lhsASCII != 0 && rhsASCII != 0 {
            return store.arena.withUnsafeBufferPointer { arena in
                let left = lhs.isNone ? 0 : Int(lhs.count)
                let right = rhs.isNone ? 0 : Int(rhs.count)
                let common = min(left, right)
                if common > 0 {
                    let order = memcmp(arena.baseAddress! + lhs.offset, arena.baseAddress! + rhs.offset, common)
                    if order != 0 { return order < 0 ? -1 : 1 }
                }
                return left == right ? 0 : left < right ? -1 : 1
            }
        }
        let left = store.string(lhs) ?? ""
        let right = store.string(rhs) ?? ""
        return left == right ? 0 : left < right ? -1 : 1
    }

    /// Orders as the text `path\0line\0family` of each source does.
    private func compareSources(_ lhs: ExposureStore.CompactSource, _ rhs: ExposureStore.CompactSource) -> Int {
        func text(_ source: ExposureStore.CompactSource) -> String {
            "\(store.paths[source.path].text)\u{0}\(source.line)\u{0}\(Family.allCases[Int(source.family)].rawValue)"
        }
        if lhs.path != rhs.path {
            if plainPath[Int(lhs.path)] && plainPath[Int(rhs.path)] {
                // Different interned paths are different bytes, and so, in ASCII, strings.
                return store.paths[lhs.path].text < store.paths[rhs.path].text ? -1 : 1
            }
            let left = text(lhs)
            let right = text(rhs)
            return left == right ? 0 : left < right ? -1 : 1
        }
        if lhs.line != rhs.line {
            let left = String(lhs.line)
            let right = String(rhs.line)
            if left != right { return left < right ? -1 : 1 }
        }
        if lhs.family != rhs.family {
            let left = Family.allCases[Int(lhs.family)].rawValue
            let right = Family.allCases[Int(rhs.family)].rawValue
            if left != right { return left < right ? -1 : 1 }
        }
        return 0
    }
}
