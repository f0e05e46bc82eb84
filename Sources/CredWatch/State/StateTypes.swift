/// How the state between scheduled runs is kept.
public struct StateOptions: Sendable {
    /// Entries not seen for more than this many days are purged when the state is opened.
    public var retentionDays: Int = 90
    /// Seconds to wait for another run that holds the state before failing.
    public var lockTimeout: Double = 30

    /// The retentions accepted, in days: a day to a hundred years.
    public static let retentionRange: ClosedRange<Int> = 1...36_500

    public init() {}
}

/// One exposure of this run, as the state keeps it: identifiers, never a secret.
public struct StateExposure: Sendable {
    /// The exposure's stable key (the report stage's dedup key; it must not embed cleartext).
    public var key: String
    /// The account identifier as reported (sAMAccountName, UPN or mail); the login for an
    /// unknown account; empty for a cookie.
    public var account: String
    /// The platform id.
    public var platform: String
    /// HMAC fingerprint of the password (or of the cookie), under the organisation key.
    public var fingerprint: String
    /// Locators of the inputs the exposure was read from.
    public var sources: [String]
    /// The finding's kind (`credential`, `cookie`…; empty when unknown).
    public var kind: String
    /// Every identity of the account (sAMAccountName, UPN, mail, aliases), so that `forget`
    /// finds the account by any of them.
    public var identities: [String]

    public init(
        key: String,
        account: String,
        platform: String,
        fingerprint: String,
        sources: [String],
        kind: String = "",
        identities: [String] = []
    ) {
        self.key = key
        self.account = account
        self.platform = platform
        self.fingerprint = fingerprint
        self.sources = sources
        self.kind = kind
        self.identities = identities
    }
}

/// The state's exposures grouped by account, platform and kind (`credwatch state show`).
public struct StateGroup: Sendable, Equatable {
    /// The account as reported (the login for `unknown_account`, empty for cookies).
    public var account: String
    public var platform: String
    public var kind: String
    public var exposures: Int
    public var firstSeen: String
    public var lastSeen: String

    public init(account: String, platform: String, kind: String, exposures: Int, firstSeen: String, lastSeen: String) {
        self.account = account
        self.platform = platform
        self.kind = kind
        self.exposures = exposures
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }
}

/// What a state file holds, for `credwatch state` and the run summary.
public struct StateSummary: Sendable, CustomStringConvertible, Equatable {
    public var path: String
    /// Exposures remembered.
    public var findings: Int
    /// Distinct accounts among them (not the logins of unknown accounts, nor cookies, which
    /// have none).
    public var accounts: Int
    /// Input files remembered for `--skip-seen-inputs`.
    public var inputs: Int
    /// Earliest first report of a remembered exposure (ISO 8601).
    public var oldestFirstSeen: String?
    /// Latest sighting of a remembered exposure (ISO 8601).
    public var newestLastSeen: String?
    /// Size of the database file in bytes.
    public var fileSize: Int64
    public var retentionDays: Int

    public init(
        path: String,
        findings: Int,
        accounts: Int,
        inputs: Int,
        oldestFirstSeen: String?,
        newestLastSeen: String?,
        fileSize: Int64,
        retentionDays: Int
    ) {
        self.path = path
        self.findings = findings
        self.accounts = accounts
        self.inputs = inputs
        self.oldestFirstSeen = oldestFirstSeen
        self.newestLastSeen = newestLastSeen
        self.fileSize = fileSize
        self.retentionDays = retentionDays
    }

    public var description: String {
        var text = "state \(path): \(findings) finding\(findings == 1 ? "" : "s") for \(accounts) "
        text += "account\(accounts == 1 ? "" : "s"), \(inputs) input\(inputs == 1 ? "" : "s")"
        if let oldestFirstSeen, let newestLastSeen {
            text += "; first seen \(oldestFirstSeen), last seen \(newestLastSeen)"
        }
        text += "; \(fileSize) bytes; entries unseen for \(retentionDays) days are purged"
        return text
    }
}
