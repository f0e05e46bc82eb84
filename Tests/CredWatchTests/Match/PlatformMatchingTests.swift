import Testing

@testable import CredWatch

/// Credentials against the organisation's platforms: what matches, what must not, and what a
/// sighting holds.
@Suite struct PlatformMatchingTests {
    let context: MatchContext

    init() throws {
        context = try MatchFixture.context()
    }

    private func sightings(_ url: String, _ login: String = "jdupont", _ password: String = "S3cret!") -> [Sighting] {
        var feeder = Feeder(context)
        return feeder.credential(url, login, password)
    }

    private func platformID(_ url: String, _ login: String = "jdupont") -> String? {
        sightings(url, login).first?.platform?.id
    }

    /// A mail two accounts share (an administrator account with its owner's mail) is reported
    /// against both, not silently given to the first (issue 15).
    @Test func sharedMailIsReportedAgainstEveryAccount() throws {
        let accounts = """
            sAMAccountName,mail,proxyAddresses
            jdupont,jean.dupont@clinique-exemple.fr,
            adm-jdupont,jean.dupont@clinique-exemple.fr,
            secretariat,secretariat@clinique-exemple.fr,smtp:jd@clinique-exemple.fr
            jd2,jd2@clinique-exemple.fr,smtp:jd@clinique-exemple.fr
            jdupont,jdupont.bis@clinique-exemple.fr,

            """
        var feeder = Feeder(try MatchFixture.context(accounts: accounts))
        let mail = feeder.credential("https://mediboard.clinique-exemple.fr/", "Jean.Dupont@clinique-exemple.fr")
        #expect(mail.map(\.kind) == [.credential, .credential])
        #expect(mail.map(\.account) == [0, 1])
        #expect(mail.map(\.rule) == [.mail, .mail])
        let alias = feeder.credential("https://www.example.test/", "jd@clinique-exemple.fr")
        #expect(alias.map(\.kind) == [.reuse, .reuse])
        #expect(alias.map(\.account) == [2, 3])
        // Two rows with one sAMAccountName: `DOMAIN\user` resolves to both, by that name.
        let downlevel = feeder.credential("https://mediboard.clinique-exemple.fr/", "GROUPEEXEMPLE\\jdupont")
        #expect(downlevel.map(\.account) == [0, 4])
        #expect(downlevel.map(\.rule) == [.downlevel, .downlevel])
    }

    @Test func exactHostMatchesWithAnySchemePortAndCase() {
        for url in [
            "https://mediboard.clinique-exemple.fr/", "http://MEDIBOARD.clinique-exemple.fr:8080/x",
            "mediboard.clinique-exemple.fr", "https://mediboard.clinique-exemple.fr./",
        ] {
            #expect(platformID(url) == "mediboard", "\(url)")
        }
    }

    /// An organisation-scoped login (its mail), so that a host that is not the platform shows
    /// as reuse rather than nothing.
    static let mail = "jean.dupont@clinique-exemple.fr"

    @Test func hostWithTheOrganisationHostAsPrefixDoesNotMatch() {
        let found = sightings("https://mediboard.clinique-exemple.fr.evil.example/login", Self.mail)
        #expect(found.map(\.kind) == [.reuse])
        #expect(found.first?.platform == nil)
    }

    @Test func lookalikeDomainDoesNotMatch() {
        #expect(sightings("https://clinique-exemple-fr.example/", Self.mail).map(\.kind) == [.reuse])
        #expect(sightings("https://evil-clinique-exemple.fr/", Self.mail).map(\.kind) == [.reuse])
    }

    @Test func organisationHostInTheQueryDoesNotMatch() {
        #expect(sightings("evil.example/?u=mediboard.clinique-exemple.fr", Self.mail).map(\.kind) == [.reuse])
    }

    @Test func organisationHostAsUserinfoDoesNotMatch() {
        #expect(sightings("https://mediboard.clinique-exemple.fr@evil.example/", Self.mail).map(\.kind) == [.reuse])
    }

