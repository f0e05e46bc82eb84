import CredWatch
import Foundation

/// The configuration options `scan` and `check` share: what `ScanSetup` loads.
protocol SetupArguments {
    var accounts: String { get }
    var org: String? { get }
    var patterns: [String] { get }
    var noDefaultPatterns: Bool { get }
    var fingerprintKeyFile: String? { get }
    var hashes: [String] { get }
    var allowInsecureHashes: Bool { get }
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

    /// The shipped packs' folder (`$CREDWATCH_PATTERNS`, else beside the binary or the repository's).
    var shippedPatternDirectory: String? {
        PatternPacks.shippedDirectory(configured: ProcessInfo.processInfo.environment["CREDWATCH_PATTERNS"])
    }
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
        let fingerprinter = try Self.fingerprinter(
            keyFile: command.fingerprintKeyFile,
            needsStableKey: command.state != nil || command.emitsPartial,
            stateNeedsKey: command.state != nil,
            diagnostics: diagnostics
        )
        keyID = fingerprinter.keyID
        hasEphemeralKey = fingerprinter.isEphemeral
        // The profile first: it says how the export writes its dates.
        let profile = try command.org.map { try OrganisationProfile.load(path: $0) } ?? OrganisationProfile.empty
        let accounts = try AccountDirectory.load(path: command.accounts, dateOrder: profile.dateOrder)
        for warning in accounts.warnings { diagnostics.warning(warning.location, warning.message) }
        hashes =
            command.hashes.isEmpty
            ? nil : try HashDirectory.load(paths: command.hashes, allowInsecure: command.allowInsecureHashes)

        var patternPaths: [String] = []
        if !command.noDefaultPatterns {
            if let shipped = command.shippedPatternDirectory {
                patternPaths.append(shipped)
            } else {
                diagnostics.note(
                    "warning: the shipped pattern packs were not found (set CREDWATCH_PATTERNS); "
                        + "only the organisation's platforms are matched"
                )
            }
        }
        patternPaths += command.patterns
        self.patternPaths = patternPaths

        let options = command.matchOptions
        context = try MatchContext(
            profile: profile,
            profilePath: command.org,
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

    /// The organisation's fingerprint key from a file or the environment; a random one (with a
    /// warning) when neither is given, unless `needsStableKey` (`--state`): then that is fatal,
    /// before any key is drawn or announced.
    private static func fingerprinter(
        keyFile: String?,
        needsStableKey: Bool,
        stateNeedsKey: Bool,
        diagnostics: Diagnostics
    ) throws
        -> PasswordFingerprinter
    {
        if let keyFile {
            guard let data = FileManager.default.contents(atPath: keyFile) else {
                throw FatalError("\(keyFile): cannot read the fingerprint key file")
            }
            var key = [UInt8](data)
            while let last = key.last, last == 0x0A || last == 0x0D { key.removeLast() }
            guard key.count >= 16 else {
                throw FatalError("\(keyFile): the fingerprint key must be at least 16 bytes")
            }
            if let access = FileAccess(path: keyFile), access.isOpenToOthers {
                diagnostics.note("warning: \(keyFile): the fingerprint key is readable by others (chmod 600 it)")
            }
            return PasswordFingerprinter(keyBytes: key)
        }
        if let value = ProcessInfo.processInfo.environment["CREDWATCH_FINGERPRINT_KEY"], !value.isEmpty {
            guard value.utf8.count >= 16 else {
                throw FatalError("CREDWATCH_FINGERPRINT_KEY must be at least 16 bytes")
            }
            return PasswordFingerprinter(keyBytes: Array(value.utf8))
        }
        if needsStableKey {
            let option = stateNeedsKey ? "--state" : "--emit partial"
            throw FatalError(
                "\(option) needs a stable fingerprint key: give --fingerprint-key-file or set CREDWATCH_FINGERPRINT_KEY"
            )
        }
        diagnostics.note(
            "warning: no fingerprint key (--fingerprint-key-file or CREDWATCH_FINGERPRINT_KEY): "
                + "using a random key, so password fingerprints are not comparable across runs"
        )
        return PasswordFingerprinter.ephemeral()
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
        var packs: [String] = []
        if !command.noDefaultPatterns, let shipped = command.shippedPatternDirectory { packs.append(shipped) }
        packs += command.patterns
        let options = [
            "reuse=\(!command.noReuse)", "bare-logins=\(command.reuseBareLogins)",
            "max-line-length=\(command.maxLineLength)", "max-member-size=\(command.maxMemberSize)",
            "max-ratio=\(command.maxRatio)", "max-depth=\(command.maxDepth)",
        ]
        return PartialBinding(
            key: keyID,
            accounts: try digest([command.accounts], "the account export"),
            profile: try digest(command.org.map { [$0] } ?? [], "the organisation profile"),
            patterns: try digest(try PatternPacks.files(packs), "the pattern packs"),
            hashes: try digest(command.hashes, "the hash exports"),
            options: options.joined(separator: ";")
        )
    }
}
