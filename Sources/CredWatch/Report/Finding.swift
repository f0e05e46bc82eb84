/// One exposure, merged from every sighting of it: what the SOC acts on and what the state
/// store remembers between runs.
public struct Finding: Sendable, Equatable, CustomStringConvertible {
    public var kind: FindingKind
    public var severity: Severity
    public var action: Action
    /// The account's row of the export (nil for unknown logins and cookies); `account`,
    /// `accountDisabled`, `displayName` and `department` read it.
    public var directoryAccount: Account?
    /// Which identity key resolved the login to the account (`match.rule`).
    public var match: IdentityRule?
    /// Platform id and name (nil: reuse, or a credential without a URL).
    public var platform: String?
    public var platformName: String?
    /// Other platforms whose patterns matched the same URLs, sorted.
    public var alsoMatched: [String]
    /// Redacted URL of the representative sighting (the one with the smallest source).
    public var url: String?
    public var host: String?
    /// The login as written, trimmed.
    public var login: String?
    /// Fingerprint and length; the cleartext only when the run reveals passwords.
    public var passwordEvidence: PasswordEvidence?
    /// Whether the leaked password is still current (nil: no hash to compare with).
    public var passwordCurrent: Bool?
    /// Latest password change known for the account.
    public var passwordLastChange: Timestamp?
    /// True when the password was changed after the last theft; nil when a date is missing.
    public var changedAfterTheft: Bool?
    public var cookie: CookieEvidence?
    /// The places the exposure was seen at, sorted and de-duplicated: at most
    /// `maxListedSources`, the first in that order.
    public var sources: [Source]
    /// Sightings at places `sources` leaves out (0 when it lists them all).
    public var sourcesOmitted: Int
    /// Number of sightings merged (a record read twice in one file counts twice).
    public var count: Int
    /// Earliest and latest log date of the victim machines of its sources.
    public var firstLogDate: Timestamp?
    public var lastLogDate: Timestamp?
    /// The distinct victim machines (by identity) of its listed sources, most relevant first
    /// (organisation machines, then the most recent theft): at most `maxListedMachines`;
    /// `machine` is the first.
    public var machines: [VictimMachine]
    /// Distinct machines `machines` leaves out (0 when it lists them all).
    public var machinesOmitted: Int
    /// A source's URL was read as `host:port` although it could have been a login.
    public var ambiguous: Bool
    /// Stable identity of the exposure: `kind|account-or-login|platform|fingerprint-or-cookie`.
    public var exposureKey: String
    /// When the state store first saw this exposure (ISO date); nil until it is consulted.
    public var firstSeen: String?
    /// A short id of the exposure for tickets (`ExposureID`): the same exposure under the same
    /// fingerprint key has the same id in every run; nil until the session sets it.
    public var id: String?
    /// For a finding without a log date (a combolist's): the earliest modification time of the
    /// files its listed sources were read from, where they can be examined; set by the session.
    public var inputModified: Timestamp?

    public init(
        kind: FindingKind,
        severity: Severity,
        action: Action,
        directoryAccount: Account? = nil,
        match: IdentityRule? = nil,
        platform: String? = nil,
        platformName: String? = nil,
        alsoMatched: [String] = [],
        url: String? = nil,
        host: String? = nil,
        login: String? = nil,
        passwordEvidence: PasswordEvidence? = nil,
        passwordCurrent: Bool? = nil,
        passwordLastChange: Timestamp? = nil,
        changedAfterTheft: Bool? = nil,
        cookie: CookieEvidence? = nil,
        sources: [Source],
        sourcesOmitted: Int = 0,
        count: Int,
        firstLogDate: Timestamp? = nil,
        lastLogDate: Timestamp? = nil,
        machines: [VictimMachine] = [],
        machinesOmitted: Int = 0,
        ambiguous: Bool = false,
        exposureKey: String,
        firstSeen: String? = nil,
        id: String? = nil,
        inputModified: Timestamp? = nil
    ) {
        self.kind = kind
        self.severity = severity
        self.action = action
        self.directoryAccount = directoryAccount
        self.match = match
        self.platform = platform
        self.platformName = platformName
        self.alsoMatched = alsoMatched
        self.url = url
        self.host = host
        self.login = login
        self.passwordEvidence = passwordEvidence
        self.passwordCurrent = passwordCurrent
        self.passwordLastChange = passwordLastChange
        self.changedAfterTheft = changedAfterTheft
        self.cookie = cookie
        self.sources = sources
        self.sourcesOmitted = sourcesOmitted
        self.count = count
        self.firstLogDate = firstLogDate
        self.lastLogDate = lastLogDate
        self.machines = machines
        self.machinesOmitted = machinesOmitted
        self.ambiguous = ambiguous
        self.exposureKey = exposureKey
        self.firstSeen = firstSeen
        self.id = id
        self.inputModified = inputModified
    }

