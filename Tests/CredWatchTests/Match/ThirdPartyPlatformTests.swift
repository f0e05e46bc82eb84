import Testing

@testable import CredWatch

/// A shipped platform found by its install path (`*/remote/login`, a regex) or by a heuristic
/// (`confidence = "low"`) on a host that is not the organisation's is anyone's install: a bare
/// login there resolves to nobody, the organisation's address there is `reuse`, but for an
/// identity provider the organisation uses (issue 16, findings 6 and 7).
@Suite struct ThirdPartyPlatformTests {
    static let accounts =
        MatchFixture.accounts + "admin,admin@clinique-exemple.fr,admin@clinique-exemple.fr,,True,Admin,DSI,0\n"

    static func context(reportBareLogins: Bool = false, providers: String? = nil) throws -> MatchContext {
        var options = MatchContext.Options()
        options.reportBareLoginReuse = reportBareLogins
        let profile = MatchFixture.profile.replacingOccurrences(
            of: "machine_name",
            with: (providers.map { "identity_providers = \($0)\n" } ?? "") + "machine_name"
        )
        return try MatchFixture.context(
            profile: profile,
            accounts: accounts,
            packs: [MatchFixture.shippedPatterns],
            options: options
        )
    }

    /// Other organisations' gateways, webmail and PACS, and pages that only name a product.
    static let thirdParty: [(url: String, platform: String?)] = [
        ("https://vpn.some-company.example/remote/login", "fortinet-sslvpn"),
        ("https://webmail.other.example/owa/auth/logon.aspx", "outlook-web-app"),
        ("https://pacs.other-hospital.example/app/explorer.html", "orthanc"),
        ("https://vpn.partner.example/remote/login", "fortinet-sslvpn"),
        ("https://random.example/mediboard/", "mediboard-install-path"),
        ("https://shop.example/app/explorer.html", "orthanc"),
        ("https://www.maincare.example/contact", "maincare"),
        ("https://dxcare.chu-x.example/", "dedalus-dxcare"),
        ("https://forum.example/threads/hopital-manager-avis", nil),
        ("https://blog.example/2024/dxcare-migration", nil),
    ]

    @Test func bareLoginOnAThirdPartysInstallIsNobodys() throws {
        var feeder = Feeder(try Self.context())
        for (url, platform) in Self.thirdParty {
            #expect(feeder.platform(url)?.id == platform, "\(url)")
            for login in ["admin", "jdupont", "ADMIN"] {
                #expect(feeder.credential(url, login).isEmpty, "\(url) \(login)")
            }
        }
        var reporting = Feeder(try Self.context(reportBareLogins: true))
        for (url, _) in Self.thirdParty {
            let sightings = reporting.credential(url, "admin")
            #expect(sightings.map(\.kind) == [.reuse], "\(url)")
            #expect(sightings.first?.platform == nil, "\(url)")
        }
    }

    @Test func organisationAddressOnAThirdPartysInstallIsReuse() throws {
        let context = try Self.context()
        var feeder = Feeder(context)
        for (url, _) in Self.thirdParty {
            let sightings = feeder.credential(url, "jean.dupont@clinique-exemple.fr")
            #expect(sightings.map(\.kind) == [.reuse], "\(url)")
            let finding = try #require(IdentityProviderTests.findings(sightings, context).first)
            #expect(finding.severity == .low)
            #expect(finding.action == .review)
            #expect(finding.host != nil)
        }
    }

    /// The same products on the organisation's own hosts are its platforms, bare logins too.
    @Test func onTheOrganisationsHostsTheyArePlatforms() throws {
        var feeder = Feeder(try Self.context())
        let own: [(url: String, platform: String)] = [
            ("https://vpn.clinique-exemple.fr/remote/login", "fortinet-sslvpn"),
            ("https://webmail.clinique-exemple.fr/owa/", "outlook-web-app"),
            ("https://pacs.clinique-exemple.fr/app/explorer.html", "orthanc"),
            ("https://dxcare.clinique-exemple.fr/", "dedalus-dxcare"),
            ("https://intranet.clinique-exemple.fr/Web100T/login", "dedalus-dxcare"),
            ("https://hopital-manager.clinique-exemple.fr/", "hopital-manager"),
            ("https://apps.ad.groupe-exemple.fr/m-crossway/", "maincare"),
            // The profile's own rule names the host.
            ("https://intranet.example.test/mediboard/index.php", "mediboard"),
        ]
        for (url, platform) in own {
            for login in ["jdupont", "jean.dupont@clinique-exemple.fr"] {
                let sightings = feeder.credential(url, login)
                #expect(sightings.map(\.kind) == [.credential], "\(url) \(login)")
                #expect(sightings.first?.platform?.id == platform, "\(url) \(login)")
            }
        }
    }

