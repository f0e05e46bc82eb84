import ArgumentParser
import CredWatch
import Foundation

/// The configuration options `scan`, `merge` and `check` share: the files and flags that
/// `ScanSetup` loads, declared once.
struct ConfigurationOptions: ParsableArguments {
    @Option(help: "Account export: Active Directory style CSV, or one login per line.")
    var accounts: String

    @Option(help: "Organisation profile (TOML): domains, machine names, the site's own platforms.")
    var org: String?

    @Option(help: "Pattern file or folder added to the shipped packs (repeatable).")
    var patterns: [String] = []

    @Flag(help: "Do not load the shipped pattern packs (Patterns/).")
    var noDefaultPatterns = false

    @Option(help: "File holding the organisation's secret key for password fingerprints (HMAC-SHA256).")
    var fingerprintKeyFile: String?

    @Option(help: "Password-hash export to tell whether leaked passwords are current (repeatable).")
    var hashes: [String] = []

    @Flag(help: "Accept hash exports that group or others can read.")
    var allowInsecureHashes = false

    /// The shipped packs' folder (`$CREDWATCH_PATTERNS`, else beside the binary or the repository's).
    var shippedPatternDirectory: String? {
        PatternPacks.shippedDirectory(configured: ProcessInfo.processInfo.environment["CREDWATCH_PATTERNS"])
    }

    /// The pattern files and folders to load, shipped packs first (when found).
    var patternPaths: [String] {
        var paths: [String] = []
        if !noDefaultPatterns, let shipped = shippedPatternDirectory { paths.append(shipped) }
        return paths + patterns
    }
}

/// What a command gives `ScanSetup` besides its `ConfigurationOptions`.
protocol SetupArguments {
    var config: ConfigurationOptions { get }
    /// The state to open (nil: none, as for `check`).
    var state: String? { get }
    var retention: Int { get }
    var matchOptions: MatchContext.Options { get }
    /// `--emit partial`: a partial result needs a stable key.
    var emitsPartial: Bool { get }
    /// `--archive-password` and `--archive-passwords` (none for `check`).
    var archivePassword: [String] { get }
    var archivePasswords: String? { get }
}

extension SetupArguments {
    var emitsPartial: Bool { false }
    var archivePassword: [String] { [] }
    var archivePasswords: String? { nil }
}

/// Everything a scan loads before it reads a byte of input; any failure here is fatal (exit 2).
/// `check` loads the same, with the same messages, and describes it.
struct ScanSetup {
    let context: MatchContext
    let store: StateStore?
    /// `CREDWATCH_INFLATE`'s library, else the fastest.
    let inflateBackend: InflateBackend
    /// The fingerprint key's id.
    let keyID: String
    /// The password-hash exports loaded (`--hashes`), nil without any.
    let hashes: HashDirectory?
    /// The pattern files and folders loaded, shipped packs first.
    let patternPaths: [String]
    /// Whether the fingerprint key was drawn at random (no key file, no environment variable).
    let hasEphemeralKey: Bool
    /// The archive passwords, the 7-Zip tool found on `PATH`, `TMPDIR`.
    let archives: ArchiveOptions

    init(command: some SetupArguments, diagnostics: Diagnostics) throws {
        let config = command.config
        let fingerprinter = try PasswordFingerprinter.load(
            keyFile: config.fingerprintKeyFile,
            environmentValue: ProcessInfo.processInfo.environment["CREDWATCH_FINGERPRINT_KEY"],
            requiredBy: command.state != nil ? "--state" : command.emitsPartial ? "--emit partial" : nil,
            diagnostics: diagnostics
        )
        keyID = fingerprinter.keyID
        hasEphemeralKey = fingerprinter.isEphemeral
        // The profile first: it says how the export writes its dates.
        let profile = try config.org.map { try OrganisationProfile.load(path: $0) } ?? OrganisationProfile.empty
        let accounts = try AccountDirectory.load(path: config.accounts, dateOrder: profile.dateOrder)
        for warning in accounts.warnings { diagnostics.warning(warning.location, warning.message) }
        hashes =
            config.hashes.isEmpty
            ? nil : try HashDirectory.load(paths: config.hashes, allowInsecure: config.allowInsecureHashes)

        if !config.noDefaultPatterns && config.shippedPatternDirectory == nil {
            diagnostics.note(
                "warning: the shipped pattern packs were not found (set CREDWATCH_PATTERNS); "
                    + "only the organisation's platforms are matched"
            )
        }
        patternPaths = config.patternPaths

        let options = command.matchOptions
        context = try MatchContext(
            profile: profile,
            profilePath: config.org,
            patternPaths: patternPaths,
            accounts: accounts,
            fingerprinter: fingerprinter,
            checker: hashes,
            options: options
        )
        for warning in context.warnings { diagnostics.warning(warning.location, warning.message) }
        inflateBackend = Self.inflateBackend(
            named: ProcessInfo.processInfo.environment["CREDWATCH_INFLATE"],
            diagnostics: diagnostics
        )
        var archives = ArchiveOptions()
        archives.passwords = try ArchivePasswords.load(
            passwords: command.archivePassword,
            file: command.archivePasswords
        )
        let environment = ProcessInfo.processInfo.environment
        archives.sevenZipTool = SevenZipTool.find(searchPath: environment["PATH"] ?? "/usr/bin:/bin")
        if let temporary = environment["TMPDIR"], !temporary.isEmpty { archives.temporaryDirectory = temporary }
        self.archives = archives

        if let statePath = command.state {
            var stateOptions = StateOptions()
            stateOptions.retentionDays = command.retention
            store = try StateStore.open(
                path: statePath,
                keyID: fingerprinter.keyID,
                options: stateOptions,
                now: Date()
            )
        } else {
            store = nil
        }
    }

    /// The library `CREDWATCH_INFLATE` names (zlib, to compare or to rule ISA-L out); the
    /// fastest, with a warning, when this build has none of that name.
    private static func inflateBackend(named name: String?, diagnostics: Diagnostics) -> InflateBackend {
        guard let name, !name.isEmpty else { return .fastest }
        if let backend = InflateBackend(rawValue: name) { return backend }
        let names = InflateBackend.allCases.map(\.rawValue).joined(separator: ", ")
        diagnostics.note(
            "warning: CREDWATCH_INFLATE=\(name) names no inflate library of this build (\(names)): "
                + "using \(InflateBackend.fastest.name)"
        )
        return .fastest
    }
}

extension ScanSetup {
    /// What a partial result of this run is bound to: the key, and digests of the files and
    /// options that decide what a scan finds (see `PartialBinding`).
    func binding(of command: Scan) throws -> PartialBinding {
        func digest(_ paths: [String], _ what: String) throws -> String {
            guard let digest = PartialBinding.digest(ofFiles: paths) else {
                throw FatalError("cannot read \(what) again to record its digest")
            }
            return digest
        }
        let config = command.config
        let options = [
            "reuse=\(!command.noReuse)", "bare-logins=\(command.reuseBareLogins)",
            "max-line-length=\(command.maxLineLength)", "max-member-size=\(command.maxMemberSize)",
            "max-ratio=\(command.maxRatio)", "max-depth=\(command.maxDepth)",
        ]
        return PartialBinding(
            key: keyID,
            accounts: try digest([config.accounts], "the account export"),
            profile: try digest(config.org.map { [$0] } ?? [], "the organisation profile"),
            patterns: try digest(try PatternPacks.files(patternPaths), "the pattern packs"),
            hashes: try digest(config.hashes, "the hash exports"),
            options: options.joined(separator: ";")
        )
    }
}
