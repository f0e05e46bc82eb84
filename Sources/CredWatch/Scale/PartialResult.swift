import Crypto
import Foundation

/// A partial result: what one shard of a scan (`credwatch scan … --emit partial`) found,
/// for `credwatch merge` to turn, with the partials of the other shards, into the report one
/// scan of every input gives. Never a cleartext password or cookie value: sightings carry their
/// keyed fingerprints only.
///
/// The file is JSON lines (the README's "Partial results" documents it): a header object
/// (`credwatchPartial`: the format's version; the binding; the range read; the counters; the
/// inputs not read completely), then one object per sighting (`s`, with `n` its count) or per
/// victim machine (`m`), in a deterministic order: a shard scanned twice gives the same bytes.
public struct PartialResult: Sendable, Equatable {
    /// The format written; a partial of another version is refused.
    /// Version 2 added `inputs` and `modified`.
    public static let version = 2

    public var binding: PartialBinding
    /// Set when the shard read a byte range of one file (`--range`).
    public var range: RangeRead?
    public var counters: PartialCounters
    /// The inputs and members not read completely, with the reason (the first
    /// `Diagnostics.maxListedUnread`; `counters.errors` counts them all).
    public var unread: [UnreadInput]
    /// The files read completely, fingerprinted as `--skip-seen-inputs` records them (for a
    /// range: the whole file's), for the merge to skip and record (sorted by path).
    public var inputs: [InputFingerprint]
    /// The inputs the scan named (its arguments, standard input as the file it carries), as its
    /// report would list them: the merge's report lists them.
    public var named: [String]
    /// The modification time of the file each source path was read from (`input_modified`),
    /// taken where the file is: the merge's machine may not have it.
    public var modified: [String: Timestamp]
    public var sightings: [PartialSighting]
    public var machines: [MachineSighting]

    public init(
        binding: PartialBinding,
        range: RangeRead?,
        counters: PartialCounters,
        unread: [UnreadInput],
        inputs: [InputFingerprint] = [],
        named: [String] = [],
        modified: [String: Timestamp] = [:],
        sightings: [PartialSighting],
        machines: [MachineSighting]
    ) {
        self.binding = binding
        self.range = range
        self.counters = counters
        self.unread = unread
        self.inputs = inputs.sorted { ($0.path, $0.digest) < ($1.path, $1.digest) }
        self.named = named
        self.modified = modified
        self.sightings = sightings
        self.machines = machines.sorted { ($0.source, $0.folder) < ($1.source, $1.folder) }
    }

    /// The modification time of the file behind every source path of `sightings` and
    /// `machines`, read from the disk here (once per file).
    public static func modificationTimes(
        sightings: [PartialSighting],
        machines: [MachineSighting]
    ) -> [String: Timestamp] {
        var dates = InputDates()
        var modified: [String: Timestamp] = [:]
        for path in Set(sightings.map(\.sighting.source.path) + machines.map(\.source.path)) {
            if let date = dates.modified(path) { modified[path] = date }
        }
        return modified
    }
}

/// What a partial was made under, as digests: partials merge only with partials, and a merge,
/// of the same key, account export, profile, pattern packs, hash exports and scan options.
public struct PartialBinding: Sendable, Equatable, Codable {
    /// The fingerprint key's id (`PasswordFingerprinter.keyID`).
    public var key: String
    /// SHA-256 of the account export's bytes.
    public var accounts: String
    /// SHA-256 of the profile's bytes ("" without `--org`).
    public var profile: String
    /// SHA-256 over the SHA-256 of each pattern pack loaded, in load order.
    public var patterns: String
    /// SHA-256 over the SHA-256 of each hash export, in order ("" without `--hashes`).
    public var hashes: String
    /// The options that change what a scan finds (reuse, limits), as text.
    public var options: String

    public init(key: String, accounts: String, profile: String, patterns: String, hashes: String, options: String) {
        self.key = key
        self.accounts = accounts
        self.profile = profile
        self.patterns = patterns
        self.hashes = hashes
        self.options = options
    }