    /// A vendor's own hosts (SaaS) are the platform whoever's tenant it is.
    @Test func vendorHostsStayPlatforms() throws {
        var feeder = Feeder(try Self.context())
        let sightings = feeder.credential("https://secure.weda.fr/", "jean.dupont@clinique-exemple.fr")
        #expect(sightings.map(\.kind) == [.credential])
        #expect(sightings.first?.platform?.id == "weda")
    }

    /// An identity provider the organisation uses is a credential on a federation host of
    /// anyone's (AD FS, Shibboleth); one it does not use is reuse there; a bare login nothing.
    @Test func identityProviderOnAnotherHostCountsWhenUsed() throws {
        let url = "https://sts.partner.example/adfs/ls/IdpInitiatedSignOn.aspx"
        var all = Feeder(try Self.context())
        #expect(all.credential(url, "jean.dupont@clinique-exemple.fr").map(\.kind) == [.credential])
        #expect(all.credential(url, "jdupont").isEmpty)
        var entraOnly = Feeder(try Self.context(providers: "[\"entra\"]"))
        #expect(entraOnly.credential(url, "jean.dupont@clinique-exemple.fr").map(\.kind) == [.reuse])
    }

    /// Heuristics match the product's name as a host label or a whole path segment, never
    /// inside a longer word, a query or another segment.
    @Test(
        arguments: [
            ("https://dxcare.chu-x.example/", "dedalus-dxcare"),
            ("https://srv-web100t2.chu-x.example:8443/", "dedalus-dxcare"),
            ("https://apps.chu-x.example/app/Web100T/login.aspx", "dedalus-dxcare"),
            ("https://apps.chu-x.example/dxcare", "dedalus-dxcare"),
            ("https://hopitalmanager.chu-x.example/", "hopital-manager"),
            ("https://apps.chu-x.example/HopitalManager/", "hopital-manager"),
            ("https://m-crossway.chu-x.example/", "maincare"),
            ("https://blog.example/2024/dxcare-migration", nil),
            ("https://forum.example/threads/hopital-manager-avis", nil),
            ("https://random.example/search?q=dxcare", nil),
            ("https://mydxcare.example/", nil),
            ("https://apps.example/maincarefully/", nil),
            ("https://apps.example/x#/dxcare", nil),
        ] as [(String, String?)]
    )
    func heuristicsMatchWholeLabelsAndSegments(_ url: String, _ platform: String?) throws {
        var feeder = Feeder(try Self.context())
        #expect(feeder.platform(url)?.id == platform, "\(url)")
    }

    /// `exclude`: the vendor's own sites under its tenants' domain are not the platform.
    @Test func excludedHostsAreNotThePlatform() throws {
        var feeder = Feeder(try Self.context())
        for url in [
            "https://www.okta.com/", "https://developer.okta.com/docs/", "https://support.okta.com/help",
            "https://help.okta.com/", "https://developer.zorgplatform.online/",
        ] {
            #expect(feeder.platform(url) == nil, "\(url)")
            #expect(feeder.credential(url, "jean.dupont@clinique-exemple.fr").map(\.kind) == [.reuse], "\(url)")
        }
        #expect(feeder.platform("https://chu-x.okta.com/")?.id == "okta")
        #expect(feeder.platform("https://ziekenhuis.zorgplatform.online/")?.id == "zorgplatform")
        #expect(feeder.cookie("developer.zorgplatform.online").isEmpty)
        #expect(feeder.cookie("ziekenhuis.zorgplatform.online").map(\.platform?.id) == ["zorgplatform"])
    }
}
