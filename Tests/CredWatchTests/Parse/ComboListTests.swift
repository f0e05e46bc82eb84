import Testing

@testable import CredWatch

@Suite("Combolist (ULP) lines")
struct ComboListTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var line: String
        /// url, login, password; nil when the line must be skipped.
        var expected: (url: String, login: String, password: String)?
        var isAmbiguous = false

        var testDescription: String { line }
    }

    @Test(
        "Every ULP form",
        arguments: [
            Case(
                line: "https://portal.example.test/login:alice@mail.example:S3cret!",
                expected: ("https://portal.example.test/login", "alice@mail.example", "S3cret!")
            ),
            Case(
                line: "https://vpn.example.test:10443/remote/login:alice:pw:with:colons",
                expected: ("https://vpn.example.test:10443/remote/login", "alice", "pw:with:colons")
            ),
            Case(
                line: "https://dpi.clinique-exemple.fr:8443:j.dupont@clinique-exemple.fr:Mot2Passe",
                expected: ("https://dpi.clinique-exemple.fr:8443", "j.dupont@clinique-exemple.fr", "Mot2Passe"),
                isAmbiguous: true
            ),
            Case(
                line: "portal.example.test/login:alice:secret",
                expected: ("portal.example.test/login", "alice", "secret")
            ),
            Case(line: "portal.example.test:alice:secret", expected: ("portal.example.test", "alice", "secret")),
            Case(
                line: "android://QmFzZTY0SGFzaA==@com.example.app/:alice:secret",
                expected: ("android://QmFzZTY0SGFzaA==@com.example.app/", "alice", "secret")
            ),
            Case(
                line: "android://ab/cd+ef==@fr.example.mobile/:alice:se:cret",
                expected: ("android://ab/cd+ef==@fr.example.mobile/", "alice", "se:cret")
            ),
            Case(
                line: "https://portal.example.test/login|alice|secret",
                expected: ("https://portal.example.test/login", "alice", "secret")
            ),
            Case(
                line: "https://portal.example.test/login|alice|pass|with|pipes",
                expected: ("https://portal.example.test/login", "alice", "pass|with|pipes")
            ),
            Case(
                line: "https://portal.example.test/login\talice\tsecret",
                expected: ("https://portal.example.test/login", "alice", "secret")
            ),
            Case(
                line: "https://portal.example.test/login;alice;sec:ret",
                expected: ("https://portal.example.test/login", "alice", "sec:ret")
            ),
            Case(
                line: "https://portal.example.test/login alice my secret",
                expected: ("https://portal.example.test/login", "alice", "my secret")
            ),
            Case(
                line: "https://portal.example.test/login   alice   secret",
                expected: ("https://portal.example.test/login", "alice", "secret")
            ),
            Case(line: "alice@mail.example:secret", expected: ("", "alice@mail.example", "secret")),
            Case(line: "alice@mail.example:se:cr:et", expected: ("", "alice@mail.example", "se:cr:et")),
            Case(line: "alice@mail.example secret", expected: ("", "alice@mail.example", "secret")),
            Case(line: "alice:secret", expected: ("", "alice", "secret")),
            Case(line: "j.dupont:Mot:DePasse", expected: ("j.dupont", "Mot", "DePasse")),
            Case(line: "j.dupont:MotDePasse", expected: ("", "j.dupont", "MotDePasse")),
            Case(line: "alice : secret", expected: ("", "alice", "secret")),
            Case(
                line: "\"https://portal.example.test\":alice:secret",
                expected: ("https://portal.example.test", "alice", "secret")
            ),
            Case(
                line: "\"portal.example.test/login\":alice:secret",
                expected: ("portal.example.test/login", "alice", "secret")
            ),
            // Quotes are taken off every field of a quoted line (issue 16: they were kept on
            // the login).
            Case(line: "\"alice@mail.example\":secret", expected: ("", "alice@mail.example", "secret")),
            Case(
                line: "http://192.168.10.5:8080/admin:root:toor",
                expected: ("http://192.168.10.5:8080/admin", "root", "toor")
            ),
            Case(line: "10.0.0.12:8080/login:root:toor", expected: ("10.0.0.12:8080/login", "root", "toor")),
            Case(line: "10.0.0.12:root:toor", expected: ("10.0.0.12", "root", "toor")),
            Case(
                line: "host.example.test:10443:user:pass",
                expected: ("host.example.test:10443", "user", "pass"),
                isAmbiguous: true
            ),
            Case(line: "host.example.test:1234:pass", expected: ("host.example.test", "1234", "pass")),
            Case(
                line: "https://user:pw@intranet.example.test/app:alice:secret",
                expected: ("https://user:pw@intranet.example.test/app", "alice", "secret")
            ),
            Case(
                line: "https://webmail.example.test:alice@mail.example:secret",
                expected: ("https://webmail.example.test", "alice@mail.example", "secret")
            ),
            Case(
                line: "https://sso.example.test/auth?redirect=https://app.example.test:8443/cb:alice:secret",
                expected: ("https://sso.example.test/auth?redirect=https://app.example.test:8443/cb", "alice", "secret")
            ),
            Case(
                line: "https://portal.example.test/p;jsessionid=A1B2:alice:secret",
                expected: ("https://portal.example.test/p;jsessionid=A1B2", "alice", "secret")
            ),
            Case(
                line: "HTTPS://PORTAL.EXAMPLE.TEST/Login:Alice:Secret",
                expected: ("HTTPS://PORTAL.EXAMPLE.TEST/Login", "Alice", "Secret")
            ),
            Case(
                line: "https://[2001:db8::1]:8443/login:alice:secret",
                expected: ("https://[2001:db8::1]:8443/login", "alice", "secret")
            ),
            Case(
                line: "https://portal.example.test/login:alice:",
                expected: ("https://portal.example.test/login", "alice", "")
            ),
            Case(
                line: "https://dossier.clinique-exemple.fr/:héloïse:Été2024!",
                expected: ("https://dossier.clinique-exemple.fr/", "héloïse", "Été2024!")
            ),
            // A colon inside the URL's query or path is not the line's separator when splitting
            // there leaves a "login" that goes on with the URL (issue 15: the password of
            // Mediboard's `login=user:password` was shown as the login).
            Case(
                line: "https://mb.example.test/index.php?login=tsimon:Qry170&m=dPpatients:tsimon:Qry170",
                expected: ("https://mb.example.test/index.php?login=tsimon:Qry170&m=dPpatients", "tsimon", "Qry170")
            ),
            Case(
                line: "https://mb.example.test/index.php?login=tsimon:Qry170:tsimon:Qry170",
                expected: ("https://mb.example.test/index.php?login=tsimon:Qry170", "tsimon", "Qry170")
            ),
            Case(
                line: "https://app.example.test/?at=10:30&day=2:alice:secret",
                expected: ("https://app.example.test/?at=10:30&day=2", "alice", "secret")
            ),
            Case(
                line: "https://app.example.test/?user=alice:alice:se:cret",
                expected: ("https://app.example.test/?user=alice", "alice", "se:cret")
            ),
            // After a `?` the line is split from the right (issue 16: a colon of the query was
            // taken for the separator): the last two fields are the login and password.
            Case(
                line: "https://app.example.test/?q=a:b:c:d",
                expected: ("https://app.example.test/?q=a:b", "c", "d")
            ),
            Case(
                line: "https://app.example.test/wiki/a:b/c:alice:secret",
                expected: ("https://app.example.test/wiki/a:b/c", "alice", "secret")
            ),
            Case(
                line: "https://app.example.test/#/route?x=1:alice:secret",
                expected: ("https://app.example.test/#/route?x=1", "alice", "secret")
            ),
            Case(
                line: "https://app.example.test/?t=1:Jean Dupont:secret",
                expected: ("https://app.example.test/?t=1", "Jean Dupont", "secret")
            ),
            // Skipped: blank, comments, adverts, junk, a URL alone.
            Case(line: "", expected: nil),
            Case(line: "   ", expected: nil),
            Case(line: "# exported 2024-11-03", expected: nil),
            Case(line: "// comment", expected: nil),
            Case(line: "=========================", expected: nil),
            Case(line: "==== Join t.me/example_cloud ====", expected: nil),
            Case(line: "Telegram: https://t.me/example_cloud", expected: nil),
            Case(line: "Telegram: @example_cloud", expected: nil),
            Case(line: "https://t.me/example_cloud", expected: nil),
            Case(line: "https://portal.example.test/login", expected: nil),
            Case(line: "just some prose without separators", expected: nil),
            Case(line: "alice:", expected: nil),
        ]
    )
    func line(_ testCase: Case) {
        let result = ParseFixture.parse(testCase.line + "\n", locator: "combo.txt")
        if let expected = testCase.expected {
            #expect(
                result.credentials == [
                    ParseFixture.Credential(
                        url: expected.url,
                        login: expected.login,
                        password: expected.password,
                        line: 1,
                        family: .ulp,
                        isAmbiguous: testCase.isAmbiguous
                    )
                ]
            )
            #expect(result.skipped == 0)
        } else {
            #expect(result.credentials.isEmpty)
            #expect(result.skipped == 1)
        }
    }

    /// Files that start with a byte-order mark, joined with `cat`: the marks inside the text are
    /// no part of the lines they start.
    @Test func byteOrderMarksOfJoinedFilesAreNoPartOfTheirLines() {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        let bytes =
            bom + Array("https://a.example.test/:first:one\r\n".utf8) + bom
            + Array("https://b.example.test/:second:two\r\n".utf8)
        let result = ParseFixture.parse(bytes: bytes, locator: "joined.txt")
        #expect(result.credentials.map(\.url) == ["https://a.example.test/", "https://b.example.test/"])
        #expect(result.credentials.map(\.login) == ["first", "second"])
    }

    /// A Mediboard URL carries `login=user:password`; whatever follows it on the line, the
    /// password of the query never becomes the record's login (found by a probe: it was shown
    /// in every report as an unknown account's login).
    @Test(arguments: [
        "https://dpi.example.test/mediboard/index.php?login=agarnier:S3cretQ7&m=dPhospi::",
        "https://dpi.example.test/mediboard/index.php?login=agarnier:S3cretQ7&m=a:b",
        "https://dpi.example.test/mediboard/index.php?login=agarnier:S3cretQ7#x:y",
        "https://dpi.example.test/mediboard/index.php?login=agarnier:S3cretQ7:cmartin:pw2",
    ])
    func queryPasswordNeverBecomesTheLogin(line: String) {
        let result = ParseFixture.parse(line + "\n", locator: "combo.txt")
        #expect(!result.credentials.contains { $0.login.contains("S3cretQ7") })
        if line.hasSuffix("cmartin:pw2") {
            #expect(result.credentials.map(\.login) == ["cmartin"])
            #expect(result.credentials.map(\.password) == ["pw2"])
            #expect(result.credentials.first?.url.hasSuffix("login=agarnier:S3cretQ7") == true)
        }
    }

    @Test("A chunk: line numbers from firstLine, CRLF and LF mixed, junk counted")
    func chunk() {
        let text = "# header\r\nhttps://a.example.test/x:alice:pw1\r\n\nbob@mail.example:pw2\njunk line\n"
        let result = ParseFixture.parse(text, locator: "dump.zip!combo.txt", firstLine: 1000)
        #expect(
            result.credentials == [
                ParseFixture.Credential(
                    url: "https://a.example.test/x",
                    login: "alice",
                    password: "pw1",
                    line: 1001,
                    family: .ulp
                ),
                ParseFixture.Credential(url: "", login: "bob@mail.example", password: "pw2", line: 1003, family: .ulp),
            ]
        )
        #expect(result.skipped == 3)
    }

    @Test("Latin-1 bytes reach the sink untouched and read as Windows-1252")
    func latin1() {
        // `https://x.example.test/:andré:Caf\xE9\x80` in Windows-1252.
        var bytes = Array("https://x.example.test/:andr".utf8)
        bytes += [0xE9] + Array(":Caf".utf8) + [0xE9, 0x80, 0x0A]
        let result = ParseFixture.parse(bytes: bytes, locator: "combo.txt")
        #expect(result.passwordBytes == [[0x43, 0x61, 0x66, 0xE9, 0x80]])
        #expect(result.credentials.map(\.login) == ["andré"])
        #expect(result.credentials.map(\.password) == ["Café€"])
    }

    @Test("NUL bytes and a missing final LF do not hurt")
    func hostileBytes() {
        let bytes: [UInt8] = Array("\0\0\nalice@mail.example:pw\0".utf8)
        let result = ParseFixture.parse(bytes: bytes, locator: "combo.txt")
        #expect(result.credentials.map(\.password) == ["pw"])
        #expect(result.skipped == 1)
    }
}
