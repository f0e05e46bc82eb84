import Testing

@testable import CredWatch

@Suite struct CookieTests {
    let context: MatchContext

    init() throws {
        context = try MatchFixture.context(packs: [MatchFixture.shippedPatterns])
    }

    private func platformID(_ domain: String, includeSubdomains: Bool = false, path: String = "/") -> String? {
        var feeder = Feeder(context, locator: "dump.zip!victim/Cookies/Chrome.txt")
        return feeder.cookie(domain, includeSubdomains: includeSubdomains, path: path).first?.platform?.id
    }

    @Test func hostCookieOfAPlatform() throws {
        var feeder = Feeder(context, locator: "dump.zip!victim/Cookies/Chrome.txt")
        let value = "q8b1l9s2v0kq6c1m"
        let sighting = try #require(
            feeder.cookie("mediboard.clinique-exemple.fr", path: "/", name: "PHPSESSID", value: value).first
        )
        #expect(sighting.kind == .cookie)
        #expect(sighting.platform?.id == "mediboard")
        #expect(sighting.host == "mediboard.clinique-exemple.fr")
        // The value is kept only as its keyed fingerprint.
        let fingerprint = Array(value.utf8).withUnsafeBytes { context.fingerprinter.fingerprint($0) }
        #expect(
            sighting.cookie
                == CookieEvidence(
                    domain: "mediboard.clinique-exemple.fr",
                    path: "/",
                    name: "PHPSESSID",
                    expiry: 1_900_000_000,
                    isSecure: true,
                    valueFingerprint: fingerprint
                )
        )
        #expect(
            sighting.source
                == Source(path: "dump.zip!victim/Cookies/Chrome.txt", line: 3, offset: 120, family: .cookies)
        )
        #expect(sighting.login == nil && sighting.password == nil)
    }

    @Test func parentDomainCookieIsSentToTheOrganisationsHosts() throws {
        var feeder = Feeder(context)
        let sighting = try #require(feeder.cookie(".clinique-exemple.fr", includeSubdomains: true).first)
        #expect(sighting.platform?.id == "mediboard")
        #expect(sighting.alsoMatched.contains("dpi"))
        #expect(sighting.host == "clinique-exemple.fr")
    }

    @Test func leadingDotAloneMeansSubdomains() {
        #expect(platformID(".portail-exemple.fr") == "mediboard")
        #expect(platformID("portail-exemple.fr") == nil)
    }

    @Test func subdomainCookieOfAWildcardPlatform() {
        #expect(platformID("a.portail-exemple.fr") == "mediboard")
        #expect(platformID(".a.portail-exemple.fr", includeSubdomains: true) == "mediboard")
    }

    @Test func lookalikeCookieDomainsDoNotMatch() {
        #expect(platformID(".clinique-exemple.fr.evil.example", includeSubdomains: true) == nil)
        #expect(platformID("evil-clinique-exemple.fr", includeSubdomains: true) == nil)
        #expect(platformID(".mediboard.clinique-exemple.fr.evil.example", includeSubdomains: true) == nil)
        #expect(platformID(".fr", includeSubdomains: true) == nil)
    }

    @Test func cookiesOfOrganisationDomainHostsAreOrganisationPlatforms() {
        #expect(platformID("intranet.clinique-exemple.fr") == "org-domain")
        // Sent to every host of the domain, the platforms among them first.
        #expect(platformID(".clinique-exemple.fr", includeSubdomains: true) == "mediboard")
        #expect(platformID(".clinique-exemple.fr.evil.example", includeSubdomains: true) == nil)
    }

    @Test(arguments: [
        "_ga", "_ga_ABC123", "_gid", "_gat_UA-1", "__utma", "_hjSessionUser_1", "_pk_id.1.a", "didomi_token",
    ])
    func analyticsCookiesAreNoSession(name: String) {
        var feeder = Feeder(context, locator: "dump.zip!victim/Cookies/Chrome.txt")
        #expect(feeder.cookie("www.clinique-exemple.fr", path: "/", name: name).isEmpty)
        #expect(feeder.cookie("mediboard.clinique-exemple.fr", path: "/", name: name).isEmpty)
    }

    @Test func sessionNamesThatMerelyStartLikeAnalyticsStillCount() {
        var feeder = Feeder(context, locator: "dump.zip!victim/Cookies/Chrome.txt")
        #expect(feeder.cookie("www.clinique-exemple.fr", path: "/", name: "_gateway_session").first?.kind == .cookie)
    }

    @Test func pathRulesNeedOverlappingPaths() {
        #expect(platformID("dpi.clinique-exemple.fr", path: "/mediboard/") == "mediboard")
        #expect(platformID("dpi.clinique-exemple.fr", path: "/mediboard/modules") == "mediboard")
        #expect(platformID("dpi.clinique-exemple.fr", path: "/autre") == "dpi")
    }

    @Test func shippedHostPlatformsMatchButNotTheirParentDomains() {
        #expect(platformID("pro.doctolib.fr") == "doctolib-pro")
        #expect(platformID(".doctolib.fr", includeSubdomains: true) == nil)
        #expect(platformID(".client.cernerworks.com", includeSubdomains: true) == "cerner-millennium")
    }

    @Test func anyHostPathRulesDoNotMatchCookies() {
        #expect(platformID("vpn.corp.example", path: "/remote/login") == nil)
    }

    @Test func organisationRegexIsTriedOnTheCookiesURL() {
        #expect(platformID("intranet.example.test", path: "/mediboard/index.php") == "mediboard")
    }
}

