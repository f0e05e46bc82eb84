import Testing

@testable import CredWatch

/// Synthetic accounts, platforms and sightings for the report tests (fictional people and
/// hosts of clinique-exemple.fr).
enum ReportFixture {
    static let mediboard = Platform(
        id: "mediboard",
        name: "Mediboard",
        severity: .high,
        origin: "packs/health.toml",
        isOrganisation: true
    )
    static let webmail = Platform(
        id: "webmail",
        name: "Webmail OWA",
        severity: .medium,
        origin: "profile.toml",
        isOrganisation: true
    )
    static let intranet = Platform(
        id: "intranet",
        name: "Intranet",
        severity: .low,
        origin: "profile.toml",
        isOrganisation: true
    )

    static let jdupont = 0
    static let mmartin = 1
    static let disabledUser = 2
    static let accounts: [Account] = [
        Account(
            sam: "jdupont",
            upn: "jean.dupont@clinique-exemple.fr",
            mail: "jean.dupont@clinique-exemple.fr",
            displayName: "Jean Dupont",
            department: "Cardiologie"
        ),
        Account(
            sam: "mmartin",
            upn: "marie.martin@clinique-exemple.fr",
            mail: "marie.martin@clinique-exemple.fr",
            displayName: "Marie Martin",
            department: "Urgences"
        ),
        Account(upn: "ancien.interne@clinique-exemple.fr", displayName: "Ancien Interne", isEnabled: false),
    ]

    /// A password as the match stage hands it over: fingerprint, length, and the cleartext
    /// (which only a revealing run would keep; the tests keep it to prove it never leaks).
    static func password(_ text: String) -> PasswordEvidence {
        let fingerprinter = PasswordFingerprinter(keyBytes: Array("credwatch-test-key".utf8))
        let bytes = Array(text.utf8)
        let fingerprint = bytes.withUnsafeBytes { fingerprinter.fingerprint($0) }
        return PasswordEvidence(fingerprint: fingerprint, length: text.unicodeScalars.count, cleartext: text)
    }

    static func credential(
        account: Int? = jdupont,
        platform: Platform? = mediboard,
        login: String = "jean.dupont@clinique-exemple.fr",
        password: String = "Cardio2024!",
        path: String = "dump01.txt",
        line: Int = 1,
        family: Family = .ulp,
        kind: FindingKind = .credential,
        isCurrent: Bool? = nil,
        lastChange: Timestamp? = nil
    ) -> Sighting {
        var sighting = Sighting(
            kind: kind,
            account: account,
            rule: account == nil ? nil : .mail,
            platform: platform,
            url: platform.map { "https://\($0.id).clinique-exemple.fr/index.php" },
            host: platform.map { "\($0.id).clinique-exemple.fr" },
            login: login,
            password: Self.password(password),
            source: Source(path: path, line: line, offset: Int64(line - 1) * 80, family: family)
        )
        sighting.isPasswordCurrent = isCurrent
        sighting.passwordLastChange = lastChange
        return sighting
    }

    static func cookie(
        name: String = "MBSESSID",
        value: String = "sess-4f1c9a",
        path: String = "victim/Cookies/Chrome.txt",
        line: Int = 3
    ) -> Sighting {
        Sighting(
            kind: .cookie,
            platform: mediboard,
            host: "mediboard.clinique-exemple.fr",
            cookie: CookieEvidence(
                domain: ".mediboard.clinique-exemple.fr",
                path: "/",
                name: name,
                expiry: 1_767_225_600,
                isSecure: true,
                valueFingerprint: Self.password(value).fingerprint
            ),
            source: Source(path: path, line: line, offset: Int64(line - 1) * 80, family: .cookies)
        )
    }

    static func machine(
        folder: String,
        hostname: String? = "GEX-PAR-PC0042",
        user: String? = "jdupont",
        hwid: String? = nil,
        logDate: Timestamp? = "2024-11-03T10:22:14Z",
        isOrganisation: Bool = true,
        account: Int? = jdupont,
        file: String = "System.txt"
    ) -> MachineSighting {
        var info = VictimInfo()
        info.hostname = hostname
        info.user = user
        info.domain = isOrganisation ? "CLINIQUE" : nil
        info.ip = "192.0.2.10"
        info.country = "FR"
        info.hwid = hwid
        info.logDate = logDate
        return MachineSighting(
            folder: folder,
            info: info,
            source: Source(path: folder + "/" + file, line: 1, offset: 0, family: .lumma),
            isOrganisationMachine: isOrganisation,
            evidence: isOrganisation ? ["ad-domain"] : [],
            account: account
        )
    }

