import Foundation
import Testing

@testable import CredWatch

/// Issue 15 §4, through the library's scan pipeline: a leaked password is current whatever
/// the encoding of the file it was found in (UTF-8, Windows-1252, UTF-16LE) and whatever the
/// encoding the system hashed (Mediboard in UTF-8 or in Windows-1252, Active Directory's NT
/// hash over UTF-16LE). Hashes computed outside Swift (`iconv` and `openssl dgst`).
@Suite struct CurrentPasswordEncodingTests {
    static let salt = "3f1c9b0e2a7d4c5b8e6f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d"

    struct Leaked {
        var account: String
        var password: String
        /// NT hash: MD4 of the UTF-16LE text.
        var nt: String
        /// SHA-256 of the salt's hex text and the password in UTF-8, then in Windows-1252.
        var shaUTF8: String
        var shaWindows1252: String
    }

    static let leaked = [
        Leaked(
            account: "jdupont",
            password: "Hôpital19!",
            nt: "b28b7255c279d6d39fa65c6286fa0adc",
            shaUTF8: "6533d6f388cdbaa8b5b299d3fea8e54200fb4588f9f4e2c4bee9735c3a80a59e",
            shaWindows1252: "e8ab00ee5168e32bcf4a1ebb51e475b84e67394f19b5f9aa3855c7232b8d4137"
        ),
        Leaked(
            account: "mmartin",
            password: "Pa€€word1",
            nt: "4770b705951ca165c196d72dd2b62e12",
            shaUTF8: "102d77f47d89ad9fa450948b2acab081818bd594176ec37532df5cf3c6915864",
            shaWindows1252: "d1822caa56729c2bc0b61f02362ab746ca2e6be50daaf4e9192085da03a72083"
        ),
        Leaked(
            account: "cnguyen",
            password: "cœur’2024",
            nt: "62c0dca6d699f2e052435797e801dee8",
            shaUTF8: "508508cd1311c0d239dff59c498fbb59daf7f86eaaeda75c7ebb50035a2674b0",
            shaWindows1252: "56bba79b5ed3e799f9d4a1bc8e36d87d0e191b44544a7717cf3d68c887b8bc55"
        ),
    ]

    /// jdupont's password before the current one: never current, in any encoding.
    static let wrongPassword = "Hôpital18!"

    static let accounts = """
        sAMAccountName,mail,Enabled
        jdupont,jean.dupont@clinique-exemple.fr,True
        mmartin,marie.martin@clinique-exemple.fr,True
        cnguyen,chloe.nguyen@clinique-exemple.fr,True

        """

    enum Export: String, CaseIterable {
        case mediboardUTF8 = "mediboard-utf8.csv"
        case mediboardWindows1252 = "mediboard-windows1252.csv"
        case activeDirectory = "ntds.txt"

        var text: String {
            switch self {
            case .activeDirectory:
                leaked.map { "GROUPEEXEMPLE\\\($0.account):1104:aad3b435b51404eeaad3b435b51404ee:\($0.nt):::" }
                    .joined(separator: "\n") + "\n"
            case .mediboardUTF8, .mediboardWindows1252:
                "user_id;user_username;user_password;user_salt;user_password_last_change\n"
                    + leaked.enumerated().map { number, leaked in
                        let hash = self == .mediboardUTF8 ? leaked.shaUTF8 : leaked.shaWindows1252
                        return "\(number + 1);\(leaked.account);\(hash);\(salt);2024-10-01 08:00:00"
                    }.joined(separator: "\n") + "\n"
            }
        }
    }

    enum FileEncoding: String, CaseIterable {
        case utf8
        case windows1252
        case utf16LittleEndian

        func encode(_ text: String) -> [UInt8] {
            switch self {
            case .utf8: Array(text.utf8)
            case .windows1252: Array(text.data(using: .windowsCP1252)!)
            case .utf16LittleEndian:
                [0xFF, 0xFE]
                    + text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
            }
        }
    }

    /// The combolist: each leaked password on its account's Mediboard login (lines 1–3), then
    /// jdupont's earlier password (line 4).
    static var combolist: String {
        let url = "https://mediboard.clinique-exemple.fr/index.php"
        return (leaked.map { "\(url):\($0.account):\($0.password)" } + ["\(url):jdupont:\(wrongPassword)"])
            .joined(separator: "\r\n") + "\r\n"
    }

    @Test(arguments: Export.allCases, FileEncoding.allCases)
    func leakedPasswordIsCurrentWhateverTheEncodings(export: Export, encoding: FileEncoding) throws {
        let folder = PrivateTestDirectory()
        let hashes = try HashDirectory.load(
            paths: [folder.file(export.rawValue, text: export.text)],
            allowInsecure: false
        )
        #expect(hashes.count == 3)
        let context = try MatchFixture.context(accounts: Self.accounts, checker: hashes)
        let dump = folder.file("combo-\(encoding.rawValue).txt", bytes: encoding.encode(Self.combolist))
        let outcome = MalformedScan.run([dump], context: context)
        #expect(outcome.errors == 0, "\(outcome.messages)")

        let credentials = outcome.findings.filter { $0.kind == .credential }
        #expect(credentials.count == 4)
        for finding in credentials {
            let line = try #require(finding.sources.first?.line)
            if line <= Self.leaked.count {
                let leaked = Self.leaked[line - 1]
                #expect(finding.directoryAccount?.sam == leaked.account)
                #expect(finding.passwordEvidence?.length == leaked.password.unicodeScalars.count)
                #expect(finding.passwordCurrent == true, "\(leaked.account), line \(line)")
                #expect(finding.severity == .critical)
                #expect(finding.action == .forceReset)
            } else {
                #expect(finding.directoryAccount?.sam == "jdupont")
                #expect(finding.passwordCurrent == false, "the earlier password, line \(line)")
                #expect(finding.action == .revokeSessions)
            }
        }
    }
}
