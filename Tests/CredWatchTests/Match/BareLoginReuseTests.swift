import Foundation
import Testing

@testable import CredWatch

/// Issue 15 §3, through the library's scan pipeline: a combolist of thousands of strangers
/// whose forum user names equal sAMAccountNames of the export gives no `reuse` finding, while
/// every organisation address reused on a forum is still reported.
@Suite struct BareLoginReuseTests {
    /// A generated organisation and combolist (see `make`).
    struct Corpus {
        var accounts: [Account]
        var combolist: String
        /// Lines of strangers whose bare login is a sAMAccountName, on forums.
        var strangerLines: Int
        /// Accounts whose organisation-scoped login (mail, UPN, alias, `DOMAIN\sam`,
        /// `sam@ad-domain`) is written on a forum, with the rule that must resolve it.
        var scopedReuse: [Int: IdentityRule]
        /// Accounts whose bare login is written on the organisation's Mediboard.
        var onPlatform: Set<Int>
    }

    static let surnames = [
        "martin", "bernard", "dubois", "thomas", "robert", "richard", "petit", "durand", "leroy", "moreau",
        "simon", "laurent", "lefebvre", "michel", "garcia", "david", "bertrand", "roux", "vincent", "fournier",
        "morel", "girard", "andre", "lefevre", "mercier", "dupont", "lambert", "bonnet", "francois", "martinez",
        "legrand", "garnier", "faure", "rousseau", "blanc", "guerin", "muller", "henry", "roussel", "nicolas",
        "perrin", "morin", "mathieu", "clement", "gauthier", "dumont", "lopez", "fontaine", "chevalier", "robin",
        "masson", "sanchez", "gerard", "nguyen", "boyer", "denis", "lemaire", "duval", "joly", "gautier",
        "roger", "roche", "roy", "noel", "meyer", "lucas", "meunier", "jean", "perez", "marchand",
        "dufour", "blanchard", "marie", "barbier", "brun", "dumas", "brunet", "schmitt", "leroux", "colin",
        "fernandez", "pierre", "renard", "arnaud", "rolland", "caron", "aubert", "giraud", "leclerc", "vidal",
        "bourgeois", "renaud", "lemoine", "picard", "gaillard", "philippe", "leclercq", "lacroix", "fabre", "dupuis",
        "olivier", "rodriguez", "da silva", "hubert", "louis", "charles", "guillot", "riviere", "le gall", "guillaume",
        "adam", "rey", "moulin", "gonzalez", "berger", "lecomte", "menard", "fleury", "deschamps", "carpentier",
    ]

    /// `count` accounts (`jmartin`, `jean.martin@clinique-exemple.fr`…), their sAMAccountNames
    /// written by strangers on forums, one in ten of the accounts reused on a forum under an
    /// organisation-scoped login, and one in a hundred on the Mediboard platform.
    static func make(count: Int) -> Corpus {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var accounts: [Account] = []
        for surname in surnames.map({ $0.replacingOccurrences(of: " ", with: "") }) {
            for letter in letters where accounts.count < count {
                accounts.append(
                    Account(
                        sam: "\(letter)\(surname)",
                        upn: "\(letter).\(surname)@groupe-exemple.fr",
                        mail: "\(letter).\(surname)@clinique-exemple.fr",
                        aliases: ["\(surname).\(letter)@clinique-exemple.fr"]
                    )
                )
            }
        }
        precondition(accounts.count == count, "not enough names for \(count) accounts")

        var lines = ["# combolist 2025-01 — free for members of t.me/example"]
        let separators = [":", "|", ";", "\t"]
        var scoped: [Int: IdentityRule] = [:]
        var onPlatform: Set<Int> = []
        for (number, account) in accounts.enumerated() {
            let sam = account.sam!
            let written = number % 7 == 0 ? sam.uppercased() : number % 5 == 0 ? sam.capitalized : sam
            let forum = "https://forum\(number % 97).example.test/member/login"
            lines.append("\(forum)\(separators[number % 4])\(written)\(separators[number % 4])pw-\(number)!")
            if number % 10 == 3 {
                let forms: [(String, IdentityRule)] = [
                    (account.mail!, .mail), (account.upn!, .upn), (account.aliases[0], .proxy),
                    ("GROUPEEXEMPLE\\\(sam)", .downlevel), ("\(sam)@AD.groupe-exemple.fr", .adDomain),
                ]
                let (login, rule) = forms[(number / 10) % forms.count]
                lines.append("https://www.velo-club\(number % 13).example/connexion:\(login):reused-\(number)")
                scoped[number] = rule
            }
            if number % 100 == 42 {
                lines.append("https://mediboard.clinique-exemple.fr/index.php:\(sam):medi-\(number)")
                onPlatform.insert(number)
            }
        }
        return Corpus(
            accounts: accounts,
            combolist: lines.joined(separator: "\n") + "\n",
            strangerLines: count,
            scopedReuse: scoped,
            onPlatform: onPlatform
        )
    }

