import Testing

@testable import CredWatch

/// Login forms and account exports.
@Suite struct AccountDirectoryTests {
    let directory: AccountDirectory
    let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: ["ad.groupe-exemple.fr"])

    init() throws {
        directory = try MatchFixture.withFile("accounts.csv", MatchFixture.accounts) {
            try AccountDirectory.load(path: $0)
        }
    }

    private func resolve(_ login: String) -> Resolution? {
        Array(login.utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
    }

    private func expect(
        _ login: String,
        _ account: Int,
        _ rule: IdentityRule,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let found = resolve(login)
        #expect(found?.account == account, "\(login)", sourceLocation: sourceLocation)
        #expect(found?.rule == rule, "\(login)", sourceLocation: sourceLocation)
    }

    @Test func upnInAnyCase() {
        expect("jean.dupont@ad.groupe-exemple.fr", 0, .upn)
        expect("Jean.Dupont@AD.Groupe-Exemple.FR", 0, .upn)
    }

    @Test func mail() {
        expect("jean.dupont@clinique-exemple.fr", 0, .mail)
        expect("JEAN.DUPONT@CLINIQUE-EXEMPLE.FR", 0, .mail)
    }

    @Test func proxyAlias() {
        expect("jd@clinique-exemple.fr", 0, .proxy)
        expect("c.nguyen@clinique-exemple.fr", 3, .proxy)
    }

    @Test func downlevelLogonWithTheOrganisationsNetBIOSDomain() {
        expect("GROUPEEXEMPLE\\jdupont", 0, .downlevel)
        expect("groupeexemple\\JDUPONT", 0, .downlevel)
    }

    @Test func downlevelLogonWithAnotherDomainIsRejected() {
        #expect(resolve("OTHERDOMAIN\\jdupont") == nil)
        #expect(resolve("\\jdupont") == nil)
    }

    @Test func downlevelLogonResolvesOnlyBySAMAccountName() {
        #expect(resolve("GROUPEEXEMPLE\\jean.dupont@clinique-exemple.fr") == nil)
    }

    @Test func bareSAMAccountNameInAnyCase() {
        expect("jdupont", 0, .sam)
        expect("JDupont", 0, .sam)
    }

    @Test func samAtTheADDomain() {
        expect("jdupont@ad.groupe-exemple.fr", 0, .adDomain)
        expect("BLEROY@AD.GROUPE-EXEMPLE.FR", 2, .adDomain)
    }

    @Test func surroundingSpacesAreIgnored() {
        expect("  jdupont\t", 0, .sam)
        expect(" jean.dupont@clinique-exemple.fr\r", 0, .mail)
    }

    @Test func accentedLoginsFoldTheirCase() {
        expect("émartin", 1, .sam)
        expect("ÉMARTIN", 1, .sam)
        expect("Émilie.Martin@clinique-exemple.fr", 1, .mail)
        // Decomposed é (e + combining acute) is the same key.
        expect("e\u{301}martin", 1, .sam)
    }

    @Test func windows1252LoginFoldsLikeUTF8() {
        let latin1: [UInt8] = [0xC9] + Array("MARTIN".utf8)  // "ÉMARTIN" in Windows-1252
        let found = latin1.withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(found?.account == 1)
    }

    @Test func noFuzzyMatching() {
        #expect(resolve("jdupont@gmail.com") == nil)
        #expect(resolve("jdupont2") == nil)
        #expect(resolve("jdupon") == nil)
        #expect(resolve("jean.dupont@clinique-exemple.fr.evil.example") == nil)
        #expect(resolve("") == nil)
    }

    @Test func accountFieldsAreRead() throws {
        #expect(directory.accounts.count == 4)
        let jean = directory.accounts[0]
        #expect(jean.sam == "jdupont")
        #expect(jean.aliases == ["jd@clinique-exemple.fr"])
        #expect(jean.displayName == "Jean Dupont")
        #expect(jean.department == "Cardiologie")
        #expect(jean.isEnabled)
        #expect(!directory.accounts[2].isEnabled)
        #expect(directory.accounts[3].upn == nil)
        #expect(directory.upnDomains == ["ad.groupe-exemple.fr"])
        #expect(directory.derivedMailDomains == ["clinique-exemple.fr"])
    }

    @Test func organisationDomainsAreCountedPerAccountAndFolded() {
        // 150 accounts at the organisation (mail in any case, alias at the same domain), one at a
        // small partner (under 1 %), some at a public provider: only the organisation's remains.
        var accounts = (0..<150).map { number in
            Account(
                upn: "u\(number)@AD.Groupe-Exemple.fr",
                mail: number % 2 == 0 ? "user\(number)@Clinique-Exemple.FR" : "user\(number)@clinique-exemple.fr",
                aliases: ["u\(number)@clinique-exemple.fr"]
            )
        }
        accounts.append(Account(mail: "ext@partenaire-exemple.fr"))
        accounts += (0..<10).map { Account(mail: "perso\($0)@gmail.com") }
        let directory = AccountDirectory(accounts: accounts)
        #expect(directory.derivedMailDomains == ["clinique-exemple.fr"])
        #expect(directory.upnDomains == ["ad.groupe-exemple.fr"])
    }

    // MARK: Export variants

    private func load(_ bytes: [UInt8]) throws -> AccountDirectory {
        try MatchFixture.withFile("export.csv", bytes) { try AccountDirectory.load(path: $0) }
    }

    private func load(_ text: String) throws -> AccountDirectory { try load(Array(text.utf8)) }

    @Test func utf8ByteOrderMarkAndCRLF() throws {
        let accounts = try load([0xEF, 0xBB, 0xBF] + Array("SamAccountName;Mail\r\njdupont;jd@example.test\r\n".utf8))
            .accounts
        #expect(accounts == [Account(sam: "jdupont", mail: "jd@example.test")])
    }

    @Test func utf16WithByteOrderMark() throws {
        var bytes: [UInt8] = [0xFF, 0xFE]
        for unit in "sAMAccountName,mail\r\némartin,em@example.test\r\n".utf16 {
            bytes += [UInt8(unit & 0xFF), UInt8(unit >> 8)]
        }
        #expect(try load(bytes).accounts == [Account(sam: "émartin", mail: "em@example.test")])
    }

    @Test func quotedFieldsWithDelimitersQuotesAndNewlines() throws {
        let text =
            "sAMAccountName,displayName,department\n\"jdupont\",\"Dupont, \"\"Jean\"\"\",\"Bloc\nopératoire\"\nbleroy,Bruno,\n"
        let accounts = try load(text).accounts
        #expect(accounts.count == 2)
        #expect(accounts[0].displayName == "Dupont, \"Jean\"")
        #expect(accounts[0].department == "Bloc\nopératoire")
        #expect(accounts[1].sam == "bleroy")
    }

    @Test func everyFieldQuotedWithCRLF() throws {
        let text =
            "\"sAMAccountName\",\"displayName\"\r\n\"jdupont\",\"Dupont, Jean\"\r\n\"bleroy\",\"Le \"\"B\"\"\"x\r\n"
        let accounts = try load(text).accounts
        #expect(accounts.map(\.sam) == ["jdupont", "bleroy"])
        #expect(accounts.map(\.displayName) == ["Dupont, Jean", "Le \"B\"x"])
    }

    /// A large export is read by two threads from a record boundary guessed by quote parity;
    /// the result is the sequential read's whatever the guess meets: quoted newlines and
    /// doubled quotes, stray quotes that fool the parity, blank lines, CRLF, a missing last
    /// line feed.
    @Test func twoThreadsReadWhatOneThreadReads() throws {
        let header = "sAMAccountName,mail,proxyAddresses,displayName\r\n"
        func row(_ number: Int) -> String {
            switch number % 7 {
            case 0:
                "u\(number),u\(number)@example.test,\"SMTP:u\(number)@example.test;smtp:alias\(number)@example.test\",\"Line\nbreak \"\"\(number)\"\"\"\r\n"
            case 1: "u\(number),u\(number)@example.test,,stray \"quote\r\n"
            case 2: "\r\n"
            case 3: "\"u\(number)\",\"u\(number)@example.test\",,\"a,b\"tail\"\r\n"
            default: "u\(number),u\(number)@example.test,,Plain\n"
            }
        }
        for count in [1, 2, 7, 40, 301] {
            for end in ["", "u999,last@example.test,,Last"] {
                let text = header + (0..<count).map(row).joined() + end
                let bytes = Array(text.utf8)
                let (sequential, parallel) = try bytes.withUnsafeBytes { view in
                    (
                        try AccountExport.read(view, file: "export.csv", parallelAbove: .max),
                        try AccountExport.read(view, file: "export.csv", parallelAbove: 0)
                    )
                }
                #expect(parallel == sequential, "\(count) rows")
                #expect(!sequential.accounts.isEmpty)
            }
        }
    }

    @Test func semicolonAndTabDelimiters() throws {
        #expect(try load("mail;displayName\na@example.test;A\n").accounts.first?.mail == "a@example.test")
        #expect(try load("UserPrincipalName\tEnabled\na@ad.example.test\tFalse\n").accounts.first?.isEnabled == false)
    }

    @Test func proxyAddressesKeepOnlySMTPEntries() {
        let value = "SMTP:a@x.test;smtp:b@y.test|X500:/o=Org sip:c@x.test\r\nsmtp:d@x.test smtp:B@Y.test"
        let aliases = Array(value.utf8).withUnsafeBytes { AccountExport.smtpAddresses($0) }
        #expect(aliases == ["a@x.test", "b@y.test", "d@x.test"])
    }

    @Test func enabledFlagsAndUserAccountControl() throws {
        let text = "sAMAccountName,Enabled,userAccountControl\na,False,512\nb,no,\nc,1,514\nd,yes,512\n"
        #expect(try load(text).accounts.map(\.isEnabled) == [false, false, false, true])
    }

    @Test func passwordLastSetIsReadIntoISO8601() throws {
        // The 25th says the column is day first; 0 is "never set".
        let text = "sAMAccountName,PasswordLastSet\na,03/11/2024 10:22:14\nb,0\nc,133750000000000000\nd,25/11/2024\n"
        #expect(
            try load(text).accounts.map(\.passwordLastSet) == [
                "2024-11-03T10:22:14", nil, "2024-11-02T05:46:40Z", "2024-11-25",
            ]
        )
    }

    @Test func exportWithoutIdentityColumnIsRejected() {
        let error = MatchFixture.configurationError { _ = try load("displayName,department\nJean,Bloc\n") }
        #expect(error?.line == 1)
        #expect(error?.message.hasPrefix("no usable identity column (expected one of") == true)
    }

    @Test func emptyExportIsRejected() {
        // Said precisely (on purpose since issue 19: the message was "no accounts found" alone).
        #expect(
            MatchFixture.configurationError { _ = try load("\n\n") }?.message
                == "no accounts found: no header and no login, only blank lines and # comments"
        )
        #expect(
            MatchFixture.configurationError { _ = try load("sAMAccountName,mail\r\n,\r\n") }?.message
                == "no accounts found: no row under the header holds a sAMAccountName, userPrincipalName, mail or "
                + "proxy address"
        )
    }

    @Test func plainListOfLogins() throws {
        let accounts = try load("# exported 2025-01-01\njdupont\r\n\nGROUPEEXEMPLE\\bleroy\njd@example.test\n").accounts
        #expect(accounts == [Account(sam: "jdupont"), Account(sam: "bleroy"), Account(mail: "jd@example.test")])
    }

    @Test func singleColumnExportWithAHeaderIsCSV() throws {
        #expect(try load("mail\na@example.test\n").accounts == [Account(mail: "a@example.test")])
    }

    @Test func manyAccountsResolveByIndex() throws {
        let accounts = (0..<5000).map { Account(sam: "user\($0)", mail: "user\($0)@example.test") }
        let directory = AccountDirectory(accounts: accounts)
        let found = Array("USER4321@example.test".utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(found?.account == 4321)
        #expect(Array("user5000".utf8).withUnsafeBytes { directory.resolve($0, domains: domains) } == nil)
    }
}
