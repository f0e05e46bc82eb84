import Foundation
import Testing

@testable import CredWatch

/// Expected hashes were computed outside Swift: NT hashes with
/// `iconv -t UTF-16LE | openssl dgst -md4 -provider legacy`, Mediboard hashes with Python's
/// `hashlib.sha256((salt + pw).encode(...))` and `hashlib.md5(pw.encode(...))`.
@Suite struct HashDirectoryTests {
    static let lm = "aad3b435b51404eeaad3b435b51404ee"
    static let ntPassword = "8846f7eaee8fb117ad06bdd830b7586c"
    static let ntSummer = "72f0eefcc213ea8f350773b831cf2c9c"
    static let ntHopital = "a0274e78d1e36e734ab82ddc37cc8f85"
    static let ntEmoji = "a35685ded531c3e13486cb190f0c3649"

    static let salt = "3f1c9b0e2a7d4c5b8e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"
    static let shaSoleilUTF8 = "c34d0f1d435e3df2550b6df8fe950b264de855483226d55f0c61c2ea2b7c8978"
    static let shaHopitalUTF8 = "bfda54c12ecb4e032b3df366e585ca4748dcb0c5ba1a8e0dde38cd3b7adb3f4f"
    static let shaHopitalLatin1 = "6fe7db42a02b8bce287e49e6cc66aaadd8bcba0577a2840f907afb0ee172705c"
    static let shaEmojiUTF8 = "6dc91aaa1d6c245306c5c5ae1913e97b49011014d4df9fa7bb6eb74e39e19ad5"
    static let md5HopitalLatin1 = "5ab492224e8f6bc35d7ea3d1f35e9c7b"
    static let md5Soleil = "ef74c43ef78931eedf17dc46bb4ef096"

    static let activeDirectoryExport = """
        [*] Dumping Domain Credentials (domain\\uid:rid:lmhash:nthash)
        CLINIQUE\\jdupont:1104:\(lm):\(ntHopital)::: (pwdLastSet=2024-02-10 08:15) (status=Enabled)
        CLINIQUE\\jdupont_history0:1104:\(lm):\(ntPassword):::
        CLINIQUE\\mmartin:1105:\(lm):\(ntSummer.uppercased())::: (status=Disabled)
        CLINIQUE\\SRV-DPI01$:1001:\(lm):\(ntPassword):::
        clinique-exemple.fr\\pleroy@clinique-exemple.fr:1106:\(lm):\(ntEmoji):::
        nopass:1108:NO PASSWORD*********************:NO PASSWORD*********************:::
        agarcia:\(ntPassword)

        # a comment
        garbage line here
        x:1107:\(lm):zz:::\r
        """

    static let mediboardExport = """
        "user_id";"user_username";"user_password";"user_salt";"user_password_last_change";"user_email";"comment"
        1;"CBernard";"\(shaSoleilUTF8)";"\(salt)";"2024-05-02 14:03:11";"c.bernard@clinique-exemple.fr";"ok"
        2;"hlefevre";"\(shaHopitalUTF8)";"\(salt)";"2023-11-20 09:00:00";"";"note on
        two lines; with ""quotes"" and ; inside"
        3;"ancien.compte";"\(md5HopitalLatin1)";"";NULL;"";""
        4;"ldapuser";"";"";NULL;"";""
        5;"broken";"nothex";"";NULL;"";""
        6;"latin";"\(shaHopitalLatin1)";"\(salt)";"0000-00-00 00:00:00";"";""
        7;"jean.dupont";"\(shaEmojiUTF8)";"\(salt)";NULL;"";""
        8;"c.bernard@clinique-exemple.fr";"\(md5Soleil)";"";NULL;"";""
        """

    private static func check(_ directory: HashDirectory, _ account: Account, _ password: String) -> PasswordCheck? {
        Array(password.utf8).withUnsafeBytes { directory.check(account: account, password: $0) }
    }

    private static func load(_ files: [String: String]) throws -> (PrivateTestDirectory, HashDirectory) {
        let folder = PrivateTestDirectory()
        let paths = files.sorted { $0.key < $1.key }.map { folder.file($0.key, text: $0.value) }
        return (folder, try HashDirectory.load(paths: paths, allowInsecure: false))
    }

    // MARK: Active Directory

