import Testing

@testable import CredWatch

/// The compact store (`ExposureStore`, `FindingReport`) against the aggregator it replaced
/// (`ReferenceAggregator`): the same findings, field for field, in the same order, and the
/// same report bytes, whatever the sightings and their order.
@Suite struct ExposureStoreTests {
    typealias F = ReportFixture

    /// A small deterministic generator (SplitMix64), so that a failure can be replayed.
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

    /// Logins that merge or not only by `String` equality: case, NFC and NFD spellings, the
    /// Kelvin sign (canonically "K"), separators the key escapes, and text that is not ASCII.
    static let logins = [
        "jean.dupont@clinique-exemple.fr", "Jean.Dupont@Clinique-Exemple.fr", "inconnu@clinique-exemple.fr",
        "h\u{E9}l\u{E8}ne@clinique-exemple.fr", "he\u{301}le\u{300}ne@clinique-exemple.fr", "\u{212A}evin",
        "Kevin", "kevin", "a|b;c%d", "\u{43F}\u{440}\u{438}\u{432}\u{435}\u{442}", "",
    ]
    static let platforms: [Platform?] = [F.mediboard, F.webmail, F.intranet, nil]
    static let paths = [
        "dump01.txt", "dump02.txt", "dump10.txt", "victim/Passwords.txt", "victim/Chrome/Passwords.txt",
        "other/Passwords.txt", "d\u{E9}j\u{E0}.txt", "de\u{301}ja\u{300}.txt", "x\u{0}y.txt", "x.txt",
    ]

    static func randomInputs(count: Int, seed: UInt64) -> [F.Input] {
        var random = Generator(state: seed)
        var inputs: [F.Input] = []
        for _ in 0..<count {
            let kind: FindingKind = [.credential, .credential, .reuse, .unknownAccount, .cookie].randomElement(
                using: &random
            )!
            let path = paths.randomElement(using: &random)!
            let line = Int.random(in: 1...12, using: &random)
            if kind == .cookie {
                inputs.append(
                    .sighting(
                        F.cookie(
                            name: ["MBSESSID", "sid"].randomElement(using: &random)!,
                            value: ["a", "b"].randomElement(using: &random)!,
                            path: path,
                            line: line
                        )
                    )
                )
                continue
            }
            // As the match stage makes them: an unknown account has no account (else the
            // exposure's account would be whichever sighting came first, in both aggregators).
            let account = [F.jdupont, F.mmartin, F.disabledUser, nil].randomElement(using: &random)!
            var sighting = F.credential(
                account: kind == .unknownAccount ? nil : account,
                platform: platforms.randomElement(using: &random)!,
                login: logins.randomElement(using: &random)!,
                password: ["Cardio2024!", "p\u{E4}ss", "x"].randomElement(using: &random)!,
                path: path,
                line: line,
                family: [.ulp, .lumma].randomElement(using: &random)!,
                kind: kind,
                isCurrent: [nil, true, false].randomElement(using: &random)!,
                lastChange: [nil, "2024-01-02T03:04:05Z", "2024-12-01"].randomElement(using: &random)!
            )
            if Bool.random(using: &random) { sighting.alsoMatched = ["intranet", "webmail"].shuffled(using: &random) }
            if Int.random(in: 0..<8, using: &random) == 0 { sighting.isAmbiguous = true }
            if Bool.random(using: &random) { sighting.url = sighting.url.map { $0 + "?m=\(line)" } }
            inputs.append(.sighting(sighting))
        }
        inputs.append(.machine(F.machine(folder: "victim")))
        inputs.append(.machine(F.machine(folder: "other", hostname: "GEX-PAR-PC0042", user: "jdupont")))
        return inputs
    }

    static func both(_ inputs: [F.Input]) -> (compact: [Finding], reference: [Finding]) {
        var compact = FindingAggregator(accounts: F.accounts)
        var reference = ReferenceAggregator(accounts: F.accounts)
        for input in inputs {
            switch input {
            case .sighting(let sighting):
                compact.add(sighting)
                reference.add(sighting)
            case .machine(let machine):
                compact.add(machine)
                reference.add(machine)
            }
        }
        return (compact.findings(), reference.findings())
    }

    @Test(arguments: 1...12)
    func sameFindingsAsTheReference(seed: UInt64) {
        let inputs = Self.randomInputs(count: 400, seed: seed)
        let (compact, reference) = Self.both(inputs)
        #expect(compact.count == reference.count)
        for (mine, theirs) in zip(compact, reference) where mine != theirs {
            Issue.record("seed \(seed): \(mine.exposureKey) differs from \(theirs.exposureKey)")
            break
        }
        #expect(compact == reference)
        var generator = Generator(state: seed)
        let (shuffled, _) = Self.both(inputs.shuffled(using: &generator))
        #expect(shuffled == compact)
    }

    @Test func reportOrderAgreesWithTheFindingsOrder() {
        let (compact, _) = Self.both(Self.randomInputs(count: 600, seed: 99))
        #expect(!compact.isEmpty)
        #expect(Finding.inReportOrder(compact) == compact)
    }

    @Test func renderingsAreTheReferencesBytes() {
        let (compact, reference) = Self.both(Self.randomInputs(count: 300, seed: 7))
        var aggregator = FindingAggregator(accounts: F.accounts)
        for input in Self.randomInputs(count: 300, seed: 7) {
            switch input {
            case .sighting(let sighting): aggregator.add(sighting)
            case .machine(let machine): aggregator.add(machine)
            }
        }
        let lazy = aggregator.report()
        var options = ReportOptions()
        for format in ReportFormat.allCases {
            for reveal in [false, true] {
                options.revealPasswords = reveal
                let expected = ReportRenderer.render(reference, as: format, options: options)
                #expect(ReportRenderer.render(compact, as: format, options: options) == expected, "\(format)")
                #expect(ReportRenderer.render(lazy, as: format, options: options) == expected, "\(format)")
                #expect(ReportRenderer.content(lazy, as: format, options: options).bytes == expected, "\(format)")
            }
        }
        #expect(ReportRenderer.resetList(lazy) == ReportRenderer.resetList(reference))
    }

    /// A representative replaced again and again (each sighting at a smaller source, with a
    /// longer URL) leaves text no record points to; the arena is rewritten without it, and
    /// the findings stay the reference's.
    @Test func arenaRewrittenWhenRepresentativesAreReplaced() {
        var inputs: [F.Input] = []
        let padding = String(repeating: "p", count: 2000)
        for step in 0..<1500 {
            for account in [F.jdupont, F.mmartin] {
                var sighting = F.credential(account: account, path: "dump.txt", line: 100_000 - step)
                sighting.url = "https://mediboard.clinique-exemple.fr/\(step)/" + padding
                inputs.append(.sighting(sighting))
            }
        }
        let (compact, reference) = Self.both(inputs)
        #expect(compact.count == 2)
        #expect(compact == reference)
        #expect(compact.first?.url?.hasPrefix("https://mediboard.clinique-exemple.fr/1499/") == true)
    }

    /// Enough exposures to grow the key table several times, with keys that only differ late.
    @Test func manyExposuresKeepTheirOwnRecords() {
        let inputs: [F.Input] = (0..<5000).map { index in
            .sighting(F.credential(account: nil, login: "user\(index)@x.fr", path: "d.txt", kind: .unknownAccount))
        }
        let (compact, reference) = Self.both(inputs)
        #expect(compact.count == 5000)
        #expect(compact == reference)
    }
}
