import Foundation
import Testing

@testable import CredWatch

/// The shipped packs (`Patterns/*.toml`): every entry says where it comes from and how sure it
/// is; the clinical platforms match their own sign-in URLs and nothing that merely looks alike.
@Suite struct ShippedPackTests {
    static let definitions: [PlatformDefinition] = {
        (try? PatternPacks.definitions(profile: .empty, packPaths: [MatchFixture.shippedPatterns])) ?? []
    }()

    @Test func everyEntryHasSourceAndConfidence() throws {
        #expect(Self.definitions.count >= 60)
        for definition in Self.definitions {
            let id = definition.platform.id
            let source = try #require(definition.source, "\(id) has no source")
            #expect(source.count >= 10, "\(id): source too short to say where it comes from")
            let confidence = try #require(definition.confidence, "\(id) has no confidence")
            #expect(["high", "medium", "low"].contains(confidence), "\(id)")
            #expect(definition.category?.isEmpty == false, "\(id) has no category")
        }
    }

    @Test func healthPackHasAtLeastFortyPlatforms() {
        let health = Self.definitions.filter { $0.platform.origin.hasSuffix("/health.toml") }
        #expect(health.count >= 40)
    }

    /// A shipped regex is only run behind its required literal: each must have one.
    @Test func everyRegexHasARequiredLiteral() {
        for definition in Self.definitions {
            for regex in definition.regexes {
                #expect(!regex.requiredLiterals.isEmpty, "\(definition.platform.id): \(regex.pattern)")
            }
        }
    }

    static func context() throws -> MatchContext {
        try MatchFixture.context(packs: [MatchFixture.shippedPatterns])
    }

    /// A sample of clinical, remote-access and European platforms, each on one of its own URLs.
    static let matches: [(url: String, platform: String)] = [
        ("https://secure.weda.fr/Login.aspx", "weda"),
        ("https://trajectoire.sante-ra.fr/Trajectoire/pages/AccesRestreint/Login.aspx", "viatrajectoire"),
        ("https://www.epmsi.atih.sante.fr/jsp/login.jsp", "epmsi"),
        ("https://pro.maiia.com/login", "maiia-pro"),
        ("https://app.lifen.fr/", "lifen"),
        ("https://medimail.mipih.fr/?m=liste", "medimail"),
        ("https://pacs.chu-exemple.example:8443/dcm4chee-arc/ui2/#/study/patient", "dcm4chee"),
        ("http://10.0.0.12:8042/app/explorer.html", "orthanc"),
        ("https://pacs.example.test/iSiteWeb/WorkList/PrimaryWorkList.ashx", "philips-isite"),
        ("https://ice.trust.example.test/icedesktop/dotnet/icedesktop/login.aspx", "sunquest-ice"),
        ("https://live.trust.example.test/trakcare/csp/logon.csp?LANGID=1", "trakcare"),
        ("https://cabinet.example.test/openemr/interface/login/login.php?site=default", "openemr"),
        ("https://emr.example.test/interface/login/login.php", "openemr"),
        ("https://clinic.example.test/openmrs/login.htm", "openmrs"),
        ("https://portal.nhs.net/Home/Login", "nhsmail"),
        ("https://www.zorgdomein.nl/cgi-bin/zdlogin", "zorgdomein"),
        ("https://ziekenhuis.zorgplatform.online/", "zorgplatform"),
        ("https://apps.hin.ch/#app=HinCredMgr", "hin"),
        ("https://pro.doctolib.de/signin", "doctolib-pro"),
        ("https://vpn.partenaire.example/+CSCOE+/logon.html", "cisco-asa-webvpn"),
        ("https://gw.partenaire.example/sslvpn/Login/Login", "checkpoint-mobile-access"),
        ("https://apm.partenaire.example/my.policy", "f5-big-ip-apm"),
        ("https://vdi.partenaire.example/portal/webclient/index.html#/home", "vmware-horizon"),
        ("https://rds.partenaire.example/RDWeb/Pages/en-US/login.aspx", "rd-web-access"),
    ]

    @Test func clinicalAndRemotePlatformsMatchTheirOwnURLs() throws {
        var feeder = Feeder(try Self.context())
        for (url, platform) in Self.matches {
            #expect(feeder.platform(url)?.id == platform, "\(url) → \(feeder.platform(url)?.id ?? "none")")
            // On the vendor's own hosts the organisation's address is a credential; the platforms
            // found by their install path (`*/path`, a regex) are anyone's install here, a
            // third party's, where it is reuse (deliberate since issue 16, finding 6).
            let sighting = try #require(feeder.credential(url, "jean.dupont@clinique-exemple.fr").first, "\(url)")
            #expect(sighting.kind == (Self.anyonesInstalls.contains(platform) ? .reuse : .credential), "\(url)")
        }
    }

    /// The platforms of `matches` found by their install path, on any host.
    static let anyonesInstalls: Set<String> = [
        "dcm4chee", "orthanc", "philips-isite", "sunquest-ice", "trakcare", "openemr", "openmrs", "cisco-asa-webvpn",
        "checkpoint-mobile-access", "f5-big-ip-apm", "vmware-horizon", "rd-web-access",
    ]

    /// Look-alike hosts, the product's name elsewhere in the URL, its path under another folder
    /// or in the query: other sites, whose organisation logins are only reuse.
    static let decoys: [String] = [
        "https://weda.fr/",
        "https://secure.weda.fr.evil.example/Login.aspx",
        "https://trajectoire.sante-ra.fr-evil.example/Trajectoire/",
        "https://evil.example/?u=trajectoire.sante-ra.fr",
        "https://www.maiia.com/",
        "https://omnidoc.fr/blog",
        "https://notsiilo.com/",
        "https://apps.hin.ch.evil.example/",
        "https://www.vidal.fr/medicaments/",
        "https://www.vidal.fr/loginx",
        "https://decentralized-audit.vercel.app/explorer.html",
        "https://evil.example/docs/app/explorer.html",
        "https://evil.example/dcm4chee-arcade/",
        "https://evil.example/static/openmrs-logo.png",
        "https://evil.example/?next=/interface/login/login.php",
        "https://evil.example/interface/login/login.php.bak",
        "https://evil.example/icedesktopx/",
        "https://evil.example/blog/trakcare/csp/logon.csp",
        "https://evil.example/portal/webclients",
        "https://evil.example/sslvpn/",
        "https://evil.example/my.policyx",
        "https://zorgdomein.nl.evil.example/",
        "https://portal.nhs.net.evil.example/",
        "https://evil.example/rdweb-guide",
        "https://tm-web.example.test/easily/sillage/axigate",
    ]

    @Test func lookAlikesDoNotMatch() throws {
        var feeder = Feeder(try Self.context())
        for url in Self.decoys {
            let sighting = try #require(feeder.credential(url, "jean.dupont@clinique-exemple.fr").first, "\(url)")
            #expect(sighting.kind == .reuse, "\(url) → \(sighting.kind)")
            #expect(sighting.platform == nil, "\(url) → \(sighting.platform?.id ?? "")")
        }
    }
}