    @Test func activeDirectoryLinesAreKeyedBySamAccountName() throws {
        let (_, directory) = try Self.load(["ntds.txt": Self.activeDirectoryExport])
        #expect(directory.count == 4)
        // The header, the garbage line and the line with a bad hash.
        #expect(directory.skippedLines == 3)

        let jdupont = Account(sam: "JDupont", passwordLastSet: FileTime.timestamp(133_516_545_000_000_000))
        #expect(
            Self.check(directory, jdupont, "Hôpital2024!")
                == PasswordCheck(isCurrent: true, lastChange: "2024-02-10T08:15:00")
        )
        #expect(
            Self.check(directory, jdupont, "Hopital2024!")
                == PasswordCheck(isCurrent: false, lastChange: "2024-02-10T08:15:00")
        )
        // An earlier password (history line) is not the current one.
        #expect(Self.check(directory, jdupont, "password")?.isCurrent == false)
        // Upper-case hex and the status suffix are read.
        #expect(Self.check(directory, Account(sam: "mmartin"), "Summer2024!")?.isCurrent == true)
    }

    @Test func twoFieldLinesFallBackToTheAccountsPasswordLastSet() throws {
        let (_, directory) = try Self.load(["hashcat.txt": Self.activeDirectoryExport])
        let agarcia = Account(sam: "agarcia", passwordLastSet: FileTime.timestamp(133_516_545_000_000_000))
        #expect(
            Self.check(directory, agarcia, "password")
                == PasswordCheck(isCurrent: true, lastChange: "2024-02-06T00:55:00Z")
        )
        #expect(Self.check(directory, Account(sam: "agarcia"), "password") == PasswordCheck(isCurrent: true))
    }

    @Test func userPrincipalNamesMatchTheUPN() throws {
        let (_, directory) = try Self.load(["ntds.txt": Self.activeDirectoryExport])
        let pleroy = Account(sam: "pleroy2", upn: "PLeroy@clinique-exemple.fr")
        #expect(Self.check(directory, pleroy, "Clé😀secrète")?.isCurrent == true)
        #expect(Self.check(directory, Account(sam: "pleroy"), "Clé😀secrète") == nil)
    }

    @Test func machineAndPasswordlessAccountsAreIgnored() throws {
        let (_, directory) = try Self.load(["ntds.txt": Self.activeDirectoryExport])
        #expect(Self.check(directory, Account(sam: "SRV-DPI01$"), "password") == nil)
        #expect(Self.check(directory, Account(sam: "nopass"), "") == nil)
        #expect(Self.check(directory, Account(sam: "jdupont_history0"), "password") == nil)
        #expect(Self.check(directory, Account(sam: "inconnu"), "password") == nil)
    }

    @Test func windows1252PasswordBytesAreCheckedAsUnicode() throws {
        let (_, directory) = try Self.load(["ntds.txt": Self.activeDirectoryExport])
        let bytes: [UInt8] = [0x48, 0xF4] + Array("pital2024!".utf8)
        let result = bytes.withUnsafeBytes { directory.check(account: Account(sam: "jdupont"), password: $0) }
        #expect(result?.isCurrent == true)
    }

    // MARK: Mediboard

    @Test func mediboardSaltedSHA256WithUTF8Passwords() throws {
        let (_, directory) = try Self.load(["users.csv": Self.mediboardExport])
        #expect(directory.count == 6)
        #expect(directory.skippedLines == 1)
        #expect(
            Self.check(directory, Account(sam: "cbernard"), "Soleil2024!")
                == PasswordCheck(isCurrent: true, lastChange: "2024-05-02T14:03:11")
        )
        // The quoted field spanning two lines did not swallow or break the rows around it.
        #expect(
            Self.check(directory, Account(sam: "hlefevre"), "Hôpital2024!")
                == PasswordCheck(isCurrent: true, lastChange: "2023-11-20T09:00:00")
        )
        #expect(Self.check(directory, Account(sam: "hlefevre"), "hôpital2024!")?.isCurrent == false)
    }

    @Test func mediboardLatin1InstallsAreTriedForNonASCIIPasswords() throws {
        let (_, directory) = try Self.load(["users.csv": Self.mediboardExport])
        // Salted SHA-256 and legacy MD5 over the ISO-8859-1 bytes; the password arrives as UTF-8.
        #expect(Self.check(directory, Account(sam: "latin"), "Hôpital2024!") == PasswordCheck(isCurrent: true))
        #expect(Self.check(directory, Account(sam: "ancien.compte"), "Hôpital2024!") == PasswordCheck(isCurrent: true))
        // Bytes already in Latin-1 (not valid UTF-8) are tried as given.
        let latin: [UInt8] = [0x48, 0xF4] + Array("pital2024!".utf8)
        let result = latin.withUnsafeBytes { directory.check(account: Account(sam: "latin"), password: $0) }
        #expect(result?.isCurrent == true)
    }

    @Test func mediboardRowsWithoutPasswordAreIgnored() throws {
        let (_, directory) = try Self.load(["users.csv": Self.mediboardExport])
        #expect(Self.check(directory, Account(sam: "ldapuser"), "x") == nil)
        #expect(Self.check(directory, Account(sam: "broken"), "x") == nil)
    }

    /// Decision: exact identifiers only. `jean.dupont` is not tried as the local part of a UPN
    /// or mail (a wrong pairing would call a live password "changed"); a Mediboard user name
    /// that is a full address matches the account's mail.
    @Test func mediboardUsersMatchExactIdentifiersOnly() throws {
        let (_, directory) = try Self.load(["users.csv": Self.mediboardExport])
        let jdupont = Account(
            sam: "jdupont",
            upn: "jean.dupont@clinique-exemple.fr",
            mail: "jean.dupont@clinique-exemple.fr"
        )
        #expect(Self.check(directory, jdupont, "Clé😀secrète") == nil)
        let cbernard = Account(sam: "cbernard2", mail: "C.Bernard@clinique-exemple.fr")
        #expect(Self.check(directory, cbernard, "Soleil2024!")?.isCurrent == true)
    }

    @Test(arguments: [",", "\t"])
    func mediboardUnquotedExportsWithOtherDelimiters(delimiter: String) throws {
        let rows = [
            ["users.user_username", "user_password", "user_salt"],
            ["cbernard", Self.shaSoleilUTF8, Self.salt],
            ["legacy", Self.md5Soleil, "NULL"],
            ["short"],
        ]
        let text = rows.map { $0.joined(separator: delimiter) }.joined(separator: "\r\n")
        let (_, directory) = try Self.load(["users.csv": "\u{FEFF}" + text])
        #expect(directory.count == 2)
        #expect(directory.skippedLines == 1)
        #expect(Self.check(directory, Account(sam: "cbernard"), "Soleil2024!")?.isCurrent == true)
        #expect(Self.check(directory, Account(sam: "legacy"), "Soleil2024!")?.isCurrent == true)
    }

    @Test func saltedHashesNeedASaltColumn() throws {
        let text = "user_username,user_password\ncbernard,\(Self.shaSoleilUTF8)\nlegacy,\(Self.md5Soleil)\n"
        let (_, directory) = try Self.load(["users.csv": text])
        #expect(directory.count == 1)
        #expect(directory.skippedLines == 1)
    }

    // MARK: Several exports

    @Test func anyHashOfTheAccountMakesThePasswordCurrent() throws {
        let mediboard =
            "user_username;user_password;user_salt;user_password_last_change\n"
            + "jdupont;\(Self.shaSoleilUTF8);\(Self.salt);2024-06-01 12:00:00\n"
        let (_, directory) = try Self.load(["a-ntds.txt": Self.activeDirectoryExport, "b-users.csv": mediboard])
        let jdupont = Account(sam: "jdupont")
        #expect(
            Self.check(directory, jdupont, "Hôpital2024!")
                == PasswordCheck(isCurrent: true, lastChange: "2024-02-10T08:15:00")
        )
        #expect(
            Self.check(directory, jdupont, "Soleil2024!")
                == PasswordCheck(isCurrent: true, lastChange: "2024-06-01T12:00:00")
        )
        // Neither: the latest change among the account's hashes.
        #expect(
            Self.check(directory, jdupont, "autre")
                == PasswordCheck(isCurrent: false, lastChange: "2024-06-01T12:00:00")
        )
    }

    // MARK: Refusals and hostile input

    @Test(arguments: [0o644, 0o640, 0o604] as [mode_t])
    func exportsReadableByOthersAreRefused(mode: mode_t) throws {
        let folder = PrivateTestDirectory()
        let path = folder.file("ntds.txt", text: Self.activeDirectoryExport, mode: mode)
        let error = #expect(throws: ConfigurationError.self) {
            try HashDirectory.load(paths: [path], allowInsecure: false)
        }
        #expect(error?.file == path)
        #expect(error?.message.contains("chmod 600") == true)
        #expect(error?.message.contains("--allow-insecure-hashes") == true)
        #expect(try HashDirectory.load(paths: [path], allowInsecure: true).count == 4)
    }

    @Test func aFileWithoutHashesIsRefused() {
        let folder = PrivateTestDirectory()
        let path = folder.file("accounts.csv", text: "sAMAccountName,mail\njdupont,j@example.test\n")
        let error = #expect(throws: ConfigurationError.self) {
            try HashDirectory.load(paths: [path], allowInsecure: false)
        }
        #expect(error?.message.contains("no password hash") == true)
        #expect(throws: ConfigurationError.self) {
            try HashDirectory.load(paths: [folder.path + "/missing.txt"], allowInsecure: false)
        }
    }

    @Test func aMediboardHeaderWithoutPasswordColumnIsRefused() {
        let folder = PrivateTestDirectory()
        let path = folder.file("users.csv", text: "user_username;user_email\njdupont;j@example.test\n")
        let error = #expect(throws: ConfigurationError.self) {
            try HashDirectory.load(paths: [path], allowInsecure: false)
        }
        #expect(error?.line == 1)
    }

    @Test func overlongAndBinaryLinesAreSkipped() throws {
        var bytes = [UInt8](repeating: UInt8(ascii: "x"), count: SecretFileLines.maxLineLength + 200_000)
        bytes += Array("\nagarcia:\(Self.ntPassword)\n".utf8)
        bytes += [0x00, 0xFF, 0xFE, 0x3A, 0x3A, 0x0A]
        bytes += Array("mmartin:1105:\(Self.lm):\(Self.ntSummer):::".utf8)  // last line without LF
        let folder = PrivateTestDirectory()
        let directory = try HashDirectory.load(paths: [folder.file("big.txt", bytes: bytes)], allowInsecure: false)
        #expect(directory.count == 2)
        #expect(directory.skippedLines == 2)
        #expect(Self.check(directory, Account(sam: "mmartin"), "Summer2024!")?.isCurrent == true)
    }

    @Test func anUnterminatedQuoteNeverLoadsAHalfRecord() throws {
        let text = "user_username;user_password;user_salt\n\"open;\(Self.md5Soleil);\n"
        let folder = PrivateTestDirectory()
        let path = folder.file("users.csv", text: text + "cbernard;\(Self.md5Soleil);\n")
        // The open quote swallows the rest of the file: nothing loads, and the file is refused.
        #expect(throws: ConfigurationError.self) { try HashDirectory.load(paths: [path], allowInsecure: false) }
    }

    /// Hash exports and account exports are read by the one CSV reader: a quoted user name with
    /// doubled quotes and a delimiter inside reads the same in both, and a quoted field that
    /// runs away (more than `CSVReader.maxQuotedLines` lines) is a malformed row here too.
    @Test func quotingRulesAreTheAccountExportsOnes() throws {
        let name = #"o"brien;x"#
        let quoted = #""o""brien;x""#
        let text =
            "user_username;user_password;user_salt\n\(quoted);\(Self.md5Soleil);\n"
            + "\"runaway" + String(repeating: "\nline", count: CSVReader.maxQuotedLines + 2) + "\";\(Self.md5Soleil);\n"
            + "cbernard;\(Self.md5Soleil);\n"
        let (_, directory) = try Self.load(["users.csv": text])
        #expect(Self.check(directory, Account(sam: name), "Soleil2024!")?.isCurrent == true)
        #expect(Self.check(directory, Account(sam: "cbernard"), "Soleil2024!")?.isCurrent == true)
        #expect(directory.count == 2)
        #expect(directory.skippedLines == 1)
        var fields: [String] = []
        let runaway = Array((quoted + ";b\n").utf8).withUnsafeBytes { bytes in
            CSVReader(delimiter: UInt8(ascii: ";")).forEachField(ofRecord: bytes) { _, field in
                fields.append(Text.string(field))
                return true
            }
        }
        #expect(runaway == nil)
        #expect(fields == [name, "b"])
    }
}
