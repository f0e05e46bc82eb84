#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// How SIEMs are told a finding's severity: one scale for ECS, CEF and syslog, so that a rule
/// written on one of them means the same on the others.
extension Severity {
    /// ECS `event.severity` and CEF's Severity, 0 to 10: low 3, medium 5, high 8, critical 10,
    /// one in each of the bands CEF names Low (0-3), Medium (4-6), High (7-8), Very-High (9-10).
    public var siemLevel: Int {
        switch self {
        case .low: 3
        case .medium: 5
        case .high: 8
        case .critical: 10
        }
    }

    /// The RFC 5424 severity of a syslog message: critical 2 (Critical), high 3 (Error),
    /// medium 4 (Warning), low 5 (Notice).
    public var syslogSeverity: Int {
        switch self {
        case .low: 5
        case .medium: 4
        case .high: 3
        case .critical: 2
        }
    }
}

/// One field of a SIEM format: its name there and its value, and the JSONL field (of
/// `ReportField.all`) it carries as it is, if any.
///
/// The SIEM formats take their values from the report's fields, never from a copy of them:
/// a field that only renames a JSONL field is declared with `carrying:`, which reads the value
/// through `ReportField`. ECS puts every JSONL field that no ECS field carries under
/// `credwatch.*`, so nothing is lost and nothing is written twice.
struct SIEMField: Sendable {
    let name: String
    let carries: String?
    let value: @Sendable (Finding) -> ReportValue?

    init(_ name: String, value: @escaping @Sendable (Finding) -> ReportValue?) {
        self.name = name
        self.carries = nil
        self.value = value
    }

    /// The value of the JSONL field `field`; `otherwise` when it has none.
    init(
        _ name: String,
        carrying field: String,
        otherwise: (@Sendable (Finding) -> ReportValue?)? = nil
    ) {
        self.name = name
        self.carries = field
        let carried = ReportField.value(named: field)
        if let otherwise {
            self.value = { carried($0) ?? otherwise($0) }
        } else {
            self.value = carried
        }
    }
}

extension ReportField {
    /// The value of the top-level field `name` of `all`. The SIEM tables name fields this way;
    /// a name that is not there is a programming error, caught by the first test that renders.
    static func value(named name: String) -> @Sendable (Finding) -> ReportValue? {
        for field in all {
            if case .value(name, let value) = field { return value }
        }
        preconditionFailure("no report field named \(name)")
    }
}

/// The Elastic Common Schema document of a finding (`--format ecs`); the field names and
/// types are those of the ECS 8.x field reference (see `Report/ecs-fields.md`).
enum ECSFields {
    static let version = "8.11.0"

    /// Every ECS field but `@timestamp` (the run's), in the order written; the dotted names
    /// are written as nested objects.
    static let all: [SIEMField] = [
        SIEMField("ecs.version") { _ in .text(version) },
        SIEMField("event.kind") { _ in .text("alert") },
        SIEMField("event.category") { .texts(categories($0.kind)) },
        SIEMField("event.type") { .texts(types($0.kind)) },
        SIEMField("event.action", carrying: "action"),
        SIEMField("event.severity") { .integer(Int64($0.severity.siemLevel)) },
        SIEMField("event.dataset") { _ in .text("credwatch.finding") },
        SIEMField("rule.id") { finding in TriageRules.actionRule(of: finding).map { .text("credwatch-triage-\($0)") } },
        SIEMField("rule.name", carrying: "kind"),
        SIEMField("user.name", carrying: "account") { $0.login.map(ReportValue.text) },
        SIEMField("user.email") { SIEMValues.email(of: $0).map(ReportValue.text) },
        SIEMField("user.domain") { SIEMValues.userDomain(of: $0).map(ReportValue.text) },
        SIEMField("user.full_name", carrying: "display_name"),
        SIEMField("url.full", carrying: "url"),
        SIEMField("url.domain", carrying: "host"),
        SIEMField("url.path") { SIEMValues.urlPath(of: $0).map(ReportValue.text) },
        SIEMField("host.hostname") { $0.machine?.hostname.map(ReportValue.text) },
        SIEMField("host.ip") { finding in SIEMValues.machineIP(of: finding).map { .texts([$0]) } },
        SIEMField("source.geo.country_iso_code") { SIEMValues.countryCode(of: $0).map(ReportValue.text) },
        SIEMField("related.user") { finding in nonEmpty(SIEMValues.relatedUsers(of: finding)) },
        SIEMField("related.hosts") { finding in nonEmpty(SIEMValues.relatedHosts(of: finding)) },
        SIEMField("tags") {
            .texts(["credwatch", $0.kind.rawValue, $0.severity.rawValue, $0.action.rawValue])
        },
    ]

