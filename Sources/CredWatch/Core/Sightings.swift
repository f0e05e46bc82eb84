/// How urgent a finding is. Ordered: `.low < .critical`.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
    case low
    case medium
    case high
    case critical

    var rank: Int {
        switch self {
        case .low: 0
        case .medium: 1
        case .high: 2
        case .critical: 3
        }
    }

    /// One level up, capped at critical.
    var raised: Severity { Severity.allCases[min(rank + 1, 3)] }
    /// One level down, floored at low.
    var lowered: Severity { Severity.allCases[max(rank - 1, 0)] }

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
    var sam: String?
    var upn: String?
    var mail: String?
    /// `smtp:` aliases of `proxyAddresses`, without the prefix.
    var aliases: [String] = []
    var displayName: String?
    var department: String?
    public var isEnabled: Bool = true
    /// Last password change (`pwdLastSet`, `PasswordLastSet`), as the export's reader read it
    /// (nil: never set, or not a date it could read).
    var passwordLastSet: Timestamp?
    /// One of the profile's `service_accounts` (set when the profile is applied to the export:
    /// `AccountDirectory.markServiceAccounts`).
    public var isServiceAccount: Bool = false

    /// The name reports use: sAMAccountName when the export has it, else UPN, else mail.
    public var identifier: String { sam ?? upn ?? mail ?? aliases.first ?? "" }
}

/// A platform of the organisation or of a shipped pack.
public struct Platform: Sendable, Hashable {
    var id: String
    var name: String
    public var severity: Severity
    /// The file that defined it (for messages).
    public var origin: String
    /// Defined by the organisation profile (wins over shipped packs when both match).
    var isOrganisation: Bool
    /// The identity provider this platform is a sign-in page of (`provider`), nil for others.
    public var identityProvider: IdentityProvider?
    /// False when the profile's `identity_providers` leaves this platform's provider out.
    var isIdentityProviderInUse: Bool = true

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
    var path: String
    var line: Int
    /// Byte offset of the line's start in the member (`tail -c +$((offset+1))` lands on it).
    var offset: Int64
    /// `.cr` when the document had no LF and was split at CR.
    var lineEnding: LineEnding = .lf
    var family: Family

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
    var fingerprint: String
    /// Length in Unicode scalars.
    var length: Int
    /// Only with `--reveal-passwords`.
    var cleartext: String?

    /// Never the cleartext: `print`, `dump` and string interpolation go through these.
    public var description: String { "PasswordEvidence(fingerprint: \(fingerprint), length: \(length))" }
    public var customMirror: Mirror { Mirror(self, children: ["fingerprint": fingerprint, "length": length]) }
}

/// Cookie facts a finding reports (never the value: only its keyed fingerprint).
public struct CookieEvidence: Sendable, Hashable {
    var domain: String
    var path: String
    var name: String
    var expiry: Int64
    var isSecure: Bool
    /// HMAC-SHA256 of the cookie's value under the organisation's key, as for passwords: two
    /// sightings of one session compare equal, a fresh session does not.
    var valueFingerprint: String = ""

}

/// One sighting of an exposure, as the match stage produced it; the report stage merges
/// sightings of the same exposure into one finding.
public struct Sighting: Sendable, Hashable {
    var kind: FindingKind
    /// Index into the account directory, when the login resolved.
    var account: Int?
    var rule: IdentityRule?
    /// The most specific platform that matched (nil: reuse, or a credential without a URL).
    var platform: Platform?
    /// Ids of the other platforms that matched the same URL.
    var alsoMatched: [String] = []
    /// Normalised URL with every embedded credential redacted.
    var url: String?
    var host: String?
    /// As written, trimmed.
    var login: String?
    var password: PasswordEvidence?
    var cookie: CookieEvidence?
    var source: Source
    /// The URL was read as `host:port` although it could have been a login (`host:10443:user:pw`).
    var isAmbiguous: Bool = false
    /// Whether the leaked password is still the account's current one (nil: unknown, no hash).
    var isPasswordCurrent: Bool?
    /// When the account's password was last changed, from a hash export or the accounts file.
    var passwordLastChange: Timestamp?
}

/// A victim machine's system information, judged against the organisation.
public struct MachineSighting: Sendable, Equatable {
    /// Locator of the folder (or archive) the system-information file sits in: every
    /// credential below it belongs to this victim.
    var folder: String
    var info: VictimInfo
    var source: Source
    var isOrganisationMachine: Bool
    /// Why it is (or is not) judged an organisation machine: `ad-domain`, `machine-name`, `user`.
    var evidence: [String]
    /// The account its user name resolves to (supporting evidence only).
    var account: Int?

}