@Suite struct MachineTests {
    let context: MatchContext

    init() throws {
        context = try MatchFixture.context()
    }

    private func judge(hostname: String? = nil, user: String? = nil, domain: String? = nil) -> MachineSighting? {
        var feeder = Feeder(context, locator: "dump.zip!FR[abc]/System.txt")
        return feeder.machine(hostname: hostname, user: user, domain: domain)
    }

    @Test func adDomainMachine() throws {
        let machine = try #require(judge(hostname: "PC-42", domain: "AD.Groupe-Exemple.FR"))
        #expect(machine.isOrganisationMachine)
        #expect(machine.evidence == ["ad-domain"])
        #expect(machine.folder == "dump.zip!FR[abc]")
        #expect(machine.source == Source(path: "dump.zip!FR[abc]/System.txt", line: 1, offset: 0, family: .redline))
    }

    @Test func childDomainAndNetBIOSDomainCount() {
        #expect(judge(domain: "paris.ad.groupe-exemple.fr")?.isOrganisationMachine == true)
        #expect(judge(domain: "groupeexemple")?.isOrganisationMachine == true)
        #expect(judge(hostname: "pc1.ad.groupe-exemple.fr")?.evidence == ["ad-domain"])
        #expect(judge(user: "GROUPEEXEMPLE\\someone")?.evidence == ["ad-domain"])
    }

    @Test func lookalikeDomainsDoNotCount() {
        #expect(judge(domain: "ad.groupe-exemple.fr.evil.example")?.isOrganisationMachine == false)
        #expect(judge(domain: "bad.groupe-exemple.fr")?.isOrganisationMachine == false)
        #expect(judge(domain: "WORKGROUP")?.isOrganisationMachine == false)
    }

    @Test func machineNamePattern() {
        #expect(judge(hostname: "GEX-PAR-PC0042")?.evidence == ["machine-name"])
        #expect(judge(hostname: "gex-lyo-pc1234.local")?.evidence == ["machine-name"])
        #expect(judge(hostname: "GEX-PAR-PC00421")?.isOrganisationMachine == false)
        #expect(judge(hostname: "HOME-PC")?.isOrganisationMachine == false)
    }

    @Test func resolvedUserIsSupportingEvidenceOnly() throws {
        let home = try #require(judge(hostname: "HOME-PC", user: "jdupont"))
        #expect(!home.isOrganisationMachine)
        #expect(home.evidence == ["user"])
        #expect(home.account == 0)
        let work = try #require(judge(hostname: "GEX-PAR-PC0042", user: "JDupont", domain: "GROUPEEXEMPLE"))
        #expect(work.isOrganisationMachine)
        #expect(work.evidence == ["ad-domain", "machine-name", "user"])
    }

    @Test func everyMachineIsReported() throws {
        let machine = try #require(judge())
        #expect(!machine.isOrganisationMachine)
        #expect(machine.evidence.isEmpty)
        #expect(machine.account == nil)
    }
}
