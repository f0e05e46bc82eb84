/// Every platform rule, indexed so that a URL or a cookie domain is matched with hash probes.
///
/// One table holds every host and domain that any rule names. A host is hashed backwards in
/// one pass (`ByteHash.reversedLowercased`), which yields the hash of the host and of each of
/// its parent domains at the label boundaries; each is one probe. Matching is therefore on the
/// parsed host only, never on a substring of the line. Regex rules are listed separately: the
/// worker runs them, behind their required-literal prefilter, only when their verdict matters.
///
/// When several rules match, the most specific names the platform (`best(of:…)`):
/// 1. the organisation profile's rules before the shipped packs';
/// 2. then by form: `host/path` (longest path first), `host` or `android:package`,
///    `*.domain/path`, `*.domain` (longest domain first), `*/path` (longest first), `regex`;
/// 3. then in the order the files and entries were read.
/// Hosts under the organisation's domains that no rule names are the organisation-domain
/// platform's, for the organisation's own accounts (see `MatchWorker`).
final class PlatformIndex: Sendable {
    /// Every platform; the organisation-domain platform, when there is one, is last.
    let platforms: [Platform]
    private let organisationDomainPlatform: Int32?
    private let rules: [Rule]

    private let hosts: ByteKeyTable
    /// Per host key: rules naming exactly that host (with or without a path).
    private let exactRules: [[Int32]]
    /// Per host key: rules naming every subdomain of it.
    private let subdomainRules: [[Int32]]
    /// Per host key: organisation rules whose hosts lie strictly under it (for cookies set on
    /// a parent domain, which the browser sends to those hosts).
    private let descendantRules: [[Int32]]
    private let isOrganisationDomain: [Bool]
    /// Per host key: platforms whose `exclude` names that host (a vendor's own site under the
    /// domain its tenants' hosts are in: `www.okta.com`).
    private let excludedPlatforms: [[Int32]]
    /// Per host key: whether a URL's whole host (bit 0) or parent domain (bit 1) being this
    /// key makes `matchURL` add a rule or mark the host as the organisation's. Most keys are
    /// only there to let walks go on (`com`, `fr`).
    private let hostRelevance: [UInt8]

    private let androidPackages: ByteKeyTable
    private let androidRules: [[Int32]]
    private let pathSegments: ByteKeyTable
    private let pathRules: [[Int32]]

    /// Regex rules of the organisation profile, then of the packs.
    let organisationRegexRules: [Int32]
    let packRegexRules: [Int32]

    struct Rule: Sendable {
        var platform: Int32
        /// Lower-cased, from `host/path`, `*.domain/path`, `*/path`.
        var pathPrefix: [UInt8]?
        var regex: CompiledRegex?
        /// From the organisation profile.
        var isOrganisation: Bool
        /// A shipped pack's identity provider (a sign-in host shared by every tenant): its
        /// cookies are every victim's, whatever their employer, so they are not matched.
        var isSharedSignIn: Bool
        /// A shipped pack's rule that names no host (`*/path`, a regex) or is a heuristic
        /// (`confidence = "low"`): on a host that is not the organisation's it finds anyone's
        /// install of the product, or a page that only mentions it (see `MatchWorker`).
        var isAnyonesInstall: Bool
        /// Lower is more specific (see the type's documentation).
        var rank: UInt64
    }

    private enum Form: UInt64 {
        case hostPath, host, subdomainPath, subdomain, anyHostPath, regex
    }

    func rule(_ number: Int32) -> Rule { rules[Int(number)] }
    func regex(of rule: Int32) -> CompiledRegex? { rules[Int(rule)].regex }
    func isOrganisation(_ rule: Int32) -> Bool { rules[Int(rule)].isOrganisation }
    func isAnyonesInstall(_ rule: Int32) -> Bool { rules[Int(rule)].isAnyonesInstall }