    /// The first field that differs from `other`, named as the README names it; nil when equal.
    public func mismatch(with other: PartialBinding) -> String? {
        if key != other.key { return "another fingerprint key" }
        if accounts != other.accounts { return "another account export" }
        if profile != other.profile { return "another organisation profile" }
        if patterns != other.patterns { return "other pattern packs" }
        if hashes != other.hashes { return "other hash exports" }
        if options != other.options { return "other scan options (\(options) / \(other.options))" }
        return nil
    }

    /// SHA-256 of a file's bytes, lower-case hex; nil when it cannot be read.
    public static func digest(ofFile path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return Hex.encode(SHA256.hash(data: data))
    }

    /// SHA-256 over the digests of `paths`, in order ("" for none); nil when one cannot be read.
    public static func digest(ofFiles paths: [String]) -> String? {
        if paths.isEmpty { return "" }
        var hasher = SHA256()
        for path in paths {
            guard let digest = digest(ofFile: path) else { return nil }
            hasher.update(data: Array(digest.utf8))
        }
        return Hex.encode(hasher.finalize())
    }
}

/// The run's counters, summed over partials at merge.
public struct PartialCounters: Sendable, Equatable, Codable {
    public var inputs = 0
    public var duplicates = 0
    public var skippedByName = 0
    public var members = 0
    public var bytesRead = 0
    public var bytesDecoded = 0
    public var lines = 0
    public var records = 0
    public var skippedLines = 0
    public var errors = 0
    public var warnings = 0
    public var regexLimitHits = 0

    public init() {}

    public init(_ diagnostics: Diagnostics) {
        inputs = diagnostics.inputs.load(ordering: .relaxed)
        duplicates = diagnostics.duplicates.load(ordering: .relaxed)
        skippedByName = diagnostics.skippedByName.load(ordering: .relaxed)
        members = diagnostics.members.load(ordering: .relaxed)
        bytesRead = diagnostics.bytesRead.load(ordering: .relaxed)
        bytesDecoded = diagnostics.bytesDecoded.load(ordering: .relaxed)
        lines = diagnostics.lines.load(ordering: .relaxed)
        records = diagnostics.records.load(ordering: .relaxed)
        skippedLines = diagnostics.skippedLines.load(ordering: .relaxed)
        errors = diagnostics.errors.load(ordering: .relaxed)
        warnings = diagnostics.warnings.load(ordering: .relaxed)
        regexLimitHits = diagnostics.regexLimitHits.load(ordering: .relaxed)
    }

    /// The largest count a partial may hold (a counter, or a sighting's `n`): a pebibyte, far
    /// above any one task, and low enough that only thousands of tampered partials at the limit
    /// could sum past `Int.max` (a tampered partial is refused rather than trapping the merge).
    static let maximum = 1 << 50

    /// What a merge's counts may sum to: 2^62, half of `Int.max`, so no sum of them overflows.
    static let maximumSum = 1 << 62
    static let sumTooLarge =
        "its counts and those of the partials merged with it sum past 2^62: not the partials of one run; refused"

    /// These counters plus `other`'s, each sum at most `maximumSum`; nil past it.
    func adding(_ other: PartialCounters) -> PartialCounters? {
        var sum = self
        for path: WritableKeyPath<PartialCounters, Int> in [
            \.inputs, \.duplicates, \.skippedByName, \.members, \.bytesRead, \.bytesDecoded, \.lines, \.records,
            \.skippedLines, \.errors, \.warnings, \.regexLimitHits,
        ] {
            let (total, overflow) = sum[keyPath: path].addingReportingOverflow(other[keyPath: path])
            guard !overflow, total <= Self.maximumSum else { return nil }
            sum[keyPath: path] = total
        }
        return sum
    }

    var isPlausible: Bool {
        [
            inputs, duplicates, skippedByName, members, bytesRead, bytesDecoded, lines, records, skippedLines,
            errors, warnings, regexLimitHits,
        ].allSatisfy { (0...Self.maximum).contains($0) }
    }

