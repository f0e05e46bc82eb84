import Testing

@testable import CredWatch

/// FuzzAccounts found a plain account list whose `DOMAIN\user` line had a combining mark right
/// after the backslash (`GROUPEEXEMPLE\` + U+0658 + `martin`). Split by Characters, the
/// backslash and the mark are one grapheme, so no backslash was found: the whole line became
/// the sAMAccountName, and the account's own name then did not resolve.
@Suite("regression: a combining mark after DOMAIN\\")
struct PlainListBackslashRegressionTests {
    @Test(arguments: ["GROUPEEXEMPLE\\\u{0658}martin", "GR_UPEE\u{18}EMPLE\\\u{0658}martin", "x\\\u{0301}e"])
    func userAfterTheBackslashIsTheAccount(line: String) throws {
        let directory = try MatchFixture.withFile("accounts.txt", "jdupont\n\(line)\n") {
            try AccountDirectory.load(path: $0)
        }
        let user = String(decoding: line.utf8.split(separator: UInt8(ascii: "\\")).last!, as: UTF8.self)
        #expect(directory.accounts.map(\.sam) == ["jdupont", user])
        let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: [])
        Array(user.utf8).withUnsafeBytes { login in
            #expect(directory.resolve(login, domains: domains)?.account == 1)
        }
        Array("GROUPEEXEMPLE\\\(user)".utf8).withUnsafeBytes { login in
            #expect(directory.resolve(login, domains: domains)?.account == 1)
        }
    }
}
