import Foundation
import Testing

@testable import CredWatch

/// Identity providers (`category = "identity"`, `provider = …`): an organisation identity there
/// is a critical force-reset credential; a login that resolves to nothing gives nothing; a bare
/// login is judged as off the platforms; the profile's `identity_providers` lowers the
/// providers it does not use to high; names are checked in packs and profile alike.
@Suite struct IdentityProviderTests {
    /// One sign-in URL for each provider class the shipped packs cover.
    struct Door: CustomTestStringConvertible, Sendable {
        var provider: IdentityProvider
        var platform: String
        var url: String
        var testDescription: String { "\(provider.rawValue) \(url)" }
        /// Found by its install path on a host that is not the organisation's (a partner's AD
        /// FS): anyone's install, a credential only for a provider the organisation uses.
        var isAnyonesInstall: Bool { ["pingfederate", "adfs", "shibboleth-idp"].contains(platform) }
    }

    static let doors: [Door] = [
        Door(
            provider: .entra,
            platform: "entra-id",
            url: "https://login.microsoftonline.com/common/oauth2/v2.0/authorize?client_id=4765445b"
        ),
        Door(provider: .entra, platform: "microsoft-365-web", url: "https://outlook.office365.com/mail/"),
        Door(provider: .google, platform: "google-workspace", url: "https://accounts.google.com/v3/signin/identifier"),
        Door(provider: .okta, platform: "okta", url: "https://clinique-exemple.okta.com/app/UserHome"),
        Door(provider: .okta, platform: "okta", url: "https://clinique-exemple.oktapreview.com/login/login.htm"),
        Door(provider: .onelogin, platform: "onelogin", url: "https://clinique-exemple.onelogin.com/portal"),
        Door(provider: .ping, platform: "pingone", url: "https://auth.pingone.eu/7b2c/as/authorize"),
        Door(provider: .ping, platform: "pingfederate", url: "https://sso.partenaire.example:9031/idp/SSO.saml2"),
        Door(provider: .auth0, platform: "auth0", url: "https://clinique-exemple.eu.auth0.com/u/login"),
        Door(provider: .adfs, platform: "adfs", url: "https://sts.partenaire.example/adfs/ls/?wa=wsignin1.0"),
        Door(
            provider: .shibboleth,
            platform: "shibboleth-idp",
            url: "https://idp.universite.example/idp/profile/SAML2/Redirect/SSO?execution=e1s1"
        ),
        Door(provider: .citrixCloud, platform: "citrix-cloud", url: "https://cliniqueexemple.cloud.com/"),
    ]

    static func context(providers: String? = nil, options: MatchContext.Options = .init()) throws -> MatchContext {
        let profile = MatchFixture.profile.replacingOccurrences(
            of: "machine_name",
            with: (providers.map { "identity_providers = \($0)\n" } ?? "") + "machine_name"
        )
        return try MatchFixture.context(profile: profile, packs: [MatchFixture.shippedPatterns], options: options)
    }

    static func findings(_ sightings: [Sighting], _ context: MatchContext) -> [Finding] {
        var aggregator = FindingAggregator(accounts: context.accounts.accounts)
        for sighting in sightings { aggregator.add(sighting) }
        return aggregator.findings()
    }

    @Test(arguments: doors)
    func organisationIdentityIsCriticalForceReset(_ door: Door) throws {
        let context = try Self.context()
        var feeder = Feeder(context)
        let sightings = feeder.credential(door.url, "jean.dupont@clinique-exemple.fr", "Hopital2024!")
        let sighting = try #require(sightings.first)
        #expect(sightings.count == 1)
        #expect(sighting.kind == .credential)
        #expect(sighting.platform?.id == door.platform)
        #expect(sighting.platform?.identityProvider == door.provider)
        let finding = try #require(Self.findings(sightings, context).first)
        #expect(finding.severity == .critical)
        #expect(finding.action == .forceReset)
        #expect(finding.account == "jdupont")
    }

    /// Millions of tenants sign in there: a stranger's login is nobody's business.
    @Test(arguments: doors)
    func unresolvedLoginGivesNothing(_ door: Door) throws {
        var feeder = Feeder(try Self.context())
        #expect(feeder.credential(door.url, "marc.inconnu@boite.example").isEmpty)
        #expect(feeder.credential(door.url, "interne.urgences@clinique-exemple.fr").isEmpty)
        #expect(feeder.credential(door.url, "jdupont2").isEmpty)
    }

