/// One per worker thread: judges each record the parsers read and keeps what puts the
/// organisation at risk, as sightings. It owns per-thread PCRE2 state, so a worker (and any
/// copy of it) must be used by one thread at a time.
///
/// Credentials:
/// * platform + account → `.credential`;
/// * platform + unknown login → `.unknownAccount`, when the platform is the organisation's
///   (its profile's, or any platform on a host under its domains): a shipped pack's platform
///   on somebody else's host says nothing about the organisation (an identity provider's
///   sign-in host, shared by millions of tenants, least of all), and a host under its domains
///   that no platform names (its public site) is not a platform for strangers' logins;
/// * a bare login (`jdupont`) on a shipped identity provider's host outside the organisation's
///   domains is judged as off the platforms: such hosts serve every tenant's users; so is any
///   login on a shipped platform found off the organisation's hosts only by rules that name no
///   host or by heuristics (anyone's install), but the organisation's address on an identity
///   provider it uses (see `isThirdPartyPlatform`);
/// * account without platform → `.credential` for `email:password` lines (no URL), else
///   `.reuse` (when `reportReuse`) for a login that names the organisation (an address,
///   `DOMAIN\user`, `user@ad-domain`); a bare login there (`jdupont`) is as likely a
///   stranger's forum name, and is reported only with `reportBareLoginReuse`;
/// * neither → nothing. That is almost every record, and it costs one URL parse, a few hash
///   probes and one prefilter probe, without allocation.
/// Credentials written into the URL itself (userinfo, Mediboard's `login=`) are judged as
/// records of their own (family `.url`).
public struct MatchWorker: RecordSink {
    private let context: MatchContext
    private let accounts: AccountDirectory
    private let platforms: PlatformIndex
    private let loginDomains: LoginDomains
    private let regexScratch = RegexScratch()
    private var locator = ""
    private var lineEnding = LineEnding.lf
    private var sightings: [Sighting] = []
    private var machines: [MachineSighting] = []
    private var matches = PlatformMatches()
    /// The lower-cased normalised URL regexes are matched against, built only when needed.
    private var subject: [UInt8] = []

    public init(context: MatchContext) {
        self.context = context
        accounts = context.accounts
        platforms = context.platforms
        loginDomains = context.loginDomains
    }

    /// Regex matches abandoned at PCRE2's match limit (counted as no match).
    public var regexLimitHits: Int { regexScratch.limitHits }

    /// Sets the document whose records follow (its locator becomes `Source.path`) and what its
    /// lines are numbered by (`TextChunk.lineEnding`).
    public mutating func begin(_ document: Document, lineEnding: LineEnding = .lf) {
        locator = document.locator
        self.lineEnding = lineEnding
    }

    /// Hands over what was matched since the last call.
    /// Sightings made since the last `takeSightings`.
    public var pendingSightings: Int { sightings.count }

    public mutating func takeSightings() -> [Sighting] {
        let taken = sightings
        sightings = []
        return taken
    }

    public mutating func takeMachines() -> [MachineSighting] {
        let taken = machines
        machines = []
        return taken
    }

    // MARK: Credentials

    public var filtersCandidates: Bool { context.options.candidateFirst }

    /// Whether the credential of a plain combolist line could yield a sighting: its login
    /// resolves, its host (or a parent domain) or first path segment is a key of the platform
    /// index, or an organisation regex's required literals may be in its URL. The same tests,
    /// on the same bytes, as `evaluate` makes before it emits anything, so a line turned away
    /// here is one `evaluate` would have dropped (`Fuzz/Sources/FuzzCandidates` checks it).
    public mutating func isCandidate(_ line: PlainComboLine) -> Bool {
        guard !line.password.isEmpty else { return false }
        if accounts.resolve(line.login, domains: loginDomains) != nil { return true }
        if platforms.mayMatch(host: line.host, path: line.path) { return true }
        for rule in platforms.organisationRegexRules
        where platforms.regex(of: rule)?.mayMatch(rawURL: line.url) != false {
            return true
        }
        return false
    }

