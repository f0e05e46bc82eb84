/// How urgent a finding is. Ordered: `.low < .critical`.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case low
    case medium
    case high
    case critical

    public var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    /// One level up, capped at critical.
    public var raised: Severity { Severity.allCases[min(rank + 1, 3)] }
    /// One level down, floored at low.
    public var lowered: Severity { Severity.allCases[max(rank - 1, 0)] }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// What a finding is about.
public enum FindingKind: String, Sendable, CaseIterable, Codable {
    /// An organisation account's credential for one of its platforms.
    case credential
    /// A session cookie for one of the organisation's platforms.
    case cookie
    /// A victim machine that belongs to the organisation.
    case infectedMachine = "infected_machine"
    /// An organisation account seen on a site that is not one of its platforms.
    case reuse
    /// A login on an organisation platform that resolves to no account.
    case unknownAccount = "unknown_account"
}

/// What the SOC should do about a finding.
public enum Action: String, Sendable, CaseIterable, Codable {
    case forceReset = "force-reset"
    case revokeSessions = "revoke-sessions"
    case reimageDevice = "reimage-device"
    case review
    /// A `force-reset` of one of the profile's service or shared accounts (`service_accounts`):
    /// a forced reset would break what runs with it, so its owners rotate it by hand (the
    /// reset list's `manual`).
    case manualRotation = "manual-rotation"
}

/// One account of the organisation's export.
public struct Account: Sendable, Hashable {
    public var sam: String?
    public var upn: String?
    public var mail: String?
    /// `smtp:` aliases of `proxyAddresses`, without the prefix.
    public var aliases: [String]
    public var displayName: String?
    public var department: String?
    public var isEnabled: Bool
    /// Last password change (`pwdLastSet`, `PasswordLastSet`), as the export's reader read it
    /// (nil: never set, or not a date it could read).
    public var passwordLastSet: Timestamp?
    /// One of the profile's `service_accounts` (set when the profile is applied to the export:
    /// `AccountDirectory.markServiceAccounts`).
    public var isServiceAccount: Bool

    public init(
        sam: String? = nil,
        upn: String? = nil,
        mail: String? = nil,
        aliases: [String] = [],
        displayName: String? = nil,
        department: String? = nil,
        isEnabled: Bool = true,
        passwordLastSet: Timestamp? = nil,
        isServiceAccount: Bool = false
    ) {
        self.isServiceAccount = isServiceAccount
        self.sam = sam
        self.upn = upn
        self.mail = mail
        self.aliases = aliases
        self.displayName = displayName
        self.department = department
        self.isEnabled = isEnabled
        self.passwordLastSet = passwordLastSet
    }

    /// The name reports use: sAMAccountName when the export has it, else UPN, else mail.
    public var identifier: String { sam ?? upn ?? mail ?? aliases.first ?? "" }
}

/// A platform of the organisation or of a shipped pack.
public struct Platform: Sendable, Hashable {
    public var id: String
    public var name: String
    public var severity: Severity
    /// The file that defined it (for messages).
    public var origin: String
    /// Defined by the organisation profile (wins over shipped packs when both match).
    public var isOrganisation: Bool
    /// The identity provider this platform is a sign-in page of (`provider`), nil for others.
    public var identityProvider: IdentityProvider?
    /// False when the profile's `identity_providers` leaves this platform's provider out.
    public var isIdentityProviderInUse: Bool

    public init(
        id: String,
        name: String,
        severity: Severity,
        origin: String,
        isOrganisation: Bool,
        identityProvider: IdentityProvider? = nil,
        isIdentityProviderInUse: Bool = true
    ) {
        self.id = id
        self.name = name
        self.severity = severity
        self.origin = origin
        self.isOrganisation = isOrganisation
        self.identityProvider = identityProvider
        self.isIdentityProviderInUse = isIdentityProviderInUse
    }

    /// For an identity provider's platform, whether the organisation uses that provider; nil
    /// for every other platform.
    public var identityProviderInUse: Bool? { identityProvider == nil ? nil : isIdentityProviderInUse }
}

/// Which identity key resolved a login to an account.
public enum IdentityRule: String, Sendable, Codable, CaseIterable {
    case sam
    case upn
    case mail
    case proxy
    /// `DOMAIN\user` with one of the organisation's NetBIOS domains.
    case downlevel
    /// `user@ad-domain` with one of the profile's AD domains.
    case adDomain = "ad-domain"
}

/// Where a record was read: the locator, its line (the one `grep -n` prints), that line's byte
/// offset in the member as stored, what the document's lines are numbered by, and the format.
public struct Source: Sendable, Hashable, Comparable {
    public var path: String
    public var line: Int
    /// Byte offset of the line's start in the member (`tail -c +$((offset+1))` lands on it).
    public var offset: Int64
    /// `.cr` when the document had no LF and was split at CR.
    public var lineEnding: LineEnding
    public var family: Family