    @Test(arguments: doors)
    func providerNotInUseIsHigh(_ door: Door) throws {
        let others = IdentityProvider.allCases.filter { $0 != door.provider }.map { "\"\($0.rawValue)\"" }
        let context = try Self.context(providers: "[\(others.joined(separator: ", "))]")
        var feeder = Feeder(context)
        let sightings = feeder.credential(door.url, "jean.dupont@clinique-exemple.fr")
        let finding = try #require(Self.findings(sightings, context).first)
        // A third party's AD FS, PingFederate or Shibboleth with a provider the organisation
        // does not use: the employee's account there, whose password may be reused
        // (deliberate since issue 16, finding 6; high before).
        #expect(finding.kind == (door.isAnyonesInstall ? .reuse : .credential))
        #expect(finding.severity == (door.isAnyonesInstall ? .low : .high))
        #expect(finding.action == (door.isAnyonesInstall ? .review : .forceReset))
    }

    @Test func providerInUseStaysCritical() throws {
        let context = try Self.context(providers: "[\"entra\", \"okta\"]")
        var feeder = Feeder(context)
        let entra = feeder.credential(Self.doors[0].url, "jd@clinique-exemple.fr")
        let google = feeder.credential(Self.doors[2].url, "jd@clinique-exemple.fr")
        #expect(Self.findings(entra, context).map(\.severity) == [.critical])
        #expect(Self.findings(google, context).map(\.severity) == [.high])
    }