    /// Adds these counts to `diagnostics`, but the errors: each is replayed by name.
    func add(to diagnostics: Diagnostics) {
        diagnostics.inputs.add(inputs, ordering: .relaxed)
        diagnostics.duplicates.add(duplicates, ordering: .relaxed)
        diagnostics.skippedByName.add(skippedByName, ordering: .relaxed)
        diagnostics.members.add(members, ordering: .relaxed)
        diagnostics.bytesRead.add(bytesRead, ordering: .relaxed)
        diagnostics.bytesDecoded.add(bytesDecoded, ordering: .relaxed)
        diagnostics.lines.add(lines, ordering: .relaxed)
        diagnostics.records.add(records, ordering: .relaxed)
        diagnostics.skippedLines.add(skippedLines, ordering: .relaxed)
        diagnostics.warnings.add(warnings, ordering: .relaxed)
        diagnostics.regexLimitHits.add(regexLimitHits, ordering: .relaxed)
    }
}

/// A partial file that cannot be merged.
public struct PartialError: Error, CustomStringConvertible {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }

    public var description: String { "\(file): \(reason)" }
}

// MARK: - Encoding

extension PartialResult {
    /// The partial as JSON lines.
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        var out: [UInt8] = []
        func line(_ value: some Encodable) {
            // Encoding these plain value types cannot fail.
            out += (try? encoder.encode(value)).map { Array($0) } ?? []
            out.append(0x0A)
        }
        line(
            Header(
                credwatchPartial: Self.version,
                binding: binding,
                range: range,
                counters: counters,
                unread: unread.map { UnreadRecord(input: $0.locator, reason: $0.reason) },
                inputs: inputs,
                named: named,
                modified: modified.mapValues(\.iso8601)
            )
        )
        for entry in sightings { line(EntryRecord(s: SightingRecord(entry.sighting), n: entry.count, m: nil)) }
        for machine in machines { line(EntryRecord(s: nil, n: nil, m: MachineRecord(machine))) }
        return out
    }

    /// Reads a partial written by `encoded()`; `file` names it in errors.
    public static func decode(_ bytes: [UInt8], file: String) throws(PartialError) -> PartialResult {
        let reader = PartialReader(file: file)
        var result: PartialResult?
        var lineNumber = 0
        for line in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            guard !line.isEmpty else { continue }
            guard result != nil else {
                result = try reader.header(line)
                continue
            }
            switch try reader.entry(line, number: lineNumber) {
            case .sighting(let sighting): result!.sightings.append(sighting)
            case .machine(let machine): result!.machines.append(machine)
            }
        }
        guard var result else { throw PartialError(file: file, reason: "empty: not a partial result") }
        result.machines.sort { ($0.source, $0.folder) < ($1.source, $1.folder) }
        return result
    }
}

/// Reads the lines of one partial result: the header, then each entry on its own, so that a
/// merge streams a partial of any size through memory one line at a time.
struct PartialReader {
    /// The longest line read (a sighting's line is a few KB; the header lists the inputs).
    static let maxLineLength = 256 << 20
    let file: String
    private let decoder: JSONDecoder

    init(file: String) {
        self.file = file
        decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
    }

    /// One line after the header.
    enum Entry {
        case sighting(PartialSighting)
        case machine(MachineSighting)
    }

    /// The partial the header line describes, without entries.
    func header(_ line: some Collection<UInt8>) throws(PartialError) -> PartialResult {
        let data = Data(line)
        // The version first: another version's header need not read as this one's.
        guard let written = try? decoder.decode(Version.self, from: data) else {
            throw PartialError(file: file, reason: "not a credwatch partial result (its first line is no header)")
        }
        guard written.credwatchPartial == PartialResult.version else {
            throw PartialError(
                file: file,
                reason: "partial format version \(written.credwatchPartial); "
                    + "this credwatch reads version \(PartialResult.version)"
            )
        }
        guard let header = try? decoder.decode(Header.self, from: data) else {
            throw PartialError(file: file, reason: "its header is not a version \(PartialResult.version) header")
        }
        guard header.counters.isPlausible else {
            throw PartialError(file: file, reason: "header: a counter is negative or above \(PartialCounters.maximum)")
        }
        var modified: [String: Timestamp] = [:]
        for (path, text) in header.modified {
            guard let date = Timestamp(iso8601: text) else {
                throw PartialError(file: file, reason: "header: \(text) is not a modification time")
            }
            modified[path] = date
        }
        return PartialResult(
            binding: header.binding,
            range: header.range,
            counters: header.counters,
            unread: header.unread.map { UnreadInput(locator: $0.input, reason: $0.reason) },
            inputs: header.inputs,
            // Partials written before the names were recorded: the files they read.
            named: header.named ?? header.inputs.map(\.path),
            modified: modified,
            sightings: [],
            machines: []
        )
    }