    public mutating func credential(_ record: RawCredential) {
        evaluate(record, url: URLParts(parsing: Bytes.trimmed(record.url)), lookingInsideURL: true)
    }

    private mutating func evaluate(_ record: RawCredential, url: URLParts, lookingInsideURL: Bool) {
        if lookingInsideURL && (url.userinfo != nil || url.query != nil) {
            // A credential the record itself also carries (a combolist line built from such a
            // URL) is judged once, as the record.
            for embedded in url.embeddedCredentials
            where
                !(embedded.login.elementsEqual(Bytes.trimmed(record.login))
                && embedded.password.elementsEqual(record.password))
            {
                embedded.login.withUnsafeBytes { login in
                    embedded.password.withUnsafeBytes { password in
                        var inner = record
                        inner.login = login
                        inner.password = password
                        inner.family = .url
                        evaluate(inner, url: url, lookingInsideURL: false)
                    }
                }
            }
        }
        let login = Bytes.trimmed(record.login)
        guard !login.isEmpty, !record.password.isEmpty else { return }
        let resolved = accounts.resolve(login, domains: loginDomains)
        let hasURL = !url.bytes.isEmpty

        matchPlatforms(url, allRegexes: resolved != nil)
        // Every host under the organisation's domains that no entry names is a platform of its
        // own ("org-domain"): an account's credential there is a credential, a login that
        // resolves to no account an unknown account.
        var best = platforms.best(of: matches, includingOrganisationDomain: true)
        if let found = best, let resolved, !isOrganisational, isThirdPartyPlatform(found.platform, login, resolved) {
            best = nil
        }
        switch (best, resolved) {
        case (let best?, let resolved?):
            emit(.credential, record, url: url, login: login, resolved: resolved, best: best)
        case (let best?, nil) where best.platform.isOrganisation || matches.isInOrganisation:
            emit(.unknownAccount, record, url: url, login: login, resolved: nil, best: best)
        case (nil, let resolved?) where !hasURL:
            emit(.credential, record, url: url, login: login, resolved: resolved, best: nil)
        case (nil, let resolved?)
        where context.options.reportReuse
            && (context.options.reportBareLoginReuse || !Self.isBareLogin(login, rule: resolved.rule)):
            emit(.reuse, record, url: url, login: login, resolved: resolved, best: nil)
        default:
            return
        }
    }

    /// Whether a resolved login names no domain: a sAMAccountName as such, or an export's UPN,
    /// mail or alias written without `@` (a malformed export). Only looked at for the few
    /// records that resolve to an account off the platforms.
    static func isBareLogin(_ login: UnsafeRawBufferPointer, rule: IdentityRule) -> Bool {
        switch rule {
        case .sam: true
        case .downlevel, .adDomain: false
        case .upn, .mail, .proxy: Bytes.index(of: UInt8(ascii: "@"), in: login) == nil
        }
    }

    /// Fills `matches` with the rules that match `url`. Pack regexes only matter for a resolved
    /// account (`allRegexes`) or an organisation host: a pack platform alone, with an unknown
    /// login, is not reported.
    private mutating func matchPlatforms(_ url: URLParts, allRegexes: Bool) {
        matches.reset()
        if !subject.isEmpty { subject.removeAll(keepingCapacity: true) }
        // A `javascript:` or `data:` URL names no server: it matches no platform, whatever it holds.
        guard !url.bytes.isEmpty && !url.isOpaque else { return }
        platforms.matchURL(url, into: &matches)
        if allRegexes || isOrganisational {
            runRegexes(platforms.organisationRegexRules, url: url)
            runRegexes(platforms.packRegexRules, url: url)
        } else if !platforms.organisationRegexRules.isEmpty {
            runRegexes(platforms.organisationRegexRules, url: url)
            if isOrganisational { runRegexes(platforms.packRegexRules, url: url) }
        }
        if !matches.rules.isEmpty { platforms.dropExcluded(from: &matches, url: url) }
    }

