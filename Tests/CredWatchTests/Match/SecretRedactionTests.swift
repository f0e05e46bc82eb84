import Testing

@testable import CredWatch

/// Issue 15 §6: whatever the parser decided, no string a finding is made of carries a password
/// or a credential of the URL.
@Suite struct SecretRedactionTests {
    private func secrets(password: String = "", url: String = "") -> SecretValues {
        var secrets = SecretValues()
        Array(password.utf8).withUnsafeBytes { secrets.addPassword($0) }
        Array(url.utf8).withUnsafeBytes { secrets.addURL(URLParts(parsing: $0)) }
        return secrets
    }

    @Test func passwordIsRedactedWhereverItLandsWhateverTheCase() {
        let secrets = secrets(password: "Zq8!leak-1")
        #expect(secrets.redact("Zq8!leak-1&m=dPpatients") == "[REDACTED]&m=dPpatients")
        #expect(secrets.redact("https://zq8!leak-1.example/") == "https://[REDACTED].example/")
        #expect(secrets.redact("dumps/Zq8!leak-1Zq8!leak-1.txt") == "dumps/[REDACTED].txt")
        #expect(secrets.redact("nothing here") == "nothing here")
    }

    /// A password that holds a colon may be the rest of a line split too early: what follows
    /// each colon is a secret too (the issue's `tsimon:Qry170` put `Qry170…` in the login).
    @Test func whatFollowsAColonOfThePasswordIsASecret() {
        let secrets = secrets(password: "tsimon:Qry170")
        #expect(secrets.redact("Qry170&m=dPpatients") == "[REDACTED]&m=dPpatients")
        #expect(secrets.redact("tsimon") == "tsimon")
    }

    /// Short secrets are redacted only where they are the whole field, so that a three-letter
    /// password does not cut every URL into pieces.
    @Test func shortSecretsOnlyAsWholeFields() {
        let secrets = secrets(password: "abc")
        #expect(secrets.redact("ABC") == "[REDACTED]")
        #expect(secrets.redact("https://abc.example/") == "https://abc.example/")
    }

    @Test func credentialsOfTheURLAreSecrets() {
        let secrets = secrets(
            url: "https://jdupont:Zq8!leak-3@mb.example/index.php?login=tsimon:Zq8!leak-4&pwd=Zq8%21leak-5"
                + "#/cb?access_token=Zq8!leak-6&state=visible"
        )
        for planted in ["Zq8!leak-3", "Zq8!leak-4", "Zq8!leak-5", "Zq8%21leak-5", "Zq8!leak-6"] {
            #expect(secrets.redact("x " + planted + " y") == "x [REDACTED] y", "\(planted)")
        }
        for visible in ["jdupont", "tsimon", "visible", "index.php"] {
            #expect(secrets.redact(visible) == visible)
        }
    }

    @Test func androidCertificateHashIsNoSecret() {
        let secrets = secrets(url: "android://QmFzZTY0:SGFzaA==@com.example.app/")
        #expect(secrets.isEmpty)
    }

    /// The record a mis-split line would give (the login is the query going on, the password
    /// `login:password`): the sighting's login, URL, source path and the unknown account's key
    /// carry no part of the password.
    @Test func misSplitRecordLeaksNothing() throws {
        let context = try MatchFixture.context()
        var feeder = Feeder(context, locator: "dump.zip!Zq8!leak-7.txt")
        let sightings = feeder.credential(
            "https://mediboard.clinique-exemple.fr/index.php?login=tsimon",
            "Zq8!leak-7&m=dPpatients",
            "tsimon:Zq8!leak-7"
        )
        let sighting = try #require(sightings.first)
        #expect(sighting.kind == .unknownAccount)
        #expect(sighting.login == "[REDACTED]&m=dPpatients")
        #expect(sighting.source.path == "dump.zip![REDACTED].txt")
        var aggregator = FindingAggregator(accounts: context.accounts.accounts)
        for sighting in sightings { aggregator.add(sighting) }
        for finding in aggregator.findings() {
            let text = [finding.login, finding.url, finding.host, finding.exposureKey] + finding.sources.map(\.path)
            for field in text.compactMap({ $0 }) { #expect(!field.lowercased().contains("zq8!leak-7"), "\(field)") }
        }
    }

    /// A cookie's value, should a hostile line put it in the name or path too, is redacted
    /// there; the value itself is only fingerprinted.
    @Test func cookieValueIsRedactedFromTheOtherFields() throws {
        let context = try MatchFixture.context()
        var feeder = Feeder(context, locator: "victim/Cookies/Chrome.txt")
        let sighting = try #require(
            feeder.cookie(
                "mediboard.clinique-exemple.fr",
                path: "/s3ss10n-v4lue",
                name: "SID-s3ss10n-v4lue",
                value: "s3ss10n-v4lue"
            ).first
        )
        #expect(sighting.cookie?.name == "SID-[REDACTED]")
        #expect(sighting.cookie?.path == "/[REDACTED]")
        #expect(sighting.cookie?.valueFingerprint.count == 64)
    }
}
