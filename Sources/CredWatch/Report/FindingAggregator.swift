/// Merges sightings into findings: one finding per exposure, whatever the number of dumps or
/// files it was seen in, with the victim machines of its sources attached.
///
/// Runs on the collector thread. Every merge is order-independent (sets, minimums, "any"), so
/// the findings do not depend on the order in which parse workers delivered the sightings.
public struct FindingAggregator {
    private let accounts: AccountList
    private var exposures: [ExposureKey: Exposure] = [:]
    /// System-information sightings by the folder (or archive) that holds them.
    private var machineSightings: [String: [MachineSighting]] = [:]

    public init(accounts: AccountList) {
        self.accounts = accounts
    }

    public init(accounts: [Account]) {
        self.init(accounts: AccountList(accounts))
    }

    /// `count`: how many sightings `sighting` stands for (a partial result folds repeats).
    public mutating func add(_ sighting: Sighting, count: Int = 1) {
        let account = account(at: sighting.account)
        let key = ExposureKey(sighting, account: account)
        if let index = exposures.index(forKey: key) {
            exposures.values[index].merge(sighting, count: count)
        } else {
            exposures[key] = Exposure(key: key, first: sighting, count: count, account: account)
        }
    }

    public mutating func add(_ machine: MachineSighting) {
        machineSightings[machine.folder, default: []].append(machine)
    }

