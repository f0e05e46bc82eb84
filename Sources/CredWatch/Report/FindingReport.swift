/// Findings in report order (`Finding.reportOrder`), each built when it is read: what the
/// renderers, the reset list, the summary and the state walk through.
///
/// A scan's report reads the aggregator's compact records (`ExposureStore`), so that a report
/// of a million findings never holds a million `Finding` values; findings given as an array
/// (tests, merges, other producers) are put in order by index.
///
/// The state's first-seen dates, and `--new-only`, are applied on read (`markingFirstSeen`).
public struct FindingReport: RandomAccessCollection, Sendable {
    enum Storage: Sendable {
        case findings([Finding])
        case store(ExposureStore.Report)
    }

    let storage: Storage
    /// Positions in `storage`, in report order.
    let order: [Int]
    private var firstSeen: FirstSeen?
    private var identity: Identity?
    /// Secrets seen in source paths, redacted from every path on read (`PathSecrets`).
    private var pathRedaction: PathRedaction?

    /// Each finding's id, and the modification time of the input of one without a log date
    /// (`ScanSession.identify`), by source path.
    struct Identity: Sendable {
        var fingerprinter: PasswordFingerprinter
        var modified: [String: Timestamp]
    }

    /// The dates the state knows, and the date of the exposures it does not.
    struct FirstSeen: Sendable {
        var known: [String: String]
        var stamp: String
    }

    /// `findings` in report order.
    public init(_ findings: [Finding]) {
        storage = .findings(findings)
        order = Finding.reportOrderIndices(findings)
    }

    init(store report: ExposureStore.Report) {
        storage = .store(report)
        order = report.reportOrder()
    }

    private init(
        storage: Storage,
        order: [Int],
        firstSeen: FirstSeen?,
        identity: Identity?,
        pathRedaction: PathRedaction?
    ) {
        self.storage = storage
        self.order = order
        self.firstSeen = firstSeen
        self.identity = identity
        self.pathRedaction = pathRedaction
    }

    public var startIndex: Int { 0 }
    public var endIndex: Int { order.count }

    public subscript(position: Int) -> Finding {
        var finding = stored(order[position])
        if let pathRedaction { finding.redactPaths(pathRedaction) }
        if let firstSeen { finding.firstSeen = firstSeen.known[finding.exposureKey] ?? firstSeen.stamp }
        if let identity {
            finding.id = identity.fingerprinter.exposureID(finding.exposureKey)
            if finding.firstLogDate == nil {
                finding.inputModified = finding.sources.compactMap { identity.modified[$0.path] }.min()
            }
        }
        return finding
    }

    /// The kind and severity of the finding at `position`, without building it.
    public func kindAndSeverity(at position: Int) -> (FindingKind, Severity) {
        switch storage {
        case .findings(let findings):
            let finding = findings[order[position]]
            return (finding.kind, finding.severity)
        case .store(let report):
            return report.kindAndSeverity(at: order[position])
        }
    }

    /// Calls `body` with the kind and severity of each finding, in report order, without
    /// building any (the storage is looked at once, not once per finding).
    public func forEachKindAndSeverity(_ body: (FindingKind, Severity) -> Void) {
        switch storage {
        case .findings(let findings):
            for index in order { body(findings[index].kind, findings[index].severity) }
        case .store(let report):
            for index in order {
                let (kind, severity) = report.kindAndSeverity(at: index)
                body(kind, severity)
            }
        }
    }

    /// The exposure keys, in report order (built from the records, without whole findings).
    public var exposureKeys: [String] {
        order.map(exposureKey)
    }

    /// The same findings, each marked with the date the state first saw it (`known`, by
    /// exposure key) or `stamp` when it is new; with `newOnly`, only the new ones.
    public func markingFirstSeen(known: [String: String], stamp: String, newOnly: Bool) -> FindingReport {
        let kept = newOnly ? order.filter { known[exposureKey($0)] == nil } : order
        return FindingReport(
            storage: storage,
            order: kept,
            firstSeen: FirstSeen(known: known, stamp: stamp),
            identity: identity,
            pathRedaction: pathRedaction
        )
    }

    /// The same findings, each with its id and (without a log date) its input's modification
    /// time: from `dates` (by source path) when given, else read from the disk once per path.
    func identifying(fingerprinter: PasswordFingerprinter, dates given: [String: Timestamp]? = nil) -> FindingReport {
        var dates = InputDates()
        var modified: [String: Timestamp] = [:]
        func note(_ path: String) {
            if modified[path] == nil, let date = given.map({ $0[path] }) ?? dates.modified(path) {
                modified[path] = date
            }
        }
        let paths: [String]
        switch storage {
        case .findings(let findings):
            paths = findings.filter { $0.firstLogDate == nil }.flatMap { $0.sources.map(\.path) }
        case .store(let report):
            paths = report.store.paths.values.map(\.text) + report.machineFindings.flatMap { $0.sources.map(\.path) }
        }
        for path in paths { note(path) }
        return FindingReport(
            storage: storage,
            order: order,
            firstSeen: firstSeen,
            identity: Identity(fingerprinter: fingerprinter, modified: modified),
            pathRedaction: pathRedaction
        )
    }

    /// The same findings with `redaction` applied to every path, and to the exposure keys and
    /// machine identities made of one (a folder), on read. After `identifying`, which reads
    /// the inputs' dates by their real paths.
    func redactingPaths(_ redaction: PathRedaction?) -> FindingReport {
        FindingReport(
            storage: storage,
            order: order,
            firstSeen: firstSeen,
            identity: identity,
            pathRedaction: redaction
        )
    }

    private func stored(_ index: Int) -> Finding {
        switch storage {
        case .findings(let findings): findings[index]
        case .store(let report): report.finding(at: index)
        }
    }

    private func exposureKey(_ index: Int) -> String {
        let key =
            switch storage {
            case .findings(let findings): findings[index].exposureKey
            case .store(let report): report.exposureKey(at: index)
            }
        return pathRedaction.map { $0(key) } ?? key
    }
}