    /// `definitions` in reading order; `organisationDomains` are lower-cased domains.
    init(definitions: [PlatformDefinition], organisationDomains: [String], organisationName: String, origin: String) {
        var builder = Builder()
        var platforms: [Platform] = []
        var rules: [Rule] = []
        var organisationRegex: [Int32] = []
        var packRegex: [Int32] = []

        func addRule(
            _ platform: Int,
            _ form: Form,
            length: Int,
            path: String?,
            regex: CompiledRegex?,
            organisation: Bool,
            isHeuristic: Bool
        )
            -> Int32
        {
            let number = Int32(rules.count)
            let rank =
                (organisation ? 0 : 1) << 60 | form.rawValue << 52 | UInt64(0xFFFF - min(length, 0xFFFF)) << 32
                | UInt64(number)
            rules.append(
                Rule(
                    platform: Int32(platform),
                    pathPrefix: path.map { Array($0.utf8) },
                    regex: regex,
                    isOrganisation: organisation,
                    isSharedSignIn: !organisation && platforms[platform].identityProvider != nil,
                    isAnyonesInstall: !organisation && (form == .anyHostPath || form == .regex || isHeuristic),
                    rank: rank
                )
            )
            return number
        }

        for definition in definitions {
            let platform = platforms.count
            platforms.append(definition.platform)
            let organisation = definition.platform.isOrganisation
            let isHeuristic = definition.confidence?.lowercased() == "low"
            for host in definition.excludedHosts { builder.exclude(Int32(platform), from: host) }
            for entry in definition.matchEntries {
                let pathLength = entry.pathPrefix?.utf8.count ?? 0
                switch entry.hosts {
                case .exact(let host):
                    let form: Form = entry.pathPrefix == nil ? .host : .hostPath
                    let rule = addRule(
                        platform,
                        form,
                        length: pathLength,
                        path: entry.pathPrefix,
                        regex: nil,
                        organisation: organisation,
                        isHeuristic: isHeuristic
                    )
                    builder.exact(host, rule)
                    if organisation { builder.descendant(rule, ofParentsOf: host) }
                case .subdomains(let domain):
                    let form: Form = entry.pathPrefix == nil ? .subdomain : .subdomainPath
                    let length = entry.pathPrefix == nil ? domain.utf8.count : pathLength
                    let rule = addRule(
                        platform,
                        form,
                        length: length,
                        path: entry.pathPrefix,
                        regex: nil,
                        organisation: organisation,
                        isHeuristic: isHeuristic
                    )
                    builder.subdomain(domain, rule)
                    if organisation {
                        builder.descendant(rule, of: domain)
                        builder.descendant(rule, ofParentsOf: domain)
                    }
                case .any:
                    let rule = addRule(
                        platform,
                        .anyHostPath,
                        length: pathLength,
                        path: entry.pathPrefix,
                        regex: nil,
                        organisation: organisation,
                        isHeuristic: isHeuristic
                    )
                    builder.anyHostPath(entry.pathPrefix ?? "/", rule)
                case .android(let package):
                    let rule = addRule(
                        platform,
                        .host,
                        length: 0,
                        path: nil,
                        regex: nil,
                        organisation: organisation,
                        isHeuristic: isHeuristic
                    )
                    builder.android(package, rule)
                }
            }
            for regex in definition.regexes {
                let rule = addRule(
                    platform,
                    .regex,
                    length: 0,
                    path: nil,
                    regex: regex,
                    organisation: organisation,
                    isHeuristic: isHeuristic
                )
                if organisation { organisationRegex.append(rule) } else { packRegex.append(rule) }
            }
        }
        for domain in organisationDomains { builder.organisationDomain(domain) }
        if organisationDomains.isEmpty {
            organisationDomainPlatform = nil
        } else {
            organisationDomainPlatform = Int32(platforms.count)
            platforms.append(
                Platform(
                    id: "org-domain",
                    name: "\(organisationName.isEmpty ? "Organisation" : organisationName) domain",
                    severity: .high,
                    origin: origin,
                    isOrganisation: true
                )
            )
        }
        self.platforms = platforms
        self.rules = rules
        organisationRegexRules = organisationRegex
        packRegexRules = packRegex
        hosts = builder.hosts
        exactRules = builder.exactRules
        subdomainRules = builder.subdomainRules
        descendantRules = builder.descendantRules
        isOrganisationDomain = builder.isOrganisationDomain
        excludedPlatforms = builder.excludedPlatforms
        hostRelevance = builder.exactRules.indices.map { key in
            let organisation = builder.isOrganisationDomain[key]
            return (organisation || !builder.exactRules[key].isEmpty ? 1 : 0)
                | (organisation || !builder.subdomainRules[key].isEmpty ? 2 : 0)
        }
        androidPackages = builder.androidPackages
        androidRules = builder.androidRules
        pathSegments = builder.pathSegments
        pathRules = builder.pathRules
    }

    // MARK: Matching

