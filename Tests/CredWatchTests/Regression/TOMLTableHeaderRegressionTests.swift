import Foundation
import Testing

@testable import CredWatch

/// FuzzProfile found that a profile or pattern pack whose table header does not start with a
/// key (`[<`) aborted the process: toml++ (under TOMLKit) asserts on it instead of reporting
/// an error. Such files must be a `ConfigurationError` naming the line (exit status 2).
@Suite("regression: TOML table headers")
struct TOMLTableHeaderRegressionTests {
    /// The fuzzer's input (`[<`) and its variants; the line the error must name.
    @Test(arguments: [
        ("[<", 1),
        ("[\n", 1),
        ("[[\nid = 'x'", 1),
        ("[ \t<x>]\n", 1),
        ("[\r\n", 1),
        ("name = 'x'\n# a ''' in a comment opens no string\n[<", 3),
        ("name = \"\"\"\n[ in a string\n\"\"\"\n[[ +platform]]", 4),
    ])
    func profileWithUnreadableHeaderIsAConfigurationError(text: String, line: Int) {
        let error = MatchFixture.withFile("org.toml", text) { path in
            MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) }
        }
        #expect(error?.line == line)
        #expect(error?.message == "invalid table header: expected a key after '['")
    }

    @Test func packWithUnreadableHeaderIsAConfigurationError() {
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

    /// Brackets inside strings, comments and multi-line arrays are not headers.
    @Test func bracketsOutsideHeadersAreNotRejected() throws {
        let text = """
            name = "Groupe [Exemple]"
            email_domains = [
              "clinique-exemple.fr",  # [< not a header
            ]
            netbios_domains = ['''
            [<'''] # a literal string is no header either
            [[platform]]
            id = "mediboard"
            severity = "critical"
            match = ["mediboard.clinique-exemple.fr"]
            """
        let profile = try MatchFixture.withFile("org.toml", text) { try OrganisationProfile.load(path: $0) }
        #expect(profile.name == "Groupe [Exemple]")
        #expect(profile.platforms.map(\.platform.id) == ["mediboard"])
    }
}
