import Foundation
import Testing

@testable import CredWatch

/// The packed account index against a plain reference: a `Dictionary` from each normalised
/// identity key to its owners, built in the documented order. Generated exports are hostile on
/// purpose: keys shared by several accounts, case and Unicode variants of one key, spaces
/// around values, `DOMAIN\` prefixes, empty values, aliases that repeat the mail.
@Suite struct AccountIndexDifferentialTests {
    /// The key a value is filed under: trimmed, then normalised as a login is.
    private static func normalised(_ text: String) -> String? {
        let trimmed = Array(text.utf8).withUnsafeBytes { Text.string(Bytes.trimmed($0)) }
        return trimmed.isEmpty ? nil : folded(trimmed)
    }

    /// ASCII lower-cased, or Unicode case-folded and composed when not ASCII.
    private static func folded(_ text: String) -> String {
        text.utf8.allSatisfy { $0 < 0x80 } ? text.lowercased() : text.lowercased().precomposedStringWithCanonicalMapping
    }

    /// The reference: owners of each key by priority (UPN, mail, alias, sAMAccountName), then
    /// export order, each account once; and the keys in the order they were first added.
    private struct Reference {
        var owners: [String: [IdentityOwner]] = [:]
        var order: [String] = []

        init(_ accounts: [Account]) {
            func add(_ value: String?, _ account: Int, _ rule: IdentityRule) {
                guard let value, let key = normalised(value) else { return }
                if owners[key] == nil { order.append(key) }
                if owners[key, default: []].contains(where: { $0.account == account }) { return }
                owners[key, default: []].append(IdentityOwner(account: account, rule: rule))
            }
            for (number, account) in accounts.enumerated() { add(account.upn, number, .upn) }
            for (number, account) in accounts.enumerated() { add(account.mail, number, .mail) }
            for (number, account) in accounts.enumerated() {
                for alias in account.aliases { add(alias, number, .proxy) }
            }
            for (number, account) in accounts.enumerated() { add(account.sam, number, .sam) }
        }

        func lookup(_ login: Substring) -> [IdentityOwner]? {
            owners[folded(String(login))]
        }

        /// `AccountDirectory.resolve`'s rules, on the dictionary.
        func resolve(_ login: String, netbios: String, adDomain: String) -> [IdentityOwner]? {
            let login = Array(login.utf8).withUnsafeBytes { Text.string(Bytes.trimmed($0)) }
            guard !login.isEmpty, login.utf8.count <= 1024 else { return nil }
            if let backslash = login.firstIndex(of: "\\") {
                guard login[..<backslash].lowercased() == netbios.lowercased(),
                    let owners = lookup(login[login.index(after: backslash)...]), owners[0].rule == .sam
                else { return nil }
                return owners.filter { $0.rule == .sam }.map { IdentityOwner(account: $0.account, rule: .downlevel) }
            }
            if let owners = lookup(login[...]) { return owners }
            if let at = login.lastIndex(of: "@"), login[login.index(after: at)...].lowercased() == adDomain,
                let owners = lookup(login[..<at]), owners[0].rule == .sam
            {
                return owners.filter { $0.rule == .sam }.map { IdentityOwner(account: $0.account, rule: .adDomain) }
            }
            return nil
        }
    }

    /// Names drawn from a small pool, so that accounts share keys, in hostile spellings.
    private static let stems = [
        "jdupont", "Jean.Dupont", "émilie", "E\u{301}milie", "ÉMILIE", "\u{212A}arl", "karl", "straße", "STRASSE",
        "i\u{307}nci", "İnci", "admin", "a", "x.y", "zoë", "😀", "o'brien", "d\"quote", "semi;colon", "tab\tin",
    ]
    private static let domains = ["clinique-exemple.fr", "CHU-Exemple.fr", "ad.groupe-exemple.fr", "exemple.test"]

    private static func spelling(_ stem: String, _ random: inout SeededRandom) -> String {
        var text = stem
        switch Int.random(in: 0..<6, using: &random) {
        case 0: text = text.uppercased()
        case 1: text = text.lowercased()
        case 2: text = " " + text + "\t"
        default: break
        }
        return text
    }

    private static func address(_ random: inout SeededRandom) -> String {
        spelling(stems.randomElement(using: &random)!, &random) + "@" + domains.randomElement(using: &random)!
    }

    static func accounts(count: Int, seed: UInt64) -> [Account] {
        var random = SeededRandom(state: seed)
        return (0..<count).map { _ in
            func maybe(_ value: @autoclosure () -> String) -> String? {
                Int.random(in: 0..<5, using: &random) == 0 ? nil : value()
            }
            var sam = maybe(spelling(stems.randomElement(using: &random)!, &random))
            if Int.random(in: 0..<8, using: &random) == 0 { sam = "" }
            if Int.random(in: 0..<8, using: &random) == 0 { sam = "   " }
            let mail = maybe(address(&random))
            var aliases = (0..<Int.random(in: 0..<4, using: &random)).map { _ in address(&random) }
            if let mail, Bool.random(using: &random) { aliases.append(mail.uppercased()) }
            return Account(
                sam: sam,
                upn: maybe(address(&random)),
                mail: mail,
                aliases: aliases,
                displayName: maybe("Nom, Prénom \(Int.random(in: 0..<100, using: &random))"),
                department: maybe("Bloc opératoire"),
                isEnabled: Bool.random(using: &random),
                passwordLastSet: maybe("2024-11-25T10:00:00Z").flatMap(Timestamp.init(iso8601:))
            )
        }
    }