    /// Merged findings with machines attached, severity and action applied, in the
    /// deterministic report order.
    public func findings() -> [Finding] {
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
        var merged: [Exposure] = []
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

/// The first `capacity` distinct sources of an exposure in the report's order (path, line,
/// family), with how many sightings each had; sightings elsewhere are only counted, so memory
/// stays bounded however often an exposure is sighted.
///
/// What is kept does not depend on the order sightings arrive in (thread timing): a source
/// among the first `capacity` of all is never evicted (fewer than `capacity` distinct sources
/// precede it) and so keeps every sighting of it; any other is evicted or never kept. The list,
/// and the sightings left out, are the same for every order.
struct SourceSample {
    let capacity: Int
    /// Kept sources, sorted.
    private(set) var sources: [Source] = []
    /// Sightings of each kept source.
    private var sightings: [Int] = []
    /// Every sighting added.
    private(set) var total = 0

    init(capacity: Int = Finding.maxListedSources) {
        self.capacity = max(1, capacity)
    }

    mutating func add(_ source: Source, sightings count: Int = 1) {
        total &+= count
        var (low, high) = (0, sources.count)
        while low < high {
            let middle = (low + high) / 2
            if sources[middle] < source { low = middle + 1 } else { high = middle }
        }
        if low < sources.count && sources[low] == source {
            sightings[low] &+= count
            return
        }
        if sources.count == capacity {
            // After every kept source: left out. Else the last kept one makes room.
            if low == sources.count { return }
            sources.removeLast()
            sightings.removeLast()
        }
        sources.insert(source, at: low)
        sightings.insert(count, at: low)
    }

    /// Adds every sighting of `other`: its kept sources with their sightings, and the ones it
    /// left out as left out. The result is the sample of all the sightings of both, as a source
    /// among the first `capacity` of both is among the first of its own sample.
    mutating func absorb(_ other: SourceSample) {
        for (source, count) in zip(other.sources, other.sightings) { add(source, sightings: count) }
        total &+= other.omitted
    }

    /// Sightings at sources not kept.
    var omitted: Int { total - sightings.reduce(0, +) }
}

/// The sightings of one exposure, merged as they arrive.
private struct Exposure {
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
    mutating func absorb(_ other: Exposure) {
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
    func rekeyed(_ newKey: ExposureKey) -> Exposure {
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
            isAccountDisabled: account.map { !$0.isEnabled } ?? false
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

extension Sighting {
    /// What tells apart two sightings of one exposure that share a source.
    fileprivate var tieBreakFields: [String] {
        [
            url ?? "", login ?? "", host ?? "", rule?.rawValue ?? "", platform?.name ?? "", cookie?.path ?? "",
            cookie.map { $0.isSecure ? "1" : "0" } ?? "",
        ]
    }
}

/// The victim machines, by the folder that holds their system information.
private struct MachineDirectory {
    /// One folder's system-information files merged.
    struct FolderMachine {
        var machine: VictimMachine
        var account: Account?
        var sources: [Source]
    }

    private var machineOfFolder: [String: FolderMachine] = [:]

    init(_ sightingsByFolder: [String: [MachineSighting]], accounts: AccountList) {
        for (folder, sightings) in sightingsByFolder {
            machineOfFolder[folder] = Self.merge(sightings.sorted { $0.source < $1.source }, folder, accounts)
        }
    }

    /// How many folders up from a file its victim's system information is looked for. A
    /// stealer's files sit a few levels below the victim folder (`FR[…]/Browsers/Chrome/Default/
    /// Passwords.txt`); looking further would cost, for a file below a chain of thousands of
    /// folders, a copy of its path per level.
    static let maxFolderLevels = 32

    /// The machine of the nearest folder that holds `path` (at most `maxFolderLevels` up).
    func machine(holding path: String) -> VictimMachine? {
        var current = Substring(path)
        for _ in 0..<Self.maxFolderLevels {
            guard let cut = current.lastIndex(where: { $0 == "/" || $0 == "!" }) else {
                return machineOfFolder[""]?.machine
            }
            current = current[..<cut]
            if let found = machineOfFolder[String(current)] { return found.machine }
        }
        return nil
    }

    /// One `infected_machine` finding per organisation machine, however many folders or
    /// dumps describe it (a re-sold or re-infected machine keeps one finding).
    func infectedMachineFindings() -> [Finding] {
        var folderMachinesOfIdentity: [String: [FolderMachine]] = [:]
        for folderMachine in machineOfFolder.values {
            folderMachinesOfIdentity[folderMachine.machine.identity, default: []].append(folderMachine)
        }
        var findings: [Finding] = []
        for (identity, folderMachines) in folderMachinesOfIdentity
        where folderMachines.contains(where: \.machine.isOrganisationMachine) {
            let machines = Set(folderMachines.map(\.machine)).sorted(by: VictimMachine.relevanceOrder)
            let listed = VictimMachine.distinct(machines)
            var sources = SourceSample()
            for source in folderMachines.flatMap(\.sources) { sources.add(source) }
            let account = folderMachines.sorted { $0.sources.lexicographicallyPrecedes($1.sources) }
                .lazy.compactMap(\.account).first
            let logDates = machines.compactMap(\.logDate)
            let triage = TriageRules.evaluate(TriageRules.Facts(kind: .infectedMachine))
            findings.append(
                Finding(
                    kind: .infectedMachine,
                    severity: triage.severity,
                    action: triage.action,
                    directoryAccount: account,
                    sources: sources.sources,
                    sourcesOmitted: sources.omitted,
                    count: sources.total,
                    firstLogDate: logDates.min(),
                    lastLogDate: logDates.max(),
                    machines: listed.machines,
                    machinesOmitted: listed.omitted,
                    exposureKey: ExposureKey.text(machineIdentity: identity)
                )
            )
        }
        return findings
    }

    /// Merges the system-information sightings of one folder, smallest source first: each
    /// field comes from the first file that has it.
    private static func merge(_ sightings: [MachineSighting], _ folder: String, _ accounts: AccountList)
        -> FolderMachine
    {
        func first(_ field: KeyPath<VictimInfo, String?>) -> String? {
            sightings.lazy.compactMap { $0.info[keyPath: field] }.first { !$0.isEmpty }
        }
        var info = VictimInfo()
        info.hostname = first(\.hostname)
        info.user = first(\.user)
        info.domain = first(\.domain)
        info.ip = first(\.ip)
        info.country = first(\.country)
        info.hwid = first(\.hwid)
        info.logDate = sightings.lazy.compactMap(\.info.logDate).first
        var machine = VictimMachine(
            identity: ExposureKey.machineIdentity(of: info, folder: folder),
            hostname: info.hostname,
            user: info.user,
            domain: info.domain,
            ip: info.ip,
            country: info.country,
            hwid: info.hwid,
            logDate: info.logDate,
            isOrganisationMachine: sightings.contains(where: \.isOrganisationMachine),
            evidence: Set(sightings.flatMap(\.evidence)).sorted()
        )
        let account = sightings.lazy.compactMap(\.account).first { accounts.indices.contains($0) }.map {
            accounts[$0]
        }
        machine.account = account?.identifier
        return FolderMachine(machine: machine, account: account, sources: sightings.map(\.source))
    }
}