    /// The account's name in reports: sAMAccountName when the export has it, else UPN, else
    /// mail.
    public var account: String? { directoryAccount?.identifier }
    /// Whether the account is disabled in the export (nil when there is no account).
    public var accountDisabled: Bool? { directoryAccount.map { !$0.isEnabled } }
    public var displayName: String? { directoryAccount?.displayName }
    public var department: String? { directoryAccount?.department }
    /// HMAC-SHA256 of the password under the organisation key (never the password).
    public var passwordFingerprint: String? { passwordEvidence?.fingerprint }
    public var passwordLength: Int? { passwordEvidence?.length }

    /// A finding lists at most this many sources, the first in the report's order (path, then
    /// line); sightings elsewhere are only counted (`sources_omitted`). An exposure can be
    /// sighted without bound (one combolist line repeated a million times, archives built to
    /// read their own data again and again), and every listed source is held in memory until
    /// the report and written in it: a hundred places are enough to find the dumps to act on,
    /// and the count says how many more there are.
    public static let maxListedSources = 100

    /// How many places the finding was seen at, listed or not (sightings at places left out
    /// count one each).
    public var placesSeen: Int { sources.count + sourcesOmitted }

    /// A finding lists at most this many victim machines, the most relevant first; the others
    /// are only counted (`machines_omitted`). They come from the listed sources, so there are
    /// never more than `maxListedSources`; this keeps one finding's line readable.
    public static let maxListedMachines = 20

    /// The most relevant victim machine (an organisation machine first, then the most recent
    /// theft): the first of `machines`, which reports also write as `machine`.
    public var machine: VictimMachine? { machines.first }

    /// A one-line summary that never contains the password, so a finding interpolated into a
    /// message cannot leak it.
    public var description: String {
        let who = account ?? login ?? "-"
        let what = platform ?? host ?? cookie?.domain ?? machine?.label ?? "-"
        let seen = placesSeen == 1 ? "1 source" : "\(placesSeen) sources"
        return "\(kind.rawValue) \(severity.rawValue) \(action.rawValue) \(who) \(what) (\(seen))"
    }

    /// The report order: severity (critical first), account, kind, platform, login,
    /// fingerprint, URL, first source, then the exposure key so that the order is total.
    static func reportOrder(_ lhs: Finding, _ rhs: Finding) -> Bool {
        ReportOrderKey(lhs).precedes(ReportOrderKey(rhs))
    }

    /// `findings` in report order. Each finding's key is built once (not once per comparison)
    /// and indices are sorted, so that a large report never moves or copies whole findings
    /// while it sorts.
    static func inReportOrder(_ findings: [Finding]) -> [Finding] {
        reportOrderIndices(findings).map { findings[$0] }
    }

    /// The positions of `findings` in report order (stable, as `sorted(by: reportOrder)`).
    static func reportOrderIndices(_ findings: [Finding]) -> [Int] {
        let keys = findings.indices.map { ReportOrderKey(findings[$0]) }
        // Compared in place through the buffer: a subscript of the array would copy (and retain)
        // every string of both keys at each comparison.
        return keys.withUnsafeBufferPointer { keys in keys.indices.sorted { keys[$0].precedes(keys[$1]) } }
    }
}

/// What the report order compares, built once per finding.
struct ReportOrderKey {
    let severity: Severity
    // Findings with an account come before those without one ("\u{1}" sorts before any name).
    let account: String
    let kind: Int
    let platform: String
    let login: String
    let fingerprint: String
    let url: String
    let source: String
    let exposureKey: String

