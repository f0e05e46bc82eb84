import Foundation
import Testing

@testable import CredWatch

/// Synthetic organisation, accounts and helpers shared by the match-stage tests.
enum MatchFixture {
    static let profile = """
        name = "Groupe Exemple"
        email_domains = ["clinique-exemple.fr"]
        netbios_domains = ["GROUPEEXEMPLE"]
        ad_domains = ["ad.groupe-exemple.fr"]
        machine_name = '^GEX-(PAR|LYO)-PC[0-9]{4}$'

        [[platform]]
        id = "mediboard"
        name = "Mediboard (dossier patient)"
        severity = "critical"
        match = ["mediboard.clinique-exemple.fr", "dpi.clinique-exemple.fr/mediboard", "*.portail-exemple.fr", "android:com.example.pro"]
        regex = ['^https?://[^/]+/mediboard/index\\.php']

        [[platform]]
        id = "dpi"
        name = "DPI"
        severity = "high"
        match = ["dpi.clinique-exemple.fr"]
        """

    /// Accounts 0…3: jdupont, émartin, bleroy (disabled), cnguyen.
    static let accounts = """
        sAMAccountName,userPrincipalName,mail,proxyAddresses,Enabled,displayName,department,pwdLastSet
        jdupont,jean.dupont@ad.groupe-exemple.fr,jean.dupont@clinique-exemple.fr,"SMTP:jean.dupont@clinique-exemple.fr;smtp:jd@clinique-exemple.fr",True,Jean Dupont,Cardiologie,133750000000000000
        émartin,emilie.martin@ad.groupe-exemple.fr,émilie.martin@clinique-exemple.fr,,True,Émilie Martin,Urgences,
        bleroy,bruno.leroy@ad.groupe-exemple.fr,bruno.leroy@clinique-exemple.fr,,False,Bruno Leroy,Pharmacie,
        cnguyen,,,smtp:c.nguyen@clinique-exemple.fr,1,Chloé Nguyen,Radiologie,

        """

    /// A fresh folder for a test's files, removed with everything in it when `body` returns.
    static func withFolder<Result>(_ body: (TemporaryFolder) throws -> Result) rethrows -> Result {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cw-match-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try body(TemporaryFolder(path: path))
    }

    /// `body` with the path of a temporary file holding `contents`.
    static func withFile<Result>(_ name: String, _ contents: String, _ body: (String) throws -> Result) rethrows
        -> Result
    {
        try withFile(name, Array(contents.utf8), body)
    }

    static func withFile<Result>(_ name: String, _ bytes: [UInt8], _ body: (String) throws -> Result) rethrows
        -> Result
    {
        try withFolder { folder in try body(folder.file(name, bytes)) }
    }

    /// The repository's shipped packs, found from this file's real location.
    static var shippedPatterns: String {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Patterns").path
    }

    static func context(
        profile profileText: String? = profile,
        accounts accountsText: String = accounts,
        packs: [String] = [],
        options: MatchContext.Options = MatchContext.Options(),
        checker: (any PasswordChecking)? = nil
    ) throws -> MatchContext {
        try withFolder { folder in
            var profile = OrganisationProfile.empty
            var profilePath: String?
            if let profileText {
                profilePath = folder.file("org.toml", profileText)
                profile = try OrganisationProfile.load(path: profilePath!)
            }
            let accounts = try AccountDirectory.load(
                path: folder.file("accounts.csv", accountsText),
                dateOrder: profile.dateOrder
            )
            return try MatchContext(
                profile: profile,
                profilePath: profilePath,
                patternPaths: packs,
                accounts: accounts,
                fingerprinter: PasswordFingerprinter(keyBytes: Array("test key".utf8)),
                checker: checker,
                options: options
            )
        }
    }

    /// `body`'s error, which must be a `ConfigurationError`.
    static func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
        do {
            try body()
        } catch let error as ConfigurationError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
        }
        return nil
    }
}

/// A temporary folder (see `MatchFixture.withFolder`).
struct TemporaryFolder {
    let path: String

    /// Writes `contents` to `name` in the folder; returns the file's path.
    @discardableResult
    func file(_ name: String, _ contents: String) -> String {
        file(name, Array(contents.utf8))
    }

    @discardableResult
    func file(_ name: String, _ bytes: [UInt8]) -> String {
        let file = path + "/" + name
        _ = FileManager.default.createFile(atPath: file, contents: Data(bytes))
        return file
    }
}

/// Feeds records built from strings to a worker.
struct Feeder {
    var worker: MatchWorker

    init(_ context: MatchContext, locator: String = "dump.zip!victim/Passwords.txt") {
        worker = MatchWorker(context: context)
        worker.begin(Document(locator: locator, role: .credentials))
    }

    /// The platform the rules name for `url`, whoever logs in there.
    mutating func platform(_ url: String) -> Platform? {
        Array(url.utf8).withUnsafeBytes { worker.platform(of: $0) }
    }

    /// The sightings of one credential record.
    mutating func credential(
        _ url: String,
        _ login: String,
        _ password: String = "S3cret!",
        line: Int = 7,
        offset: Int64 = 300,
        family: Family = .ulp,
        isAmbiguous: Bool = false
    ) -> [Sighting] {
        let (url, login, password) = (Array(url.utf8), Array(login.utf8), Array(password.utf8))
        url.withUnsafeBytes { url in
            login.withUnsafeBytes { login in
                password.withUnsafeBytes { password in
                    worker.credential(
                        RawCredential(
                            url: url,
                            login: login,
                            password: password,
                            line: line,
                            offset: offset,
                            family: family,
                            isAmbiguous: isAmbiguous
                        )
                    )
                }
            }
        }
        return worker.takeSightings()
    }

    /// The sightings of one cookie record.
    mutating func cookie(
        _ domain: String,
        includeSubdomains: Bool = false,
        path: String = "/",
        name: String = "sid",
        value: String = "c0ffee-session-value"
    ) -> [Sighting] {
        let (domain, path, name, value) = (Array(domain.utf8), Array(path.utf8), Array(name.utf8), Array(value.utf8))
        domain.withUnsafeBytes { domain in
            path.withUnsafeBytes { path in
                name.withUnsafeBytes { name in
                    value.withUnsafeBytes { value in
                        worker.cookie(
                            RawCookie(
                                domain: domain,
                                includeSubdomains: includeSubdomains,
                                path: path,
                                isSecure: true,
                                expiry: 1_900_000_000,
                                name: name,
                                value: value,
                                isHTTPOnly: true,
                                line: 3,
                                offset: 120
                            )
                        )
                    }
                }
            }
        }
        return worker.takeSightings()
    }

    /// The machine sighting of one system-information block.
    mutating func machine(hostname: String? = nil, user: String? = nil, domain: String? = nil) -> MachineSighting? {
        var info = VictimInfo()
        info.hostname = hostname
        info.user = user
        info.domain = domain
        info.family = .redline
        worker.machine(info, line: 1, offset: 0)
        return worker.takeMachines().first
    }
}
