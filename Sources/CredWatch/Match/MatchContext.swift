import Foundation

/// Everything the match workers share, built once at start-up and immutable afterwards:
/// platforms indexed (regexes compiled and JIT-compiled once), accounts indexed, the
/// organisation's domains and machine-name pattern.
public final class MatchContext: Sendable {
    public struct Options: Sendable {
        /// Report organisation accounts seen on sites that are none of its platforms.
        public var reportReuse: Bool = true
        /// Also report `reuse` for bare logins (`jdupont`: a sAMAccountName, no domain) on sites
        /// that are neither platforms nor the organisation's (`--reuse-bare-logins`). Off by
        /// default: common sAMAccountNames are strangers' user names on every forum of a
        /// combolist, so such a line says nothing of the organisation.
        public var reportBareLoginReuse: Bool = false
        /// Keep cleartext passwords in sightings (`--reveal-passwords`).
        public var revealPasswords: Bool = false
        /// Candidate-first scanning of combolists (see `MatchWorker.isCandidate`). Off only to
        /// prove that it never changes a report (the CLI's hidden `--no-candidate-first`).
        public var candidateFirst: Bool = true

        public init() {}
    }

    public let profile: OrganisationProfile
    public let accounts: AccountDirectory
    /// What applying the profile to the export found that the run should be told (service
    /// account patterns that match none or most of the accounts).
    public let warnings: [ConfigurationWarning]
    /// Platform definitions loaded (profile and packs), for the summary.
    public let platformCount: Int
    /// Domains whose hosts are the organisation's: email domains (the profile's, else derived
    /// from the accounts), the accounts' UPN suffixes and the AD domains; lower-cased, sorted.
    public let organisationDomains: [String]
    let options: Options
    let fingerprinter: PasswordFingerprinter
    let checker: (any PasswordChecking)?
    let loginDomains: LoginDomains
    let platforms: PlatformIndex
    let machineName: CompiledRegex?
    /// The one thing the workers add to while they run: the secrets seen in source paths,
    /// redacted from every path once the scan is over.
    let pathSecrets = PathSecrets()

    /// Every platform that can be reported (the organisation-domain platform last).
    public var allPlatforms: [Platform] { platforms.platforms }

    /// - Parameters:
    ///   - profilePath: the profile's file, named in messages (nil: no `--org`).
    ///   - patternPaths: pattern packs, files or folders (every `*.toml` inside, sorted).
    public init(
        profile: OrganisationProfile,
        profilePath: String?,
        patternPaths: [String],
        accounts: AccountDirectory,
        fingerprinter: PasswordFingerprinter,
        checker: (any PasswordChecking)?,
        options: Options
    ) throws(ConfigurationError) {
        var definitions = try PatternPacks.definitions(profile: profile, packPaths: patternPaths)
        if let used = profile.identityProviders {
            for index in definitions.indices {
                if let provider = definitions[index].platform.identityProvider, !used.contains(provider) {
                    definitions[index].platform.isIdentityProviderInUse = false
                }
            }
        }

        let profileFile = profilePath ?? "organisation profile"
        var machineName: CompiledRegex?
        if let pattern = profile.machineNamePattern {
            do {
                machineName = try CompiledRegex(pattern)
            } catch {
                throw ConfigurationError(
                    file: profileFile,
                    message: "invalid machine_name regex '\(pattern)': \(error)"
                )
            }
            if machineName?.matchesEmptyString == true {
                throw ConfigurationError(
                    file: profileFile,
                    message: OrganisationProfile.emptyMachineNameMessage(pattern)
                )
            }
        }

        organisationDomains = Self.domainOrigins(profile: profile, accounts: accounts).map(\.domain)

        self.profile = profile
        var accounts = accounts
        warnings = accounts.markServiceAccounts(profile.serviceAccounts, profileFile: profileFile)
        self.accounts = accounts
        self.fingerprinter = fingerprinter
        self.checker = checker
        self.options = options
        self.machineName = machineName
        loginDomains = LoginDomains(profile: profile)
        platformCount = definitions.count
        platforms = PlatformIndex(
            definitions: definitions,
            organisationDomains: organisationDomains,
            organisationName: profile.name,
            origin: profileFile
        )
    }
}

extension MatchContext {
    /// Where an organisation domain comes from (`credwatch check` shows it).
    public enum DomainOrigin: String, Sendable {
        /// The profile's `email_domains`.
        case emailDomains = "email_domains"
        /// No `email_domains`: the domain of at least 1 % of the accounts' addresses.
        case derivedFromMail = "derived from the accounts' mail"
        case upnSuffix = "the accounts' UPN suffix"
        /// The profile's `ad_domains`.
        case adDomains = "ad_domains"
    }

    /// The organisation's domains, lower-cased and sorted, each with every origin that names it:
    /// the e-mail domains (the profile's, else derived from the accounts), the accounts' UPN
    /// suffixes and the profile's AD domains.
    static func domainOrigins(profile: OrganisationProfile, accounts: AccountDirectory)
        -> [(domain: String, origins: [DomainOrigin])]
    {
        let email: [(String, DomainOrigin)] =
            profile.emailDomains.isEmpty
            ? accounts.derivedMailDomains.map { ($0, .derivedFromMail) }
            : profile.emailDomains.map { ($0, .emailDomains) }
        let named = email + accounts.upnDomains.map { ($0, .upnSuffix) } + profile.adDomains.map { ($0, .adDomains) }
        var origins: [String: [DomainOrigin]] = [:]
        for (text, origin) in named {
            guard let domain = OrganisationProfile.normalizedDomain(text) else { continue }
            if !(origins[domain]?.contains(origin) ?? false) { origins[domain, default: []].append(origin) }
        }
        return origins.keys.sorted().map { ($0, origins[$0] ?? []) }
    }

    /// `organisationDomains` with their origins.
    public var organisationDomainOrigins: [(domain: String, origins: [DomainOrigin])] {
        Self.domainOrigins(profile: profile, accounts: accounts)
    }

    /// The regexes compiled (platforms' `regex` entries and the profile's `machine_name`), and
    /// how many of them PCRE2 JIT-compiled.
    public var compiledRegexes: (count: Int, jit: Int) {
        let regexes =
            (platforms.organisationRegexRules + platforms.packRegexRules).compactMap(platforms.regex(of:))
            + (machineName.map { [$0] } ?? [])
        return (regexes.count, regexes.filter(\.isJIT).count)
    }
}
