import Foundation
import Synchronization

/// How a scan runs: what to read, with which bounds, on how many threads.
public struct ScanConfiguration: Sendable {
    /// Files, directories or `-`; empty means stdin.
    public var inputs: [InputPath]
    public var limits: ScanLimits
    /// Parse+match worker threads.
    public var threads: Int
    /// Reader/decompressor threads (several inputs are read in parallel).
    public var readers: Int
    /// Size of the text chunks handed from readers to workers.
    public var chunkSize: Int
    /// Chunks that may wait between readers and workers (with `chunkSize`, the memory bound).
    public var queueDepth: Int
    /// The library that inflates deflate data (the CLI's `CREDWATCH_INFLATE`).
    public var inflateBackend = InflateBackend.fastest
    /// Archive passwords, the 7-Zip tool and the spool folder (the CLI's `--archive-password`).
    public var archives = ArchiveOptions()
    /// With `--skip-seen-inputs`: whether a file with this fingerprint was read completely by an
    /// earlier run. When set, every file is fingerprinted from its open descriptor before it is
    /// read, skipped when seen, and its fingerprint kept only if the file read completely and
    /// was still the same at the end.
    public var seenInput: (@Sendable (InputFingerprint) -> Bool)?
    /// `--range`: the one input is read from this byte range only.
    public var range: InputRange?
    /// `--stdin-name`: what standard input is named.
    public var standardInputName: StandardInputName?
    /// `--shard`: only the files of this shard are read.
    public var shard: InputShard?
    /// `--emit partial`: the sightings are kept for a partial result (`ScanResult.partial`)
    /// instead of being merged into findings.
    public var collectsPartial = false

    /// The worker counts `--threads` accepts: 1 to 8 per core, never above 256 (each worker
    /// holds parsers, match data and caches; more than that only costs memory).
    public static var threadRange: ClosedRange<Int> {
        threadRange(cores: ProcessInfo.processInfo.activeProcessorCount)
    }

    public static func threadRange(cores: Int) -> ClosedRange<Int> {
        1...min(maxThreads, max(1, min(cores, maxThreads)) * 8)
    }

    /// The most workers a scan runs, whatever the cores.
    public static let maxThreads = 256

    public init(
        inputs: [InputPath],
        limits: ScanLimits = ScanLimits(),
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        readers: Int? = nil,
        chunkSize: Int = 4 << 20,
        queueDepth: Int? = nil,
        seenInput: (@Sendable (InputFingerprint) -> Bool)? = nil
    ) {
        self.inputs = inputs
        self.limits = limits
        // Never more than 256 workers, whatever the caller asks: each costs memory up front.
        self.threads = min(max(1, threads), Self.maxThreads)
        self.readers = max(1, readers ?? min(self.threads, 4))
        self.chunkSize = chunkSize
        self.queueDepth = queueDepth ?? (2 * self.threads + 2)
        self.seenInput = seenInput
    }
}

/// A snapshot for the live progress line.
public struct ScanProgress: Sendable {
    public var bytesRead: Int
    /// Total size of the inputs when every one is a file (nil with stdin).
    public var bytesTotal: Int?
    public var findings: Int
    public var elapsed: Double
}

/// What a scan produced.
public struct ScanResult: Sendable {
    /// In report order, each built when read.
    public var findings: FindingReport
    /// With `seenInput`: fingerprints of the files read to their end, unchanged meanwhile.
    public var completedInputs: [InputFingerprint]
    /// With `seenInput`: fingerprints of the files skipped as read by an earlier run.
    public var skippedInputs: [InputFingerprint]
    public var elapsed: Double
    /// With `collectsPartial`: the sightings, reduced, and the victim machines.
    public var partial: (sightings: [PartialSighting], machines: [MachineSighting])?
    /// The inputs' modification times by source path, when they come from elsewhere (a merge's
    /// partials); nil: read from the disk.
    public var inputDates: [String: Timestamp]?

    public init(
        findings: FindingReport,
        completedInputs: [InputFingerprint],
        skippedInputs: [InputFingerprint],
        elapsed: Double,
        partial: (sightings: [PartialSighting], machines: [MachineSighting])? = nil
    ) {
        self.findings = findings
        self.completedInputs = completedInputs
        self.skippedInputs = skippedInputs
        self.elapsed = elapsed
        self.partial = partial
    }

    public init(
        findings: [Finding],
        completedInputs: [InputFingerprint],
        skippedInputs: [InputFingerprint],
        elapsed: Double,
        partial: (sightings: [PartialSighting], machines: [MachineSighting])? = nil
    ) {
        self.init(
            findings: FindingReport(findings),
            completedInputs: completedInputs,
            skippedInputs: skippedInputs,
            elapsed: elapsed,
            partial: partial
        )
    }
}

