import Testing

@testable import CredWatch

/// The shipped packs load, and recognise each platform by representative URLs but not by decoys.
@Suite struct PatternPackTests {
    let context: MatchContext

    init() throws {
        context = try MatchFixture.context(packs: [MatchFixture.shippedPatterns])
    }

    /// The platform the rules name for `url` (on a host that is not the organisation's, a
    /// credential there is judged by `MatchWorker`: see `ThirdPartyPlatformTests`).
    private func platformID(_ url: String) -> String? {
        var feeder = Feeder(context)
        return feeder.platform(url)?.id
    }

    @Test func packsLoad() {
        #expect(context.platformCount >= 20)
        #expect(context.allPlatforms.contains { $0.id == "mediboard" && $0.isOrganisation })
        #expect(context.allPlatforms.contains { $0.id == "mediboard-web" && !$0.isOrganisation })
        #expect(context.allPlatforms.contains { $0.id == "ameli-pro" && !$0.isOrganisation })
        #expect(context.allPlatforms.last?.id == "org-domain")
    }

    @Test(arguments: [
        ("https://dpi.hopital.example/app/index.php?m=dPpatients&tab=vw_idx_patients", "mediboard-web"),
        ("https://10.2.3.4/index.php?m=mediusers", "mediboard-web"),
        ("https://srv.example.test/index.php?login=kevin:0xd3v5&m=webservices&a=soap_server", "mediboard-web"),
        ("https://srv.example.test/index.php?login=1&username=cron&password=x&m=system", "mediboard-web"),
        ("http://localhost/mediboard/", "mediboard-install-path"),
        ("https://srv.example.test/mediboard_prod/index.php", "mediboard-install-path"),
        ("https://espacepro.ameli.fr/PortailPS/", "ameli-pro"),
        ("https://authps-espacepro.ameli.fr/oauth2/authorize?x=1", "ameli-pro"),
        ("https://x.ameli.fr/PortailPS/appmanager/portailps/professionnelsante", "ameli-pro"),
        ("https://wallet.esw.esante.gouv.fr/auth", "pro-sante-connect"),
        ("https://auth-mailiz.mssante.fr/realms/mssante/protocol", "mssante-mailiz"),
        ("https://webmail.pharmacie.mailiz.mssante.fr/", "mssante-mailiz"),
        ("https://pro.doctolib.fr/login", "doctolib-pro"),
        ("https://cernabcn.cernerworks.com/Citrix/ProdWeb/", "cerner-millennium"),
        ("https://clinic.asp.cernerworks.com/", "cerner-millennium"),
        ("https://ucern.cerner.com/", "cerner-portals"),
        ("https://portal.hospital.example/EpicCareLink/common/chart.asp", "epic-carelink"),
        ("https://mychart.hospital.example/MyChart/Authentication/Login", "epic-mychart"),
        ("https://fhir.epic.com/interconnect-fhir-oauth/oauth2/token", "epic-fhir"),
        ("https://dxcare.ch-exemple.example/", "dedalus-dxcare"),
        ("https://apps.ch-exemple.example/Web100T/login", "dedalus-dxcare"),
        ("https://hopital-manager.ch-exemple.example/", "hopital-manager"),
        ("https://m-crossway.ch-exemple.example/", "maincare"),
        ("https://gw.corp.example/vpn/index.html", "citrix-gateway"),
        ("https://gw.corp.example/logon/LogonPoint/tmindex.html", "citrix-gateway"),
        ("https://apps.corp.example/Citrix/StoreWeb/", "citrix-gateway"),
        ("https://citrix.corp.example/", "citrix-host"),
        ("https://vpn.corp.example:10443/remote/login?lang=en", "fortinet-sslvpn"),
        ("https://vpn.corp.example/dana-na/auth/url_default/welcome.cgi", "ivanti-connect-secure"),
        ("https://gp.corp.example/global-protect/login.esp", "globalprotect"),
        ("https://gp.corp.example/ssl-vpn/login.esp", "globalprotect"),
        ("https://sslvpn.corp.example/cgi-bin/welcome", "sonicwall"),
        ("https://mail.corp.example/owa/auth/logon.aspx?replaceCurrent=1", "outlook-web-app"),
        ("https://mail.corp.example/ecp/", "outlook-web-app"),
    ])
    func representativeURLs(url: String, platform: String) {
        #expect(platformID(url) == platform, "\(url)")
    }

    @Test(arguments: [
        "https://www.doctolib.fr/",
        "https://www.ameli.fr/assure",
        "https://shop.example.test/index.php?m=shop&login=1",
        "https://shop.example.test/index.php?q=dPpatients",
        "https://shop.example.test/?next=/mediboard/",
        "https://cernerworks.com.evil.example/",
        "https://example.test/?u=pro.doctolib.fr",
        "https://fhir.epic.com.evil.example/interconnect-x",
        "https://shop.example.test/search?q=dxcare",
        "https://citrix.com/downloads",
        "https://shop.example.test/remote/login2",
        "https://shop.example.test/owa2/",
    ])
    func decoysAreNotPlatforms(url: String) {
        #expect(platformID(url) == nil, "\(url)")
    }

    @Test func organisationProfileWinsOverPacks() throws {
        var feeder = Feeder(context)
        let sighting = try #require(
            feeder.credential("https://mediboard.clinique-exemple.fr/mediboard/index.php?m=dPpatients", "jdupont").first
        )
        #expect(sighting.platform?.id == "mediboard")
        #expect(sighting.platform?.isOrganisation == true)
        #expect(sighting.alsoMatched == ["mediboard-install-path", "mediboard-web"])
    }

    @Test func everyShippedRegexHasAPrefilterLiteral() {
        let packs = context.allPlatforms.filter { !$0.isOrganisation }.map(\.id)
        #expect(!packs.isEmpty)
        for rule in context.platforms.packRegexRules {
            let regex = context.platforms.rule(rule).regex
            #expect(regex?.requiredLiterals.isEmpty == false, "\(regex?.pattern ?? "")")
            #expect(regex?.isJIT == true)
        }
    }
}
