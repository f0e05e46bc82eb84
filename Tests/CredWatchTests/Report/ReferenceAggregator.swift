@testable import CredWatch

// The aggregator as it was before `ExposureStore` (one `Sighting`-based value per exposure,
// whole findings sorted by `Finding.inReportOrder`), kept unchanged as the oracle of
// `ExposureStoreTests`: the compact store must give the very same findings, in the same order.

struct ReferenceAggregator {
    private let accounts: AccountList
    private var exposures: [ExposureKey: ReferenceExposure] = [:]
    /// System-information sightings by the folder (or archive) that holds them.
    private var machineSightings: [String: [MachineSighting]] = [:]

    init(accounts: AccountList) {
        self.accounts = accounts
    }

    init(accounts: [Account]) {
        self.init(accounts: AccountList(accounts))
    }

    /// `count`: how many sightings `sighting` stands for (a partial result folds repeats).
    mutating func add(_ sighting: Sighting, count: Int = 1) {
        let account = account(at: sighting.account)
        let key = ExposureKey(sighting, account: account)
        if let index = exposures.index(forKey: key) {
            exposures.values[index].merge(sighting, count: count)
        } else {
            exposures[key] = ReferenceExposure(key: key, first: sighting, count: count, account: account)
        }
    }

    mutating func add(_ machine: MachineSighting) {
        machineSightings[machine.folder, default: []].append(machine)
    }

    /// Merged findings with machines attached, severity and action applied, in the
    /// deterministic report order.
    func findings() -> [Finding] {
        let directory = MachineDirectory(machineSightings, accounts: accounts)
        var machineOfPath: [String: VictimMachine?] = [:]
        func machine(holding path: String) -> VictimMachine? {
            if let known = machineOfPath[path] { return known }
            let found = directory.machine(holding: path)
            machineOfPath[path] = found
            return found
        }
        // A cookie is one exposure per victim machine: the exposures of its folders are keyed
        // on the machine of each, and merged when that is the same.
        var merged: [ReferenceExposure] = []
        merged.reserveCapacity(exposures.count)
        var cookieOnMachine: [ExposureKey: Int] = [:]
        for exposure in exposures.values {
            guard exposure.key.kind == .cookie, let path = exposure.sources.sources.first?.path else {
                merged.append(exposure)
                continue
            }
            let key = exposure.key.onMachine(machine(holding: path)?.identity ?? "")
            if let index = cookieOnMachine[key] {
                merged[index].absorb(exposure)
            } else {
                cookieOnMachine[key] = merged.count
                merged.append(exposure.rekeyed(key))
            }
        }
        var result: [Finding] = []
        result.reserveCapacity(merged.count)
        for exposure in merged {
            var machines = Set<VictimMachine>()
            // Machines come from the listed sources (see `Finding.maxListedSources`).
            for source in exposure.sources.sources {
                if let machine = machine(holding: source.path) { machines.insert(machine) }
            }
            result.append(exposure.finding(machines: machines))
        }
        result += directory.infectedMachineFindings()
        return Finding.inReportOrder(result)
    }

    /// The account at `index` of the export; nil for no index or one out of range.
    private func account(at index: Int?) -> Account? {
        guard let index, accounts.indices.contains(index) else { return nil }
        return accounts[index]
    }
}

/// The sightings of one exposure, merged as they arrive.
private struct ReferenceExposure {
    private(set) var key: ExposureKey
    let account: Account?
    /// The sighting with the smallest source: its URL, login and host stand for all.
    private(set) var representative: Sighting
    private(set) var sources = SourceSample()
    private var alsoMatched: Set<String>
    private var isAmbiguous: Bool
    private var isPasswordCurrent: Bool?
    private var passwordLastChange: Timestamp?
    private var latestCookieExpiry: Int64?

    init(key: ExposureKey, first: Sighting, count: Int, account: Account?) {
        self.key = key
        self.account = account
        representative = first
        sources.add(first.source, sightings: count)
        alsoMatched = Set(first.alsoMatched)
        isAmbiguous = first.isAmbiguous
        isPasswordCurrent = first.isPasswordCurrent
        passwordLastChange = first.passwordLastChange
        latestCookieExpiry = first.cookie?.expiry
    }

    mutating func merge(_ sighting: Sighting, count: Int) {
        sources.add(sighting.source, sightings: count)
        mergeFacts(of: sighting)
    }