    /// The JSONL fields no ECS field carries, in their order: written under `credwatch`.
    static let vendorFields: [ReportField] = {
        // `@timestamp` is the run's `reported_at`.
        let carried = Set(all.compactMap(\.carries) + ["reported_at"])
        return ReportField.all.filter { field in
            switch field {
            case .value(let name, _), .secret(let name, _), .object(let name, _, _), .csvOnly(let name, _),
                .ofRun(let name, _):
                !carried.contains(name)
            }
        }
    }()

    /// `event.category`: values of ECS's allowed list only.
    static func categories(_ kind: FindingKind) -> [String] {
        switch kind {
        case .credential, .reuse, .unknownAccount: ["iam"]
        case .cookie: ["iam", "session"]
        case .infectedMachine: ["host", "malware"]
        }
    }

    /// `event.type`: values of ECS's allowed list expected with the categories above.
    static func types(_ kind: FindingKind) -> [String] {
        switch kind {
        case .credential, .reuse, .unknownAccount, .cookie: ["user", "info"]
        case .infectedMachine: ["info"]
        }
    }

    private static func nonEmpty(_ texts: [String]) -> ReportValue? {
        texts.isEmpty ? nil : .texts(texts)
    }
}

/// The CEF extension of a finding (`--format cef`, and the body of syslog messages): standard
/// keys first, then `cs1`…`cs6` with their labels.
enum CEFFields {
    /// Keys in the order written; a `csN` key is preceded by its `csNLabel`.
    static let all: [SIEMField] = [
        SIEMField("act", carrying: "action"),
        SIEMField("cat", carrying: "kind"),
        SIEMField("duser", carrying: "account") { $0.login.map(ReportValue.text) },
        SIEMField("suser") { $0.machine?.user.map(ReportValue.text) },
        SIEMField("shost") { $0.machine?.hostname.map(ReportValue.text) },
        SIEMField("src") { SIEMValues.machineIP(of: $0).map(ReportValue.text) },
        SIEMField("dhost", carrying: "host"),
        SIEMField("request", carrying: "url"),
        SIEMField("cnt", carrying: "count"),
        SIEMField("msg") { .text($0.description) },
        SIEMField("cs1", carrying: "platform"),
        SIEMField("cs2", carrying: "login"),
        SIEMField("cs3") { finding in
            (finding.passwordFingerprint
                ?? finding.cookie.flatMap { $0.valueFingerprint.isEmpty ? nil : $0.valueFingerprint })
                .map(ReportValue.text)
        },
        SIEMField("cs4", carrying: "exposure_key"),
        SIEMField("cs5") { finding in finding.sources.first.map { .text("\($0.path):\($0.line)") } },
        SIEMField("cs6", carrying: "last_log_date"),
    ]

    /// The labels of the `csN` keys.
    static let labels: [String: String] = [
        "cs1": "platform", "cs2": "login", "cs3": "fingerprint", "cs4": "exposureKey", "cs5": "firstSource",
        "cs6": "lastLogDate",
    ]

    /// With `--reveal-passwords` only: the cleartext, under CEF's `flexString1`.
    static let password = SIEMField("flexString1") { $0.passwordEvidence?.cleartext.map(ReportValue.text) }
    static let passwordLabel = "password"

