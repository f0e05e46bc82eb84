/// A value a report writes for a finding.
enum ReportValue {
    case text(String)
    case integer(Int64)
    case flag(Bool)
    case texts([String])
    case sources([Source])
    case machines([VictimMachine])
    /// The byte offsets of sources, for the CSV's `sources_offset` column.
    case offsets([Source])
}

/// One field of the machine-readable reports. The JSONL and CSV renderers both walk
/// `ReportField.all`, so the two formats always carry the same fields in the same order (the
/// CSV alone has `sources_offset`, last, as JSONL writes each source's offset in `sources`).
///
/// Absent values: a key is omitted when its value is unknown or does not apply, never written
/// as null (CSV leaves the cell empty). `kind`, `severity`, `action`, `also_matched`,
/// `sources`, `count`, `ambiguous`, `exposure_key` and `reported_at` are always written (`id`
/// whenever a scan reports); arrays are written
/// even when empty; a boolean is written whenever it is known (`account_disabled` with an
/// account, `password_current` once verified, `changed_after_theft` once the dates or the
/// verification tell), `sources_omitted` when `sources` leaves some out. `password` (and its
/// CSV column) exists only when passwords are revealed.
enum ReportField: Sendable {
    /// A plain value.
    case value(String, @Sendable (Finding) -> ReportValue?)
    /// A value written only when the run reveals passwords.
    case secret(String, @Sendable (Finding) -> ReportValue?)
    /// A nested object (JSONL) or a group of `name_child` columns (CSV), present when
    /// `isPresent` holds.
    case object(String, isPresent: @Sendable (Finding) -> Bool, [ReportField])
    /// A CSV column only: what JSONL already says inside another field.
    case csvOnly(String, @Sendable (Finding) -> ReportValue?)
    /// A value of the run, the same for every finding of the report (`ReportOptions`).
    case ofRun(String, @Sendable (ReportOptions) -> ReportValue?)

    static let all: [ReportField] = [
        .value("kind") { .text($0.kind.rawValue) },
        .value("severity") { .text($0.severity.rawValue) },
        .value("action") { .text($0.action.rawValue) },
        .value("account") { $0.account.map(ReportValue.text) },
        .value("account_disabled") { $0.accountDisabled.map(ReportValue.flag) },
        .value("display_name") { $0.displayName.map(ReportValue.text) },
        .value("department") { $0.department.map(ReportValue.text) },
        .value("platform") { $0.platform.map(ReportValue.text) },
        .value("platform_name") { $0.platformName.map(ReportValue.text) },
        .value("also_matched") { .texts($0.alsoMatched) },
        .value("url") { $0.url.map(ReportValue.text) },
        .value("host") { $0.host.map(ReportValue.text) },
        .value("login") { $0.login.map(ReportValue.text) },
        .object(
            "match",
            isPresent: { $0.match != nil },
            [.value("rule") { $0.match.map { .text($0.rawValue) } }]
        ),
        .value("password_fingerprint") { $0.passwordFingerprint.map(ReportValue.text) },
        .value("password_length") { $0.passwordLength.map { .integer(Int64($0)) } },
        .secret("password") { $0.passwordEvidence?.cleartext.map(ReportValue.text) },
        .value("password_current") { $0.passwordCurrent.map(ReportValue.flag) },
        .value("password_last_change") { $0.passwordLastChange.map { .text($0.iso8601) } },
        .value("changed_after_theft") { $0.changedAfterTheft.map(ReportValue.flag) },
        .object(
            "cookie",
            isPresent: { $0.cookie != nil },
            [
                .value("domain") { $0.cookie.map { .text($0.domain) } },
                .value("path") { $0.cookie.map { .text($0.path) } },
                .value("name") { $0.cookie.map { .text($0.name) } },
                .value("expires") { $0.cookie.map { .integer($0.expiry) } },
                .value("secure") { $0.cookie.map { .flag($0.isSecure) } },
                .value("value_fingerprint") { finding in
                    finding.cookie.flatMap { $0.valueFingerprint.isEmpty ? nil : .text($0.valueFingerprint) }
                },
            ]
        ),
        .value("sources") { .sources($0.sources) },
        .value("sources_omitted") { $0.sourcesOmitted > 0 ? .integer(Int64($0.sourcesOmitted)) : nil },
        .value("count") { .integer(Int64($0.count)) },
        .value("first_log_date") { $0.firstLogDate.map { .text($0.iso8601) } },
        .value("last_log_date") { $0.lastLogDate.map { .text($0.iso8601) } },
        // `machine` is the first of `machines`, kept for the readers written before `machines`.
        .object(
            "machine",
            isPresent: { $0.machine != nil },
            machineFields.map { name, value in
                .value(name) { finding in finding.machine.flatMap(value) }
            }
        ),
        .value("machines") { .machines($0.machines) },
        .value("machines_omitted") { $0.machinesOmitted > 0 ? .integer(Int64($0.machinesOmitted)) : nil },
        .value("ambiguous") { .flag($0.ambiguous) },
        .value("first_seen") { $0.firstSeen.map(ReportValue.text) },
        .value("exposure_key") { .text($0.exposureKey) },
        // Appended after the columns CSV consumers already read, so that their positions hold.
        .csvOnly("sources_offset") { .offsets($0.sources) },
        .value("id") { $0.id.map(ReportValue.text) },
        .ofRun("reported_at") { .text($0.reportedAtText) },
        .value("input_modified") { $0.inputModified.map { .text($0.iso8601) } },
        // The account the first machine's user is (a cookie's or an unknown login's too).
        .value("machine_account") { $0.machine?.account.map(ReportValue.text) },
    ]

    /// The fields of a victim machine, in `machine` and in each object of `machines`.
    static let machineFields: [(String, @Sendable (VictimMachine) -> ReportValue?)] = [
        ("hostname", { $0.hostname.map(ReportValue.text) }),
        ("user", { $0.user.map(ReportValue.text) }),
        ("domain", { $0.domain.map(ReportValue.text) }),
        ("ip", { $0.ip.map(ReportValue.text) }),
        ("country", { $0.country.map(ReportValue.text) }),
        ("hwid", { $0.hwid.map(ReportValue.text) }),
        ("log_date", { $0.logDate.map { .text($0.iso8601) } }),
        ("org_machine", { .flag($0.isOrganisationMachine) }),
        ("evidence", { .texts($0.evidence) }),
    ]

    /// The CSV columns: nested fields flattened as `parent_child`, secrets only when revealed.
    static func columnNames(revealPasswords: Bool) -> [String] {
        var names: [String] = []
        func collect(_ fields: [ReportField], prefix: String) {
            for field in fields {
                switch field {
                case .value(let name, _), .csvOnly(let name, _), .ofRun(let name, _): names.append(prefix + name)
                case .secret(let name, _): if revealPasswords { names.append(prefix + name) }
                case .object(let name, _, let children): collect(children, prefix: prefix + name + "_")
                }
            }
        }
        collect(all, prefix: "")
        return names
    }
}
