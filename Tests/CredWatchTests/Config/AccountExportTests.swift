import Testing

@testable import CredWatch

/// Account exports that would silently shrink: runaway quotes, PowerShell's `#TYPE` line, CSV
/// read as a plain list, values not understood, identities two accounts share (issue 15).
@Suite struct AccountExportTests {
    private func load(_ text: String, dateOrder: DateOrder? = nil) throws -> AccountDirectory {
        try MatchFixture.withFile("export.csv", text) { try AccountDirectory.load(path: $0, dateOrder: dateOrder) }
    }

    private func error(_ text: String) -> ConfigurationError? {
        MatchFixture.configurationError { _ = try load(text) }
    }

    /// Both reads of `text`, sequential and by two threads.
    private func bothReads(_ text: String) -> [Result<AccountExport.Read, ConfigurationError>] {
        Array(text.utf8).withUnsafeBytes { view in
            [Int.max, 0].map { threshold in
                Result { () throws(ConfigurationError) in
                    try AccountExport.read(view, file: "export.csv", parallelAbove: threshold)
                }
            }
        }
    }

    static let header = "sAMAccountName,mail,displayName,department\n"

    static func rows(_ range: Range<Int>) -> String {
        range.map { "u\($0),u\($0)@example.test,User \($0),Bloc\n" }.joined()
    }

    // MARK: Runaway quotes

    /// The issue's export: an unquoted export where one display name starts with a stray quote
    /// swallowed every row after it. Now fatal, naming the line the quote opened on.
    @Test func strayQuoteThatIsNeverClosedIsFatalAtItsLine() {
        let text = Self.header + Self.rows(0..<3) + "tgarnier,tg@example.test,\"Toto Garnier,Bloc\n" + Self.rows(3..<8)
        let found = error(text)
        #expect(found?.line == 5)
        #expect(found?.message.hasPrefix("a quoted field opens here") == true)
        #expect(found?.message.contains("never closed") == true)
        #expect(found.map { "\($0)" }?.contains("export.csv:5:") == true)
    }

    @Test func strayQuoteClosedByAnotherStrayQuoteRowsLaterIsFatal() {
        // Two stray quotes: the rows between would be one display name.
        let text =
            Self.header + "a,a@example.test,\"Toto Garnier,Bloc\n" + Self.rows(0..<2)
            + "b,b@example.test,\"Titi Durand,Bloc\n" + Self.rows(2..<4)
        let found = error(text)
        #expect(found?.line == 2)
        #expect(found?.message.contains("runs over line 3, which holds a whole row") == true)
    }

    @Test func strayQuoteClosedOnTheNextLineInsideAValueIsFatal() {
        let text = Self.header + "a,a@example.test,\"Toto,Bloc\nb,b@example.test,\"Titi,Bloc\n" + Self.rows(0..<2)
        let found = error(text)
        #expect(found?.line == 2)
        #expect(found?.message.contains("closes on line 3 in the middle of a value") == true)
    }