    /// The entry on line `number`.
    func entry(_ line: some Collection<UInt8>, number: Int) throws(PartialError) -> Entry {
        do {
            let entry = try decoder.decode(EntryRecord.self, from: Data(line))
            if let s = entry.s, let n = entry.n, n > 0, n <= PartialCounters.maximum {
                return .sighting(PartialSighting(sighting: try s.sighting(), count: n))
            } else if let m = entry.m {
                return .machine(try m.machine())
            }
        } catch {}
        throw PartialError(file: file, reason: "line \(number): not a sighting or machine record")
    }

    /// Calls `body` with each non-empty line of the file at `path` and its number, reading it in
    /// chunks (memory bounded by the longest line), and returns the SHA-256 of all its bytes.
    func forEachLine(
        ofFile path: String,
        _ body: (ArraySlice<UInt8>, Int) throws(PartialError) -> Void
    ) throws(PartialError) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw PartialError(file: file, reason: "cannot read the partial result: \(SystemError.last)")
        }
        defer { close(descriptor) }
        var hasher = SHA256()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var pending: [UInt8] = []
        var lineNumber = 0
        func emit(_ line: ArraySlice<UInt8>) throws(PartialError) {
            lineNumber += 1
            if !line.isEmpty { try body(line, lineNumber) }
        }
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress!, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw PartialError(file: file, reason: "cannot read the partial result: \(SystemError.last)")
            }
            if count == 0 { break }
            let bytes = chunk[0..<count]
            hasher.update(data: bytes)
            var start = bytes.startIndex
            while let newline = bytes[start...].firstIndex(of: 0x0A) {
                if pending.isEmpty {
                    try emit(bytes[start..<newline])
                } else {
                    pending += bytes[start..<newline]
                    try emit(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                start = newline + 1
            }
            pending += bytes[start...]
            guard pending.count <= Self.maxLineLength else {
                throw PartialError(
                    file: file,
                    reason: "line \(lineNumber + 1) is longer than \(Self.maxLineLength) bytes: not a partial result"
                )
            }
        }
        try emit(pending[...])
        return Hex.encode(hasher.finalize())
    }
}

// The records below are the file's schema (keys in snake case); an absent value is left out.
private struct Version: Codable {
    var credwatchPartial: Int
}

private struct Header: Codable {
    var credwatchPartial: Int
    var binding: PartialBinding
    var range: RangeRead?
    var counters: PartialCounters
    var unread: [UnreadRecord]
    var inputs: [InputFingerprint]
    var named: [String]?
    var modified: [String: String]
}

private struct UnreadRecord: Codable {
    var input: String
    var reason: String
}

private struct EntryRecord: Codable {
    var s: SightingRecord?
    var n: Int?
    var m: MachineRecord?
}

private struct SourceRecord: Codable {
    var path: String
    var line: Int
    var offset: Int64
    var cr: Bool?
    var family: String

    init(_ source: Source) {
        path = source.path
        line = source.line
        offset = source.offset
        cr = source.lineEnding == .cr ? true : nil
        family = source.family.rawValue
    }

    func source() throws -> Source {
        guard let family = Family(rawValue: family) else { throw RecordError() }
        return Source(path: path, line: line, offset: offset, lineEnding: cr == true ? .cr : .lf, family: family)
    }
}

private struct RecordError: Error {}

private struct PlatformRecord: Codable {
    var id: String
    var name: String
    var severity: Severity
    var origin: String
    var organisation: Bool
}

private struct CookieRecord: Codable {
    var domain: String
    var path: String
    var name: String
    var expiry: Int64
    var secure: Bool
    var valueFingerprint: String
}

