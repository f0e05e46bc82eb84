import Foundation
import TOMLKit

/// A `[[platform]]` table of a pattern pack or of the organisation profile, validated: its
/// `match` entries parsed and its regexes compiled.
///
/// ```toml
/// [[platform]]
/// id = "mediboard"                 # required, unique across every file loaded
/// name = "Mediboard"               # optional, defaults to id
/// severity = "critical"            # required: critical | high | medium | low
/// match = ["mediboard.example.test", "*.portail.example.test", "dpi.example.test/mediboard",
///          "*/dana-na/", "android:com.example.pro"]
/// regex = ['^https?://[^/]+/mediboard/index\.php']
/// exclude = ["www.example.test"]  # optional: hosts the entries cover that are not the platform
/// confidence = "high"              # optional: high | medium | low (of the pattern itself); a
///                                  # low one is a heuristic, trusted on the organisation's hosts only
/// category = "patient-data"        # optional, free text; "identity" marks an identity provider
/// provider = "entra"               # with category = "identity" only, and then required:
///                                  # one of IdentityProvider's names
/// source = "where the pattern comes from"   # optional, free text
/// ```
public struct PlatformDefinition: Sendable {
    public var platform: Platform
    /// `match` entries as written.
    public var matchTexts: [String] { matchEntries.map(\.text) }
    /// `regex` entries as written.
    public var regexTexts: [String] { regexes.map(\.pattern) }
    public var confidence: String?
    public var category: String?
    public var source: String?
    /// Hosts its `match` entries and regexes would cover that are not the platform: the
    /// vendor's own sites under the domain of its tenants' hosts (`www.okta.com`).
    public var excludedHosts: [String] = []
    /// Line of its `id` (for messages about duplicates).
    public var line: Int?

    var matchEntries: [MatchEntry]
    var regexes: [CompiledRegex]

    static let keys = [
        "id", "name", "severity", "match", "exclude", "regex", "confidence", "category", "provider", "source",
    ]

    /// Reads every `[[platform]]` table of `file`; `isOrganisation` for the profile's own.
    static func readAll(from file: TOMLFile, isOrganisation: Bool) throws(ConfigurationError) -> [PlatformDefinition] {
        let root = TOMLTableReader(file: file, table: file.root, scope: .root)
        var definitions: [PlatformDefinition] = []
        var seen: [String: Int?] = [:]
        for (index, table) in try root.tables("platform").enumerated() {
            let reader = TOMLTableReader(file: file, table: table, scope: .element(index, of: "platform"))
            let definition = try PlatformDefinition(reader: reader, isOrganisation: isOrganisation)
            if let first = seen[definition.platform.id] {
                let firstLine = first.map { " at line \($0)" } ?? ""
                throw reader.error(
                    "duplicate platform id '\(definition.platform.id)' (first defined\(firstLine))",
                    key: "id"
                )
            }
            seen[definition.platform.id] = definition.line
            definitions.append(definition)
        }
        return definitions
    }

    private init(reader: TOMLTableReader, isOrganisation: Bool) throws(ConfigurationError) {
        try reader.rejectUnknownKeys(allowed: Self.keys)
        guard let id = try reader.string("id") else { throw reader.error("platform without an 'id'") }
        guard Self.isValidID(id) else {
            throw reader.error("invalid platform id '\(id)' (letters, digits, '.', '_' and '-' only)", key: "id")
        }
        guard let severityText = try reader.string("severity") else {
            throw reader.error("platform '\(id)' has no 'severity' (critical, high, medium or low)")
        }
        guard let severity = Severity(rawValue: severityText.lowercased()) else {
            throw reader.error(
                "invalid severity '\(severityText)' (expected critical, high, medium or low)",
                key: "severity"
            )
        }
        let name = try reader.string("name") ?? id
        confidence = try reader.string("confidence")
        if let confidence, !["high", "medium", "low"].contains(confidence.lowercased()) {
            throw reader.error("invalid confidence '\(confidence)' (expected high, medium or low)", key: "confidence")
        }
        category = try reader.string("category")
        source = try reader.string("source")
        line = reader.file.line(ofKey: "id", in: reader.scope) ?? reader.file.line(of: reader.scope)
        platform = Platform(
            id: id,
            name: name,
            severity: severity,
            origin: reader.file.path,
            isOrganisation: isOrganisation,
            identityProvider: try Self.identityProvider(id: id, category: category, reader: reader)
        )

        matchEntries = []
        for text in try reader.strings("match") {
            do {
                matchEntries.append(try MatchEntry(parsing: text))
            } catch {
                throw reader.error("invalid match entry '\(text)': \(error.reason)", key: "match", value: text)
            }
        }
        regexes = []
        for pattern in try reader.strings("regex") {
            do {
                regexes.append(try CompiledRegex(pattern))
            } catch {
                throw reader.error("invalid regex '\(pattern)': \(error)", key: "regex", value: pattern)
            }
        }
        for text in try reader.strings("exclude") {
            guard let entry = try? MatchEntry(parsing: text), case .exact(let host) = entry.hosts,
                entry.pathPrefix == nil
            else {
                throw reader.error(
                    "invalid exclude entry '\(text)': expected a host name (no '*', path or port)",
                    key: "exclude",
                    value: text
                )
            }
            excludedHosts.append(host)
        }
        if matchEntries.isEmpty && regexes.isEmpty {
            throw reader.error("platform '\(id)' has no 'match' or 'regex' entry")
        }
    }

