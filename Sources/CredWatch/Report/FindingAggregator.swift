/// Merges sightings into findings: one finding per exposure, whatever the number of dumps or
/// files it was seen in, with the victim machines of its sources attached.
///
/// Runs on the collector thread. Every merge is order-independent (sets, minimums, "any"), so
/// the findings do not depend on the order in which parse workers delivered the sightings.
public struct FindingAggregator {
    /// The exposures, as compact records (`ExposureStore`).
    private var store: ExposureStore
    /// System-information sightings by the folder (or archive) that holds them.
    private var machineSightings: [String: [MachineSighting]] = [:]

    public init(accounts: AccountList) {
        store = ExposureStore(accounts: accounts)
    }

    public init(accounts: [Account]) {
        self.init(accounts: AccountList(accounts))
    }

    /// `count`: how many sightings `sighting` stands for (a partial result folds repeats).
    public mutating func add(_ sighting: Sighting, count: Int = 1) {
        store.add(sighting, count: count)
    }

    public mutating func add(_ machine: MachineSighting) {
        machineSightings[machine.folder, default: []].append(machine)
    }

    /// Merged findings with machines attached, severity and action applied, in the
    /// deterministic report order: each built when it is read, from the compact records.
    /// Adding more sightings afterwards is not supported (take the report last).
    /// `threads`: how many threads work out severities and sort the findings (the result does
    /// not depend on it).
    public mutating func report(threads: Int = 1) -> FindingReport {
        FindingReport(store: store.report(machines: machineSightings, threads: threads))
    }

    /// The findings of `report()` as values (for callers that keep them all).
    public func findings() -> [Finding] {
        var copy = self
        return Array(copy.report())
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

extension Sighting {
    /// What tells apart two sightings of one exposure that share a source.
    var tieBreakFields: [String] {
        [
            url ?? "", login ?? "", host ?? "", rule?.rawValue ?? "", platform?.name ?? "", cookie?.path ?? "",
            cookie.map { $0.isSecure ? "1" : "0" } ?? "",
        ]
    }
}

/// The victim machines, by the folder that holds their system information.
struct MachineDirectory {
    /// One folder's system-information files merged.
    struct FolderMachine {
        var machine: VictimMachine
        var account: Account?
        var sources: [Source]
    }

    private var machineOfFolder: [String: FolderMachine] = [:]

    /// `credentialPaths`: where the credentials and cookies to attach machines to were read.
    init(_ sightingsByFolder: [String: [MachineSighting]], accounts: AccountList, credentialPaths: [String] = []) {
        var byVictim: [String: [MachineSighting]] = [:]
        let victimFolders = Self.victimFolders(
            sightingsByFolder.mapValues { $0.lazy.compactMap(\.info.hostname).first { !$0.isEmpty } },
            credentialPaths: credentialPaths
        )
        for (folder, sightings) in sightingsByFolder {
            byVictim[victimFolders[folder] ?? folder, default: []].append(contentsOf: sightings)
        }
        for (folder, sightings) in byVictim {
            machineOfFolder[folder] = Self.merge(sightings.sorted { $0.source < $1.source }, folder, accounts)
        }
    }

    /// How many folders up system information in a subfolder of its victim is looked for the
    /// victim's credentials (`victim/System/Information.txt`, `victim/info/UserInfo.txt`).
    static let maxVictimLevels = 2

    /// The victim folder of system information that sits in a subfolder of it named so
    /// (`System/`, `info/`), by that subfolder: the nearest folder above (at most `maxVictimLevels` up, never above the
    /// archive that holds it) that holds stealer credential or cookie files, when none lies
    /// below the subfolder itself, and the folder above has no system information of its own
    /// and holds no other machine's (no file naming another host, or none) — a dump of victim
    /// folders, each with its own system information, stays one machine per folder. Combolists
    /// do not count: a combolist next to a victim folder is no file of that victim.
    static func victimFolders(_ hostnameOfFolder: [String: String?], credentialPaths: [String]) -> [String: String] {
        var foldersHoldingStealerFiles = Set<Substring>()
        for path in credentialPaths {
            switch DocumentClassifier.role(forLocator: path) {
            case .credentials, .credentialsJSON, .cookies: break
            default: continue
            }
            forEachFolder(above: path, levels: maxFolderLevels) { folder, _ in
                foldersHoldingStealerFiles.insert(folder)
                return true
            }
        }
        // The system information below each folder near one: how many folders, which host names.
        // What lies in a grab folder (`FileGrabber/Information.txt`, a victim's own copy of
        // some file) is no machine of the folders above that one.
        var machinesBelow: [Substring: (folders: Int, hostnames: Set<String?>)] = [:]
        for (folder, hostname) in hostnameOfFolder {
            forEachFolder(above: folder, levels: maxVictimLevels, leavingGrabFolders: false) { above, _ in
                machinesBelow[above, default: (0, [])].folders += 1
                machinesBelow[above, default: (0, [])].hostnames.insert(hostname)
                return true
            }
        }
        var victimOfFolder: [String: String] = [:]
        for (folder, hostname) in hostnameOfFolder
        where isSystemInformationFolder(folder) && !foldersHoldingStealerFiles.contains(Substring(folder)) {
            forEachFolder(above: folder, levels: maxVictimLevels, leavingGrabFolders: false) { above, crossedArchive in
                if hostnameOfFolder[String(above)] != nil { return false }
                if let below = machinesBelow[above], below.folders > 1, hostname == nil || below.hostnames != [hostname]
                {
                    return false
                }
                if foldersHoldingStealerFiles.contains(above) {
                    victimOfFolder[folder] = String(above)
                    return false
                }
                return !crossedArchive
            }
        }
        return victimOfFolder
    }

    /// Whether a folder's name is one of system information's (`System`, `info`, `SysInfo`): a
    /// victim folder (`FR[…]`, `victim1`) whose credentials did not match is never taken for
    /// a subfolder of the folder beside it.
    private static func isSystemInformationFolder(_ folder: String) -> Bool {
        let components = folder.utf8.split(whereSeparator: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "!") })
        let name = components.last.map { String(Substring($0)) } ?? folder
        return DocumentClassifier.isSystemInfoName(name.lowercased())
    }

    /// Calls `body` with each folder (or archive) above `path`, nearest first, at most `levels`
    /// up, and whether it was reached by leaving an archive (`pack.zip!…` → `pack.zip`), until
    /// `body` returns false; without `leavingGrabFolders`, not above a grab folder
    /// (`FileGrabber/`, `Autofill/`) the walk would leave.
    private static func forEachFolder(
        above path: String,
        levels: Int,
        leavingGrabFolders: Bool = true,
        _ body: (_ folder: Substring, _ crossedArchive: Bool) -> Bool
    ) {
        var current = Substring(path)
        for _ in 0..<levels {
            guard let cut = Locator.lastBoundary(in: current) else { return }
            if !leavingGrabFolders
                && DocumentClassifier.isGrabFolder(String(current[current.utf8.index(after: cut)...]))
            {
                return
            }
            let crossedArchive = current.utf8[cut] == UInt8(ascii: "!")
            current = current[..<cut]
            if !body(current, crossedArchive) { return }
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
            guard let cut = Locator.lastBoundary(in: current) else {
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
