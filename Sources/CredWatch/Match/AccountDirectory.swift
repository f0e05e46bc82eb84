import Foundation

/// The organisation's accounts (`--accounts`) and the index that resolves a login, as written
/// in a leak, to the accounts that own it.
///
/// Accepted exports:
/// * CSV with a header row (UTF-8 with or without BOM, or UTF-16 with BOM; `,`, `;` or TAB as
///   the header uses; RFC 4180 quoting; blank and `#` lines before the header, such as
///   PowerShell's `#TYPE …`, skipped). Column names, in any case: `sAMAccountName`,
///   `userPrincipalName`, `mail` / `EmailAddress` / `Email`, `proxyAddresses` (only `smtp:`
///   entries, separated by `;`, `|`, spaces or newlines), `Enabled` (True/False, 1/0, yes/no),
///   `userAccountControl` (bit 2 = disabled), `displayName`, `department`,
///   `pwdLastSet` / `PasswordLastSet` (FILETIME, ISO 8601 or a PowerShell culture date, read
///   into ISO 8601: see `PasswordDate.read`). At least one identity column is required. A
///   quote that runs away (see `CSVReader`) is fatal; values not understood are warnings.
/// * A plain list, one login per line: chosen when the first line that is not blank or a `#`
///   comment has no `,`, `;` or TAB and is not a column name. A line with `\` is
///   `DOMAIN\sAMAccountName`, a line with `@` is a mail address, anything else a
///   sAMAccountName; blank lines and `#` comments are skipped.
///
/// An identity (a mail, an alias, a UPN…) that several accounts share resolves to all of
/// them: the first by the index's priority, the others in `Resolution.sharedWith`.
public struct AccountDirectory: Sendable {
    public private(set) var accounts: AccountList
    private let index: AccountIndex
    /// How the export was written (nil for a directory built from accounts in code).
    public internal(set) var form: ExportForm?
    /// What loading the export found that the run should be told (see `load`).
    public internal(set) var warnings: [ConfigurationWarning] = []

    /// How an export is written.
    public enum ExportForm: String, Sendable, Equatable {
        case csv = "CSV export"
        case plainList = "plain list of logins"
    }

    public init(accounts: [Account]) {
        self.init(accounts: AccountList(accounts))
    }

    public init(accounts: AccountList) {
        self.accounts = accounts
        index = AccountIndex(accounts: accounts)
    }

    /// Marks the accounts the profile's `service_accounts` name (`Account.isServiceAccount`),
    /// and returns the warnings about patterns that match none or most of them.
    mutating func markServiceAccounts(_ patterns: ServiceAccounts, profileFile: String) -> [ConfigurationWarning] {
        let counts = accounts.markServiceAccounts(patterns)
        return patterns.warnings(counts: counts, accounts: accounts.count, file: profileFile)
    }

    /// The identities that belong to more than one account, by their first account.
    public var sharedIdentities: [SharedIdentity] { index.sharedIdentities }

    /// How many accounts and identity keys were loaded, by kind, for the run summary.
    public var census: AccountCensus {
        var census = AccountCensus(form: form)
        census.accounts = accounts.count
        census.disabled = accounts.disabledCount
        census.sam = accounts.samCount
        census.upn = accounts.upnCount
        census.mail = accounts.mailCount
        census.aliases = accounts.aliasCount
        census.shared = index.sharedCount
        return census
    }

    /// One warning naming the identities several accounts share (at most `listed`, then a
    /// count), with the lines of the accounts in the export; nil when none is.
    func sharedIdentityWarning(file: String, listed: Int = 5) -> ConfigurationWarning? {
        let shared = sharedIdentities
        guard !shared.isEmpty else { return nil }
        func owner(_ owner: IdentityOwner) -> String {
            let role: String
            switch owner.rule {
            case .upn: role = "the UPN"
            case .mail: role = "the mail"
            case .proxy: role = "an alias"
            case .sam, .downlevel, .adDomain: role = "the sAMAccountName"
            }
            let number = accounts.line(of: owner.account)
            let line = number > 0 ? " (line \(number))" : ""
            return "\(role) of \(accounts[owner.account].identifier)\(line)"
        }
        var text = shared.prefix(listed).map { identity in
            // A mailbox shared by hundreds of service accounts is named with the first few.
            var owners = identity.owners.prefix(listed).map(owner)
            if identity.owners.count > listed { owners.append("\(identity.owners.count - listed) other accounts") }
            return "'\(identity.identity)' is " + owners.dropLast().joined(separator: ", ") + " and " + owners.last!
        }.joined(separator: "; ")
        if shared.count > listed { text += "; and \(shared.count - listed) more" }
        let count = shared.count
        return ConfigurationWarning(
            file: file,
            message:
                "\(count) identit\(count == 1 ? "y belongs" : "ies belong") to more than one account; a login that "
                + "is one of them is reported against every account that owns it: " + text
        )
    }

