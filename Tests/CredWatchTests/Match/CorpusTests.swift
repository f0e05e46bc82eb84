import Testing

@testable import CredWatch

/// A generated corpus: every planted credential is found, with its account and platform, and
/// no decoy is.
@Suite struct CorpusTests {
    /// Deterministic generator (SplitMix64), so a failure can be replayed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    struct Line {
        var url: String
        var login: String
        /// The account and platform a planted line must be found with; nil for decoys.
        var expected: (account: Int, platform: String?)?
    }

    static let organisationURLs = [
        ("https://mediboard.clinique-exemple.fr/index.php?m=dPpatients", "mediboard"),
        ("mediboard.clinique-exemple.fr/", "mediboard"),
        ("https://a.portail-exemple.fr/login", "mediboard"),
        ("https://dpi.clinique-exemple.fr/mediboard/", "mediboard"),
        ("https://dpi.clinique-exemple.fr/", "dpi"),
        ("android://sig==@com.example.pro/", "mediboard"),
        ("https://intranet.example.test/mediboard/index.php", "mediboard"),
        ("https://webmail.clinique-exemple.fr/owa/", "outlook-web-app"),
        // The organisation's own gateway: on anyone else's host, a VPN is a third party's.
        ("https://vpn.clinique-exemple.fr/remote/login", "fortinet-sslvpn"),
        ("https://pro.doctolib.fr/login", "doctolib-pro"),
    ]

    static let decoyURLs = [
        "https://mediboard.clinique-exemple.fr.evil.example/",
        "https://clinique-exemple-fr.example/",
        "evil.example/?u=mediboard.clinique-exemple.fr",
        "https://mediboard.clinique-exemple.fr@evil.example/",
        "https://evil.example/mediboard.clinique-exemple.fr",
        "https://portail-exemple.fr.evil.example/",
        "android://sig==@com.example.pro.evil/",
        "https://www.doctolib.fr/",
    ]

    static func corpus(accountCount: Int, lineCount: Int) -> (accounts: [Account], lines: [Line]) {
        var random = Generator(state: 20_251_123)
        let accounts = (0..<accountCount).map { number in
            Account(
                sam: "agent\(number)",
                upn: "agent\(number)@ad.groupe-exemple.fr",
                mail: "prenom.nom\(number)@clinique-exemple.fr",
                aliases: ["a\(number)@clinique-exemple.fr"]
            )
        }
        var lines: [Line] = []
        for number in 0..<lineCount {
            let account = Int.random(in: 0..<accountCount, using: &random)
            switch number % 10 {
            case 0:
                // Planted: an organisation login, in one of its forms and cases, on one of its platforms.
                let (url, platform) = organisationURLs[Int.random(in: 0..<organisationURLs.count, using: &random)]
                let forms = [
                    "agent\(account)", "AGENT\(account)", "GROUPEEXEMPLE\\agent\(account)",
                    "agent\(account)@ad.groupe-exemple.fr", "Prenom.Nom\(account)@Clinique-Exemple.fr",
                    "a\(account)@clinique-exemple.fr", " agent\(account) ",
                ]
                lines.append(
                    Line(
                        url: url,
                        login: forms[Int.random(in: 0..<forms.count, using: &random)],
                        expected: (account, platform)
                    )
                )
            case 1:
                // Decoy host, look-alike login: neither is the organisation's.
                let url = decoyURLs[Int.random(in: 0..<decoyURLs.count, using: &random)]
                let logins = [
                    "agent\(account)x", "OTHER\\agent\(account)", "agent\(account)@gmail.example",
                    "prenom.nom\(account)@clinique-exemple.fr.evil.example", "xagent\(account)",
                ]
                lines.append(
                    Line(url: url, login: logins[Int.random(in: 0..<logins.count, using: &random)], expected: nil)
                )
            default:
                // Background noise: strangers on random hosts.
                let host = "site\(Int.random(in: 0..<5000, using: &random)).example"
                lines.append(Line(url: "https://\(host)/login", login: "user\(number)@mail.example", expected: nil))
            }
        }
        return (accounts, lines)
    }

    @Test func everyPlantedCredentialIsFoundAndNoDecoy() throws {
        let (accounts, lines) = Self.corpus(accountCount: 2000, lineCount: 4000)
        let profile = try MatchFixture.withFile("org.toml", MatchFixture.profile) {
            try OrganisationProfile.load(path: $0)
        }
        var options = MatchContext.Options()
        options.reportReuse = false
        let context = try MatchContext(
            profile: profile,
            profilePath: nil,
            patternPaths: [MatchFixture.shippedPatterns],
            accounts: AccountDirectory(accounts: accounts),
            fingerprinter: .ephemeral(),
            checker: nil,
            options: options
        )
        var feeder = Feeder(context)
        var foundLines: Set<Int> = []
        for (number, line) in lines.enumerated() {
            let sightings = feeder.credential(line.url, line.login, line: number + 1)
            guard let expected = line.expected else {
                #expect(sightings.isEmpty, "decoy \(line.url) \(line.login)")
                continue
            }
            #expect(sightings.count == 1, "\(line.url) \(line.login)")
            guard let sighting = sightings.first else { continue }
            #expect(sighting.kind == .credential)
            #expect(sighting.account == expected.account, "\(line.login)")
            #expect(sighting.platform?.id == expected.platform, "\(line.url)")
            #expect(sighting.source.line == number + 1)
            foundLines.insert(number + 1)
        }
        #expect(foundLines.count == lines.filter { $0.expected != nil }.count)
        #expect(feeder.worker.regexLimitHits == 0)
    }
}
