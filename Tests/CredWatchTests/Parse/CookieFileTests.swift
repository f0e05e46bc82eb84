import Testing

@testable import CredWatch

@Suite("Netscape cookie files")
struct CookieFileTests {
    @Test("Cookies, #HttpOnly_ lines, comments and malformed lines")
    func cookies() {
        let text = [
            "# Netscape HTTP Cookie File",
            ".clinique-exemple.fr\tTRUE\t/\tTRUE\t1767225600\tSESSIONID\tsecret-value",
            "#HttpOnly_dpi.clinique-exemple.fr\tFALSE\t/portail\tTRUE\t0\tJSESSIONID\tabc\tdef",
            "",
            "example.test\tTRUE\t/\tFALSE\tnot-a-number\tname\tvalue",
            "example.test\tMAYBE\t/\tFALSE\t0\tname\tvalue",
            "example.test\tTRUE\t/",
            "example.test\tfalse\t/\tfalse\t1700000000\tempty\t",
            "sso.example.test\t1\t/\t0\t-1\tlegacy",
        ].joined(separator: "\r\n")
        let result = ParseFixture.parse(text, locator: "v/Cookies/Google_[Chrome]_Default Network.txt")
        #expect(
            result.cookies == [
                ParseFixture.Cookie(
                    domain: ".clinique-exemple.fr",
                    includeSubdomains: true,
                    path: "/",
                    isSecure: true,
                    expiry: 1_767_225_600,
                    name: "SESSIONID",
                    isHTTPOnly: false,
                    line: 2
                ),
                ParseFixture.Cookie(
                    domain: "dpi.clinique-exemple.fr",
                    includeSubdomains: false,
                    path: "/portail",
                    isSecure: true,
                    expiry: 0,
                    name: "JSESSIONID",
                    isHTTPOnly: true,
                    line: 3
                ),
                ParseFixture.Cookie(
                    domain: "example.test",
                    includeSubdomains: false,
                    path: "/",
                    isSecure: false,
                    expiry: 1_700_000_000,
                    name: "empty",
                    isHTTPOnly: false,
                    line: 8
                ),
                ParseFixture.Cookie(
                    domain: "sso.example.test",
                    includeSubdomains: true,
                    path: "/",
                    isSecure: false,
                    expiry: -1,
                    name: "legacy",
                    isHTTPOnly: false,
                    line: 9
                ),
            ]
        )
        // The comment, the blank line and three malformed lines.
        #expect(result.skipped == 5)
        #expect(result.credentials.isEmpty)
        // The value is handed on (TABs and all after the name), for the match stage to
        // fingerprint; a line without one has an empty value.
        #expect(result.cookieValues == ["secret-value", "abc\tdef", "", ""])
    }
}
