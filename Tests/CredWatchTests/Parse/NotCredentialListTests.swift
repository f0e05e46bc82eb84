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

@Suite("System-information sections")
struct SystemInfoSectionTests {
    @Test("A ruled advert is counted as skipped; a ruled title names no machine")
    func ruledAdvert() {
        let text =
            "-------https://t.me/example_shop-------\n=== Processor ===\nName: Intel(R) Core(TM) i5\nIP: 192.0.2.1\n"
        let result = ParseFixture.parse(text, locator: "v/system_info.txt")
        #expect(result.skipped == 1)
        #expect(result.machines.first?.info.hostname == nil)
        #expect(result.machines.first?.info.ip == "192.0.2.1")
    }

    @Test("A Computer System label section ends at a blank line")
    func labelSectionEnds() {
        let ended = ParseFixture.parse(
            "IP: 192.0.2.1\nComputer System:\nManufacturer: HP\n\nName: Generic PnP Monitor\n",
            locator: "v/system_info.txt"
        )
        #expect(ended.machines.count == 1)
        #expect(ended.machines.first?.info.hostname == nil)
        let open = ParseFixture.parse(
            "IP: 192.0.2.1\nComputer System:\nManufacturer: HP\nName: CLIN-PC0001\n",
            locator: "v/system_info.txt"
        )
        #expect(open.machines.first?.info.hostname == "CLIN-PC0001")
    }

    @Test("A dotted host name gives way to the machine name whatever the order")
    func dottedHostname() {
        let text = "\"hostname\": \"7.113.0.203.example.net\",\nComputer: CLIN-PC0001\n"
        let result = ParseFixture.parse(text, locator: "v/System.txt")
        #expect(result.machines.first?.info.hostname == "CLIN-PC0001")
    }
}
