import Foundation

/// The pattern packs: finding them (folders, the shipped ones) and reading their platform
/// definitions together with the profile's own, with every id defined once.
public enum PatternPacks {
    /// Top-level keys a pack may have besides `[[platform]]` tables.
    static let packKeys = ["platform", "description", "version"]

    /// The profile's platforms followed by every pack's, in the order given; a platform id
    /// defined twice is an error naming both places.
    static func definitions(profile: OrganisationProfile, packPaths: [String]) throws(ConfigurationError)
        -> [PlatformDefinition]
    {
        var definitions = profile.platforms
        for file in try files(packPaths) { definitions += try load(file) }
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
        return definitions
    }

    private static func load(_ path: String) throws(ConfigurationError) -> [PlatformDefinition] {
        let file = try TOMLFile(path: path)
        try TOMLTableReader(file: file, table: file.root, scope: .root).rejectUnknownKeys(allowed: packKeys)
        return try PlatformDefinition.readAll(from: file, isOrganisation: false)
    }

    /// `paths` with each folder replaced by the `*.toml` files in it, sorted by name.
    public static func files(_ paths: [String]) throws(ConfigurationError) -> [String] {
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

    /// Where the shipped packs are: `configured` (the CLI passes `$CREDWATCH_PATTERNS`) if
    /// set, else `<executable's folder>/../share/credwatch/patterns`, else the repository's
    /// `Patterns/` (found from this source file's path at build time); nil if none exists.
    public static func shippedDirectory(configured: String?) -> String? {
        if let configured, !configured.isEmpty { return configured }
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
