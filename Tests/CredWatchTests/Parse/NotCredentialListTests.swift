import Testing

@testable import CredWatch

@Suite("Files that are no credential lists give no records")
struct NotCredentialListTests {
    /// Steam's `loginusers.vdf` as StealC copies it to `soft/Steam/` (Valve's key-value text).
    static let loginUsers = """
        "users"
        {
        \t"76561198000000001"
        \t{
        \t\t"AccountName"\t\t"jdupont"
        \t\t"PersonaName"\t\t"Jean"
        \t\t"RememberPassword"\t\t"1"
        \t\t"MostRecent"\t\t"1"
        \t}
        }
        """

    @Test(
        "Steam's .vdf and .acf files in a StealC folder are skipped by name",
        arguments: [
            "stealc_FR_0001/soft/Steam/loginusers.vdf", "v/soft/Steam/config.vdf", "v/Steam/appmanifest_730.acf",
            "v/soft/Steam/ssfn1234567890123456789",
        ]
    )
    func steamFiles(locator: String) {
        #expect(DocumentClassifier.role(forLocator: locator) == .ignored)
        let result = ParseFixture.parse(Self.loginUsers, locator: locator)
        #expect(result.credentials.isEmpty)
    }

    @Test("A key-value file read as a combolist (renamed, or named on the command line) gives nothing")
    func keyValueRowsAreNoCredentials() {
        let result = ParseFixture.parse(Self.loginUsers, locator: "v/soft/Steam/loginusers.txt")
        #expect(DocumentClassifier.role(forLocator: "v/soft/Steam/loginusers.txt") == .combolist)
        #expect(result.credentials.isEmpty)
        #expect(result.skipped > 0)
        let table = ParseFixture.parse("Name\tValue\nTheme\tdark\nalice\tsecret\n", locator: "-")
        #expect(table.credentials.isEmpty)
    }

    @Test("TAB lines with a URL or an e-mail keep their structure and are read")
    func tabRowsWithStructure() {
        let text = "https://portal.example.test/login\talice\tsecret\nbob@example.test\tpw\n"
        let result = ParseFixture.parse(text, locator: "combo.txt")
        #expect(
            result.credentials.map { [$0.url, $0.login, $0.password] } == [
                ["https://portal.example.test/login", "alice", "secret"], ["", "bob@example.test", "pw"],
            ]
        )
    }
}
