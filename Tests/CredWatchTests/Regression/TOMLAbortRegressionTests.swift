import Foundation
import Testing

@testable import CredWatch

/// FuzzProfile found profiles that aborted the whole process: toml++ (under TOMLKit) asserts,
/// instead of reporting an error, on a table header that does not start with a key (`[<`) and
/// on a `}` where an array expects a value (`[}`). Such files must be a `ConfigurationError`
/// naming the line (exit status 2), as any other invalid TOML.
@Suite("regression: TOML that toml++ aborts on")
struct TOMLAbortRegressionTests {
    static let header = "invalid table header: expected a key after '['"
    static let brace = "expected a value, saw '}'"

    /// The fuzzer's inputs (`[<`, and a profile whose `machine_name = [}`) and their variants.
    @Test(arguments: [
        ("[<", 1, header),
        ("[\n", 1, header),
        ("[[\nid = 'x'", 1, header),
        ("[ \t<x>]\n", 1, header),
        ("[\r\n", 1, header),
        ("name = 'x'\n# a ''' in a comment opens no string\n[<", 3, header),
        ("name = \"\"\"\n[ in a string\n\"\"\"\n[[ +platform]]", 4, header),
        ("machine_name = [}$'", 1, brace),
        ("email_domains = [\n  'a.example.test', # comment\n  }", 3, brace),
        ("email_domains = [\u{2028}'a.example.test']", 1, "Unicode line separator outside a string"),
    ])
    func profileIsAConfigurationError(text: String, line: Int, message: String) {
        let error = MatchFixture.withFile("org.toml", text) { path in
            MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) }
        }
        #expect(error?.line == line)
        #expect(error?.message == message)
    }

    @Test func packIsAConfigurationError() {
        MatchFixture.withFolder { folder in
            let pack = folder.file(
                "pack.toml",
                "[[platform]]\nid = 'a'\nseverity = 'low'\nmatch = ['a.example.test']\n[<\n"
            )
            let error = MatchFixture.configurationError {
                _ = try MatchFixture.context(profile: nil, packs: [pack])
            }
            #expect(error?.file == pack)
            #expect(error?.line == 5)
        }
    }

    /// Brackets, braces and separators inside strings, comments and arrays are not rejected.
    @Test func validTOMLAroundThemIsRead() throws {
        let text = """
            name = "Groupe [Exemple] {}, \u{2028}"
            email_domains = [
              "clinique-exemple.fr",  # [< not a header, [} not a value
            ]
            netbios_domains = ['''
            [<'''] # a literal string is no header either
            [[platform]]
            id = "mediboard"
            severity = "critical"
            match = ["mediboard.clinique-exemple.fr",]
            """
        let profile = try MatchFixture.withFile("org.toml", text) { try OrganisationProfile.load(path: $0) }
        #expect(profile.name == "Groupe [Exemple] {}, \u{2028}")
        #expect(profile.netbiosDomains == ["[<"])
        #expect(profile.platforms.map(\.platform.id) == ["mediboard"])
    }
}
