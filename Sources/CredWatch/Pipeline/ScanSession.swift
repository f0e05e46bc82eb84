import Foundation

/// One run of a scan, start to finish, with its bookkeeping in one place: the scan itself,
/// what the state of earlier runs already knew (`--new-only`, `--skip-seen-inputs`), the
/// delivery of every output, and the state's commit — only after the delivery.
///
/// The guarantee is "at least once": an exposure is marked as seen only once every output of
/// the run holds it. A run that fails to deliver, is interrupted or is killed leaves the state
/// as it was, and the next run reports again what this one found.
public final class ScanSession {
    /// What the run does with its state.
    public struct Policy: Sendable {
        /// Report only exposures the state has not seen.
        public var newOnly = false
        /// Skip files the state has seen read completely (same path, size, mtime and digest).
        public var skipSeenInputs = false

        public init(newOnly: Bool = false, skipSeenInputs: Bool = false) {
            self.newOnly = newOnly
            self.skipSeenInputs = skipSeenInputs
        }
    }

    /// Where the findings come from: a scan's pipeline, or a merge of partial results.
    private let produce: (((ScanProgress) -> Void)?) -> ScanResult
    /// Gives findings their `id` (under the run's key).
    private let fingerprinter: PasswordFingerprinter
    /// Secrets the scan saw in source paths: redacted from every path it reports.
    private let pathSecrets: PathSecrets
    private let diagnostics: Diagnostics
    private let store: StateStore?
    private let policy: Policy

    public init(
        configuration: ScanConfiguration,
        context: MatchContext,
        diagnostics: Diagnostics,
        store: StateStore?,
        policy: Policy = Policy()
    ) {
        var configuration = configuration
        if policy.skipSeenInputs, let store {
            configuration.seenInput = { store.hasSeenInput($0) }
        } else if configuration.collectsPartial {
            // Nothing is skipped, but the inputs read completely are fingerprinted: the partial
            // records them for the merge's `--skip-seen-inputs`.
            configuration.seenInput = { _ in false }
        }
        let pipeline = ScanPipeline(configuration: configuration, context: context, diagnostics: diagnostics)
        self.produce = { pipeline.run(progress: $0) }
        self.fingerprinter = context.fingerprinter
        self.pathSecrets = context.pathSecrets
        self.diagnostics = diagnostics
        self.store = store
        self.policy = policy
    }

    /// A run whose findings are those of merged partial results (`credwatch merge`): the state,
    /// `--new-only`, `--skip-seen-inputs` and the delivery are the same as a scan's, applied
    /// once, here. The partials are merged now (a partial that cannot be read again, or changed
    /// since it was added, is fatal before anything is delivered).
    public init(
        merging merge: PartialMerge,
        context: MatchContext,
        diagnostics: Diagnostics,
        store: StateStore?,
        policy: Policy = Policy()
    ) throws(PartialError) {
        let seenInput: ((InputFingerprint) -> Bool)? =
            if policy.skipSeenInputs, let store { { store.hasSeenInput($0) } } else { nil }
        let start = Date()
        let merged = try merge.merged(
            accounts: context.accounts.accounts,
            diagnostics: diagnostics,
            seenInput: seenInput
        )
        var result = ScanResult(
            findings: merged.findings,
            completedInputs: merged.completedInputs,
            skippedInputs: merged.skippedInputs,
            elapsed: Date().timeIntervalSince(start)
        )
        result.inputDates = merged.modified
        self.produce = { _ in result }
        self.fingerprinter = context.fingerprinter
        self.pathSecrets = context.pathSecrets
        self.diagnostics = diagnostics
        self.store = store
        self.policy = policy
    }

    /// What a scan found, ready to be reported.
    public struct Outcome: Sendable {
        /// The findings to report: with a state, each marked with the date it was first
        /// reported; with `newOnly`, only those the state had not seen. In report order.
        public var findings: FindingReport
        /// Every finding of the run (what the state records once the run is delivered).
        public var allFindings: FindingReport
        /// Inputs to remember: those read completely, and those skipped as read before (with
        /// `collectsPartial`: those read completely, for the partial).
        public var inputs: [InputFingerprint]
        public var elapsed: Double
        /// When the run reported (first-seen dates of new exposures).
        public var now: Date
        /// With `ScanConfiguration.collectsPartial`: what the partial result holds.
        public var partial: (sightings: [PartialSighting], machines: [MachineSighting])?
    }

