import Testing

@testable import CredWatch

/// Every configuration error names the file and the line.
@Suite struct ConfigurationTests {
    private func profileError(_ text: String) -> (path: String, error: ConfigurationError?) {
        MatchFixture.withFile("org.toml", text) { path in
            (path, MatchFixture.configurationError { _ = try OrganisationProfile.load(path: path) })
        }
    }

    private func packError(_ text: String) -> (path: String, error: ConfigurationError?) {
        MatchFixture.withFile("pack.toml", text) { path in
            (path, MatchFixture.configurationError { try loadPacks([path]) })
        }
    }

    /// A context with no organisation and no accounts, only `paths` as packs.
    private func loadPacks(_ paths: [String]) throws {
        _ = try MatchContext(
            profile: .empty,
            profilePath: nil,
            patternPaths: paths,
            accounts: AccountDirectory(accounts: []),
            fingerprinter: .ephemeral(),
            checker: nil,
            options: .init()
        )
    }

    @Test func profileLoadsEveryKey() throws {
        let profile = try MatchFixture.withFile("org.toml", MatchFixture.profile) {
            try OrganisationProfile.load(path: $0)
        }
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
        let (path, error) = profileError(
            "name = \"X\"\n\n[[platform]]\nid = \"a\"\nseverity = \"high\"\nmatch = [\"a.example\"]\nhosts = [\"b\"]\n"
        )
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
        let (_, error) = packError(
            "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n\n[[platform]]\nseverity = \"low\"\n"
        )
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

    @Test func duplicateIDAcrossFiles() {
        MatchFixture.withFolder { folder in
            folder.file("a.toml", "[[platform]]\nid = \"x\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n")
            let second = folder.file(
                "b.toml",
                "\n[[platform]]\nid = \"x\"\nseverity = \"low\"\nmatch = [\"b.example\"]\n"
            )
            let error = MatchFixture.configurationError { try loadPacks([folder.path]) }
            #expect(error?.file == second)
            #expect(error?.line == 3)
            #expect(error?.message == "duplicate platform id 'x' (first defined at \(folder.path)/a.toml:2)")
        }
    }

    @Test func tomlSyntaxErrorHasTOMLKitsLine() {
        let (path, error) = profileError("name = \"X\"\nad_domains = [\"a.example\"]\nmachine_name = 'unterminated\n")
        #expect(error?.file == path)
        #expect(error?.line == 3, "\(error?.description ?? "")")
        #expect(error?.message.isEmpty == false)
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
        let (_, error) = profileError(
            "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\n  \"ok.example\",\n  \"\(entry)\",\n]\n"
        )
        #expect(error?.line == 6, "\(entry)")
        #expect(error?.message.contains(reason) == true, "\(entry): \(error?.message ?? "")")
    }

    @Test(arguments: ["*.okta.com", "www.okta.com/docs", "*/x", "www.okta.com:443", "android:com.x"])
    func excludeTakesHostNamesOnly(entry: String) {
        let (_, error) = profileError(
            "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"*.okta.com\"]\nexclude = [\"\(entry)\"]\n"
        )
        #expect(error?.line == 5, "\(entry)")
        #expect(
            error?.message == "invalid exclude entry '\(entry)': expected a host name (no '*', path or port)",
            "\(entry): \(error?.message ?? "")"
        )
    }

    @Test func platformWithoutEntriesIsRejected() {
        #expect(
            profileError("[[platform]]\nid = \"a\"\nseverity = \"low\"\n").error?.message
                == "platform 'a' has no 'match' or 'regex' entry"
        )
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

    /// `machine_name = ''`, or a pattern that matches the empty string, would mark every
    /// victim as an organisation machine (issue 15).
    @Test(arguments: ["''", "'.*'", "'^GEX-PC[0-9]*|'", "'(GEX)?'", "'^$'"])
    func machineNameMatchingTheEmptyStringIsFatal(_ pattern: String) {
        let (path, error) = profileError("name = \"X\"\nmachine_name = \(pattern)\n")
        #expect(error?.file == path)
        #expect(error?.line == 2)
        #expect(error?.message.contains("matches the empty string") == true)
    }

    @Test func machineNameMatchingTheEmptyStringIsFatalInCodeToo() {
        let error = MatchFixture.configurationError {
            _ = try MatchContext(
                profile: OrganisationProfile(name: "X", machineNamePattern: "x*"),
                profilePath: "org.toml",
                patternPaths: [],
                accounts: AccountDirectory(accounts: []),
                fingerprinter: .ephemeral(),
                checker: nil,
                options: .init()
            )
        }
        #expect(error?.file == "org.toml")
        #expect(error?.message.contains("machine_name 'x*' matches the empty string") == true)
    }

    @Test func dateOrderIsReadAndChecked() throws {
        let profile = try MatchFixture.withFile("org.toml", "name = \"X\"\ndate_order = \"MDY\"\n") {
            try OrganisationProfile.load(path: $0)
        }
        #expect(profile.dateOrder == .monthDayYear)
        let (_, error) = profileError("name = \"X\"\ndate_order = \"ymd\"\n")
        #expect(error?.line == 2)
        #expect(error?.message.hasPrefix("invalid date_order 'ymd'") == true)
    }

    @Test func serviceAccountsAreReadAndChecked() throws {
        let text = "name = \"X\"\nservice_accounts = [\"svc-*\", \" Accueil.* \"]\n"
        let profile = try MatchFixture.withFile("org.toml", text) { try OrganisationProfile.load(path: $0) }
        #expect(profile.serviceAccounts.patterns == ["svc-*", "accueil.*"])
        #expect(profile.serviceAccounts.contains(Account(sam: "SVC-Backup")))
        #expect(!profile.serviceAccounts.contains(Account(sam: "jdupont")))
        let (_, error) = profileError("name = \"X\"\nservice_accounts = [\"**\"]\n")
        #expect(error?.line == 2)
        #expect(error?.message.contains("would match every account") == true)
    }

    @Test func missingPatternPathAndUnreadableFiles() {
        #expect(packError("").error == nil)
        let missing = MatchFixture.configurationError {
            _ = try PatternPacks.files(["/nonexistent/credwatch-patterns"])
        }
        #expect(missing?.file == "/nonexistent/credwatch-patterns")
        #expect(
            MatchFixture.configurationError { _ = try OrganisationProfile.load(path: "/nonexistent/org.toml") }?.message
                == "cannot read the file: No such file or directory"
        )
        // A folder named as the profile says so (it was "cannot read the file", without why).
        let folder = "/tmp"
        #expect(
            MatchFixture.configurationError { _ = try OrganisationProfile.load(path: folder) }?.message
                == "cannot read the file: Is a directory"
        )
    }

    @Test func folderPacksAreReadInNameOrder() throws {
        try MatchFixture.withFolder { folder in
            folder.file("b.toml", "[[platform]]\nid = \"b\"\nseverity = \"low\"\nmatch = [\"b.example\"]\n")
            folder.file("a.toml", "[[platform]]\nid = \"a\"\nseverity = \"low\"\nmatch = [\"a.example\"]\n")
            folder.file("notes.txt", "not a pack")
            let files = try PatternPacks.files([folder.path])
            #expect(files == [folder.path + "/a.toml", folder.path + "/b.toml"])
        }
    }

    @Test func defaultPatternDirectoryFindsTheRepositoryPacks() throws {
        let directory = try #require(PatternPacks.shippedDirectory(configured: nil))
        #expect(try PatternPacks.files([directory]).contains { $0.hasSuffix("/health.toml") })
    }
}