/// Connects the stages: input walker → reader/decompressor threads → bounded chunk queue →
/// parse+match worker threads → one collector that merges sightings into findings.
public final class ScanPipeline: Sendable {
    private let configuration: ScanConfiguration
    private let context: MatchContext
    private let diagnostics: Diagnostics

    public init(configuration: ScanConfiguration, context: MatchContext, diagnostics: Diagnostics) {
        self.configuration = configuration
        self.context = context
        self.diagnostics = diagnostics
    }

    /// Runs the scan to its end. `progress`, when given, is called about twice a second from
    /// the calling thread while the scan runs.
    public func run(progress: ((ScanProgress) -> Void)? = nil) -> ScanResult {
        let run = ScanRun(configuration: configuration, tracksInputSizes: progress != nil)
        let walker = startWalker(run)
        let readers = startReaders(run)
        let workers = startWorkers(run)
        let collector = startCollector(run)
        // Stage shutdown in order: each stage closes the queue it feeds once it has finished.
        let shutdown = startThreads(count: 1, name: "shutdown") { _ in
            walker.wait()
            readers.wait()
            run.chunks.close()
            workers.wait()
            run.results.close()
        }
        while !collector.wait(seconds: 0.5) {
            progress?(run.progress(bytesRead: diagnostics.bytesRead.load(ordering: .relaxed)))
        }
        shutdown.wait()
        warnOfRegexLimitHits()
        return run.result()
    }

    /// Walker: expands directories lazily, so a tree of millions of files never sits in memory.
    private func startWalker(_ run: ScanRun) -> ThreadGroup {
        startThreads(count: 1, name: "walker") { [configuration, diagnostics] _ in
            let arguments = configuration.inputs.isEmpty ? [InputPath("-")] : configuration.inputs
            InputWalker(diagnostics: diagnostics, shard: configuration.shard).walk(arguments) { source in
                run.countSize(of: source)
                run.sources.push(source)
            }
            run.sources.close()
        }
    }

    /// Readers: decompress and cut inputs into chunks of whole lines, several inputs at a time.
    private func startReaders(_ run: ScanRun) -> ThreadGroup {
        var decodeOptions = DecodeOptions(
            limits: configuration.limits,
            chunkSize: configuration.chunkSize,
            inflateBackend: configuration.inflateBackend,
            archives: configuration.archives,
            classify: { DocumentClassifier.role(forLocator: $0) }
        )
        decodeOptions.range = configuration.range
        decodeOptions.standardInputName = configuration.standardInputName
        return startThreads(count: configuration.readers, name: "reader") { [self, decodeOptions] _ in
            let batcher = ChunkBatcher(queue: run.chunks, batchSize: configuration.chunkSize)
            let reader = ContainerReader(options: decodeOptions, diagnostics: diagnostics, consumer: batcher)
            defer { batcher.flush() }
            while let source = run.sources.pop() {
                guard let seenInput = configuration.seenInput else {
                    reader.read(source)
                    continue
                }
                switch source {
                case .file(let file):
                    read(file, with: reader, unlessSeen: seenInput, run)
                case .standardInput:
                    readStandardInput(with: reader, unlessSeen: seenInput, run)
                }
            }
        }
    }

    /// With `--skip-seen-inputs`: reads `file` unless an earlier run read it completely, and
    /// records it as read completely when it was.
    private func read(
        _ file: InputFile,
        with reader: ContainerReader,
        unlessSeen seenInput: (InputFingerprint) -> Bool,
        _ run: ScanRun
    ) {
        let descriptor: Int32
        do {
            descriptor = try file.open()
        } catch {
            diagnostics.error(file.locator, "cannot open: \(error)")
            return
        }
        defer { close(descriptor) }
        read(descriptor: descriptor, locator: file.locator, unlessSeen: seenInput, run) {
            reader.read(descriptor: descriptor, of: file)
        }
    }

    /// With `--skip-seen-inputs` or `--emit partial`: standard input named as the file it
    /// carries (`--stdin-name`, as the Spark driver hands each file over) is that file when it
    /// is one (not a pipe), fingerprinted and skipped like it; else it is read as a stream.
    private func readStandardInput(
        with reader: ContainerReader,
        unlessSeen seenInput: (InputFingerprint) -> Bool,
        _ run: ScanRun
    ) {
        guard let name = configuration.standardInputName else {
            reader.read(.standardInput)
            return
        }
        read(descriptor: STDIN_FILENO, locator: name.locator, unlessSeen: seenInput, run) {
            reader.read(.standardInput)
        }
    }

