import Testing

@testable import CredWatch

@Suite struct URLPartsTests {
    private func parts<Result>(_ url: String, _ body: (URLParts) -> Result) -> Result {
        let bytes = Array(url.utf8)
        return bytes.withUnsafeBytes { body(URLParts(parsing: $0)) }
    }

    private func host(_ url: String) -> String { parts(url) { $0.hostString } }
    private func normalized(_ url: String) -> String { parts(url) { $0.normalized } }

    @Test(arguments: [
        ("https://Mediboard.Clinique-Exemple.FR./index.php", "mediboard.clinique-exemple.fr"),
        ("mediboard.clinique-exemple.fr/mediboard/", "mediboard.clinique-exemple.fr"),
        ("mediboard.clinique-exemple.fr:8443/x", "mediboard.clinique-exemple.fr"),
        ("https://user:pw@host.example.test:443/", "host.example.test"),
        ("https://mediboard.clinique-exemple.fr@evil.example/", "evil.example"),
        ("https://a@b@evil.example/", "evil.example"),
        ("https://mediboard.clinique-exemple.fr\\@evil.example/", "mediboard.clinique-exemple.fr"),
        ("http://10.1.2.3:8080/mediboard", "10.1.2.3"),
        ("https://[2001:db8::1]:8443/owa", "[2001:db8::1]"),
        ("android://AbC-_xy+/z==@com.example.pro/", "com.example.pro"),
        ("evil.example/?u=mediboard.clinique-exemple.fr", "evil.example"),
        ("evil.example#mediboard.clinique-exemple.fr", "evil.example"),
        ("", ""),
    ])
    func hostIsParsedFromTheURL(url: String, expected: String) {
        #expect(host(url) == expected)
    }

    @Test func partsOfAFullURL() {
        parts("HTTPS://u:p@Host.Example.test:8443/a/b?x=1&y=2#frag") { url in
            #expect(Text.string(Bytes.slice(url.bytes, url.scheme!)) == "HTTPS")
            #expect(Text.string(Bytes.slice(url.bytes, url.userinfo!)) == "u:p")
            #expect(Text.string(Bytes.slice(url.bytes, url.port!)) == "8443")
            #expect(Text.string(url.pathBytes) == "/a/b")
            #expect(Text.string(Bytes.slice(url.bytes, url.query!)) == "x=1&y=2")
            #expect(!url.isIPLiteral)
        }
    }

    @Test func ipLiteralsAreRecognised() {
        #expect(parts("http://10.0.0.5/") { $0.isIPLiteral })
        #expect(parts("https://[::1]/") { $0.isIPLiteral })
        #expect(!parts("https://10.example.test/") { $0.isIPLiteral })
    }

    @Test(arguments: [
        (
            "HTTPS://User:Pass@Mediboard.Example.TEST:443/Mediboard/Index.php?m=dPpatients#top",
            "https://mediboard.example.test/Mediboard/Index.php?m=dPpatients"
        ),
        ("mediboard.example.test/index.php", "https://mediboard.example.test/index.php"),
        ("mediboard.example.test", "https://mediboard.example.test/"),
        ("http://host.example.test:80/", "http://host.example.test/"),
        ("http://host.example.test:8080/", "http://host.example.test:8080/"),
        ("host.example.test:10443/remote/login", "https://host.example.test:10443/remote/login"),
        (
            "https://h.example.test/index.php?login=kevin:0xd3v5&m=webservices",
            "https://h.example.test/index.php?login=kevin:[REDACTED]&m=webservices"
        ),
        (
            "https://h.example.test/index.php?login=kevin%3A0xd3v5",
            "https://h.example.test/index.php?login=kevin:[REDACTED]"
        ),
        (
            "https://h.example.test/index.php?login=1&username=cron&password=hunter2&m=system",
            "https://h.example.test/index.php?login=1&username=cron&password=[REDACTED]&m=system"
        ),
        (
            "https://h.example.test/?PASS=x&pwd=y&mdp=z&q=keep",
            "https://h.example.test/?PASS=[REDACTED]&pwd=[REDACTED]&mdp=[REDACTED]&q=keep"
        ),
        (
            "https://h.example.test/cb?access_token=abc&state=1",
            "https://h.example.test/cb?access_token=[REDACTED]&state=1"
        ),
        (
            "https://sso.example.test/cas/login?ticket=ST-1-abc&service=x&sid=9f&code=oauth1&auth_token=t&session=s",
            "https://sso.example.test/cas/login?ticket=[REDACTED]&service=x&sid=[REDACTED]&code=[REDACTED]"
                + "&auth_token=[REDACTED]&session=[REDACTED]"
        ),
        ("https://h.example.test/?password=", "https://h.example.test/?password="),
        ("android://hash==@com.example.pro/", "android://com.example.pro/"),
        ("https://h.example.test\\a\\b", "https://h.example.test/a/b"),
    ])
    func normalisationAndRedaction(url: String, expected: String) {
        #expect(normalized(url) == expected)
    }

    @Test func redactedURLNeverHoldsThePassword() {
        let url = "https://u:topsecret@h.example.test/index.php?login=u:topsecret&password=topsecret"
        #expect(!normalized(url).contains("topsecret"))
    }

    @Test(arguments: [
        ("https://jdupont:Pa55@mediboard.example.test/", "jdupont", "Pa55"),
        ("https://h.example.test/index.php?m=dPhospi&raw=x&login=kevin:0xd3v5", "kevin", "0xd3v5"),
        ("https://h.example.test/index.php?login=kevin%3Ap%40ss%2Bword", "kevin", "p@ss+word"),
        ("https://h.example.test/index.php?password=a+b&m=system&login=1&username=cron", "cron", "a b"),
        ("https://h.example.test/index.php?login=1&username=cron&password=x:y", "cron", "x:y"),
    ])
    func embeddedCredentialsAreExtracted(url: String, login: String, password: String) {
        let found = parts(url) { $0.embeddedCredentials }
        #expect(found == [EmbeddedCredential(login: Array(login.utf8), password: Array(password.utf8))])
    }

    @Test(arguments: [
        "https://h.example.test/index.php?login=1&m=system",
        "https://user@h.example.test/",
        "android://c2lnbmF0dXJl:bm90YQ==@com.example.pro/",
        "https://h.example.test/?username=a",
        "https://h.example.test/?login=1&password=x",
    ])
    func urlsWithoutCredentialsYieldNone(url: String) {
        #expect(parts(url) { $0.embeddedCredentials }.isEmpty)
    }
}