    public init(path: String, line: Int, offset: Int64, lineEnding: LineEnding = .lf, family: Family) {
        self.path = path
        self.line = line
        self.offset = offset
        self.lineEnding = lineEnding
        self.family = family
    }

    public static func < (lhs: Source, rhs: Source) -> Bool {
        if (lhs.path, lhs.line, lhs.family) != (rhs.path, rhs.line, rhs.family) {
            return (lhs.path, lhs.line, lhs.family) < (rhs.path, rhs.line, rhs.family)
        }
        return (lhs.offset, lhs.lineEnding) < (rhs.offset, rhs.lineEnding)
    }
}

/// What is kept of a password: never the cleartext unless the run reveals passwords.
public struct PasswordEvidence: Sendable, Hashable, CustomStringConvertible, CustomReflectable {
    /// HMAC-SHA256 of the password under the organisation's key, lower-case hex.
    public var fingerprint: String
    /// Length in Unicode scalars.
    public var length: Int
    /// Only with `--reveal-passwords`.
    public var cleartext: String?

    public init(fingerprint: String, length: Int, cleartext: String? = nil) {
        self.fingerprint = fingerprint
        self.length = length
        self.cleartext = cleartext
    }

    /// Never the cleartext: `print`, `dump` and string interpolation go through these.
    public var description: String { "PasswordEvidence(fingerprint: \(fingerprint), length: \(length))" }
    public var customMirror: Mirror { Mirror(self, children: ["fingerprint": fingerprint, "length": length]) }
}

/// Cookie facts a finding reports (never the value: only its keyed fingerprint).
public struct CookieEvidence: Sendable, Hashable {
    public var domain: String
    public var path: String
    public var name: String
    public var expiry: Int64
    public var isSecure: Bool
    /// HMAC-SHA256 of the cookie's value under the organisation's key, as for passwords: two
    /// sightings of one session compare equal, a fresh session does not.
    public var valueFingerprint: String

    public init(
        domain: String,
        path: String,
        name: String,
        expiry: Int64,
        isSecure: Bool,
        valueFingerprint: String = ""
    ) {
        self.domain = domain
        self.path = path
        self.name = name
        self.expiry = expiry
        self.isSecure = isSecure
        self.valueFingerprint = valueFingerprint
    }
}

/// One sighting of an exposure, as the match stage produced it; the report stage merges
/// sightings of the same exposure into one finding.
public struct Sighting: Sendable, Hashable {
    public var kind: FindingKind
    /// Index into the account directory, when the login resolved.
    public var account: Int?
    public var rule: IdentityRule?
    /// The most specific platform that matched (nil: reuse, or a credential without a URL).
    public var platform: Platform?
    /// Ids of the other platforms that matched the same URL.
    public var alsoMatched: [String]
    /// Normalised URL with every embedded credential redacted.
    public var url: String?
    public var host: String?
    /// As written, trimmed.
    public var login: String?
    public var password: PasswordEvidence?
    public var cookie: CookieEvidence?
    public var source: Source
    /// The URL was read as `host:port` although it could have been a login (`host:10443:user:pw`).
    public var isAmbiguous: Bool
    /// Whether the leaked password is still the account's current one (nil: unknown, no hash).
    public var isPasswordCurrent: Bool?
    /// When the account's password was last changed, from a hash export or the accounts file.
    public var passwordLastChange: Timestamp?

    public init(
        kind: FindingKind,
        account: Int? = nil,
        rule: IdentityRule? = nil,
        platform: Platform? = nil,
        alsoMatched: [String] = [],
        url: String? = nil,
        host: String? = nil,
        login: String? = nil,
        password: PasswordEvidence? = nil,
        cookie: CookieEvidence? = nil,
        source: Source,
        isAmbiguous: Bool = false
    ) {
        self.kind = kind
        self.account = account
        self.rule = rule
        self.platform = platform
        self.alsoMatched = alsoMatched
        self.url = url
        self.host = host
        self.login = login
        self.password = password
        self.cookie = cookie
        self.source = source
        self.isAmbiguous = isAmbiguous
    }
}

/// A victim machine's system information, judged against the organisation.
public struct MachineSighting: Sendable, Equatable {
    /// Locator of the folder (or archive) the system-information file sits in: every
    /// credential below it belongs to this victim.
    public var folder: String
    public var info: VictimInfo
    public var source: Source
    public var isOrganisationMachine: Bool
    /// Why it is (or is not) judged an organisation machine: `ad-domain`, `machine-name`, `user`.
    public var evidence: [String]
    /// The account its user name resolves to (supporting evidence only).
    public var account: Int?

    public init(
        folder: String,
        info: VictimInfo,
        source: Source,
        isOrganisationMachine: Bool,
        evidence: [String],
        account: Int?
    ) {
        self.folder = folder
        self.info = info
        self.source = source
        self.isOrganisationMachine = isOrganisationMachine
        self.evidence = evidence
        self.account = account
    }
}