    /// The platform the rules name for `url`, whoever's host it is and whoever logs in there:
    /// what a credential's verdict starts from, and what the pack tests check.
    mutating func platform(of url: UnsafeRawBufferPointer) -> Platform? {
        let parts = URLParts(parsing: Bytes.trimmed(url))
        matchPlatforms(parts, allRegexes: true)
        return platforms.best(of: matches, includingOrganisationDomain: true)?.platform
    }

    /// Whether a shipped pack's platform, on a host that is not the organisation's, is somebody
    /// else's for this login, so that the record is judged as off the platforms (`reuse` for a
    /// login naming the organisation, nothing for a bare one):
    /// * a bare login (`jdupont`) on a shipped identity provider's sign-in host, shared by
    ///   millions of tenants, is as likely a stranger's as on any other site;
    /// * a platform matched only by rules that name no host (`*/remote/login`, a regex) or by
    ///   heuristics (`confidence = "low"`) is anyone's install (a partner's VPN, another
    ///   hospital's PACS) or a page that only mentions the product: a bare login there is
    ///   nobody's in particular, and the organisation's address there is an account of the
    ///   employee's on a third party's platform, whose password may be reused — unless the
    ///   platform is an identity provider the organisation uses (AD FS on a federation host).
    private func isThirdPartyPlatform(_ platform: Platform, _ login: UnsafeRawBufferPointer, _ resolved: Resolution)
        -> Bool
    {
        let isBare = Self.isBareLogin(login, rule: resolved.rule)
        if platform.identityProvider != nil && isBare { return true }
        guard matches.rules.allSatisfy({ platforms.isAnyonesInstall($0) }) else { return false }
        return isBare || platform.identityProvider == nil || !platform.isIdentityProviderInUse
    }

    /// Whether what matched so far is the organisation's (its profile's rules or domains).
    private var isOrganisational: Bool {
        matches.isInOrganisation || matches.rules.contains { platforms.isOrganisation($0) }
    }

    /// Adds the regex rules of `list` that match the URL. Most URLs are turned away by a
    /// `memchr` on the raw bytes before the normalised subject is even built.
    private mutating func runRegexes(_ list: [Int32], url: URLParts) {
        for rule in list {
            guard let regex = platforms.regex(of: rule), regex.mayMatch(rawURL: url.bytes) else { continue }
            if subject.isEmpty { url.writeNormalized(into: &subject, lowercasingAll: true) }
            matchRegex(rule, regex)
        }
    }

    /// Adds `rule` when `regex` matches the subject built for the record.
    private mutating func matchRegex(_ rule: Int32, _ regex: CompiledRegex) {
        let subject = self.subject
        if subject.withUnsafeBytes({ regexScratch.matchesPrefiltered(regex, lowercasedSubject: $0) }) {
            matches.rules.append(rule)
        }
    }

    /// One sighting for each account the login resolved to (a shared mail or alias is
    /// reported against every account that owns it), or one without an account.
    private mutating func emit(
        _ kind: FindingKind,
        _ record: RawCredential,
        url: URLParts,
        login: UnsafeRawBufferPointer,
        resolved: Resolution?,
        best: (platform: Platform, alsoMatched: [String])?
    ) {
        guard let resolved else {
            emit(kind, record, url: url, login: login, owner: nil, best: best)
            return
        }
        for owner in resolved.owners {
            emit(kind, record, url: url, login: login, owner: owner, best: best)
        }
    }