    /// `identity_providers = []`: the organisation uses none of them.
    @Test func emptyListLowersEveryProvider() throws {
        let context = try Self.context(providers: "[]")
        var feeder = Feeder(context)
        for door in Self.doors {
            let sightings = feeder.credential(door.url, "jean.dupont@clinique-exemple.fr")
            #expect(
                Self.findings(sightings, context).map(\.severity) == [door.isAnyonesInstall ? .low : .high],
                "\(door.url)"
            )
        }
    }

    /// A bare sAMAccountName on a shared sign-in host resolves only as it would elsewhere:
    /// nothing by default, `reuse` with `--reuse-bare-logins`. `DOMAIN\user` names the
    /// organisation and is a credential.
    @Test func bareLoginResolvesOnlyAsElsewhere() throws {
        var feeder = Feeder(try Self.context())
        for door in Self.doors { #expect(feeder.credential(door.url, "jdupont").isEmpty, "\(door.url)") }
        var options = MatchContext.Options()
        options.reportBareLoginReuse = true
        var withBare = Feeder(try Self.context(options: options))
        let reuse = try #require(withBare.credential(Self.doors[0].url, "jdupont").first)
        #expect(reuse.kind == .reuse)
        #expect(reuse.platform == nil)
        let downlevel = try #require(feeder.credential(Self.doors[0].url, "GROUPEEXEMPLE\\jdupont").first)
        #expect(downlevel.kind == .credential)
        #expect(downlevel.platform?.id == "entra-id")
    }

    /// On the organisation's own host (its AD FS), logins are judged as on any of its hosts:
    /// a bare login is a credential, an unknown one an unknown account.
    @Test func identityPathOnTheOrganisationsHost() throws {
        var feeder = Feeder(try Self.context())
        let url = "https://adfs.clinique-exemple.fr/adfs/ls/?wa=wsignin1.0"
        let bare = try #require(feeder.credential(url, "jdupont").first)
        #expect(bare.kind == .credential)
        #expect(bare.platform?.id == "adfs")
        let unknown = try #require(feeder.credential(url, "ancien.interne").first)
        #expect(unknown.kind == .unknownAccount)
    }

    /// Nearly every victim has Microsoft or Google sign-in cookies: they are not findings.
    @Test func sharedSignInCookiesAreNotMatched() throws {
        var feeder = Feeder(try Self.context())
        #expect(feeder.cookie(".login.microsoftonline.com", includeSubdomains: true, name: "ESTSAUTH").isEmpty)
        #expect(feeder.cookie("accounts.google.com", name: "SID").isEmpty)
        #expect(feeder.cookie("clinique-exemple.okta.com", name: "sid").isEmpty)
        #expect(feeder.cookie("cliniqueexemple.cloud.com", name: "CtxsAuthId").isEmpty)
        #expect(!feeder.cookie("mediboard.clinique-exemple.fr", name: "PHPSESSID").isEmpty)
    }

    /// Look-alikes of the sign-in hosts are other sites.
    @Test func lookAlikeSignInHostsAreNotProviders() throws {
        var feeder = Feeder(try Self.context())
        for url in [
            "https://login.microsoftonline.com.evil.example/common/oauth2/authorize",
            "https://login-microsoftonline.example/",
            "https://evil.example/?next=https://login.microsoftonline.com/",
            "https://okta.com/",
            "https://kohls-okta.com/login",
            "https://accounts.google.com@evil.example/",
            "https://evil.example/docs/adfs/ls/",
        ] {
            let sighting = try #require(feeder.credential(url, "jean.dupont@clinique-exemple.fr").first, "\(url)")
            #expect(sighting.kind == .reuse, "\(url)")
            #expect(sighting.platform == nil, "\(url)")
        }
    }

    // MARK: Configuration

    @Test func everyProviderHasAShippedPlatform() throws {
        let definitions = try PatternPacks.definitions(profile: .empty, packPaths: [MatchFixture.shippedPatterns])
        let covered = Set(definitions.compactMap(\.platform.identityProvider))
        #expect(covered == Set(IdentityProvider.allCases))
        for definition in definitions where definition.platform.identityProvider != nil {
            #expect(definition.category == "identity")
            #expect(definition.platform.severity == .critical)
        }
    }

    @Test func profileReadsIdentityProviders() throws {
        let profile = try MatchFixture.withFile("org.toml", "identity_providers = [\"Entra\", \" okta \"]\n") {
            try OrganisationProfile.load(path: $0)
        }
        #expect(profile.identityProviders == [.entra, .okta])
        let without = try MatchFixture.withFile("org.toml", "name = \"x\"\n") { try OrganisationProfile.load(path: $0) }
        #expect(without.identityProviders == nil)
    }

    @Test func unknownProviderInTheProfileNamesFileAndLine() throws {
        let text = "name = \"Groupe\"\nidentity_providers = [\n    \"entra\",\n    \"entar\",\n]\n"
        let (path, error) = MatchFixture.withFile("org.toml", text) { path in
            (path, MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) })
        }
        let found = try #require(error)
        #expect(found.file == path)
        #expect(found.line == 4)
        #expect(found.message.contains("unknown identity provider 'entar'"))
        #expect(found.message.contains("entra, google, okta"))
        #expect(found.description.hasPrefix("\(path):4: "))
    }

    @Test func identityProvidersMustBeStrings() throws {
        let (_, error) = MatchFixture.withFile("org.toml", "name = \"g\"\nidentity_providers = 3\n") { path in
            (path, MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) })
        }
        let found = try #require(error)
        #expect(found.line == 2)
        #expect(found.message.contains("identity_providers"))
    }

    @Test(arguments: [
        (
            "category = \"identity\"\nmatch = [\"sso.example.test\"]\n",
            "has category \"identity\" but no 'provider'"
        ),
        ("provider = \"okta\"\nmatch = [\"sso.example.test\"]\n", "'provider' is only for identity providers"),
        (
            "category = \"identity\"\nprovider = \"keycloak\"\nmatch = [\"sso.example.test\"]\n",
            "unknown identity provider 'keycloak'"
        ),
    ])
    func packProviderErrorsNameFileAndLine(_ body: String, _ message: String) throws {
        let text = "version = 1\n\n[[platform]]\nid = \"sso\"\nseverity = \"critical\"\n" + body
        let (path, error) = MatchFixture.withFile("pack.toml", text) { path in
            (
                path,
                MatchFixture.configurationError {
                    _ = try PatternPacks.definitions(profile: .empty, packPaths: [path])
                }
            )
        }
        let found = try #require(error)
        #expect(found.file == path)
        #expect(found.message.contains(message), "\(found.message)")
        #expect((found.line ?? 0) >= 6)
    }
}