    /// Domains of the accounts' UPNs (the AD's UPN suffixes), lower-cased, sorted.
    public var upnDomains: [String] {
        domainUse { record, body in record.upn.map(body) }.counts.keys.sorted()
    }

    /// Mail domains that look like the organisation's own: used by at least 1 % of the accounts
    /// that have an address, and not a public mail provider. Profiles should rather list
    /// `email_domains` explicitly.
    public var derivedMailDomains: [String] {
        let (counts, total) = domainUse { record, body in
            record.mail.map(body)
            record.forEachAlias { body($0.value) }
        }
        return counts.filter { domain, count in
            count * 100 >= total && !Self.publicMailProviders.contains(domain)
        }.keys.sorted()
    }

    /// The lower-cased domains of the addresses `addresses` gives of each record, each with the
    /// number of accounts that use it, and the number of accounts with any. Domains are told
    /// apart on bytes: a dictionary of strings would hash every address the Unicode way, a
    /// good part of loading 100,000 accounts.
    private func domainUse(
        _ addresses: (AccountList.Record, (UnsafeRawBufferPointer) -> Void) -> Void
    ) -> (counts: [String: Int], total: Int) {
        var domains = ByteKeyTable(reversed: false)
        // The domain of the address before, which most addresses share: found without a probe.
        var last: (bytes: [UInt8], number: Int) = ([], -1)
        var accountCounts: [Int] = []
        var lastAccount: [Int] = []
        var total = 0
        for number in accounts.indices {
            var hasAddress = false
            accounts.withRecord(number) { record in
                addresses(record) { bytes in
                    guard let at = Bytes.lastIndex(of: UInt8(ascii: "@"), in: bytes), at + 1 < bytes.count else {
                        return
                    }
                    let text = Bytes.slice(bytes, at + 1..<bytes.count)
                    let domain: Int
                    if last.number >= 0 && last.bytes.withUnsafeBytes({ Bytes.equalsIgnoringASCIICase($0, text) }) {
                        domain = last.number
                    } else {
                        domain = domains.insert(text)
                        last.bytes.removeAll(keepingCapacity: true)
                        last.bytes.append(contentsOf: text.assumingMemoryBound(to: UInt8.self))
                        last.number = domain
                    }
                    if domain == accountCounts.count {
                        accountCounts.append(0)
                        lastAccount.append(-1)
                    }
                    hasAddress = true
                    if lastAccount[domain] != number {
                        lastAccount[domain] = number
                        accountCounts[domain] += 1
                    }
                }
            }
            if hasAddress { total += 1 }
        }
        // ASCII case is folded by the table; the rest of Unicode here.
        var counts: [String: Int] = [:]
        for domain in accountCounts.indices {
            counts[domains.key(domain).lowercased(), default: 0] += accountCounts[domain]
        }
        return (counts, total)
    }

    private static let publicMailProviders: Set<String> = [
        "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr", "live.com",
        "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "icloud.com", "me.com", "aol.com", "gmx.com", "gmx.fr",
        "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr", "laposte.net", "neuf.fr", "bbox.fr", "proton.me",
        "protonmail.com",
    ]

    /// Resolves a login as written to an account and the rule that resolved it (and, when the
    /// identity is shared, the other accounts that own it). One hash pass and, for almost every
    /// login that is not the organisation's, one cache-resident filter probe; nothing is
    /// allocated unless the login has non-ASCII bytes or a shared identity.
    ///
    /// Rules: `DOMAIN\user` only for the profile's NetBIOS domains (`.downlevel`, by
    /// sAMAccountName); the UPN, mail or an `smtp:` alias (`.upn`, `.mail`, `.proxy`); the bare
    /// sAMAccountName (`.sam`); `user@ad-domain` for the profile's AD domains (`.adDomain`, by
    /// sAMAccountName). Case-insensitive, surrounding spaces ignored, never fuzzy.
    /// Inlined: called out of line, the directory (a large struct) was copied to the stack per line.
    @inline(__always)
    public func resolve(_ login: UnsafeRawBufferPointer, domains: LoginDomains) -> Resolution? {
        let login = Bytes.trimmed(login)
        guard !login.isEmpty, login.count <= 1024, !accounts.isEmpty else { return nil }
        if let backslash = Bytes.index(of: UInt8(ascii: "\\"), in: login) {
            guard domains.isNetBIOSDomain(Bytes.slice(login, 0..<backslash)) else { return nil }
            let user = Bytes.slice(login, backslash + 1..<login.count)
            guard let found = index.lookup(user), found.rule == .sam else { return nil }
            return found.bySAMAccountName(as: .downlevel)
        }
        let at = Bytes.lastIndex(of: UInt8(ascii: "@"), in: login)
        if let found = index.lookup(login, at: at) { return found }
        if let at, domains.isADDomain(Bytes.slice(login, at + 1..<login.count)),
            let found = index.lookup(Bytes.slice(login, 0..<at)), found.rule == .sam
        {
            return found.bySAMAccountName(as: .adDomain)
        }
        return nil
    }
}