    private mutating func emit(
        _ kind: FindingKind,
        _ record: RawCredential,
        url: URLParts,
        login: UnsafeRawBufferPointer,
        owner resolved: IdentityOwner?,
        best: (platform: Platform, alsoMatched: [String])?
    ) {
        let password = Text.string(record.password)
        // Whatever field a parsing slip put them in, the record's secrets are redacted from every
        // string it becomes (see `SecretValues`); the password itself is kept only as evidence.
        var secrets = SecretValues()
        secrets.addPassword(record.password)
        secrets.addURL(url)
        var sighting = Sighting(
            kind: kind,
            account: resolved?.account,
            rule: resolved?.rule,
            platform: best?.platform,
            alsoMatched: best?.alsoMatched ?? [],
            url: url.bytes.isEmpty ? nil : secrets.redact(url.normalized),
            host: url.hostBytes.isEmpty ? nil : secrets.redact(url.hostString),
            login: secrets.redact(Text.string(login)),
            password: PasswordEvidence(
                fingerprint: context.fingerprinter.fingerprint(record.password),
                length: password.unicodeScalars.count,
                cleartext: context.options.revealPasswords ? password : nil
            ),
            source: Source(
                path: redactedLocator(secrets),
                line: record.line,
                offset: record.offset,
                lineEnding: lineEnding,
                family: record.family
            ),
            isAmbiguous: record.isAmbiguous
        )
        if let resolved {
            let account = accounts.accounts[resolved.account]
            sighting.passwordLastChange = account.passwordLastSet
            if let check = context.checker?.check(account: account, password: record.password) {
                sighting.isPasswordCurrent = check.isCurrent
                sighting.passwordLastChange = check.lastChange ?? account.passwordLastSet
            }
        }
        sightings.append(sighting)
    }

    /// The document's locator with the record's secrets redacted; those it held are noted for
    /// the paths of every other record (`PathSecrets`).
    private func redactedLocator(_ secrets: SecretValues) -> String {
        let path = secrets.redact(locator)
        if path != locator { context.pathSecrets.note(secrets, in: locator) }
        return path
    }

    // MARK: Cookies

    /// A cookie that the browser would send to a platform's host, or to a host under the
    /// organisation's domains (see `PlatformIndex.matchCookie`), is a session to revoke.
    /// Analytics and consent cookies carry no session and are left out.
    public mutating func cookie(_ record: RawCookie) {
        matches.reset()
        platforms.matchCookie(
            domain: record.domain,
            includeSubdomains: record.includeSubdomains,
            path: record.path,
            into: &matches
        )
        if !platforms.organisationRegexRules.isEmpty {
            // The URL the cookie would be sent to: https://<domain><path>.
            subject.removeAll(keepingCapacity: true)
            subject.append(contentsOf: "https://".utf8)
            var domain = Bytes.trimmed(record.domain)
            while let first = domain.first, first == UInt8(ascii: ".") {
                domain = Bytes.slice(domain, 1..<domain.count)
            }
            for byte in domain { subject.append(Bytes.lower(byte)) }
            if record.path.first != UInt8(ascii: "/") { subject.append(UInt8(ascii: "/")) }
            for byte in record.path { subject.append(Bytes.lower(byte)) }
            for rule in platforms.organisationRegexRules {
                if let regex = platforms.regex(of: rule) { matchRegex(rule, regex) }
            }
            subject.removeAll(keepingCapacity: true)
        }
        // Analytics and consent cookies say nothing of a session; looked at only on a platform's
        // host, as almost no cookie is on one.
        guard let best = platforms.best(of: matches, includingOrganisationDomain: true),
            !Self.isTrackingCookie(Bytes.trimmed(record.name))
        else { return }
        // The value is the session: only its keyed fingerprint is kept, and it is redacted from
        // the other fields, should a hostile line have put it there too.
        var secrets = SecretValues()
        secrets.add(record.value)
        let domain = secrets.redact(Text.string(Bytes.trimmed(record.domain)))
        sightings.append(
            Sighting(
                kind: .cookie,
                platform: best.platform,
                alsoMatched: best.alsoMatched,
                host: String(domain.drop { $0 == "." }).lowercased(),
                cookie: CookieEvidence(
                    domain: domain,
                    path: secrets.redact(Text.string(record.path)),
                    name: secrets.redact(Text.string(record.name)),
                    expiry: record.expiry,
                    isSecure: record.isSecure,
                    valueFingerprint: context.fingerprinter.fingerprint(Bytes.trimmed(record.value))
                ),
                source: Source(
                    path: redactedLocator(secrets),
                    line: record.line,
                    offset: record.offset,
                    lineEnding: lineEnding,
                    family: .cookies
                )
            )
        )
    }