    /// Adds the host, path and Android rules that match `url` (no regex), and notes whether
    /// its host lies under an organisation domain.
    func matchURL(_ url: URLParts, into matches: inout PlatformMatches) {
        let path = url.pathBytes
        if url.isAndroid {
            let package = url.hostBytes
            if let key = androidPackages.find(package, finalizedHash: androidPackages.hash(package)) {
                matches.rules.append(contentsOf: androidRules[key])
            }
            return
        }
        walkHost(url.hostBytes, isIPLiteral: url.isIPLiteral) { key, isWholeHost in
            if isOrganisationDomain[key] { matches.isInOrganisation = true }
            for rule in isWholeHost ? exactRules[key] : subdomainRules[key]
            where rules[Int(rule)].pathPrefix.map({ Self.pathMatches(path, prefix: $0) }) ?? true {
                matches.rules.append(rule)
            }
        }
        let segment = Self.firstSegment(of: path)
        if !segment.isEmpty, let key = pathSegments.find(segment, finalizedHash: pathSegments.hash(segment)) {
            for rule in pathRules[key] where Self.pathMatches(path, prefix: rules[Int(rule)].pathPrefix ?? []) {
                matches.rules.append(rule)
            }
        }
    }

    /// Drops the rules (host, path or regex) of the platforms whose `exclude` names the URL's
    /// host. Called once every rule has been matched, and only when one has.
    func dropExcluded(from matches: inout PlatformMatches, url: URLParts) {
        var excluded: [Int32] = []
        walkHost(url.hostBytes, isIPLiteral: url.isIPLiteral) { key, isWholeHost in
            if isWholeHost { excluded = excludedPlatforms[key] }
        }
        if !excluded.isEmpty { matches.rules.removeAll { excluded.contains(rules[Int($0)].platform) } }
    }

    /// Whether `matchURL` may add a rule or mark the host as the organisation's, for a URL
    /// with this host (a name, not an IP literal, without trailing dot) and path: only when the
    /// host or a parent domain is a key that some rule or organisation domain names, or the
    /// first path segment is a key. A few probes, nothing else.
    func mayMatch(host: UnsafeRawBufferPointer, path: UnsafeRawBufferPointer) -> Bool {
        var isRelevant = false
        walkHost(host, isIPLiteral: false) { key, isWholeHost in
            if hostRelevance[key] & (isWholeHost ? 1 : 2) != 0 { isRelevant = true }
        }
        if isRelevant { return true }
        guard pathSegments.count > 0 else { return false }
        let segment = Self.firstSegment(of: path)
        return !segment.isEmpty && pathSegments.find(segment, finalizedHash: pathSegments.hash(segment)) != nil
    }

    /// Adds the host rules that a cookie set for `domain` (a leading dot, or
    /// `includeSubdomains`, means the domain and its subdomains) and `path` would be sent to,
    /// by the browser's rules: never a substring, `.example.test.evil.example` is not under
    /// `example.test`. A cookie on a parent domain counts for the organisation profile's rules
    /// only: shipped packs name third-party services whose parent domains also carry their
    /// public sites' cookies. A shipped identity provider's cookies are not matched at all: its
    /// sign-in hosts serve every tenant, so nearly every victim has some. A cookie for a host
    /// under the organisation's domains is marked `isInOrganisation`, like a URL.
    func matchCookie(
        domain rawDomain: UnsafeRawBufferPointer,
        includeSubdomains: Bool,
        path: UnsafeRawBufferPointer,
        into matches: inout PlatformMatches
    ) {
        var domain = Bytes.trimmed(rawDomain)
        var withSubdomains = includeSubdomains
        while let first = domain.first, first == UInt8(ascii: ".") {
            withSubdomains = true
            domain = Bytes.slice(domain, 1..<domain.count)
        }
        while let last = domain.last, last == UInt8(ascii: ".") { domain = Bytes.slice(domain, 0..<domain.count - 1) }
        guard !domain.isEmpty else { return }
        let isIPLiteral = domain.allSatisfy { $0 == UInt8(ascii: ".") || $0 &- UInt8(ascii: "0") < 10 }
        let firstRule = matches.rules.count
        var excluded: [Int32] = []
        walkHost(domain, isIPLiteral: isIPLiteral) { key, isWholeHost in
            if isOrganisationDomain[key] { matches.isInOrganisation = true }
            if isWholeHost { excluded = excludedPlatforms[key] }
            for rule in isWholeHost ? exactRules[key] : subdomainRules[key]
            where !rules[Int(rule)].isSharedSignIn
                && rules[Int(rule)].pathPrefix.map({ Self.pathsOverlap(path, $0) }) ?? true
            {
                matches.rules.append(rule)
            }
            guard isWholeHost, withSubdomains, !isIPLiteral else { return }
            for rule in descendantRules[key]
            where rules[Int(rule)].pathPrefix.map({ Self.pathsOverlap(path, $0) }) ?? true {
                matches.rules.append(rule)
            }
        }
        if !excluded.isEmpty {
            let added = matches.rules[firstRule...].filter { !excluded.contains(rules[Int($0)].platform) }
            matches.rules.replaceSubrange(firstRule..., with: added)
        }
    }