    static func scan(_ corpus: Corpus, bareLogins: Bool) throws -> [Finding] {
        let profile = try MatchFixture.withFile("org.toml", MatchFixture.profile) {
            try OrganisationProfile.load(path: $0)
        }
        var options = MatchContext.Options()
        options.reportBareLoginReuse = bareLogins
        let context = try MatchContext(
            profile: profile,
            profilePath: nil,
            patternPaths: [MatchFixture.shippedPatterns],
            accounts: AccountDirectory(accounts: corpus.accounts),
            fingerprinter: .ephemeral(),
            checker: nil,
            options: options
        )
        let folder = MalformedCorpus()
        let path = folder.write("combolist.txt", corpus.combolist)
        let outcome = MalformedScan.run([path], context: context)
        #expect(outcome.errors == 0, "\(outcome.messages)")
        return outcome.findings
    }

    @Test func thousandsOfStrangersGiveNoReuseAndEveryOrganisationLoginStillDoes() throws {
        let corpus = Self.make(count: 3000)
        let findings = try Self.scan(corpus, bareLogins: false)
        let reuse = findings.filter { $0.kind == .reuse }

        // No finding from a stranger's bare login.
        #expect(!reuse.contains { $0.match == .sam })
        #expect(!reuse.contains { ($0.login ?? "").allSatisfy { $0 != "@" && $0 != "\\" } })
        // Every organisation-scoped login reused on a forum, each by the rule that names it.
        #expect(reuse.count == corpus.scopedReuse.count)
        var reported: [String: IdentityRule] = [:]
        for finding in reuse { reported[finding.directoryAccount?.sam ?? "?"] = finding.match }
        for (number, rule) in corpus.scopedReuse {
            #expect(reported[corpus.accounts[number].sam!] == rule, "\(corpus.accounts[number].sam!)")
        }
        // Bare logins on the organisation's platform are credentials, as before.
        let credentials = findings.filter { $0.kind == .credential }
        #expect(
            Set(credentials.compactMap(\.directoryAccount?.sam))
                == Set(corpus.onPlatform.map { corpus.accounts[$0].sam! })
        )
        #expect(credentials.allSatisfy { $0.platform == "mediboard" && $0.match == .sam })
        #expect(findings.count == corpus.scopedReuse.count + corpus.onPlatform.count)
    }

    @Test func reuseBareLoginsBringsThemBack() throws {
        let corpus = Self.make(count: 3000)
        let findings = try Self.scan(corpus, bareLogins: true)
        let reuse = findings.filter { $0.kind == .reuse }
        #expect(reuse.filter { $0.match == .sam }.count == corpus.strangerLines)
        #expect(reuse.count == corpus.strangerLines + corpus.scopedReuse.count)
        #expect(findings.filter { $0.kind == .credential }.count == corpus.onPlatform.count)
    }
}