    /// `path` with every secret seen in a path during the scan redacted: for what the CLI names
    /// of the run (the inputs as given, which may be a victim folder named after a password).
    public func redactedPath(_ path: String) -> String {
        pathSecrets.redaction.map { $0(path) } ?? path
    }

    /// Scans every input. Changes nothing in the state.
    public func scan(progress: ((ScanProgress) -> Void)? = nil) -> Outcome {
        var result = produce(progress)
        let now = Date()
        // Only now is every secret seen in a path known: a record read before the one whose
        // password names its folder has that folder in its path too.
        let redaction = pathSecrets.redaction
        result.findings = result.findings.identifying(fingerprinter: fingerprinter, dates: result.inputDates)
            .redactingPaths(redaction)
        if let redaction {
            // What the state and the partial remember of the inputs: such a file is read again
            // by `--skip-seen-inputs`, its path no longer being the one recorded.
            result.completedInputs = result.completedInputs.map { redaction($0) }
            result.skippedInputs = result.skippedInputs.map { redaction($0) }
        }
        if let redaction, let partial = result.partial {
            result.partial = (
                partial.sightings.map { entry in
                    var entry = entry
                    entry.sighting.source = redaction(entry.sighting.source)
                    return entry
                },
                partial.machines.map { machine in
                    var machine = machine
                    machine.folder = redaction(machine.folder)
                    machine.source = redaction(machine.source)
                    return machine
                }
            )
        }
        guard let store else {
            return Outcome(
                findings: result.findings,
                allFindings: result.findings,
                // A partial records the inputs it read completely, for the merge.
                inputs: result.partial == nil ? [] : result.completedInputs,
                elapsed: result.elapsed,
                now: now,
                partial: result.partial
            )
        }
        let known = store.firstSeen(result.findings.exposureKeys)
        let stamp = Timestamp(now).iso8601
        return Outcome(
            findings: result.findings.markingFirstSeen(known: known, stamp: stamp, newOnly: policy.newOnly),
            allFindings: result.findings.markingFirstSeen(known: known, stamp: stamp, newOnly: false),
            inputs: policy.skipSeenInputs ? result.completedInputs + result.skippedInputs : [],
            elapsed: result.elapsed,
            now: now,
            partial: result.partial
        )
    }

    /// Writes (and sends) every output (`Delivery`), then commits the run to the state in one transaction.
    /// On any failure the state is left as it was.
    ///
    /// `summary`, when given, receives the run summary as JSON (`RunSummary.json`): delivered
    /// with the other outputs, or, when the delivery fails, written on its own (as far as it can
    /// be) saying what failed.
    public func deliver(
        _ outcome: Outcome,
        to outputs: [RunOutput],
        sending sent: [SentOutput] = [],
        summary: OutputTarget? = nil
    ) throws(DeliveryError) {
        let report = RunSummary(diagnostics: diagnostics, findings: outcome.findings, elapsed: outcome.elapsed)
        var all = outputs
        if let summary {
            let bytes = report.json(exitStatus: exitStatus(outcome), delivery: .delivered)
            all.append(RunOutput(name: "--summary \(summary.path)", target: summary, bytes: bytes))
        }
        do {
            try Delivery.deliver(all, sending: sent) { () throws(DeliveryError) in
                guard let store else { return }
                do {
                    try store.commit(
                        exposures: outcome.allFindings.map(StateExposure.init(finding:)),
                        inputs: outcome.inputs,
                        now: outcome.now
                    )
                } catch {
                    throw DeliveryError(output: "the state \(store.path)", reason: "\(error)")
                }
            }
        } catch {
            try? summary?.write(report.json(exitStatus: 2, delivery: .failed(error.description)))
            throw error
        }
    }

    /// 1 with findings; else 3 when some input could not be read completely; else 0.
    public func exitStatus(_ outcome: Outcome) -> Int32 {
        if !outcome.findings.isEmpty { return 1 }
        return diagnostics.errors.load(ordering: .relaxed) > 0 ? 3 : 0
    }
}

extension StateExposure {
    /// What the state keeps of a finding: identifiers and locators, never a secret.
    public init(finding: Finding) {
        let identities = finding.directoryAccount.map { account in
            [account.sam, account.upn, account.mail].compactMap { $0 } + account.aliases
        }
        self.init(
            key: finding.exposureKey,
            account: finding.account ?? finding.login ?? "",
            platform: finding.platform ?? "",
            fingerprint: finding.passwordFingerprint ?? finding.cookie?.valueFingerprint ?? "",
            sources: finding.sources.map { "\($0.path):\($0.line)" },
            kind: finding.kind.rawValue,
            identities: identities ?? []
        )
    }
}