    /// The platform's `provider`: required with `category = "identity"`, refused without it,
    /// and one of the known names.
    private static func identityProvider(id: String, category: String?, reader: TOMLTableReader)
        throws(ConfigurationError) -> IdentityProvider?
    {
        let isIdentity = category?.trimmingASCIIWhitespace.lowercased() == IdentityProvider.category
        guard let name = try reader.string("provider") else {
            guard !isIdentity else {
                throw reader.error(
                    "platform '\(id)' has category \"identity\" but no 'provider' (one of: \(IdentityProvider.names))",
                    key: "category"
                )
            }
            return nil
        }
        guard isIdentity else {
            throw reader.error(
                "'provider' is only for identity providers: platform '\(id)' needs category = \"identity\"",
                key: "provider"
            )
        }
        guard let provider = IdentityProvider(name: name) else {
            throw reader.error(
                "unknown identity provider '\(name)' (expected one of: \(IdentityProvider.names))",
                key: "provider"
            )
        }
        return provider
    }

    private static func isValidID(_ id: String) -> Bool {
        !id.isEmpty
            && id.utf8.allSatisfy { byte in
                Bytes.lower(byte) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
                    || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
            }
    }
}

/// One `match` entry: which hosts, and optionally which paths, a platform covers.
///
/// * `host` — that host exactly (any case; scheme, userinfo, port and trailing dot of the
///   URL are ignored). Never a substring: `host.evil.example` is another host.
/// * `*.domain` — every subdomain of `domain`, at any depth, but **not** `domain` itself
///   (as with a TLS wildcard; list `domain` too when it is meant).
/// * `host/path`, `*.domain/path` — those hosts, when the URL's path starts with `path`
///   at a segment boundary (case-insensitive, RFC 6265's path-match: `/mediboard`
///   covers `/mediboard` and `/mediboard/…`, not `/mediboard2`).
/// * `*/path` — any host with that path (the product's own install path).
/// * `android:package` — the Android app (`android://<hash>@package/`).
struct MatchEntry: Sendable, Equatable {
    enum Hosts: Sendable, Equatable {
        case exact(String)
        case subdomains(of: String)
        case any
        case android(package: String)
    }

    var hosts: Hosts
    /// Lower-cased, starting with `/`; nil when the entry covers every path.
    var pathPrefix: String?
    var text: String

    struct Invalid: Error {
        var reason: String
    }

    init(parsing text: String) throws(Invalid) {
        self.text = text
        let entry = text.trimmingASCIIWhitespace
        let lowered = entry.lowercased()
        if lowered.hasPrefix("android:") {
            let package = String(lowered.dropFirst("android:".count)).trimmingASCIIWhitespace
            guard !package.isEmpty, package.utf8.allSatisfy(Self.isHostByte) else {
                throw Invalid(reason: "expected android:<package name>")
            }
            hosts = .android(package: package)
            pathPrefix = nil
            return
        }
        if lowered.hasPrefix("*/") {
            let path = String(lowered.dropFirst())
            guard path.count > 1 else { throw Invalid(reason: "'*/' needs a path (it would match every URL)") }
            hosts = .any
            pathPrefix = path
            return
        }
        let isWildcard = lowered.hasPrefix("*.")
        let parsed = try Self.hostAndPath(isWildcard ? String(lowered.dropFirst(2)) : lowered)
        guard !parsed.host.contains("*") else {
            throw Invalid(reason: "'*' is only allowed as a leading '*.' or '*/'")
        }
        hosts = isWildcard ? .subdomains(of: parsed.host) : .exact(parsed.host)
        pathPrefix = parsed.path
    }

    private static func hostAndPath(_ text: String) throws(Invalid) -> (host: String, path: String?) {
        var text = text
        return try text.withUTF8 { utf8 in
            Result { () throws(Invalid) in try hostAndPath(URLParts(parsing: UnsafeRawBufferPointer(utf8))) }
        }.get()
    }

    private static func hostAndPath(_ url: URLParts) throws(Invalid) -> (host: String, path: String?) {
        guard url.userinfo == nil else { throw Invalid(reason: "a match entry cannot hold a user name") }
        guard url.query == nil, Bytes.index(of: UInt8(ascii: "#"), in: url.bytes) == nil else {
            throw Invalid(reason: "a match entry cannot hold a query or fragment (use a regex)")
        }
        let afterHost = Bytes.slice(url.bytes, url.host.upperBound..<url.path.lowerBound)
        guard Bytes.index(of: UInt8(ascii: ":"), in: afterHost) == nil else {
            throw Invalid(reason: "a match entry names hosts, not ports (use a regex to require a port)")
        }
        let host = Text.string(url.hostBytes)
        guard !host.isEmpty, url.isIPLiteral || host.utf8.allSatisfy(isHostByte) else {
            throw Invalid(reason: "expected a host name")
        }
        let path = Text.string(url.pathBytes).replacingOccurrences(of: "\\", with: "/")
        return (host, path.isEmpty || path == "/" ? nil : path)
    }

    /// Letters, digits, `-`, `_`, `.` (and `*`, refused with its own message).
    private static func isHostByte(_ byte: UInt8) -> Bool {
        byte &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10 || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "*")
    }
}