private struct SightingRecord: Codable {
    var kind: FindingKind
    var account: Int?
    var rule: IdentityRule?
    var platform: PlatformRecord?
    var alsoMatched: [String]?
    var url: String?
    var host: String?
    var login: String?
    var passwordFingerprint: String?
    var passwordLength: Int?
    var cookie: CookieRecord?
    var source: SourceRecord
    var ambiguous: Bool?
    var passwordCurrent: Bool?
    var passwordLastChange: String?

    init(_ sighting: Sighting) {
        kind = sighting.kind
        account = sighting.account
        rule = sighting.rule
        platform = sighting.platform.map {
            PlatformRecord(
                id: $0.id,
                name: $0.name,
                severity: $0.severity,
                origin: $0.origin,
                organisation: $0.isOrganisation
            )
        }
        alsoMatched = sighting.alsoMatched.isEmpty ? nil : sighting.alsoMatched
        url = sighting.url
        host = sighting.host
        login = sighting.login
        // Never the cleartext: a partial is written only when passwords are not revealed, and
        // even then only the fingerprint and the length are written.
        passwordFingerprint = sighting.password?.fingerprint
        passwordLength = sighting.password?.length
        cookie = sighting.cookie.map {
            CookieRecord(
                domain: $0.domain,
                path: $0.path,
                name: $0.name,
                expiry: $0.expiry,
                secure: $0.isSecure,
                valueFingerprint: $0.valueFingerprint
            )
        }
        source = SourceRecord(sighting.source)
        ambiguous = sighting.isAmbiguous ? true : nil
        passwordCurrent = sighting.isPasswordCurrent
        passwordLastChange = sighting.passwordLastChange?.iso8601
    }

    func sighting() throws -> Sighting {
        var sighting = Sighting(
            kind: kind,
            account: account,
            rule: rule,
            platform: platform.map {
                Platform(
                    id: $0.id,
                    name: $0.name,
                    severity: $0.severity,
                    origin: $0.origin,
                    isOrganisation: $0.organisation
                )
            },
            alsoMatched: alsoMatched ?? [],
            url: url,
            host: host,
            login: login,
            password: passwordFingerprint.map { PasswordEvidence(fingerprint: $0, length: passwordLength ?? 0) },
            cookie: cookie.map {
                CookieEvidence(
                    domain: $0.domain,
                    path: $0.path,
                    name: $0.name,
                    expiry: $0.expiry,
                    isSecure: $0.secure,
                    valueFingerprint: $0.valueFingerprint
                )
            },
            source: try source.source(),
            isAmbiguous: ambiguous ?? false
        )
        sighting.isPasswordCurrent = passwordCurrent
        sighting.passwordLastChange = passwordLastChange.flatMap(Timestamp.init(iso8601:))
        return sighting
    }
}

private struct MachineRecord: Codable {
    var folder: String
    var source: SourceRecord
    var organisationMachine: Bool
    var evidence: [String]
    var account: Int?
    var hostname: String?
    var user: String?
    var domain: String?
    var ip: String?
    var country: String?
    var hwid: String?
    var os: String?
    var logDateRaw: String?
    var logDate: String?
    var build: String?
    var family: String?

    init(_ machine: MachineSighting) {
        folder = machine.folder
        source = SourceRecord(machine.source)
        organisationMachine = machine.isOrganisationMachine
        evidence = machine.evidence
        account = machine.account
        let info = machine.info
        hostname = info.hostname
        user = info.user
        domain = info.domain
        ip = info.ip
        country = info.country
        hwid = info.hwid
        os = info.os
        logDateRaw = info.logDateRaw
        logDate = info.logDate?.iso8601
        build = info.build
        family = info.family?.rawValue
    }

    func machine() throws -> MachineSighting {
        var info = VictimInfo()
        info.hostname = hostname
        info.user = user
        info.domain = domain
        info.ip = ip
        info.country = country
        info.hwid = hwid
        info.os = os
        info.logDateRaw = logDateRaw
        info.logDate = logDate.flatMap(Timestamp.init(iso8601:))
        info.build = build
        if let family {
            guard let known = Family(rawValue: family) else { throw RecordError() }
            info.family = known
        }
        return MachineSighting(
            folder: folder,
            info: info,
            source: try source.source(),
            isOrganisationMachine: organisationMachine,
            evidence: evidence,
            account: account
        )
    }
}
