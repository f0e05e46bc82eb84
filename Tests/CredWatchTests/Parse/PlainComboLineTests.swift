import Testing

@testable import CredWatch

/// Candidate-first scanning: the one-pass reader of plain combolist lines must split exactly as
/// the full readers (`ComboLineParser`, `URLParts`) do, leave every other line to them, and the
/// match worker must take as a candidate every line whose credential the full path reports.
@Suite("Plain combolist lines and candidates")
struct PlainComboLineTests {
    @Test(
        "Plain lines split as the full parser splits them",
        arguments: [
            "https://portal.example.test/login:alice@mail.example:S3cret!",
            "http://forum.example.net/espace-client:marie_philippe@post.test:orchidee2006",
            "https://vpn.example.test:10443/remote/login:alice:pw:with:colons",
            "HTTPS://Portal.Example.TEST/:alice:pw",
            "https://app.example.test/signin|monique@courriel.test|gland:lampion|46",
            "http://figue99.example.net/ baptiste.tessier@post.test oasissavane33",
            "https://myrtille98.example/auth/login\tmathieu.gaillard@lettre.example\therisson 2008",
            "m.arbre-noisette.example.org|joel_mercier@lettre.example|Paquebot-sable-62",
            "abeille-miel.example.org:oasis_1768:ucJ2fYwQCXRi",
            "portal.example.test/login:alice:secret",
            "portal.example.test:8080/login:alice:secret",
            "ftp://files.example.test/pub:anonymous:guest",
            "https://localhost/admin:root:toor",
            "https://a.example.test/x:alice:",
            "  https://a.example.test/x:alice:pw  ",
        ]
    )
    func plainLine(_ text: String) throws {
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { buffer in
            let line = UnsafeRawBufferPointer(buffer)
            let plain = try #require(PlainComboLine(line))
            let fields = try #require(ComboLineParser.parse(line))
            #expect(Array(plain.url) == Array(fields.url))
            #expect(Array(plain.login) == Array(fields.login))
            #expect(Array(plain.password) == Array(fields.password))
            let url = URLParts(parsing: fields.url)
            #expect(Array(plain.host) == Array(url.hostBytes))
            #expect(Array(plain.path) == Array(url.pathBytes))
        }
    }

    @Test(
        "Lines that need the full parser's judgement are left to it",
        arguments: [
            "android://hash==@com.example.pro/:alice:pw",  // Android
            "https://user:pw@portal.example.test/:alice:pw",  // userinfo
            "https://[2001:db8::1]/login:alice:pw",  // IPv6
            "https://192.0.2.7/login:alice:pw",  // IPv4 literal
            "https://portal.example.test./login:alice:pw",  // trailing dot
            "https://portal..example.test/login:alice:pw",  // empty label
            "https://portal.example.test/index.php?login=alice:pw&m=x:alice:pw",  // query
            "https://portal.example.test/a#frag:alice:pw",  // fragment
            "https://portal.example.test/a;b:alice:pw",  // `;`
            "https://portal.example.test\\login:alice:pw",  // backslash
            "https://portal.example.test/go://other.example.test/:alice:pw",  // nested URL
            "https://portal.example.test/a:8080/b:alice:pw",  // nested port
            "https://portal.example.test/a:b/c:alice:pw",  // a login field that goes on with the URL
            "https://portal.example.test:10443:alice:pw",  // port or login: ambiguous
            "https://portal.example.test:99999/x:alice:pw",  // no port
            "https://portal.example.test:alice@mail.example:pw",  // no path
            "https://portal.example.test/login:alice",  // one field after the URL
            "https://portal.example.test/login|alice",
            "https://portal.example.test/login alice",
            "https://portal.example.test/login | alice | pw",  // spaces around a separator
            "portal.example.test:alice",  // `login:password`
            "portal:alice:pw",  // no dot, no scheme: a login
            "alice@mail.example:pw",
            "https://portal.example.test/login:Telegram:t.me/seller",  // advert
            "https://portal.example.tést/login:alice:pw",  // non-ASCII host
            "https://portal.example.test/lögin:alice:pw",  // non-ASCII path
            "# https://portal.example.test/login:alice:pw",
            "\"https://portal.example.test/login\":alice:pw",  // quoted URL
            "https://portal.example.test/login:\"alice\":pw",  // quoted login
            "https://portal.example.test/login \"alice\" pw",
            "//alice:pw@portal.example.test/:bob:pw",  // protocol-relative with userinfo
        ]
    )
    func fullParserLine(_ text: String) {
        var bytes = Array(text.utf8)
        bytes.withUnsafeMutableBytes { buffer in
            #expect(PlainComboLine(UnsafeRawBufferPointer(buffer)) == nil)
        }
    }

    /// Each way a plain line can yield a finding makes it a candidate; a stranger's line on a
    /// stranger's site does not, and the full path reports nothing for it either.
    @Test(
        arguments: [
            ("https://mediboard.clinique-exemple.fr/index.php:stranger@mail.example:pw", true),  // exact host
            ("https://a.b.portail-exemple.fr/x:stranger@mail.example:pw", true),  // *.domain
            ("https://dpi.clinique-exemple.fr/mediboard/x:stranger:pw", true),  // host/path
            ("https://intranet.clinique-exemple.fr/:stranger:pw", true),  // organisation domain
            ("https://shop.example.test/remote/login:stranger:pw", true),  // */path of a pack
            ("https://shop.example.test/mediboard/index.php:stranger:pw", true),  // organisation regex
            ("https://forum.example.test/:Jean.Dupont@clinique-exemple.fr:pw", true),  // mail
            ("https://forum.example.test/:JDUPONT:pw", true),  // sAMAccountName
            ("https://forum.example.test/:jdupont@ad.groupe-exemple.fr:pw", true),  // sam@ad-domain
            ("https://forum.example.test/login:stranger@mail.example:pw", false),
            ("forum.example.test|stranger|pw", false),
            ("https://forum.example.test/:jdupont:", false),  // no password: nothing to report
        ]
    )
    func candidates(_ text: String, _ isCandidate: Bool) throws {
        let context = try MatchFixture.context(packs: [MatchFixture.shippedPatterns])
        var worker = MatchWorker(context: context)
        worker.begin(Document(locator: "combo.txt", role: .combolist))
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { buffer in
            let line = UnsafeRawBufferPointer(buffer)
            let plain = try #require(PlainComboLine(line))
            #expect(worker.isCandidate(plain) == isCandidate)
            let fields = try #require(ComboLineParser.parse(line))
            worker.credential(
                RawCredential(
                    url: fields.url,
                    login: fields.login,
                    password: fields.password,
                    line: 1,
                    offset: 0,
                    family: .ulp
                )
            )
            if !isCandidate { #expect(worker.takeSightings().isEmpty) }
        }
    }
}
