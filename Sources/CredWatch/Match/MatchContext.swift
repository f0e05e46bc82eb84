import Foundation

/// Everything the match workers share, built once at start-up and immutable afterwards:
/// platforms indexed (regexes compiled and JIT-compiled once), accounts indexed, the
/// organisation's domains and machine-name pattern.
public final class MatchContext: Sendable {
    public struct Options: Sendable {
        /// Report organisation accounts seen on sites that are none of its platforms.
        public var reportReuse: Bool = true
        /// Also report `reuse` for bare logins (`jdupont`: a sAMAccountName, no domain) on sites
        /// that are neither platforms nor the organisation's (`--reuse-bare-logins`). Off by
        /// default: common sAMAccountNames are strangers' user names on every forum of a
        /// combolist, so such a line says nothing of the organisation.
        public var reportBareLoginReuse: Bool = false
        /// Keep cleartext passwords in sightings (`--reveal-passwords`).
        public var revealPasswords: Bool = false

        public init() {}
    }

    public let profile: OrganisationProfile
    public let accounts: AccountDirectory
    /// Platform definitions loaded (profile and packs), for the summary.
    public let platformCount: Int
    /// Domains whose hosts are the organisation's: email domains (the profile's, else derived
    /// from the accounts), the accounts' UPN suffixes and the AD domains; lower-cased, sorted.
    public let organisationDomains: [String]
    let options: Options
    let fingerprinter: PasswordFingerprinter
    let checker: (any PasswordChecking)?
    let loginDomains: LoginDomains
    let platforms: PlatformIndex
    let machineName: CompiledRegex?

    /// Every platform that can be reported (the organisation-domain platform last).
    public var allPlatforms: [Platform] { platforms.platforms }

    /// - Parameters:
    ///   - profilePath: the profile's file, named in messages (nil: no `--org`).
    ///   - patternPaths: pattern packs, files or folders (every `*.toml` inside, sorted).
    public init(
        profile: OrganisationProfile,
        profilePath: String?,
        patternPaths: [String],
        accounts: AccountDirectory,
        fingerprinter: PasswordFingerprinter,
        checker: (any PasswordChecking)?,
        options: Options
    ) throws(ConfigurationError) {
        var definitions = profile.platforms
        for file in try Self.patternFiles(patternPaths) { definitions += try Self.loadPack(file) }
        var firstDefinitions: [String: PlatformDefinition] = [:]
        for definition in definitions {
            if let first = firstDefinitions[definition.platform.id] {
                let firstPlace = first.platform.origin + (first.line.map { ":\($0)" } ?? "")
                throw ConfigurationError(
                    file: definition.platform.origin,
                    line: definition.line,
                    message: "duplicate platform id '\(definition.platform.id)' (first defined at \(firstPlace))"
                )
            }
            firstDefinitions[definition.platform.id] = definition
        }

        let profileFile = profilePath ?? "organisation profile"
        var machineName: CompiledRegex?
        if let pattern = profile.machineNamePattern {
            do {
                machineName = try CompiledRegex(pattern)
            } catch {
                throw ConfigurationError(
                    file: profileFile,
                    message: "invalid machine_name regex '\(pattern)': \(error)"
                )
            }
            if machineName?.matchesEmptyString == true {
                throw ConfigurationError(
                    file: profileFile,
                    message: OrganisationProfile.emptyMachineNameMessage(pattern)
                )
            }
        }

        let emailDomains = profile.emailDomains.isEmpty ? accounts.derivedMailDomains : profile.emailDomains
        let domains = (emailDomains + accounts.upnDomains + profile.adDomains)
            .compactMap(OrganisationProfile.normalizedDomain)
        organisationDomains = Array(Set(domains)).sorted()

        self.profile = profile
        self.accounts = accounts
        self.fingerprinter = fingerprinter
        self.checker = checker
        self.options = options
        self.machineName = machineName
        loginDomains = LoginDomains(profile: profile)
        platformCount = definitions.count
        platforms = PlatformIndex(
            definitions: definitions,
            organisationDomains: organisationDomains,
            organisationName: profile.name,
            origin: profileFile
        )
    }

    /// Top-level keys a pack may have besides `[[platform]]` tables.
    static let packKeys = ["platform", "description", "version"]

    private static func loadPack(_ path: String) throws(ConfigurationError) -> [PlatformDefinition] {
        let file = try TOMLFile(path: path)
        try TOMLTableReader(file: file, table: file.root, scope: .root).rejectUnknownKeys(allowed: packKeys)
        return try PlatformDefinition.readAll(from: file, isOrganisation: false)
    }

    /// `paths` with each folder replaced by the `*.toml` files in it, sorted by name.
    static func patternFiles(_ paths: [String]) throws(ConfigurationError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ConfigurationError(file: path, message: "no such pattern file or folder")
            }
            guard isDirectory.boolValue else {
                files.append(path)
                continue
            }
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: path)
            } catch {
                throw ConfigurationError(file: path, message: "cannot list the folder")
            }
            let folder = path.hasSuffix("/") ? path : path + "/"
            files += names.filter { $0.hasSuffix(".toml") }.sorted().map { folder + $0 }
        }
        return files
    }

    /// Where the shipped packs are: `$CREDWATCH_PATTERNS` if set, else
    /// `<executable's folder>/../share/credwatch/patterns`, else the repository's `Patterns/`
    /// (found from this source file's path at build time); nil if none exists.
    public static func defaultPatternDirectory() -> String? {
        if let configured = ProcessInfo.processInfo.environment["CREDWATCH_PATTERNS"], !configured.isEmpty {
            return configured
        }
        var candidates: [URL] = []
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            candidates.append(
                executable.deletingLastPathComponent().appendingPathComponent("../share/credwatch/patterns")
                    .standardized
            )
        }
        var repository = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<4 { repository.deleteLastPathComponent() }
        candidates.append(repository.appendingPathComponent("Patterns"))
        for candidate in candidates {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory), isDirectory.boolValue
            {
                return candidate.path
            }
        }
        return nil
    }
}