    /// The most specific platform among `matches` and the ids of the others. When no rule
    /// matched, `includingOrganisationDomain` names the organisation-domain platform for a host
    /// under the organisation's domains.
    func best(of matches: PlatformMatches, includingOrganisationDomain: Bool) -> (
        platform: Platform, alsoMatched: [String]
    )? {
        guard var bestRule = matches.rules.first else {
            guard includingOrganisationDomain, matches.isInOrganisation, let organisationDomainPlatform else {
                return nil
            }
            return (platforms[Int(organisationDomainPlatform)], [])
        }
        for rule in matches.rules where rules[Int(rule)].rank < rules[Int(bestRule)].rank { bestRule = rule }
        let bestPlatform = rules[Int(bestRule)].platform
        var others: [(platform: Int32, rank: UInt64)] = []
        for rule in matches.rules where rules[Int(rule)].platform != bestPlatform {
            let entry = rules[Int(rule)]
            if let existing = others.firstIndex(where: { $0.platform == entry.platform }) {
                others[existing].rank = min(others[existing].rank, entry.rank)
            } else {
                others.append((entry.platform, entry.rank))
            }
        }
        others.sort { $0.rank < $1.rank }
        return (platforms[Int(bestPlatform)], others.map { platforms[Int($0.platform)].id })
    }

    /// Calls `visit` with the table key of the whole host (`isWholeHost`) and of each parent
    /// domain, in one backward pass over the host's bytes that stops at the first parent no
    /// key ends with.
    @inline(__always)
    private func walkHost(
        _ host: UnsafeRawBufferPointer,
        isIPLiteral: Bool,
        _ visit: (_ key: Int, _ isWholeHost: Bool) -> Void
    ) {
        guard !host.isEmpty else { return }
        var hash = ByteHash.seed
        var index = host.count
        let lowercase = ByteHash.lowercaseTable
        while index > 0 {
            index -= 1
            let byte = host[index]
            if _slowPath(byte == UInt8(ascii: ".")), !isIPLiteral, index + 1 < host.count {
                // Every label suffix of every key is itself a key: past an unknown suffix no
                // key can match, so most hosts are walked only up to their second-last label.
                let parent = Bytes.slice(host, index + 1..<host.count)
                guard let key = hosts.find(parent, finalizedHash: ByteHash.finalized(hash)) else { return }
                visit(key, false)
            }
            hash = ByteHash.step(hash, byte, lowercasing: lowercase)
        }
        if let key = hosts.find(host, finalizedHash: ByteHash.finalized(hash)) { visit(key, true) }
    }

    /// RFC 6265 path-match, case-insensitive, `\` read as `/`: `prefix` equals the path or is
    /// followed in it by `/` (or ends with `/`).
    static func pathMatches(_ path: UnsafeRawBufferPointer, prefix: [UInt8]) -> Bool {
        guard path.count >= prefix.count else { return false }
        for index in 0..<prefix.count where pathByte(path[index]) != prefix[index] { return false }
        return path.count == prefix.count || prefix.last == UInt8(ascii: "/")
            || pathByte(path[prefix.count]) == UInt8(ascii: "/")
    }

