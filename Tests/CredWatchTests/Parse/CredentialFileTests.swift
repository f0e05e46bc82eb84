import Testing

@testable import CredWatch

@Suite("Stealer credential files")
struct CredentialFileTests {
    typealias Credential = ParseFixture.Credential

    @Test("RedLine: banner and adverts skipped, `=` separators, UNKNOWN user, colons and accents kept")
    func redLine() {
        let text = """
            *****************************************
            *  RedLine Stealer - t.me/example_shop  *
            *****************************************
            Telegram: https://t.me/example_logs
            URL: https://intranet.clinique-exemple.fr:8443/portail/login
            Username: j.dupont
            Password: P@ss:word:42
            Application: Google_[Chrome]_Default
            ===============
            URL: https://webmail.example.test/
            Username: UNKNOWN
            Password: Été2024!
            Application: Microsoft_[Edge]_Profile 2
            ===============
            URL: https://nothing.example.test/
            Username: UNKNOWN
            Password:
            Application: Mozilla_[Firefox]_x
            ===============

            """
        let result = ParseFixture.parse(text, locator: "dump.zip!FR[0A1B]/Passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://intranet.clinique-exemple.fr:8443/portail/login",
                    login: "j.dupont",
                    password: "P@ss:word:42",
                    software: "Google_[Chrome]_Default",
                    line: 5,
                    family: .redline
                ),
                Credential(
                    url: "https://webmail.example.test/",
                    login: "",
                    password: "Été2024!",
                    software: "Microsoft_[Edge]_Profile 2",
                    line: 10,
                    family: .redline
                ),
            ]
        )
        // The banner line, the advert label and the four lines of the empty record.
        #expect(result.skipped == 6)
    }

    @Test("META is told from RedLine by its banner; RedLine's layout alone gives redline")
    func metaAndLayout() {
        let record =
            "URL: https://a.example.test/\nUsername: alice\nPassword: pw\nApplication: Google_[Chrome]_Default\n"
        let meta = ParseFixture.parse("**********\n*  META  *\n**********\n" + record, locator: "v/Passwords.txt")
        let plain = ParseFixture.parse(record, locator: "v/Passwords.txt")
        #expect(meta.credentials.map(\.family) == [.meta])
        #expect(meta.credentials.map(\.line) == [4])
        #expect(plain.credentials.map(\.family) == [.redline])
    }

    @Test("Vidar: Soft/Host/Login/Password, no space after the colon, two blank lines, Android host")
    func vidar() {
        let text = """
            Soft: Google Chrome [Default]
            Host: https://dpi.clinique-exemple.fr/login
            Login:m.martin
            Password: Secr3t!


            Soft: Microsoft Edge (Default)
            Host: android://c2lnbmF0dXJl==@fr.example.app/
            Login: marie.martin@example.test
            Password:pw

            """
        let result = ParseFixture.parse(text, locator: "Vidar_1/passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://dpi.clinique-exemple.fr/login",
                    login: "m.martin",
                    password: "Secr3t!",
                    software: "Google Chrome [Default]",
                    line: 1,
                    family: .vidar
                ),
                Credential(
                    url: "android://c2lnbmF0dXJl==@fr.example.app/",
                    login: "marie.martin@example.test",
                    password: "pw",
                    software: "Microsoft Edge (Default)",
                    line: 7,
                    family: .vidar
                ),
            ]
        )
        #expect(result.skipped == 0)
    }

    @Test("StealC: lowercase browser/profile/url/login/password after 64-dash advert blocks")
    func stealC() {
        let rule = String(repeating: "-", count: 64)
        let text = """
            \(rule)
            Best logs shop @example_shop
            \(rule)

            browser: Google Chrome
            profile: Default
            url: https://rh.clinique-exemple.fr/
            login: p.durand
            password: Jardin#2024

            browser: Mozilla Firefox
            profile: abcd.default-release
            url: https://example.test/account
            login: p.durand@example.test
            password:

            """
        let result = ParseFixture.parse(text, locator: "StealC_x/passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://rh.clinique-exemple.fr/",
                    login: "p.durand",
                    password: "Jardin#2024",
                    software: "Google Chrome [Default]",
                    line: 5,
                    family: .stealc
                ),
                Credential(
                    url: "https://example.test/account",
                    login: "p.durand@example.test",
                    password: "",
                    software: "Mozilla Firefox [abcd.default-release]",
                    line: 11,
                    family: .stealc
                ),
            ]
        )
        #expect(result.skipped == 1)
    }

    @Test(
        "Lumma: uppercase SOFT/URL/USER/PASS without separators, in All Passwords and per-browser files",
        arguments: ["Lumma_P1/All Passwords.txt", "Lumma_P1/Chrome/Default/Passwords.txt"]
    )
    func lumma(locator: String) {
        let text = """
            SOFT: Chrome Default (132.0.6834.15)
            URL: https://pacs.clinique-exemple.fr/
            USER: l.bernard
            PASS: Radio!2024
            SOFT: Firefox Default (132.0)
            URL: https://example.test/
            USER: lucie
            PASS: m0t:de:passe
            """
        let result = ParseFixture.parse(text, locator: locator)
        #expect(
            result.credentials == [
                Credential(
                    url: "https://pacs.clinique-exemple.fr/",
                    login: "l.bernard",
                    password: "Radio!2024",
                    software: "Chrome Default (132.0.6834.15)",
                    line: 1,
                    family: .lumma
                ),
                Credential(
                    url: "https://example.test/",
                    login: "lucie",
                    password: "m0t:de:passe",
                    software: "Firefox Default (132.0)",
                    line: 5,
                    family: .lumma
                ),
            ]
        )
    }

    @Test("Atomic: URL/LOGIN/PASSWORD uppercase without separators")
    func atomic() {
        let text = """
            URL: https://agenda.clinique-exemple.fr
            LOGIN: s.moreau@clinique-exemple.fr
            PASSWORD: ap3d-Gf!
            URL: https://example.test
            LOGIN: smoreau
            PASSWORD: R3$pT9&bN4wY
            """
        let result = ParseFixture.parse(text, locator: "Atomic_P1/Passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://agenda.clinique-exemple.fr",
                    login: "s.moreau@clinique-exemple.fr",
                    password: "ap3d-Gf!",
                    line: 1,
                    family: .atomic
                ),
                Credential(
                    url: "https://example.test",
                    login: "smoreau",
                    password: "R3$pT9&bN4wY",
                    line: 4,
                    family: .atomic
                ),
            ]
        )
    }

    @Test("Raccoon: HOST/USER/PASS label blocks")
    func raccoonLabels() {
        let text =
            "HOST: https://mail.example.test\nUSER: r.petit\nPASS: Petit2023\n\nHOST: https://b.example.test\nUSER: rp\nPASS: x\n"
        let result = ParseFixture.parse(text, locator: "v/passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://mail.example.test",
                    login: "r.petit",
                    password: "Petit2023",
                    line: 1,
                    family: .raccoon
                ),
                Credential(url: "https://b.example.test", login: "rp", password: "x", line: 5, family: .raccoon),
            ]
        )
    }

    @Test("Raccoon: tab- and pipe-separated rows, with and without the Racc0_0n banner")
    func raccoonRows() {
        let rows =
            "https://erp.clinique-exemple.fr/login\tn.roux\tTab:Pass\nportal.example.test|n.roux@example.test|pipe|pass\n"
        let expected = [
            Credential(
                url: "https://erp.clinique-exemple.fr/login",
                login: "n.roux",
                password: "Tab:Pass",
                line: 2,
                family: .raccoon
            ),
            Credential(
                url: "portal.example.test",
                login: "n.roux@example.test",
                password: "pipe|pass",
                line: 3,
                family: .raccoon
            ),
        ]
        let withBanner = ParseFixture.parse("Racc0_0n | 1.8.0\n" + rows, locator: "v/passwords.txt")
        #expect(withBanner.credentials == expected)
        #expect(withBanner.skipped == 1)
        let withoutBanner = ParseFixture.parse("URL\tLOGIN\tPASSWORD\n" + rows, locator: "v/passwords.txt")
        #expect(withoutBanner.credentials == expected)
    }

    @Test("44CALIBER: _AllPasswords_list.txt with Url/Username/Password")
    func caliber() {
        let text = "Url: https://compta.clinique-exemple.fr\nUsername: a.girard\nPassword: Girard:2022\n\n"
        let result = ParseFixture.parse(text, locator: "v/_AllPasswords_list.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://compta.clinique-exemple.fr",
                    login: "a.girard",
                    password: "Girard:2022",
                    line: 1,
                    family: .caliber44
                )
            ]
        )
    }

    @Test("Collector: `| Site:` lines, `|` spacer lines")
    func collector() {
        let text = """
            | Site: https://gestion.clinique-exemple.fr/ |
            | Login: c.leroy
            | Pass: Leroy!99
            |
            | Site: https://example.test/
            | Login: cleroy
            | Pass: other
            """
        let result = ParseFixture.parse(text, locator: "v/Browser/Passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://gestion.clinique-exemple.fr/",
                    login: "c.leroy",
                    password: "Leroy!99",
                    line: 1,
                    family: .collector
                ),
                Credential(
                    url: "https://example.test/",
                    login: "cleroy",
                    password: "other",
                    line: 5,
                    family: .collector
                ),
            ]
        )
    }

    @Test("DCRat: Browsers/*Passwords* with URL/Login/Password")
    func dcrat() {
        let text = "URL: https://labo.clinique-exemple.fr/\nLogin: e.fournier\nPassword: Labo2024\n\n"
        let result = ParseFixture.parse(text, locator: "v/Browsers/Chrome_Passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://labo.clinique-exemple.fr/",
                    login: "e.fournier",
                    password: "Labo2024",
                    line: 1,
                    family: .dcrat
                )
            ]
        )
    }

    @Test("BRADMAX re-packs: `━` rules between records, colon inside the application label")
    func bradmax() {
        let rule = String(repeating: "━", count: 80)
        let text = """
            URL: https://bloc.clinique-exemple.fr/
            Username: v.lambert
            Password: Bloc!Op
            Application: Chrome [Profile: Default]
            \(rule)
            URL: https://example.test/
            Username: vlambert
            Password: x
            Application: Edge [Profile: Profile 1]
            \(rule)
            """
        let result = ParseFixture.parse(text, locator: "[FR]@CLOUD (BRADMAX) (12)/All_Passwords.txt")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://bloc.clinique-exemple.fr/",
                    login: "v.lambert",
                    password: "Bloc!Op",
                    software: "Chrome [Profile: Default]",
                    line: 1,
                    family: .bradmax
                ),
                Credential(
                    url: "https://example.test/",
                    login: "vlambert",
                    password: "x",
                    software: "Edge [Profile: Profile 1]",
                    line: 6,
                    family: .bradmax
                ),
            ]
        )
    }

    @Test(
        "The whole label vocabulary, leading decorations and whitespace, any case",
        arguments: [
            ("Site: https://a.example.test\nUsername: u\nPassword: p", "https://a.example.test", "u", "p"),
            (
                "  - Hostname:https://a.example.test\n\tEmail: u@example.test\n\tPwd: p", "https://a.example.test",
                "u@example.test", "p"
            ),
            ("UR1: a.example.test\nU53RN4M3: u\nP455W0RD: p", "a.example.test", "u", "p"),
            ("Link: https://a.example.test\nUSER LOGIN: u\nUSER PASSWORD: p", "https://a.example.test", "u", "p"),
            ("Origin: https://a.example.test\nUser Name: u\nPasswords: p", "https://a.example.test", "u", "p"),
            ("Domain: a.example.test\nMail: u\nPass: p", "a.example.test", "u", "p"),
            ("Location: https://a.example.test\nAccount: u\npassword: p", "https://a.example.test", "u", "p"),
            ("Storage: Opera\nurl: https://a.example.test\nLOGIN: u\nPASSWORD: p", "https://a.example.test", "u", "p"),
        ]
    )
    func vocabulary(text: String, url: String, login: String, password: String) {
        let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
        #expect(result.credentials.map(\.url) == [url])
        #expect(result.credentials.map(\.login) == [login])
        #expect(result.credentials.map(\.password) == [password])
    }

    @Test("Unknown layouts are `.labels`; an entry with only a URL is dropped and counted")
    func genericLabels() {
        let text = "Site: https://a.example.test\nUsername: u\nPassword: p\n\nSite: https://only-url.example.test\n\n"
        let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
        #expect(
            result.credentials == [
                Credential(url: "https://a.example.test", login: "u", password: "p", line: 1, family: .labels)
            ]
        )
        #expect(result.skipped == 1)
    }

    @Test("A password over several lines is joined with LF, with CRLF line ends too")
    func multiLinePassword() {
        for lineEnd in ["\n", "\r\n"] {
            let text =
                [
                    "URL: https://a.example.test/", "Username: alice", "Password: first line", "second:line",
                    "Application: App", "===",
                ]
                .joined(separator: lineEnd) + lineEnd
            let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
            #expect(
                result.credentials == [
                    Credential(
                        url: "https://a.example.test/",
                        login: "alice",
                        password: "first line\nsecond:line",
                        software: "App",
                        line: 1,
                        family: .redline
                    )
                ]
            )
        }
    }

    @Test(
        "A line of decorations alone ends the value before it, never glued onto the password",
        arguments: [
            ("┃", "┃"), ("║", "║"), ("•", "•"), ("*", "*"), (">", ">"), ("»", "»"), ("┃", "┗━━━━━━━━"), ("", "[01]"),
        ]
    )
    func decorationLineEndsTheValue(_ prefix: String, _ decoration: String) {
        let lead = prefix.isEmpty ? "" : prefix + " "
        let records = [("mbernard", "Pw5!"), ("jdupont", "Pw6?")].map { login, password in
            [
                lead + "URL: https://mediboard.clinique-exemple.fr/", lead + "Username: " + login,
                lead + "Password: " + password, decoration,
            ]
            .joined(separator: "\n")
        }
        let result = ParseFixture.parse(records.joined(separator: "\n") + "\n", locator: "v/Passwords.txt")
        #expect(result.credentials.map(\.login) == ["mbernard", "jdupont"])
        #expect(result.credentials.map(\.password) == ["Pw5!", "Pw6?"])
        // A password over several lines stops at the decoration too.
        let multiLine = "URL: https://a.example.test/\nUsername: alice\nPassword: first\nsecond\n\(decoration)\n"
        #expect(
            ParseFixture.parse(multiLine, locator: "v/Passwords.txt").credentials.map(\.password) == ["first\nsecond"]
        )
    }

    @Test("Digits, letters or an @ alone on a line are a value's, not decorations")
    func valueLinesAreNoDecorations() {
        for line in ["123", "@x", "[ab]", "x", "1."] {
            let text = "URL: https://a.example.test/\nUsername: alice\nPassword: first\n\(line)\n\n"
            let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
            #expect(result.credentials.map(\.password) == ["first\n" + line])
        }
    }

    @Test("Latin-1 bytes in a credential file are passed on as bytes")
    func latin1() {
        var bytes = Array("URL: https://a.example.test/\nUsername: h".utf8) + [0xE9] + Array("lo".utf8) + [0xEF]
        bytes += Array("se\nPassword: ".utf8)
        bytes += [0x45, 0x74, 0xE9] + Array("\n".utf8)
        let result = ParseFixture.parse(bytes: bytes, locator: "v/Passwords.txt")
        #expect(result.passwordBytes == [[0x45, 0x74, 0xE9]])
        #expect(result.credentials.map(\.password) == ["Eté"])
        #expect(result.credentials.map(\.login) == ["héloïse"])
    }

    @Test("A combolist misnamed Passwords.txt is still read: URL lines and e-mail lines, not prose")
    func combolistInCredentialFile() {
        let text = "https://a.example.test/login:alice:pw\nbob@example.test:pw2\nBuild: 2024\n"
        let result = ParseFixture.parse(text, locator: "dump/passwords_2024.txt")
        #expect(
            result.credentials == [
                Credential(url: "https://a.example.test/login", login: "alice", password: "pw", line: 1, family: .ulp),
                Credential(url: "", login: "bob@example.test", password: "pw2", line: 2, family: .ulp),
            ]
        )
        #expect(result.skipped == 1)
    }

    @Test("Seller and advert labels are skipped and counted, never read as values")
    func adverts() {
        let text = """
            Seller: @example_seller
            Log Tools: https://tools.example.test
            Free Logs: t.me/example_free
            URL: https://a.example.test/
            Username: alice
            Password: pw
            """
        let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
        #expect(result.credentials.map(\.login) == ["alice"])
        #expect(result.credentials.map(\.line) == [4])
        #expect(result.skipped == 3)
    }
}