    /// The CEF Name of each kind of finding.
    static func name(_ kind: FindingKind) -> String {
        switch kind {
        case .credential: "Leaked credential"
        case .cookie: "Stolen session cookie"
        case .infectedMachine: "Infected organisation machine"
        case .reuse: "Organisation login on another site"
        case .unknownAccount: "Unknown login on a platform"
        }
    }
}

/// Values the SIEM formats derive from a finding (the JSONL has them inside other fields).
enum SIEMValues {
    /// The account's mail, else the login when it is an address.
    static func email(of finding: Finding) -> String? {
        if let mail = finding.directoryAccount?.mail { return mail }
        guard let login = finding.login, isAddress(login) else { return nil }
        return login
    }

    /// The directory the account is in: the `DOMAIN` of a `DOMAIN\user` login, else the
    /// suffix of the account's UPN.
    static func userDomain(of finding: Finding) -> String? {
        if let login = finding.login, let slash = login.firstIndex(of: "\\"), slash != login.startIndex {
            return String(login[..<slash])
        }
        guard let upn = finding.directoryAccount?.upn, let at = upn.lastIndex(of: "@") else { return nil }
        let suffix = upn[upn.index(after: at)...]
        return suffix.isEmpty ? nil : String(suffix)
    }

    /// The path of the finding's URL (from its first `/`, without query or fragment).
    static func urlPath(of finding: Finding) -> String? {
        guard let url = finding.url else { return nil }
        let bytes = Array(url.utf8)
        return bytes.withUnsafeBytes { buffer -> String? in
            let parts = URLParts(parsing: buffer)
            guard !parts.path.isEmpty, !parts.isOpaque else { return nil }
            return Text.string(Bytes.slice(buffer, parts.path))
        }
    }

    /// The first machine's IP address, only when it is one (ECS and CEF index it as an IP
    /// address: any other text would have the whole document refused).
    static func machineIP(of finding: Finding) -> String? {
        guard let ip = finding.machine?.ip, isIPAddress(ip) else { return nil }
        return ip
    }

    /// The first machine's country when it is written as an ISO 3166 alpha-2 code.
    static func countryCode(of finding: Finding) -> String? {
        guard let country = finding.machine?.country else { return nil }
        let letters = Array(country.utf8)
        guard letters.count == 2,
            letters.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0 & ~UInt8(ascii: " ")) })
        else { return nil }
        return country.uppercased()
    }

    /// Every user name the finding names: the account's identities, the login, the users of
    /// its machines; each once, in that order.
    static func relatedUsers(of finding: Finding) -> [String] {
        var names: [String] = []
        if let account = finding.directoryAccount {
            names += [account.sam, account.upn, account.mail].compactMap { $0 }
        }
        if let login = finding.login { names.append(login) }
        names += finding.machines.compactMap(\.user)
        return distinct(names)
    }

    /// Every host the finding names: the site, the cookie's domain, its machines.
    static func relatedHosts(of finding: Finding) -> [String] {
        var hosts: [String] = []
        if let host = finding.host { hosts.append(host) }
        if let domain = finding.cookie?.domain { hosts.append(domain) }
        hosts += finding.machines.compactMap(\.hostname)
        return distinct(hosts)
    }

    static func isIPAddress(_ text: String) -> Bool {
        var address = in6_addr()
        return inet_pton(AF_INET, text, &address) == 1 || inet_pton(AF_INET6, text, &address) == 1
    }

    private static func isAddress(_ login: String) -> Bool {
        guard let at = login.firstIndex(of: "@"), at != login.startIndex, login.index(after: at) != login.endIndex
        else { return false }
        return !login.unicodeScalars.contains { $0 == " " || $0 == "\\" || DisplayText.isUnsafe($0) }
    }

    private static func distinct(_ texts: [String]) -> [String] {
        var seen = Set<String>()
        return texts.filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}