    /// Something the aggregator accepts, so that arrival order can be shuffled.
    enum Input {
        case sighting(Sighting)
        case machine(MachineSighting)
    }

    /// The findings of `inputs`, the accounts `serviceAccounts` names marked as a profile marks them.
    static func aggregate(_ inputs: [Input], serviceAccounts: ServiceAccounts = .none) -> [Finding] {
        var list = AccountList(accounts)
        list.markServiceAccounts(serviceAccounts)
        var aggregator = FindingAggregator(accounts: list)
        for input in inputs {
            switch input {
            case .sighting(let sighting): aggregator.add(sighting)
            case .machine(let machine): aggregator.add(machine)
            }
        }
        return aggregator.findings()
    }

    /// A varied run: duplicates across dumps, a Lumma double, machines, cookies, reuse,
    /// unknown logins, a disabled account and hostile strings.
    static let mixedRun: [Input] = {
        var inputs: [Input] = []
        for dump in 1...10 {
            inputs.append(.sighting(credential(path: "dumps/combo\(dump).txt", line: dump * 7)))
        }
        let victim = "logs.zip!FR[4F2A]"
        inputs.append(.machine(machine(folder: victim, hwid: "4F2A-99")))
        inputs.append(.sighting(credential(path: victim + "/All Passwords.txt", line: 12, family: .lumma)))
        inputs.append(
            .sighting(credential(path: victim + "/Chrome/Default/Passwords.txt", line: 4, family: .lumma))
        )
        inputs.append(.sighting(cookie(path: victim + "/Cookies/Cookies_Chrome_Default.txt")))
        inputs.append(
            .sighting(
                credential(
                    account: mmartin,
                    platform: webmail,
                    login: "MARIE.MARTIN@clinique-exemple.fr",
                    password: "Urgences=2025",
                    path: "home.zip!PC-MARTIN/Passwords.txt",
                    line: 2,
                    family: .redline
                )
            )
        )
        inputs.append(
            .machine(
                machine(
                    folder: "home.zip!PC-MARTIN",
                    hostname: "PC-MARTIN",
                    user: "marie",
                    logDate: "2024-10-01",
                    isOrganisation: false,
                    account: nil
                )
            )
        )
        inputs.append(
            .sighting(
                credential(
                    account: nil,
                    login: "\"Dr, House\"\n=cmd|' /C calc'!A0",
                    password: "Gr€g\u{1}ory",
                    path: "dumps/combo2.txt",
                    line: 99,
                    kind: .unknownAccount
                )
            )
        )
        inputs.append(
            .sighting(
                credential(
                    account: disabledUser,
                    platform: intranet,
                    login: "ancien.interne@clinique-exemple.fr",
                    password: "Interne2019",
                    path: "dumps/combo3.txt",
                    line: 5
                )
            )
        )
        inputs.append(
            .sighting(
                credential(
                    account: mmartin,
                    platform: nil,
                    login: "marie.martin@clinique-exemple.fr",
                    password: "Urgences=2025",
                    path: "dumps/combo4.txt",
                    line: 8,
                    kind: .reuse
                )
            )
        )
        inputs.append(
            .sighting(credential(account: jdupont, platform: nil, password: "Cardio2024!", path: "emails.txt", line: 1))
        )
        return inputs
    }()

    /// Every rendering a run can produce without revealing passwords.
    static func renderings(_ findings: [Finding]) -> [String: [UInt8]] {
        var outputs: [String: [UInt8]] = [:]
        for format in ReportFormat.allCases {
            var options = ReportOptions()
            options.useColor = true
            outputs[format.rawValue] = ReportRenderer.render(findings, as: format, options: options)
        }
        outputs["reset"] = ReportRenderer.resetList(findings)
        return outputs
    }
}

/// SplitMix64: a seeded generator, so that shuffled orders are reproducible.
struct ReportShuffleGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}

extension [UInt8] {
    /// The bytes as text, for `contains` checks in tests.
    var reportText: String { String(decoding: self, as: UTF8.self) }
}
