import Foundation
import TOMLKit

/// The organisation profile (`--org`, TOML): who the organisation is, how to recognise its
/// logins and machines, and its own platforms.
///
/// ```toml
/// name = "Groupe Exemple"
/// email_domains = ["clinique-exemple.fr"]      # optional; else derived from the accounts
/// netbios_domains = ["GROUPEEXEMPLE"]          # DOMAIN\user resolves only for these
/// ad_domains = ["ad.groupe-exemple.fr"]        # user@ad-domain resolves by sAMAccountName
/// machine_name = '^GEX-(PAR|LYO)-PC[0-9]{4}$'  # PCRE2, case-insensitive: the organisation's hostnames
/// date_order = "dmy"                           # optional: PasswordLastSet dates dd/MM/yyyy ("dmy") or M/d/yyyy ("mdy")
/// service_accounts = ["svc-*", "accueil.*"]    # optional: rotated by hand, never reset by the script
/// identity_providers = ["entra", "okta"]       # optional: the identity providers it uses (else all)
/// [[platform]]                                 # see PlatformDefinition; isOrganisation = true
/// ```
public struct OrganisationProfile: Sendable {
    public var name: String
    public var emailDomains: [String]
    public var netbiosDomains: [String]
    public var adDomains: [String]
    /// PCRE2 pattern for the organisation's hostnames (matched case-insensitively). One that
    /// matches the empty string would match every hostname, and is refused.
    public var machineNamePattern: String?
    /// How the account export writes dates with the year last (`date_order`); nil: as the
    /// export's own values show.
    public var dateOrder: DateOrder?
    /// The identity providers the organisation uses (`identity_providers`); nil: every one is
    /// assumed used. A credential on a provider left out is lowered to high (see `TriageRules`).
    public var identityProviders: Set<IdentityProvider>?
    /// The profile's own `[[platform]]` tables.
    public var platforms: [PlatformDefinition]
    /// Service and shared accounts (`service_accounts`): the reset list says to handle them by hand.
    public var serviceAccounts: ServiceAccounts = .none

    static let keys = [
        "name", "email_domains", "netbios_domains", "ad_domains", "machine_name", "date_order", "identity_providers",
        "platform", "service_accounts",
    ]

    public init(
        name: String,
        emailDomains: [String] = [],
        netbiosDomains: [String] = [],
        adDomains: [String] = [],
        machineNamePattern: String? = nil,
        dateOrder: DateOrder? = nil,
        identityProviders: Set<IdentityProvider>? = nil,
        platforms: [PlatformDefinition] = []
    ) {
        self.name = name
        self.emailDomains = emailDomains
        self.netbiosDomains = netbiosDomains
        self.adDomains = adDomains
        self.machineNamePattern = machineNamePattern
        self.dateOrder = dateOrder
        self.identityProviders = identityProviders
        self.platforms = platforms
    }

    /// No organisation: no domains, no platforms of its own.
    public static let empty = OrganisationProfile(name: "")

    /// Reads and validates a profile; every problem is a `ConfigurationError` with its line.
    public static func load(path: String) throws(ConfigurationError) -> OrganisationProfile {
        let file = try TOMLFile(path: path)
        let reader = TOMLTableReader(file: file, table: file.root, scope: .root)
        try reader.rejectUnknownKeys(allowed: keys)
        var profile = OrganisationProfile(name: try reader.string("name") ?? "Organisation")
        profile.emailDomains = try domains("email_domains", reader)
        profile.adDomains = try domains("ad_domains", reader)
        for domain in try reader.strings("netbios_domains") {
            let trimmed = domain.trimmingASCIIWhitespace
            guard !trimmed.isEmpty, !trimmed.contains(" "), !trimmed.contains("\\") else {
                throw reader.error("invalid NetBIOS domain '\(domain)'", key: "netbios_domains", value: domain)
            }
            profile.netbiosDomains.append(trimmed)
        }
        if let pattern = try reader.string("machine_name") {
            let regex: CompiledRegex
            do {
                regex = try CompiledRegex(pattern)
            } catch {
                throw reader.error("invalid machine_name regex '\(pattern)': \(error)", key: "machine_name")
            }
            if regex.matchesEmptyString {
                throw reader.error(Self.emptyMachineNameMessage(pattern), key: "machine_name")
            }
            profile.machineNamePattern = pattern
        }
        if let order = try reader.string("date_order") {
            guard let parsed = DateOrder(rawValue: order.trimmingASCIIWhitespace.lowercased()) else {
                throw reader.error(
                    "invalid date_order '\(order)' (expected \"dmy\" for dd/MM/yyyy or \"mdy\" for M/d/yyyy)",
                    key: "date_order"
                )
            }
            profile.dateOrder = parsed
        }
        var servicePatterns: [String] = []
        for pattern in try reader.strings("service_accounts") {
            let trimmed = pattern.trimmingASCIIWhitespace
            if let refusal = ServiceAccounts.refusal(of: trimmed) {
                throw reader.error(refusal, key: "service_accounts", value: pattern)
            }
            servicePatterns.append(trimmed)
        }
        profile.serviceAccounts = ServiceAccounts(patterns: servicePatterns)
        if reader.table["identity_providers"] != nil {
            var providers: Set<IdentityProvider> = []
            for name in try reader.strings("identity_providers") {
                guard let provider = IdentityProvider(name: name) else {
                    throw reader.error(
                        "unknown identity provider '\(name)' in identity_providers (expected one of: "
                            + "\(IdentityProvider.names))",
                        key: "identity_providers",
                        value: name
                    )
                }
                providers.insert(provider)
            }
            profile.identityProviders = providers
        }
        profile.platforms = try PlatformDefinition.readAll(from: file, isOrganisation: true)
        return profile
    }

    /// Why a `machine_name` that matches the empty string is refused.
    static func emptyMachineNameMessage(_ pattern: String) -> String {
        "machine_name '\(pattern)' matches the empty string, so it would match every hostname and mark every "
            + "victim as an organisation machine: anchor it and make it match something (such as '^GEX-PC[0-9]{4}$'), "
            + "or leave machine_name out"
    }

    private static func domains(_ key: String, _ reader: TOMLTableReader) throws(ConfigurationError) -> [String] {
        var result: [String] = []
        for text in try reader.strings(key) {
            guard let domain = normalizedDomain(text) else {
                throw reader.error("invalid domain '\(text)' in '\(key)'", key: key, value: text)
            }
            result.append(domain)
        }
        return result
    }

    /// `text` as a domain: trimmed, lower-cased, without a leading `@` or `*.` and trailing
    /// dots; nil when it is not a host name.
    static func normalizedDomain(_ text: String) -> String? {
        var domain = Substring(text.trimmingASCIIWhitespace.lowercased())
        if domain.hasPrefix("@") { domain = domain.dropFirst() }
        if domain.hasPrefix("*.") { domain = domain.dropFirst(2) }
        while domain.hasSuffix(".") { domain = domain.dropLast() }
        let isHostName = domain.utf8.allSatisfy { byte in
            byte &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte >= 0x80
        }
        guard !domain.isEmpty, isHostName else { return nil }
        return String(domain)
    }
}
