import Testing

@testable import CredWatch

@Suite("JSON credential files")
struct JSONCredentialTests {
    typealias Credential = ParseFixture.Credential

    @Test("An array of objects, any key spelling, escapes, null and empty values")
    func array() {
        let text = """
            [
              {"url": "https:\\/\\/dpi.clinique-exemple.fr\\/login", "username": "j.dupont", "password": "p\\u00e9:\\"q\\""},
              {"origin": "https://example.test", "email": "a@example.test", "pass": "x", "browser": "Chrome"},
              {"host": "https://only-url.example.test", "login": null, "password": ""},
              {"hostname": "mail.example.test", "user": "bob", "pwd": "\\ud83d\\ude00"}
            ]
            """
        let result = ParseFixture.parse(text, locator: "v/Browser_Chrome_Default/Passwords.json")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://dpi.clinique-exemple.fr/login",
                    login: "j.dupont",
                    password: "pé:\"q\"",
                    line: 2,
                    family: .json
                ),
                Credential(
                    url: "https://example.test",
                    login: "a@example.test",
                    password: "x",
                    software: "Chrome",
                    line: 3,
                    family: .json
                ),
                Credential(url: "mail.example.test", login: "bob", password: "😀", line: 5, family: .json),
            ]
        )
    }

    @Test("Objects holding arrays, nested objects, a multi-line document")
    func nested() {
        let text = """
            {
              "Chrome": [
                {
                  "origin_url": "https://rh.clinique-exemple.fr/",
                  "username_value": "p.durand",
                  "password_value": "Jardin#2024"
                }
              ],
              "meta": {"count": 1}
            }
            """
        let result = ParseFixture.parse(text, locator: "v/Passwords.json")
        #expect(
            result.credentials == [
                Credential(
                    url: "https://rh.clinique-exemple.fr/",
                    login: "p.durand",
                    password: "Jardin#2024",
                    line: 3,
                    family: .json
                )
            ]
        )
    }

    @Test("Latin-1 bytes inside a JSON string do not cost the file")
    func latin1() {
        var bytes = Array(#"[{"url": "https://a.example.test", "login": "ren"#.utf8) + [0xE9]
        bytes += Array(#"", "password": "x"}]"#.utf8)
        let result = ParseFixture.parse(bytes: bytes, locator: "v/Passwords.json")
        #expect(result.credentials.map(\.login) == ["rené"])
    }

    @Test(
        "Broken and hostile JSON never crashes",
        arguments: ["", "{", "}}}]]", "[{\"url\": \"x", "\"\\u12", String(repeating: "[", count: 5000)]
    )
    func hostile(text: String) {
        let result = ParseFixture.parse(text, locator: "v/Passwords.json")
        #expect(result.credentials.isEmpty)
    }
}