    /// Every key of every account in other spellings, qualified logins, and strangers.
    static func logins(for accounts: [Account], seed: UInt64) -> [String] {
        var random = SeededRandom(state: seed)
        var logins: [String] = []
        for account in accounts {
            for value in [account.sam, account.upn, account.mail].compactMap({ $0 }) + account.aliases {
                logins.append(value)
                logins.append(spelling(value, &random))
                logins.append("GROUPEEXEMPLE\\" + value)
                logins.append("autre\\" + value)
                logins.append(value + "@ad.groupe-exemple.fr")
                logins.append(value + "@gmail.com")
                logins.append(value + "x")
            }
        }
        for _ in 0..<200 { logins.append(address(&random)) }
        logins += ["", " ", "\\", "@", "GROUPEEXEMPLE\\", String(repeating: "a", count: 1025)]
        return logins
    }

    @Test(arguments: [1, 2, 3, 4, 5] as [UInt64])
    func lookupsMatchTheReference(seed: UInt64) {
        let accounts = Self.accounts(count: 300, seed: seed)
        let directory = AccountDirectory(accounts: accounts)
        let reference = Reference(accounts)
        let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: ["ad.groupe-exemple.fr"])
        for login in Self.logins(for: accounts, seed: seed) {
            let found = Array(login.utf8).withUnsafeBytes { directory.resolve($0, domains: domains) }
            let expected = reference.resolve(login, netbios: "GROUPEEXEMPLE", adDomain: "ad.groupe-exemple.fr")
            #expect(found?.owners == expected, "\(login.debugDescription)")
        }
    }

    @Test(arguments: [6, 7] as [UInt64])
    func sharedIdentitiesMatchTheReference(seed: UInt64) {
        let accounts = Self.accounts(count: 300, seed: seed)
        let directory = AccountDirectory(accounts: accounts)
        let reference = Reference(accounts)
        let expected = reference.order.enumerated()
            .filter { reference.owners[$0.element]!.count > 1 }
            .sorted {
                (reference.owners[$0.element]![0].account, $0.offset)
                    < (reference.owners[$1.element]![0].account, $1.offset)
            }
            .map { SharedIdentity(identity: $0.element, owners: reference.owners[$0.element]!) }
        #expect(!expected.isEmpty)
        #expect(directory.sharedIdentities == expected)
        #expect(directory.census.shared == expected.count)
    }

    @Test func packedAccountsReadBackAsTheyWereGiven() {
        let accounts = Self.accounts(count: 500, seed: 8)
        let list = AccountList(accounts)
        #expect(Array(list) == accounts)
        #expect(list == AccountList(accounts))
        #expect(list != AccountList(accounts.dropLast()))
    }

    /// The same accounts written as a CSV export resolve the same way read by one thread or two.
    @Test func anExportReadByTwoThreadsResolvesAsOneThread() throws {
        let accounts = Self.accounts(count: 2000, seed: 9)
        func quoted(_ text: String?) -> String { "\"" + (text ?? "").replacing("\"", with: "\"\"") + "\"" }
        var text = "sAMAccountName,userPrincipalName,mail,proxyAddresses\r\n"
        for account in accounts {
            let proxies = account.aliases.map { "smtp:" + $0.trimmingCharacters(in: .whitespaces) }.joined(
                separator: ";"
            )
            text += [account.sam, account.upn, account.mail, proxies].map(quoted).joined(separator: ",") + "\r\n"
        }
        let reads = try Array(text.utf8).withUnsafeBytes { view in
            [
                try AccountExport.read(view, file: "export.csv", parallelAbove: .max),
                try AccountExport.read(view, file: "export.csv", parallelAbove: 0),
            ]
        }
        #expect(reads[0] == reads[1])
        let sequential = AccountDirectory(accounts: reads[0].accounts)
        let parallel = AccountDirectory(accounts: reads[1].accounts)
        let reference = Reference(Array(reads[0].accounts))
        let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: ["ad.groupe-exemple.fr"])
        for login in Self.logins(for: Array(reads[0].accounts), seed: 9) {
            let one = Array(login.utf8).withUnsafeBytes { sequential.resolve($0, domains: domains) }
            let two = Array(login.utf8).withUnsafeBytes { parallel.resolve($0, domains: domains) }
            #expect(one == two)
            #expect(one?.owners == reference.resolve(login, netbios: "GROUPEEXEMPLE", adDomain: "ad.groupe-exemple.fr"))
        }
        #expect(sequential.sharedIdentities == parallel.sharedIdentities)
    }
}