    /// Reads the input open as `descriptor` (`read`) unless an earlier run read it completely,
    /// and records it as read completely when it was.
    private func read(
        descriptor: Int32,
        locator: String,
        unlessSeen seenInput: (InputFingerprint) -> Bool,
        _ run: ScanRun,
        read: () -> Void
    ) {
        // Fingerprinted from what is read, not from the path: a file replaced or appended
        // to meanwhile is never recorded with content that was not read.
        let fingerprint = InputFingerprint.of(descriptor: descriptor, locator: locator)
        if let fingerprint, seenInput(fingerprint) {
            diagnostics.note("skipped (already scanned): \(locator)")
            run.skipped.withLock { $0.append(fingerprint) }
            return
        }
        let errorsBefore = diagnostics.errors.load(ordering: .relaxed)
        read()
        // Only an input read without any error counts as scanned for later runs. An error
        // of another reader in the meantime errs on the safe side: the input is read again.
        guard let fingerprint, diagnostics.errors.load(ordering: .relaxed) == errorsBefore else { return }
        if fingerprint.stillDescribes(descriptor) {
            run.completed.withLock { $0.append(fingerprint) }
        } else {
            diagnostics.error(locator, "changed while it was read: not recorded as scanned")
        }
    }

    /// Workers: parse and match chunks, each with its own parser and match worker.
    private func startWorkers(_ run: ScanRun) -> ThreadGroup {
        startThreads(count: configuration.threads, name: "worker") { [context, diagnostics] _ in
            var parser = DocumentParser()
            let handOver: (inout MatchWorker) -> Void = { worker in
                let output = WorkerOutput(sightings: worker.takeSightings(), machines: worker.takeMachines())
                if !output.isEmpty {
                    run.findingCount.add(output.sightings.count, ordering: .relaxed)
                    run.results.push(output)
                }
            }
            var sink = CountingSink(worker: MatchWorker(context: context), handOver: handOver)
            while let batch = run.chunks.pop() {
                for chunk in batch {
                    sink.worker.begin(chunk.document, lineEnding: chunk.lineEnding)
                    parser.parse(chunk, into: &sink)
                }
                handOver(&sink.worker)
                diagnostics.records.add(sink.takeRecords(), ordering: .relaxed)
                diagnostics.skippedLines.add(sink.takeSkipped(), ordering: .relaxed)
            }
            diagnostics.regexLimitHits.add(sink.worker.regexLimitHits, ordering: .relaxed)
        }
    }

    /// Collector: merges every worker's sightings into findings, or (`--emit partial`) keeps
    /// them reduced for a partial result.
    private func startCollector(_ run: ScanRun) -> ThreadGroup {
        startThreads(count: 1, name: "collector") { [context, configuration] _ in
            if configuration.collectsPartial {
                var collector = PartialCollector(accounts: context.accounts.accounts)
                while let output = run.results.pop() {
                    for sighting in output.sightings { collector.add(sighting) }
                    for machine in output.machines { collector.add(machine) }
                }
                let reduced = (collector.entries, collector.machines)
                run.partial.withLock { $0 = reduced }
                return
            }
            var aggregator = FindingAggregator(accounts: context.accounts.accounts)
            while let output = run.results.pop() {
                for sighting in output.sightings { aggregator.add(sighting) }
                for machine in output.machines { aggregator.add(machine) }
            }
            // The workers are done: the report is built on as many threads.
            let findings = aggregator.report(threads: configuration.threads)
            run.findings.withLock { $0 = findings }
        }
    }

    /// A URL given up on may have been a platform's: say so, the scan is not complete.
    private func warnOfRegexLimitHits() {
        let regexLimitHits = diagnostics.regexLimitHits.load(ordering: .relaxed)
        guard regexLimitHits > 0 else { return }
        diagnostics.warning(
            "patterns",
            "\(regexLimitHits) regex match\(regexLimitHits == 1 ? " was" : "es were") given up at PCRE2's "
                + "match limit and counted as no match: a regex of the packs or the profile backtracks "
                + "too much (nested quantifiers?)"
        )
    }
}

/// One run's queues between the stages and its bookkeeping: the inputs' total size (for the
/// progress line), the inputs read completely or skipped as seen, the sightings so far, the
/// findings.
private final class ScanRun: Sendable {
    let sources = BoundedQueue<InputSource>(capacity: 64)
    let chunks: BoundedQueue<[TextChunk]>
    let results: BoundedQueue<WorkerOutput>
    let completed = Mutex<[InputFingerprint]>([])
    let skipped = Mutex<[InputFingerprint]>([])
    let findingCount = Atomic<Int>(0)
    let findings = Mutex<FindingReport>(FindingReport([]))
    /// With `collectsPartial`: the sightings, reduced, and the victim machines.
    let partial = Mutex<(sightings: [PartialSighting], machines: [MachineSighting])?>(nil)
    private let start = Date()
    private let bytesTotal = Mutex<Int?>(0)
    private let tracksInputSizes: Bool