    /// A cookie path and a rule's path prefix share URLs when either path-matches the other
    /// (an empty cookie path is `/`).
    private static func pathsOverlap(_ cookiePath: UnsafeRawBufferPointer, _ prefix: [UInt8]) -> Bool {
        guard !cookiePath.isEmpty else { return true }
        let common = min(cookiePath.count, prefix.count)
        for index in 0..<common where pathByte(cookiePath[index]) != prefix[index] { return false }
        if cookiePath.count == prefix.count { return true }
        let shorterEndsWithSlash =
            cookiePath.count < prefix.count
            ? pathByte(cookiePath[common - 1]) == UInt8(ascii: "/") : prefix[common - 1] == UInt8(ascii: "/")
        let nextIsSlash =
            cookiePath.count < prefix.count
            ? prefix[common] == UInt8(ascii: "/") : pathByte(cookiePath[common]) == UInt8(ascii: "/")
        return shorterEndsWithSlash || nextIsSlash
    }

    @inline(__always)
    private static func pathByte(_ byte: UInt8) -> UInt8 {
        byte == UInt8(ascii: "\\") ? UInt8(ascii: "/") : Bytes.lower(byte)
    }

    /// `remote` in `/remote/login`: the key of `*/path` rules.
    static func firstSegment(of path: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let first = path.first, first == UInt8(ascii: "/") || first == UInt8(ascii: "\\") else {
            return Bytes.slice(path, 0..<0)
        }
        var end = 1
        while end < path.count && path[end] != UInt8(ascii: "/") && path[end] != UInt8(ascii: "\\") { end += 1 }
        return Bytes.slice(path, 1..<end)
    }

    // MARK: Building

    private struct Builder {
        var hosts = ByteKeyTable(reversed: true)
        var exactRules: [[Int32]] = []
        var subdomainRules: [[Int32]] = []
        var descendantRules: [[Int32]] = []
        var isOrganisationDomain: [Bool] = []
        var excludedPlatforms: [[Int32]] = []
        var androidPackages = ByteKeyTable(reversed: false)
        var androidRules: [[Int32]] = []
        var pathSegments = ByteKeyTable(reversed: false)
        var pathRules: [[Int32]] = []

        /// The key of `host`, added (with every parent domain, so that walks can stop early)
        /// when absent.
        private mutating func hostKey(_ host: String) -> Int {
            let key = hosts.insert(host)
            if key == exactRules.count {
                exactRules.append([])
                subdomainRules.append([])
                descendantRules.append([])
                isOrganisationDomain.append(false)
                excludedPlatforms.append([])
                if let dot = host.firstIndex(of: "."), host.index(after: dot) < host.endIndex {
                    _ = hostKey(String(host[host.index(after: dot)...]))
                }
            }
            return key
        }

        mutating func exact(_ host: String, _ rule: Int32) { exactRules[hostKey(host)].append(rule) }
        mutating func subdomain(_ domain: String, _ rule: Int32) { subdomainRules[hostKey(domain)].append(rule) }
        mutating func descendant(_ rule: Int32, of domain: String) { descendantRules[hostKey(domain)].append(rule) }

        /// Registers `rule` under each parent domain of `host` that has at least two labels
        /// (a cookie on a top-level domain is refused by browsers).
        mutating func descendant(_ rule: Int32, ofParentsOf host: String) {
            for parent in Self.parents(of: host) { descendant(rule, of: parent) }
        }

        mutating func exclude(_ platform: Int32, from host: String) {
            excludedPlatforms[hostKey(host)].append(platform)
        }

        mutating func organisationDomain(_ domain: String) {
            isOrganisationDomain[hostKey(domain)] = true
        }

        mutating func android(_ package: String, _ rule: Int32) {
            let key = androidPackages.insert(package)
            if key == androidRules.count { androidRules.append([]) }
            androidRules[key].append(rule)
        }

        mutating func anyHostPath(_ path: String, _ rule: Int32) {
            var path = path
            let segment = path.withUTF8 { Text.string(PlatformIndex.firstSegment(of: UnsafeRawBufferPointer($0))) }
            let key = pathSegments.insert(segment)
            if key == pathRules.count { pathRules.append([]) }
            pathRules[key].append(rule)
        }

        /// `b.c.d` and `c.d` for `a.b.c.d`.
        static func parents(of host: String) -> [String] {
            let labels = host.split(separator: ".")
            guard labels.count > 2 else { return [] }
            return (1...(labels.count - 2)).map { labels[$0...].joined(separator: ".") }
        }
    }
}

/// One worker's scratch for matching a record: the matched rules and whether the host is under
/// an organisation domain.
struct PlatformMatches {
    var rules: [Int32] = []
    var isInOrganisation = false

    mutating func reset() {
        if !rules.isEmpty { rules.removeAll(keepingCapacity: true) }  // almost always empty
        isInOrganisation = false
    }
}