/// An account that owns an identity, and which of its identities it is.
public struct IdentityOwner: Sendable, Hashable {
    public var account: Int
    public var rule: IdentityRule

    public init(account: Int, rule: IdentityRule) {
        self.account = account
        self.rule = rule
    }
}

/// A login resolved: the account it names first, and the other accounts that own the same
/// identity (a mail or alias two accounts share; empty almost always).
public struct Resolution: Sendable, Equatable {
    public var account: Int
    public var rule: IdentityRule
    public var sharedWith: [IdentityOwner]

    public init(account: Int, rule: IdentityRule, sharedWith: [IdentityOwner] = []) {
        self.account = account
        self.rule = rule
        self.sharedWith = sharedWith
    }

    /// Every owner, this resolution's account first.
    public var owners: [IdentityOwner] { [IdentityOwner(account: account, rule: rule)] + sharedWith }

    /// Resolved through the sAMAccountName (`DOMAIN\user`, `user@ad-domain`): the owners whose
    /// sAMAccountName it is, under `rule`.
    fileprivate func bySAMAccountName(as rule: IdentityRule) -> Resolution {
        Resolution(
            account: account,
            rule: rule,
            sharedWith: sharedWith.filter { $0.rule == .sam }.map { IdentityOwner(account: $0.account, rule: rule) }
        )
    }
}

/// An identity key several accounts share, as the first of them wrote it, and its owners
/// (the one a login resolves to first).
public struct SharedIdentity: Sendable, Equatable {
    public var identity: String
    public var owners: [IdentityOwner]
}

/// What an export loaded: accounts, disabled accounts, and identity keys by kind.
public struct AccountCensus: Sendable, Equatable {
    public var form: AccountDirectory.ExportForm?
    public var accounts = 0
    public var disabled = 0
    public var sam = 0
    public var upn = 0
    public var mail = 0
    public var aliases = 0
    /// Identities that belong to more than one account.
    public var shared = 0

    public init(form: AccountDirectory.ExportForm? = nil) {
        self.form = form
    }

    /// `accounts 1234 from a CSV export (disabled 56); identities: sam 1234, upn 1200, mail
    /// 1180, alias 300` (and the shared ones, when any).
    public var summary: String {
        var text = "accounts \(accounts)"
        if let form { text += " from a \(form.rawValue)" }
        text += " (disabled \(disabled)); identities: sam \(sam), upn \(upn), mail \(mail), alias \(aliases)"
        if shared > 0 { text += ", \(shared) shared by several accounts" }
        return text
    }
}

/// The profile's domains that qualify a login (`DOMAIN\user`, `user@ad-domain`), prepared for
/// byte comparison.
public struct LoginDomains: Sendable {
    private let netbios: [[UInt8]]
    private let ad: [[UInt8]]

    public init(profile: OrganisationProfile) {
        self.init(netbiosDomains: profile.netbiosDomains, adDomains: profile.adDomains)
    }

    public init(netbiosDomains: [String], adDomains: [String]) {
        netbios = netbiosDomains.map { Array($0.trimmingASCIIWhitespace.lowercased().utf8) }
        ad = adDomains.compactMap { OrganisationProfile.normalizedDomain($0).map { Array($0.utf8) } }
    }

    func isNetBIOSDomain(_ view: UnsafeRawBufferPointer) -> Bool {
        netbios.contains { Self.equalsLowercased(view, $0) }
    }

    func isADDomain(_ view: UnsafeRawBufferPointer) -> Bool {
        ad.contains { Self.equalsLowercased(view, $0) }
    }

    /// `view` is one of the AD domains or a host or child domain under one (`x.ad.example`).
    func isUnderADDomain(_ view: UnsafeRawBufferPointer) -> Bool {
        var trimmed = view
        while let last = trimmed.last, last == UInt8(ascii: ".") {
            trimmed = Bytes.slice(trimmed, 0..<trimmed.count - 1)
        }
        return ad.contains { domain in
            if Self.equalsLowercased(trimmed, domain) { return true }
            guard trimmed.count > domain.count, trimmed[trimmed.count - domain.count - 1] == UInt8(ascii: ".") else {
                return false
            }
            return Self.equalsLowercased(Bytes.slice(trimmed, trimmed.count - domain.count..<trimmed.count), domain)
        }
    }

    @inline(__always)
    private static func equalsLowercased(_ view: UnsafeRawBufferPointer, _ lowered: [UInt8]) -> Bool {
        lowered.withUnsafeBytes { Bytes.equalsIgnoringASCIICase(view, $0) }
    }
}