    @Test func organisationHostOnlyInThePathOrPasswordDoesNotMatch() {
        #expect(sightings("https://evil.example/mediboard.clinique-exemple.fr/", Self.mail).map(\.kind) == [.reuse])
        #expect(
            sightings("https://evil.example/", Self.mail, "mediboard.clinique-exemple.fr").map(\.kind) == [.reuse]
        )
        #expect(sightings("https://evil.example/", "mediboard.clinique-exemple.fr").isEmpty)
    }

    @Test func subdomainWildcardCoversSubdomainsButNotTheDomain() {
        #expect(platformID("https://a.portail-exemple.fr/") == "mediboard")
        #expect(platformID("https://a.b.portail-exemple.fr/") == "mediboard")
        #expect(platformID("https://portail-exemple.fr/") == nil)
        #expect(platformID("https://aportail-exemple.fr/") == nil)
    }

    @Test func hostAndPathPrefixMatchesAtASegmentBoundary() {
        #expect(platformID("https://dpi.clinique-exemple.fr/MEDIBOARD/index.php") == "mediboard")
        #expect(platformID("https://dpi.clinique-exemple.fr/mediboard") == "mediboard")
        // The same host without the path is the other platform; a longer segment is not the path.
        #expect(platformID("https://dpi.clinique-exemple.fr/mediboard2/") == "dpi")
        #expect(platformID("https://dpi.clinique-exemple.fr/") == "dpi")
    }

    @Test func mostSpecificPlatformIsNamedAndTheOthersListed() throws {
        let sighting = try #require(sightings("https://dpi.clinique-exemple.fr/mediboard/index.php").first)
        #expect(sighting.platform?.id == "mediboard")
        #expect(sighting.alsoMatched == ["dpi"])
    }

    @Test func androidPackageMatchesOnlyAsAnApp() {
        #expect(platformID("android://c2lnbmF0dXJl+/x==@com.example.pro/") == "mediboard")
        #expect(platformID("https://com.example.pro/") == nil)
        #expect(platformID("android://sig==@com.example.pro.evil/") == nil)
    }

    @Test func profileRegexMatchesTheNormalisedURL() {
        #expect(platformID("https://intranet.example.test/mediboard/index.php?m=dPpatients") == "mediboard")
        #expect(platformID("intranet.example.test/mediboard/index.php") == "mediboard")
        #expect(platformID("https://intranet.example.test/x/?next=/mediboard/index.php") == nil)
    }

    @Test func organisationDomainHostsAreAPlatformOfTheirOwn() throws {
        for url in [
            "https://webmail.clinique-exemple.fr/", "https://clinique-exemple.fr/", "https://x.ad.groupe-exemple.fr/",
        ] {
            let sighting = try #require(sightings(url).first)
            #expect(sighting.kind == .credential, "\(url)")
            #expect(sighting.platform?.id == "org-domain", "\(url)")
            #expect(sighting.platform?.name == "Groupe Exemple domain")
            #expect(sighting.platform?.severity == .high)
            #expect(sighting.platform?.isOrganisation == true)
        }
        #expect(platformID("https://clinique-exemple.fr.evil.example/") == nil)
    }

    @Test func strangerOnAnOrganisationDomainHostIsAnUnknownAccount() {
        for (url, login) in [
            ("https://notmediboard.clinique-exemple.fr/index.php", "someone@example.test"),
            ("https://www.clinique-exemple.fr/newsletter", "someone"),
        ] {
            let found = sightings(url, login)
            #expect(found.count == 1)
            #expect(found.first?.kind == .unknownAccount)
            #expect(found.first?.platform?.id == "org-domain")
        }
    }

    @Test func credentialSightingHoldsEverythingButTheCleartext() throws {
        var feeder = Feeder(context)
        let found = feeder.credential(
            "https://mediboard.clinique-exemple.fr/index.php?m=dPpatients&pwd=leak",
            "  JDupont ",
            "pässwörd",
            line: 42,
            offset: 4_321
        )
        let sighting = try #require(found.first)
        #expect(found.count == 1)
        #expect(sighting.kind == .credential)
        #expect(sighting.account == 0)
        #expect(sighting.rule == .sam)
        #expect(sighting.url == "https://mediboard.clinique-exemple.fr/index.php?m=dPpatients&pwd=[REDACTED]")
        #expect(sighting.host == "mediboard.clinique-exemple.fr")
        #expect(sighting.login == "JDupont")
        #expect(sighting.password?.length == 8)
        #expect(sighting.password?.cleartext == nil)
        let expected = PasswordFingerprinter(keyBytes: Array("test key".utf8))
        #expect(sighting.password?.fingerprint == Array("pässwörd".utf8).withUnsafeBytes { expected.fingerprint($0) })
        #expect(sighting.source == Source(path: "dump.zip!victim/Passwords.txt", line: 42, offset: 4_321, family: .ulp))
        #expect(sighting.passwordLastChange == "2024-11-02T05:46:40Z")
    }

    @Test func revealPasswordsKeepsTheCleartext() throws {
        var options = MatchContext.Options()
        options.revealPasswords = true
        var feeder = Feeder(try MatchFixture.context(options: options))
        #expect(
            feeder.credential("https://mediboard.clinique-exemple.fr/", "jdupont", "pw1").first?.password?.cleartext
                == "pw1"
        )
    }

    @Test func unknownLoginOnAnOrganisationPlatformIsReported() throws {
        let sighting = try #require(sightings("https://mediboard.clinique-exemple.fr/", "ancien.interne").first)
        #expect(sighting.kind == .unknownAccount)
        #expect(sighting.account == nil)
        #expect(sighting.login == "ancien.interne")
    }

    @Test func unknownLoginOnAShippedPlatformElsewhereIsNotReported() throws {
        var feeder = Feeder(try MatchFixture.context(packs: [MatchFixture.shippedPatterns]))
        #expect(feeder.credential("https://pro.doctolib.fr/login", "someone@example.test").isEmpty)
        #expect(feeder.credential("https://vpn.other.example/remote/login", "someone").isEmpty)
        // …but on a host under the organisation's domains it is.
        #expect(
            feeder.credential("https://vpn.clinique-exemple.fr/remote/login", "someone").map(\.kind) == [
                .unknownAccount
            ]
        )
    }

    @Test func accountWithoutURLIsACredential() throws {
        let sighting = try #require(sightings("", "jean.dupont@clinique-exemple.fr").first)
        #expect(sighting.kind == .credential)
        #expect(sighting.platform == nil)
        #expect(sighting.url == nil)
        #expect(sighting.rule == .mail)
    }

    @Test func accountElsewhereIsReuseUnlessDisabled() throws {
        #expect(sightings("https://shop.example.test/", Self.mail).map(\.kind) == [.reuse])
        var options = MatchContext.Options()
        options.reportReuse = false
        var feeder = Feeder(try MatchFixture.context(options: options))
        #expect(feeder.credential("https://shop.example.test/", Self.mail).isEmpty)
        // --no-reuse wins over --reuse-bare-logins.
        options.reportBareLoginReuse = true
        feeder = Feeder(try MatchFixture.context(options: options))
        #expect(feeder.credential("https://shop.example.test/", "jdupont").isEmpty)
    }

    /// Issue 15 §3: a login without a domain off the organisation's hosts is as likely a
    /// stranger's forum name; every form that names the organisation is still reuse.
    @Test func bareLoginElsewhereIsNoReuseUnlessAskedFor() throws {
        for login in ["jdupont", "JDupont", " jdupont ", "cnguyen"] {
            #expect(sightings("https://forum.example.test/", login).isEmpty, "\(login)")
        }
        let scoped: [(String, IdentityRule)] = [
            ("jean.dupont@clinique-exemple.fr", .mail),
            ("Jean.Dupont@AD.Groupe-Exemple.fr", .upn),
            ("jd@clinique-exemple.fr", .proxy),
            ("GROUPEEXEMPLE\\jdupont", .downlevel),
            ("jdupont@ad.groupe-exemple.fr", .adDomain),
        ]
        for (login, rule) in scoped {
            let found = sightings("https://forum.example.test/", login)
            #expect(found.map(\.kind) == [.reuse], "\(login)")
            #expect(found.first?.rule == rule, "\(login)")
        }

        var options = MatchContext.Options()
        options.reportBareLoginReuse = true
        var feeder = Feeder(try MatchFixture.context(options: options))
        let found = feeder.credential("https://forum.example.test/", "JDupont")
        #expect(found.map(\.kind) == [.reuse])
        #expect(found.first?.account == 0)
        #expect(found.first?.rule == .sam)
    }

    /// On the organisation's platforms and hosts a bare login is judged as before.
    @Test func bareLoginOnTheOrganisationsHostsIsUnchanged() {
        #expect(sightings("https://mediboard.clinique-exemple.fr/", "jdupont").map(\.kind) == [.credential])
        #expect(sightings("https://intranet.clinique-exemple.fr/", "jdupont").first?.platform?.id == "org-domain")
        #expect(sightings("https://intranet.clinique-exemple.fr/", "jdupont").map(\.kind) == [.credential])
        #expect(sightings("https://mediboard.clinique-exemple.fr/", "ghost").map(\.kind) == [.unknownAccount])
        // No URL at all (`login:password`): a credential, as before.
        #expect(sightings("", "jdupont").map(\.kind) == [.credential])
    }

    /// A malformed export whose mail column holds a bare name: that key is bare too.
    @Test func exportKeysWithoutDomainAreBare() {
        let bytes = Array("jdupont".utf8)
        bytes.withUnsafeBytes { login in
            #expect(MatchWorker.isBareLogin(login, rule: .mail))
            #expect(MatchWorker.isBareLogin(login, rule: .sam))
            #expect(!MatchWorker.isBareLogin(login, rule: .downlevel))
        }
        Array("j@clinique-exemple.fr".utf8).withUnsafeBytes { login in
            #expect(!MatchWorker.isBareLogin(login, rule: .proxy))
        }
    }

    @Test func strangerElsewhereIsNothing() {
        #expect(sightings("https://shop.example.test/", "someone@example.test").isEmpty)
    }

    @Test func recordsWithoutLoginOrPasswordAreIgnored() {
        #expect(sightings("https://mediboard.clinique-exemple.fr/", "", "pw").isEmpty)
        #expect(sightings("https://mediboard.clinique-exemple.fr/", "jdupont", "").isEmpty)
    }

    @Test func credentialsInsideTheURLAreJudgedAsRecordsOfTheirOwn() throws {
        let found = sightings(
            "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Secr3t&m=dPpatients",
            "someone.else",
            "other"
        )
        let embedded = try #require(found.first { $0.source.family == .url })
        #expect(embedded.kind == .credential)
        #expect(embedded.account == 0)
        #expect(embedded.url == "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:[REDACTED]&m=dPpatients")
        #expect(embedded.password?.length == 6)
        #expect(found.contains { $0.kind == .unknownAccount && $0.source.family == .ulp })
    }

    @Test func credentialInsideTheURLThatIsAlsoTheRecordsIsJudgedOnce() throws {
        let found = sightings(
            "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Secr3t&m=x",
            "jdupont",
            "Secr3t"
        )
        #expect(found.count == 1)
        #expect(found.first?.source.family == .ulp)
    }

    @Test func userinfoCredentialIsJudged() throws {
        let found = sightings("https://cnguyen:Pw@mediboard.clinique-exemple.fr/", "x", "y")
        let embedded = try #require(found.first { $0.source.family == .url })
        #expect(embedded.account == 3)
        #expect(embedded.url == "https://mediboard.clinique-exemple.fr/")
    }

    @Test func ambiguityFlagIsCarried() throws {
        var feeder = Feeder(context)
        let found = feeder.credential("mediboard.clinique-exemple.fr:10443", "jdupont", isAmbiguous: true)
        #expect(found.first?.isAmbiguous == true)
    }

    @Test func passwordCheckerVerdictIsRecorded() throws {
        struct Checker: PasswordChecking {
            func check(account: Account, password: UnsafeRawBufferPointer) -> PasswordCheck? {
                account.sam == "jdupont"
                    ? PasswordCheck(isCurrent: Array(password) == Array("current".utf8), lastChange: "2025-01-02") : nil
            }
        }
        var feeder = Feeder(try MatchFixture.context(checker: Checker()))
        let current = try #require(
            feeder.credential("https://mediboard.clinique-exemple.fr/", "jdupont", "current").first
        )
        #expect(current.isPasswordCurrent == true)
        #expect(current.passwordLastChange == "2025-01-02")
        let old = try #require(feeder.credential("https://mediboard.clinique-exemple.fr/", "jdupont", "old").first)
        #expect(old.isPasswordCurrent == false)
        let unknown = try #require(feeder.credential("https://mediboard.clinique-exemple.fr/", "cnguyen", "x").first)
        #expect(unknown.isPasswordCurrent == nil)
    }
}