    /// Merges another exposure's sightings into this one (the same cookie read in two folders
    /// of one machine).
    mutating func absorb(_ other: ReferenceExposure) {
        sources.absorb(other.sources)
        alsoMatched.formUnion(other.alsoMatched)
        isAmbiguous = isAmbiguous || other.isAmbiguous
        if let verdict = other.isPasswordCurrent { isPasswordCurrent = (isPasswordCurrent ?? false) || verdict }
        if let change = other.passwordLastChange, passwordLastChange.map({ change > $0 }) ?? true {
            passwordLastChange = change
        }
        if let expiry = other.latestCookieExpiry { latestCookieExpiry = max(latestCookieExpiry ?? expiry, expiry) }
        if Self.precedes(other.representative, representative) { representative = other.representative }
    }

    /// The same exposure under its final key.
    func rekeyed(_ newKey: ExposureKey) -> ReferenceExposure {
        var copy = self
        copy.key = newKey
        return copy
    }

    private mutating func mergeFacts(of sighting: Sighting) {
        alsoMatched.formUnion(sighting.alsoMatched)
        isAmbiguous = isAmbiguous || sighting.isAmbiguous
        // A verified-current verdict wins over "not current", which wins over "unknown".
        if let verdict = sighting.isPasswordCurrent { isPasswordCurrent = (isPasswordCurrent ?? false) || verdict }
        if let change = sighting.passwordLastChange, passwordLastChange.map({ change > $0 }) ?? true {
            passwordLastChange = change
        }
        if let expiry = sighting.cookie?.expiry { latestCookieExpiry = max(latestCookieExpiry ?? expiry, expiry) }
        if Self.precedes(sighting, representative) { representative = sighting }
    }

    /// A total order on sightings of one exposure, so the representative does not depend on
    /// arrival order.
    private static func precedes(_ lhs: Sighting, _ rhs: Sighting) -> Bool {
        if lhs.source != rhs.source { return lhs.source < rhs.source }
        return lhs.tieBreakFields.lexicographicallyPrecedes(rhs.tieBreakFields)
    }

    func finding(machines: Set<VictimMachine>) -> Finding {
        let sortedMachines = machines.sorted(by: VictimMachine.relevanceOrder)
        let listed = VictimMachine.distinct(sortedMachines)
        let logDates = sortedMachines.compactMap(\.logDate)
        let lastLogDate = logDates.max()
        var changedAfterTheft: Bool?
        if representative.password != nil, let change = passwordLastChange, let lastLogDate {
            changedAfterTheft = change.isCertainlyAfter(lastLogDate)
        }
        // Verification is authoritative: a password that still works was not changed.
        if isPasswordCurrent == true { changedAfterTheft = false }
        var cookie = representative.cookie
        if let latestCookieExpiry { cookie?.expiry = latestCookieExpiry }
        let facts = TriageRules.Facts(
            kind: representative.kind,
            platformSeverity: representative.platform?.severity,
            identityProviderInUse: representative.platform?.identityProviderInUse,
            fromOrganisationMachine: sortedMachines.contains(where: \.isOrganisationMachine),
            isPasswordCurrent: isPasswordCurrent,
            changedAfterTheft: changedAfterTheft,
            isAccountDisabled: account.map { !$0.isEnabled } ?? false,
            isServiceAccount: account?.isServiceAccount ?? false
        )
        let triage = TriageRules.evaluate(facts)
        var others = alsoMatched
        if let platform = representative.platform { others.remove(platform.id) }
        return Finding(
            kind: representative.kind,
            severity: triage.severity,
            action: triage.action,
            directoryAccount: account,
            match: representative.rule,
            platform: representative.platform?.id,
            platformName: representative.platform?.name,
            alsoMatched: others.sorted(),
            url: representative.url,
            host: representative.host,
            login: representative.login,
            passwordEvidence: representative.password,
            passwordCurrent: isPasswordCurrent,
            passwordLastChange: passwordLastChange,
            changedAfterTheft: changedAfterTheft,
            cookie: cookie,
            sources: sources.sources,
            sourcesOmitted: sources.omitted,
            count: sources.total,
            firstLogDate: logDates.min(),
            lastLogDate: lastLogDate,
            machines: listed.machines,
            machinesOmitted: listed.omitted,
            ambiguous: isAmbiguous,
            exposureKey: key.text
        )
    }
}
