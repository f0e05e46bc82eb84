import Testing

@testable import CredWatch

/// Every configuration error names the file and the line.
@Suite struct ConfigurationTests {
    private func profileError(_ text: String) -> (path: String, error: ConfigurationError?) {
        let path = MatchFixture.file("org.toml", text)
        return (path, MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) })
    }

    private func packError(_ text: String) -> (path: String, error: ConfigurationError?) {
        let path = MatchFixture.file("pack.toml", text)
        let error = MatchFixture.configurationError {
            _ = try MatchContext(
                profile: .empty,
                profilePath: nil,
                patternPaths: [path],
                accounts: AccountDirectory(accounts: []),
                fingerprinter: .ephemeral(),
                checker: nil,
                options: .init()
            )
        }
        return (path, error)
    }

    @Test func profileLoadsEveryKey() throws {
        let profile = try OrganisationProfile.load(path: MatchFixture.file("org.toml", MatchFixture.profile))
        #expect(profile.name == "Groupe Exemple")
        #expect(profile.emailDomains == ["clinique-exemple.fr"])
        #expect(profile.netbiosDomains == ["GROUPEEXEMPLE"])
        #expect(profile.adDomains == ["ad.groupe-exemple.fr"])
        #expect(profile.machineNamePattern == "^GEX-(PAR|LYO)-PC[0-9]{4}$")
        #expect(profile.platforms.map(\.platform.id) == ["mediboard", "dpi"])
        #expect(profile.platforms.allSatisfy { $0.platform.isOrganisation })
        #expect(profile.platforms[0].matchTexts.count == 4)
    }

    @Test func badRegexNamesPCRE2sMessageOffsetAndLine() {
        let (path, error) = profileError(
            """
            name = "X"
            [[platform]]
            id = "a"
            severity = "high"
            regex = [
                '^https://ok\\.example/',
                '^https://(broken\\.example/',
            ]
            """
        )
        #expect(error?.file == path)
        #expect(error?.line == 7)
        #expect(error?.message.contains("missing closing parenthesis") == true)
        #expect(error?.message.hasSuffix("missing closing parenthesis at offset 26") == true, "\(error?.message ?? "")")
    }

    @Test func unknownKeyIsRejectedAtItsLine() {
        let (path, error) = profileError("name = \"X\"\n\n[[platform]]\nid = \"a\"\nseverity = \"high\"\nmatch = [\"a.example\"]\nhosts = [\"b\"]\n")
        #expect(error?.file == path)
        #expect(error?.line == 7)
        #expect(error?.message.hasPrefix("unknown key 'hosts'") == true)
        #expect(profileError("nom = \"X\"\n").error?.line == 1)
    }

    @Test func badSeverityIsRejectedAtItsLine() {
        let (_, error) = profileError("[[platform]]\nid = \"a\"\nmatch = [\"a.example\"]\nseverity = \"urgent\"\n")
        #expect(error?.line == 4)
        #expect(error?.message == "invalid severity 'urgent' (expected critical, high, medium or low)")
    }

    @Test func missingIDPointsAtItsTable() {
        let (_, error) = packError("[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n\n[[platform]]\nseverity = \"low\"\n")
        #expect(error?.line == 6)
        #expect(error?.message == "platform without an 'id'")
    }

    @Test func duplicateIDInOneFile() {
        let (path, error) = packError(
            "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"b.example\"]\n"
        )
        #expect(error?.file == path)
        #expect(error?.line == 6)
        #expect(error?.message == "duplicate platform id 'a' (first defined at line 2)")
    }

    @Test func duplicateIDAcrossFiles() throws {
        let folder = MatchFixture.folder()
        _ = MatchFixture.file("a.toml", "[[platform]]\nid = \"x\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n", in: folder)
        let second = MatchFixture.file("b.toml", "\n[[platform]]\nid = \"x\"\nseverity = \"low\"\nmatch = [\"b.example\"]\n", in: folder)
        let error = MatchFixture.configurationError {
            _ = try MatchContext(
                profile: .empty,
                profilePath: nil,
                patternPaths: [folder],
                accounts: AccountDirectory(accounts: []),
                fingerprinter: .ephemeral(),
                checker: nil,
                options: .init()
            )
        }
        #expect(error?.file == second)
        #expect(error?.line == 3)
        #expect(error?.message == "duplicate platform id 'x' (first defined at \(folder)/a.toml:2)")
    }

    @Test func tomlSyntaxErrorHasTOMLKitsLine() {
        let (path, error) = profileError("name = \"X\"\nemail_domains = [\"a.example\"\n[[platform]]\n")
        #expect(error?.file == path)
        #expect(error?.line != nil)
        #expect((error?.line ?? 0) >= 2)
    }

    @Test(arguments: [
        ("*", "'*' is only allowed"),
        ("a.*.example", "'*' is only allowed"),
        ("*/", "needs a path"),
        ("host.example:8443", "not ports"),
        ("https://u@host.example/", "user name"),
        ("host.example/?a=1", "query"),
        ("android:", "android:<package"),
        ("ho st.example", "host name"),
    ])
    func badMatchEntriesAreRejected(entry: String, reason: String) {
        let (_, error) = profileError("[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\n  \"ok.example\",\n  \"\(entry)\",\n]\n")
        #expect(error?.line == 6, "\(entry)")
        #expect(error?.message.contains(reason) == true, "\(entry): \(error?.message ?? "")")
    }

    @Test func platformWithoutEntriesIsRejected() {
        #expect(profileError("[[platform]]\nid = \"a\"\nseverity = \"low\"\n").error?.message == "platform 'a' has no 'match' or 'regex' entry")
    }

    @Test func wrongTypesAreRejected() {
        #expect(profileError("name = 3\n").error?.message == "'name' must be a string")
        #expect(profileError("ad_domains = [1]\n").error?.message == "'ad_domains' must be an array of strings")
        #expect(profileError("platform = 1\n").error?.message.contains("[[platform]]") == true)
    }

    @Test func badMachineNameRegex() {
        let (_, error) = profileError("name = \"X\"\nmachine_name = '^GEX-(PC'\n")
        #expect(error?.line == 2)
        #expect(error?.message.contains("missing closing parenthesis") == true)
    }

    @Test func missingPatternPathAndUnreadableFiles() {
        #expect(packError("").error == nil)
        let missing = MatchFixture.configurationError {
            _ = try MatchContext.patternFiles(["/nonexistent/credwatch-patterns"])
        }
        #expect(missing?.file == "/nonexistent/credwatch-patterns")
        #expect(MatchFixture.configurationError { _ = try OrganisationProfile.load(path: "/nonexistent/org.toml") }?.message == "cannot read the file")
    }

    @Test func folderPacksAreReadInNameOrder() throws {
        let folder = MatchFixture.folder()
        _ = MatchFixture.file("b.toml", "[[platform]]\nid = \"b\"\nseverity = \"low\"\nmatch = [\"b.example\"]\n", in: folder)
        _ = MatchFixture.file("a.toml", "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n", in: folder)
        _ = MatchFixture.file("notes.txt", "not a pack", in: folder)
        #expect(try MatchContext.patternFiles([folder]) == [folder + "/a.toml", folder + "/b.toml"])
    }

    @Test func defaultPatternDirectoryFindsTheRepositoryPacks() throws {
        let directory = try #require(MatchContext.defaultPatternDirectory())
        #expect(try MatchContext.patternFiles([directory]).contains { $0.hasSuffix("/health.toml") })
    }
}
