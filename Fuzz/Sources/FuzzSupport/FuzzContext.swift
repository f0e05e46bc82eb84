import Foundation

@testable import CredWatch

/// The match context every target's records are matched against: a synthetic organisation
/// with platforms of each form (host, path, wildcard, Android, regex), a few accounts, and the
/// shipped pattern packs. Built once per process.
public enum FuzzContext {
    public static let profile = """
        name = "Groupe Exemple"
        email_domains = ["clinique-exemple.fr"]
        netbios_domains = ["GROUPEEXEMPLE"]
        ad_domains = ["ad.groupe-exemple.fr"]
        machine_name = '^GEX-(PAR|LYO)-PC[0-9]{4}$'

        [[platform]]
        id = "mediboard"
        name = "Mediboard"
        severity = "critical"
        match = ["mediboard.clinique-exemple.fr", "dpi.clinique-exemple.fr/mediboard", "*.portail-exemple.fr", "android:com.example.pro"]
        regex = ['^https?://[^/]+/mediboard/index\\.php', '^https?://intranet[0-9]*\\.example\\.test/(rh|paie)/']
        """

    public static let accounts = """
        sAMAccountName,userPrincipalName,mail,proxyAddresses,Enabled,displayName,department,pwdLastSet
        jdupont,jean.dupont@ad.groupe-exemple.fr,jean.dupont@clinique-exemple.fr,"SMTP:jean.dupont@clinique-exemple.fr;smtp:jd@clinique-exemple.fr",True,Jean Dupont,Cardiologie,133750000000000000
        emartin,emilie.martin@ad.groupe-exemple.fr,emilie.martin@clinique-exemple.fr,,True,Emilie Martin,Urgences,
        bleroy,bruno.leroy@ad.groupe-exemple.fr,bruno.leroy@clinique-exemple.fr,,False,Bruno Leroy,Pharmacie,

        """

    /// The repository's `Patterns/` folder, found from this file's location.
    public static let shippedPatterns: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.appendingPathComponent("Patterns").path
    }()

    public static let shared: MatchContext = {
        let profileFile = ScratchFile()
        profileFile.write(Array(profile.utf8))
        let accountsFile = ScratchFile()
        accountsFile.write(Array(accounts.utf8))
        do {
            return try MatchContext(
                profile: OrganisationProfile.load(path: profileFile.path),
                profilePath: "fuzz-org.toml",
                patternPaths: [shippedPatterns],
                accounts: AccountDirectory.load(path: accountsFile.path),
                fingerprinter: PasswordFingerprinter(keyBytes: Array("credwatch-fuzz-key-0123456789".utf8)),
                checker: nil,
                options: MatchContext.Options()
            )
        } catch {
            fatalError("the fuzz match context does not load: \(error)")
        }
    }()
}

/// Builds a match context from a fuzzed profile or pack (nil when it is rejected, as it must be
/// with a `ConfigurationError`), then matches a few records against it.
@discardableResult
public func fuzzMatchContext(profile: OrganisationProfile, patternPaths: [String]) -> MatchContext? {
    let context: MatchContext
    do {
        context = try MatchContext(
            profile: profile,
            profilePath: "fuzz-org.toml",
            patternPaths: patternPaths,
            accounts: FuzzContext.shared.accounts,
            fingerprinter: PasswordFingerprinter(keyBytes: Array("credwatch-fuzz-key-0123456789".utf8)),
            checker: nil,
            options: MatchContext.Options()
        )
    } catch {
        return nil
    }
    var worker = MatchWorker(context: context)
    worker.begin(Document(locator: "fuzz/Passwords.txt", role: .credentials))
    let records: [(String, String)] = [
        ("https://mediboard.clinique-exemple.fr/mediboard/index.php", "jdupont"),
        ("https://intranet2.example.test/rh/conges", "jean.dupont@clinique-exemple.fr"),
        ("android://Zm9vYmFy@com.example.pro/", "GROUPEEXEMPLE\\emartin"),
    ]
    for (url, login) in records {
        Array(url.utf8).withUnsafeBytes { url in
            Array(login.utf8).withUnsafeBytes { login in
                worker.credential(
                    RawCredential(url: url, login: login, password: url, line: 1, offset: 0, family: .ulp)
                )
            }
        }
    }
    var info = VictimInfo()
    info.hostname = "GEX-PAR-PC0042"
    info.user = "GROUPEEXEMPLE\\jdupont"
    worker.machine(info, line: 1, offset: 0)
    FuzzCheck.sink &+= UInt64(worker.takeSightings().count &+ worker.takeMachines().count)
    return context
}