    init(configuration: ScanConfiguration, tracksInputSizes: Bool) {
        chunks = BoundedQueue(capacity: configuration.queueDepth)
        results = BoundedQueue(capacity: 4 * configuration.threads)
        self.tracksInputSizes = tracksInputSizes
    }

    /// Adds a file's size to the total shown by the progress line (unknown once stdin is read).
    /// Only with a progress line: one `stat` per file is not free in a tree of tens of thousands.
    func countSize(of source: InputSource) {
        guard tracksInputSizes else { return }
        bytesTotal.withLock { total in
            switch source {
            case .standardInput: total = nil
            case .file(let file):
                if let size = total { total = size + Int(file.status()?.st_size ?? 0) }
            }
        }
    }

    func progress(bytesRead: Int) -> ScanProgress {
        ScanProgress(
            bytesRead: bytesRead,
            bytesTotal: bytesTotal.withLock { $0 },
            findings: findingCount.load(ordering: .relaxed),
            elapsed: Date().timeIntervalSince(start)
        )
    }

    func result() -> ScanResult {
        ScanResult(
            findings: findings.withLock { $0 },
            completedInputs: completed.withLock { $0 },
            skippedInputs: skipped.withLock { $0 },
            elapsed: Date().timeIntervalSince(start),
            partial: partial.withLock { $0 }
        )
    }
}

/// What one worker hands the collector after a chunk.
private struct WorkerOutput: Sendable {
    var sightings: [Sighting]
    var machines: [MachineSighting]
    var isEmpty: Bool { sightings.isEmpty && machines.isEmpty }
}

/// Hands one reader thread's chunks to the workers in batches of about `batchSize` bytes,
/// blocking while they are busy (backpressure). A stealer tree is tens of thousands of small
/// documents: handed over one by one, the hand-overs cost more than reading them.
private final class ChunkBatcher: ChunkConsumer, @unchecked Sendable {
    // @unchecked: each reader thread has its own.
    private let queue: BoundedQueue<[TextChunk]>
    private let batchSize: Int
    private var batch: [TextChunk] = []
    private var bytes = 0

    init(queue: BoundedQueue<[TextChunk]>, batchSize: Int) {
        self.queue = queue
        self.batchSize = batchSize
    }

    func accept(_ chunk: TextChunk) {
        // A batch never holds more than `batchSize` bytes but for a single larger chunk, so the
        // queue's bound on memory holds.
        if bytes + chunk.text.count > batchSize { flush() }
        batch.append(chunk)
        bytes += chunk.text.count
        if bytes >= batchSize { flush() }
    }

    /// Hands over what is gathered; the reader thread calls it when it has no more inputs.
    func flush() {
        guard !batch.isEmpty else { return }
        queue.push(batch)
        batch = []
        bytes = 0
    }
}

/// Forwards records to the match worker and counts them for the summary.
private struct CountingSink: RecordSink {
    var worker: MatchWorker
    private var records = 0
    private var skipped = 0
    /// Hands the worker's sightings to the collector.
    private let handOver: (inout MatchWorker) -> Void

    /// Sightings a worker holds at most before handing them over: a batch of a dump full of the
    /// organisation is tens of thousands of sightings, and the results queue holds several
    /// batches (hundreds of MB) when the collector is the slower stage.
    static let maxPendingSightings = 2048

    init(worker: MatchWorker, handOver: @escaping (inout MatchWorker) -> Void) {
        self.worker = worker
        self.handOver = handOver
    }

    mutating func credential(_ record: RawCredential) {
        records &+= 1
        worker.credential(record)
        if worker.pendingSightings >= Self.maxPendingSightings { handOver(&worker) }
    }

    mutating func cookie(_ record: RawCookie) {
        records &+= 1
        worker.cookie(record)
        if worker.pendingSightings >= Self.maxPendingSightings { handOver(&worker) }
    }

    mutating func machine(_ info: VictimInfo, line: Int, offset: Int64) {
        records &+= 1
        worker.machine(info, line: line, offset: offset)
    }

    mutating func skippedLines(_ count: Int) { skipped &+= count }

    var filtersCandidates: Bool { worker.filtersCandidates }

    mutating func isCandidate(_ line: PlainComboLine) -> Bool { worker.isCandidate(line) }

    mutating func recordsTurnedAway(_ count: Int) { records &+= count }

    mutating func takeRecords() -> Int {
        defer { records = 0 }
        return records
    }

    mutating func takeSkipped() -> Int {
        defer { skipped = 0 }
        return skipped
    }
}