    /// Names of analytics and consent cookies (Google Analytics and Ads, Meta, Hotjar, Matomo,
    /// Clarity, HubSpot, Bing, consent managers common on French sites): they hold no session.
    private static let trackingCookieNames: Set<[UInt8]> = Set(
        ["_ga", "_gid", "_gat", "_fbp", "_fbc", "_clck", "_clsk", "hubspotutk", "_uetsid", "_uetvid"].map {
            Array($0.utf8)
        }
    )
    private static let trackingCookiePrefixes: [[UInt8]] = [
        "_ga_", "_gat_", "__utm", "_hj", "_pk_", "_gcl_", "__hs", "cookieconsent", "cookielawinfo", "axeptio",
        "tarteaucitron", "didomi", "euconsent",
    ].map { Array($0.utf8) }

    static func isTrackingCookie(_ name: UnsafeRawBufferPointer) -> Bool {
        let lowered = name.map(Bytes.lower)
        if trackingCookieNames.contains(lowered) { return true }
        return trackingCookiePrefixes.contains { lowered.starts(with: $0) }
    }

    // MARK: Machines

    /// Judges a victim machine: the organisation's when its domain is one of the AD domains
    /// (or a child domain, or one of the NetBIOS domains), when its hostname is an FQDN under
    /// an AD domain or its user is `NETBIOS\user`, or when its hostname matches `machine_name`.
    /// A user name that resolves to an account is recorded as supporting evidence only.
    public mutating func machine(_ info: VictimInfo, line: Int, offset: Int64) {
        var evidence: [String] = []
        var isDomainJoined = false
        if let domain = info.domain {
            isDomainJoined = Self.withBytes(domain) {
                let trimmed = Bytes.trimmed($0)
                return loginDomains.isUnderADDomain(trimmed) || loginDomains.isNetBIOSDomain(trimmed)
            }
        }
        if !isDomainJoined, let hostname = info.hostname {
            isDomainJoined = Self.withBytes(hostname) { loginDomains.isUnderADDomain(Bytes.trimmed($0)) }
        }
        if !isDomainJoined, let user = info.user, let backslash = user.firstIndex(of: "\\") {
            isDomainJoined = Self.withBytes(String(user[..<backslash])) {
                loginDomains.isNetBIOSDomain(Bytes.trimmed($0))
            }
        }
        if isDomainJoined { evidence.append("ad-domain") }

        if let pattern = context.machineName, let hostname = info.hostname?.trimmingASCIIWhitespace {
            let firstLabel = hostname.split(separator: ".").first.map(String.init) ?? hostname
            let scratch = regexScratch
            let matched = [hostname, firstLabel].contains { name in
                Self.withBytes(name) { scratch.matches(pattern, $0) }
            }
            if matched { evidence.append("machine-name") }
        }

        var account: Int?
        if let user = info.user {
            account = Self.withBytes(user) { accounts.resolve($0, domains: loginDomains)?.account }
            if account != nil { evidence.append("user") }
        }
        machines.append(
            MachineSighting(
                folder: Locator.parent(of: locator),
                info: info,
                source: Source(
                    path: locator,
                    line: line,
                    offset: offset,
                    lineEnding: lineEnding,
                    family: info.family ?? .systeminfo
                ),
                isOrganisationMachine: evidence.contains("ad-domain") || evidence.contains("machine-name"),
                evidence: evidence,
                account: account
            )
        )
    }

    public mutating func skippedLines(_ count: Int) {}

    private static func withBytes<Result>(_ text: String, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        var text = text
        return text.withUTF8 { body(UnsafeRawBufferPointer($0)) }
    }
}