    init(_ finding: Finding) {
        severity = finding.severity
        account = finding.account.map { "\u{1}" + $0 } ?? "\u{2}"
        kind = FindingKind.allCases.firstIndex(of: finding.kind) ?? 0
        platform = finding.platform ?? ""
        login = finding.login ?? ""
        fingerprint = finding.passwordFingerprint ?? ""
        url = finding.url ?? ""
        source = finding.sources.first.map { "\($0.path)\u{0}\($0.line)\u{0}\($0.family.rawValue)" } ?? ""
        exposureKey = finding.exposureKey
    }

    func precedes(_ other: ReportOrderKey) -> Bool {
        if severity != other.severity { return severity > other.severity }
        if account != other.account { return account < other.account }
        if kind != other.kind { return kind < other.kind }
        if platform != other.platform { return platform < other.platform }
        if login != other.login { return login < other.login }
        if fingerprint != other.fingerprint { return fingerprint < other.fingerprint }
        if url != other.url { return url < other.url }
        if source != other.source { return source < other.source }
        return exposureKey < other.exposureKey
    }
}

extension Finding {
    /// Redacts the secrets seen in paths from what is made of a path: the sources, the key and
    /// machine identities (`folder:…`).
    mutating func redactPaths(_ redaction: PathRedaction) {
        sources = sources.map { redaction($0) }
        exposureKey = redaction(exposureKey)
        for index in machines.indices { machines[index].identity = redaction(machines[index].identity) }
    }
}

/// What reports say about an infected (victim) machine, merged from every system-information
/// file that describes it.
public struct VictimMachine: Sendable, Hashable {
    /// How the machine is told apart: `hwid:…`, `host:name;user`, or `folder:…`.
    public var identity: String
    public var hostname: String?
    public var user: String?
    public var domain: String?
    public var ip: String?
    public var country: String?
    public var hwid: String?
    /// When the log was taken, the date of the theft.
    public var logDate: Timestamp?
    public var isOrganisationMachine: Bool
    /// Why it is judged an organisation machine (`ad-domain`, `machine-name`, `user`), sorted.
    public var evidence: [String]
    /// The organisation account its user name resolves to (as reports name accounts), if any.
    public var account: String?

    public init(
        identity: String,
        hostname: String? = nil,
        user: String? = nil,
        domain: String? = nil,
        ip: String? = nil,
        country: String? = nil,
        hwid: String? = nil,
        logDate: Timestamp? = nil,
        isOrganisationMachine: Bool = false,
        evidence: [String] = [],
        account: String? = nil
    ) {
        self.identity = identity
        self.hostname = hostname
        self.user = user
        self.domain = domain
        self.ip = ip
        self.country = country
        self.hwid = hwid
        self.logDate = logDate
        self.isOrganisationMachine = isOrganisationMachine
        self.evidence = evidence
        self.account = account
    }

    /// The name an analyst looks the machine up by.
    public var label: String { hostname ?? hwid ?? identity }

    /// Most relevant first: organisation machines, then the most recent theft, then every
    /// other field, so that the order is total and does not depend on arrival.
    static func relevanceOrder(_ lhs: VictimMachine, _ rhs: VictimMachine) -> Bool {
        if lhs.isOrganisationMachine != rhs.isOrganisationMachine { return lhs.isOrganisationMachine }
        if lhs.logDate != rhs.logDate {
            guard let theft = lhs.logDate else { return false }  // a machine without a date last
            return rhs.logDate.map { theft > $0 } ?? true
        }
        return lhs.orderFields.lexicographicallyPrecedes(rhs.orderFields)
    }

    /// The first record of each machine (by `identity`) of `sorted`, in its order, at most
    /// `Finding.maxListedMachines` of them, and how many distinct machines are left out. A
    /// machine sold in two dumps is one machine; its most relevant record stands for it.
    static func distinct(_ sorted: [VictimMachine]) -> (machines: [VictimMachine], omitted: Int) {
        var seen = Set<String>()
        var machines: [VictimMachine] = []
        var omitted = 0
        for machine in sorted where seen.insert(machine.identity).inserted {
            if machines.count < Finding.maxListedMachines {
                machines.append(machine)
            } else {
                omitted += 1
            }
        }
        return (machines, omitted)
    }

    private var orderFields: [String] {
        [identity, hostname ?? "", user ?? "", domain ?? "", ip ?? "", country ?? "", hwid ?? "", account ?? ""]
            + evidence
    }
}