    @Test func quotedFieldOverSixteenLinesIsFatal() throws {
        let long = (1...17).map { "note \($0)" }.joined(separator: "\n")
        #expect(
            error(Self.header + "a,a@example.test,\"\(long)\",Bloc\n")?.message.contains("more than 16 lines") == true
        )
        let fits = (1...16).map { "note \($0)" }.joined(separator: "\n")
        #expect(try load(Self.header + "a,a@example.test,\"\(fits)\",Bloc\n").accounts.first?.displayName == fits)
    }

    @Test func quotedFieldOver64KiBIsFatal() {
        let huge = String(repeating: "x", count: 64 * 1024 + 1)
        let found = error(Self.header + "a,a@example.test,\"\(huge)\",Bloc\nb,b@example.test,B,Bloc\n")
        #expect(found?.line == 2)
        #expect(found?.message.contains("more than 64 KiB") == true)
    }

    @Test func runawayQuoteInTheHeaderIsFatal() {
        #expect(error("sAMAccountName,\"mail\njdupont,jd@example.test\n")?.line == 1)
    }

    /// What RFC 4180 allows still reads: a multi-line description, addresses one per line, a
    /// quoted value with doubled quotes, lenient text after a quote on one line.
    @Test func legitimateQuotedFieldsStillRead() throws {
        let text =
            "sAMAccountName,proxyAddresses,displayName,department\n"
            + "jdupont,\"SMTP:jd@example.test\nsmtp:jean@example.test\nsmtp:j.d@example.test\",\"Dupont, \"\"Jean\"\"\",Bloc\n"
            + "\"amartin\",,\"Anne\nMartin\",\"Bloc\r\nopératoire\"\r\n" + "bleroy,,\"Le \"B\"x,Bloc\n"
        let directory = try load(text)
        #expect(directory.accounts.map(\.sam) == ["jdupont", "amartin", "bleroy"])
        #expect(directory.accounts[0].aliases == ["jd@example.test", "jean@example.test", "j.d@example.test"])
        #expect(directory.accounts[1].department == "Bloc\r\nopératoire")
        #expect(directory.warnings.isEmpty)
    }

    /// Quoted fields are scanned eight bytes at a time for their closing quote and line feeds:
    /// rows after fields of every length and with line feeds at every place in a word are
    /// numbered as the file's lines, and a quote opened where a word ends is named at its line.
    @Test func quotedFieldsOfEveryLengthKeepLineNumbers() throws {
        var text = "sAMAccountName,displayName\n"
        var expected: [Int] = []
        var line = 2
        for length in 0..<24 {
            let breaks = length % 3  // 0, 1 or 2 line feeds, at places that move along the word
            var value = String(repeating: "a", count: length)
            for number in 0..<breaks {
                let place = value.index(value.startIndex, offsetBy: min(length, (length * (number + 1)) / 3))
                value.insert("\n", at: place)
            }
            text += "u\(length),\"\(value)\"\n"
            expected.append(line)
            line += 1 + breaks
        }
        let directory = try load(text)
        #expect(directory.accounts.indices.map(directory.accounts.line(of:)) == expected)
        let runaway = error(text + "x,\"" + String(repeating: "b", count: 13) + "\nc\n")
        #expect(runaway?.line == line)
    }

    /// What the census counts as records are written is what the records hold, identities with
    /// keys longer than their values (folded Unicode) included.
    @Test func censusCountsWhatTheRecordsHold() throws {
        let text =
            "sAMAccountName,userPrincipalName,mail,proxyAddresses,Enabled\n"
            + "a1,a1@example.test,,smtp:x1@example.test;smtp:y1@example.test,True\n"
            + "\u{1D15E}\u{0130}\u{0F77},,m2@example.test,,False\n" + ",u3@example.test,m3@example.test,,no\n"
        let directory = try load(text)
        let census = directory.census
        #expect([census.accounts, census.disabled, census.sam, census.upn, census.mail] == [3, 2, 2, 2, 2])
        #expect(census.aliases == 2)
        let sam = directory.accounts[1].sam ?? ""
        #expect(sam == "\u{1D15E}\u{0130}\u{0F77}")
        let domains = LoginDomains(netbiosDomains: [], adDomains: [])
        let resolved = Array(AccountList.folded(sam).utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(resolved?.account == 1)
    }

    /// The two-thread reader guesses a record boundary by quote parity; what it reads and the
    /// error it stops at (with the line a sequential read names) are the sequential read's.
    @Test func twoThreadsStopAtTheRunawayQuoteASequentialReadStopsAt() {
        let good = Self.header + Self.rows(0..<200)
        for position in [3, 60, 120, 190] {
            let text =
                Self.header + Self.rows(0..<position) + "x,x@example.test,\"Stray,Bloc\n" + Self.rows(position..<200)
            let reads = bothReads(text)
            #expect(reads[0] == reads[1], "stray quote at row \(position)")
            guard case .failure(let failure) = reads[0] else {
                Issue.record("no error for a stray quote at row \(position)")
                continue
            }
            #expect(failure.line == position + 2)
        }
        let reads = bothReads(good)
        #expect(reads[0] == reads[1])
        #expect((try? reads[1].get())?.lines.last == 201)
    }

    // MARK: PowerShell and plain lists

    /// `Export-Csv` without `-NoTypeInformation` writes a `#TYPE` line first: skipped, the
    /// export is read as CSV and lines are counted from the top of the file.
    @Test func powerShellTypeLineIsSkipped() throws {
        let text = """
            #TYPE Selected.Microsoft.ActiveDirectory.Management.ADUser\r
            "SamAccountName","UserPrincipalName","EmailAddress","Enabled","PasswordLastSet"\r
            "agarnier","agarnier@ad.example.test","antoine.garnier@example.test","True","25/11/2024 10:00:00"\r
            "sleroy","sleroy@ad.example.test","sophie.leroy@example.test","False",""\r

            """
        let directory = try load(text)
        #expect(directory.form == .csv)
        #expect(directory.accounts.map(\.sam) == ["agarnier", "sleroy"])
        #expect(directory.accounts.map(\.isEnabled) == [true, false])
        #expect(directory.accounts[0].passwordLastSet == "2024-11-25T10:00:00")
        #expect(directory.warnings.isEmpty)
        let stray = error(text.replacingOccurrences(of: "\"False\",\"\"", with: "\"False\",\""))
        #expect(stray?.line == 4)
    }

    @Test func csvLookingPlainListIsAWarning() throws {
        let directory = try load("Identifiant|Mail\njdupont|jd@example.test\nbleroy|bl@example.test\n")
        #expect(directory.form == .plainList)
        #expect(directory.warnings.count == 1)
        #expect(directory.warnings.first?.line == 1)
        #expect(directory.warnings.first?.message.contains("read as a plain list of logins") == true)
        #expect(directory.warnings.first?.message.contains("3 lines") == true)
        #expect(try load("jdupont\nGROUPE\\bleroy\njd@example.test\n").warnings.isEmpty)
    }

    @Test func commentsBeforeTheHeaderAreSkipped() throws {
        let directory = try load("# exported 2025-01-01\n\nsAMAccountName;mail\njdupont;jd@example.test\n")
        #expect(directory.form == .csv)
        #expect(directory.accounts == [Account(sam: "jdupont", mail: "jd@example.test")])
    }

    @Test func rowsWithoutIdentityAreAWarning() throws {
        let directory = try load("sAMAccountName,mail,displayName\njdupont,,Jean\n,,Ghost\n,,\n")
        #expect(directory.accounts.count == 1)
        #expect(directory.warnings.map(\.line) == [3])
        #expect(directory.warnings.first?.message.hasPrefix("1 row has values but no sAMAccountName") == true)
    }

    /// Rows cut short or run into junk (the probe's: a lone value, binary bytes, a last row
    /// truncated mid-address) are read by position, and named; trailing empty fields are not
    /// a different shape. The same from both reads.
    @Test func rowsOfAnotherShapeAreAWarning() throws {
        let text =
            "sAMAccountName,mail,displayName,department\njdupont,jd@example.test,Jean,Bloc\n\"zz1\"\n"
            + "\u{1}\u{2} garbage\n" + Self.rows(0..<3) + "bleroy,bl@example.test,B,Bloc,,\n"
            + "x,x@example.test,X,Bloc,extra\nzz3,zz3@clinique-ex"
        for read in bothReads(text) {
            let read = try read.get()
            #expect(read.accounts.count == 9)
            #expect(read.warnings.map(\.line) == [3], "\(read.warnings)")
            #expect(read.warnings.first?.message.hasPrefix("4 rows do not have the header's 4 fields") == true)
        }
        #expect(try load(Self.header + Self.rows(0..<4)).warnings.isEmpty)
    }

    // MARK: Values not understood

    @Test(
        arguments: [
            // FILETIME, ISO 8601, PowerShell en-US and fr-FR, dotted, never.
            ("133750000000000000", "2024-11-02T05:46:40Z"),
            ("2024-11-08T10:00:00Z", "2024-11-08T10:00:00Z"),
            ("2024-11-08 10:00:00", "2024-11-08T10:00:00"),
            ("2024/11/08", "2024-11-08"),
            ("25/11/2024 10:00:00", "2024-11-25T10:00:00"),
            ("11/25/2024 10:00:00 AM", "2024-11-25T10:00:00"),
            ("11/25/2024 1:05:09 PM", "2024-11-25T13:05:09"),
            ("08.11.2024 10:00:00", "2024-11-08T10:00:00"),
            ("11/11/2024", "2024-11-11"),
            ("0", nil),
            ("9223372036854775807", nil),
            ("never", nil),
            ("Jamais", nil),
        ] as [(String, String?)]
    )
    func passwordLastSetFormats(_ value: String, _ expected: String?) throws {
        let directory = try load("sAMAccountName,PasswordLastSet\na,\(value)\n")
        #expect(directory.accounts[0].passwordLastSet?.iso8601 == expected)
        #expect(directory.warnings.isEmpty)
    }

    @Test func dayOrMonthFirstIsTakenFromTheColumnOrTheProfile() throws {
        let text = "sAMAccountName,PasswordLastSet\na,08/11/2024 10:00:00\nb,25/11/2024\n"
        #expect(try load(text).accounts.map(\.passwordLastSet) == ["2024-11-08T10:00:00", "2024-11-25"])
        let american = "sAMAccountName,PasswordLastSet\na,08/11/2024 10:00:00 AM\nb,11/25/2024\n"
        #expect(try load(american).accounts.map(\.passwordLastSet) == ["2024-08-11T10:00:00", "2024-11-25"])
        // The profile's order wins; a value that is no date in it is unreadable.
        let ordered = try load(text, dateOrder: .monthDayYear)
        #expect(ordered.accounts.map(\.passwordLastSet) == ["2024-08-11T10:00:00", nil])
        #expect(ordered.warnings.first?.message.contains("'25/11/2024' is not a date in date_order \"mdy\"") == true)
    }

    @Test func ambiguousDatesAreUnknownAndAWarning() throws {
        let directory = try load("sAMAccountName,PasswordLastSet\na,08/11/2024 10:00:00\nb,03/04/2024\nc,2024-01-02\n")
        #expect(directory.accounts.map(\.passwordLastSet) == [nil, nil, "2024-01-02"])
        #expect(directory.warnings.count == 1)
        let warning = directory.warnings[0]
        #expect(warning.line == 2)
        #expect(warning.message.hasPrefix("column 2 (PasswordLastSet): '08/11/2024 10:00:00' (and 1 more value below)"))
        #expect(warning.message.contains("date_order"))
    }

    @Test func mixedDateOrdersAreAWarning() throws {
        let directory = try load("sAMAccountName,PasswordLastSet\na,25/11/2024\nb,11/25/2024\nc,01/02/2024\n")
        #expect(directory.accounts.map(\.passwordLastSet) == ["2024-11-25", "2024-11-25", nil])
        #expect(directory.warnings.map(\.line) == [2, 4])
        #expect(directory.warnings.first?.message.contains("mixes day-first dates") == true)
    }

    /// `garbage` used to be kept as written, and `changed_after_theft` silently disappeared.
    @Test func unreadableValuesAreNamedOncePerColumnWithACount() throws {
        let text = """
            sAMAccountName,Enabled,userAccountControl,proxyAddresses,pwdLastSet
            a,True,512,smtp:a@example.test,garbage
            b,Vrai,x,Microsoft.ActiveDirectory.Management.ADPropertyValueCollection,2024-13-01
            c,Peut-être,514,,12345
            d,False,512,SIP:d@example.test,

            """
        let directory = try load(text)
        #expect(directory.accounts.map(\.passwordLastSet) == [nil, nil, nil, nil])
        #expect(directory.accounts.map(\.isEnabled) == [true, true, false, false])
        #expect(directory.accounts.map(\.aliases) == [["a@example.test"], [], [], []])
        let byLine = directory.warnings.map { "\($0.line ?? 0): \($0.message.prefix(55))" }
        #expect(
            byLine == [
                "3: column 4 (proxyAddresses): 'Microsoft.ActiveDirectory.M",
                "4: column 2 (Enabled): 'Peut-être' is neither True nor Fal",
                "3: column 3 (userAccountControl): 'x' is not a number: tak",
                "2: column 5 (pwdLastSet): 'garbage' (and 2 more values bel",
            ]
        )
    }

    // MARK: Shared identities and the census

    @Test func sharedMailResolvesToEveryAccountAndIsAWarning() throws {
        let text = """
            sAMAccountName,mail,proxyAddresses,Enabled
            jdupont,jean.dupont@example.test,smtp:jd@example.test,True
            adm-jdupont,jean.dupont@example.test,,False
            secretariat,secretariat@example.test,smtp:jd@example.test,True
            bleroy,bleroy@example.test,,True

            """
        let directory = try load(text)
        let domains = LoginDomains(netbiosDomains: [], adDomains: [])
        let mail = Array("Jean.Dupont@example.test".utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(mail?.owners == [IdentityOwner(account: 0, rule: .mail), IdentityOwner(account: 1, rule: .mail)])
        let alias = Array("jd@example.test".utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(alias?.owners.map(\.account) == [0, 2])
        let alone = Array("bleroy".utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
        #expect(alone?.sharedWith == [])

        #expect(directory.sharedIdentities.map(\.identity) == ["jean.dupont@example.test", "jd@example.test"])
        #expect(directory.warnings.count == 1)
        #expect(
            directory.warnings.first?.message
                == "2 identities belong to more than one account; a login that is one of them is reported against every "
                + "account that owns it: 'jean.dupont@example.test' is the mail of jdupont (line 2) and the mail of "
                + "adm-jdupont (line 3); 'jd@example.test' is an alias of jdupont (line 2) and an alias of secretariat "
                + "(line 4)"
        )
        let census = directory.census
        #expect(
            census.summary
                == "accounts 4 from a CSV export (disabled 1); identities: sam 4, upn 0, mail 4, alias 2, "
                + "2 shared by several accounts"
        )
    }

    @Test func sharedIdentityWarningListsFiveThenCounts() throws {
        let text =
            "sAMAccountName,mail\n"
            + (0..<7).map { "a\($0),m\($0)@example.test\nb\($0),m\($0)@example.test\n" }.joined()
        let message = try load(text).warnings.first?.message ?? ""
        #expect(message.hasPrefix("7 identities belong to more than one account"))
        #expect(
            message.hasSuffix("'m4@example.test' is the mail of a4 (line 10) and the mail of b4 (line 11); and 2 more")
        )
    }

    @Test func mailboxSharedByManyAccountsNamesTheFirstFive() throws {
        let text = "sAMAccountName,mail\n" + (0..<40).map { "svc\($0),dsi@example.test\n" }.joined()
        let directory = try load(text)
        #expect(directory.sharedIdentities.first?.owners.count == 40)
        let message = directory.warnings.first?.message ?? ""
        #expect(
            message.hasSuffix(
                "'dsi@example.test' is the mail of svc0 (line 2), the mail of svc1 (line 3), the mail of svc2 (line 4), "
                    + "the mail of svc3 (line 5), the mail of svc4 (line 6) and 35 other accounts"
            )
        )
    }

    @Test func sameAccountTwiceUnderOneKeyIsNotShared() throws {
        // The UPN is the mail: one account, one key.
        let directory = try load("sAMAccountName,userPrincipalName,mail\na,a@example.test,A@example.test\n")
        #expect(directory.sharedIdentities.isEmpty)
        #expect(directory.warnings.isEmpty)
    }

    @Test func plainListCensus() throws {
        let census = try load("jdupont\nGROUPE\\bleroy\njd@example.test\n").census
        #expect(
            census.summary
                == "accounts 3 from a plain list of logins (disabled 0); identities: sam 2, upn 0, mail 1, alias 0"
        )
    }
}
