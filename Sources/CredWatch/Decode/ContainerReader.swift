#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads inputs as streams — plain text, gzip, zlib, zip and tar, nested in any order — and
/// hands their text documents to a `ChunkConsumer`. Nothing is extracted to disk and no input
/// is held whole in memory: each input is read through a few fixed 1 MiB buffers.
///
/// Faults never stop a run: each is reported to `Diagnostics` with the locator of what failed,
/// everything read before it is still delivered, and the other members and inputs go on.
public final class ContainerReader: Sendable {
    private let options: DecodeOptions
    private let diagnostics: Diagnostics
    private let consumer: any ChunkConsumer

    public init(options: DecodeOptions, diagnostics: Diagnostics, consumer: any ChunkConsumer) {
        self.options = options
        self.diagnostics = diagnostics
        self.consumer = consumer
    }

    /// Reads one source to its end. Never throws; safe to call from several threads at once on
    /// different sources.
    public func read(_ source: InputSource) {
        let session = DecodeSession(options: options, diagnostics: diagnostics, consumer: consumer)
        switch source {
        case .standardInput:
            session.read(descriptor: STDIN_FILENO, ownsDescriptor: false, name: StreamName(standardInput: ()))
        case .file(let file):
            do {
                session.read(descriptor: try file.open(), ownsDescriptor: true, name: StreamName(file))
            } catch {
                diagnostics.error(file.locator, "cannot open: \(error)")
            }
        }
    }

    /// Reads `file`, opened as `descriptor`, to its end; the descriptor stays open (the caller
    /// closes it).
    public func read(descriptor: Int32, of file: InputFile) {
        let session = DecodeSession(options: options, diagnostics: diagnostics, consumer: consumer)
        session.read(descriptor: descriptor, ownsDescriptor: false, name: StreamName(file))
    }

    /// Reads a stream that cannot seek, the way a pipe on standard input is read.
    func read(stream: any ByteStream, locator: String) {
        let session = DecodeSession(options: options, diagnostics: diagnostics, consumer: consumer)
        session.read(stream: stream, locator: locator)
    }
}

/// How a stream is named: its locator in findings and messages, and the name its role is
/// judged from.
struct StreamName {
    var locator: String
    /// The path inside the dump (never the folders above what was named on the command line),
    /// with `!` only between archive and member: what the document's role is judged from.
    var classification: String
    /// The stream of a file named on the command line (or standard input): read whatever its
    /// name says, never skipped as a stealer's browser history or screenshot.
    var isNamedInput = false

    /// A stream whose locator is also its name inside the dump (tests, nested streams).
    init(_ locator: String) {
        self.locator = locator
        self.classification = locator
    }

    private init(locator: String, classification: String, isNamedInput: Bool) {
        self.locator = locator
        self.classification = classification
        self.isNamedInput = isNamedInput
    }

    /// A file to read: named by its locator, judged by its path inside the dump. A `!` in a
    /// file name is not an archive's.
    init(_ file: InputFile) {
        self.init(
            locator: file.locator,
            classification: file.insideName.replacingAll("!", with: "_"),
            isNamedInput: file.isNamedInput
        )
    }

    init(standardInput: Void) {
        self.init(
            locator: InputSource.standardInputLocator,
            classification: InputSource.standardInputLocator,
            isNamedInput: true
        )
    }

    /// An archive member: `a.zip!dir/file.txt`.
    func member(_ memberName: String) -> StreamName {
        let normalized = Locator.normalizedMemberName(memberName)
        return StreamName(
            locator: Locator.member(memberName, of: locator),
            classification: classification + "!" + normalized.replacingAll("!", with: "_"),
            isNamedInput: false
        )
    }

    /// The content of a gzip or zlib layer: named like the compressed file (it has no members),
    /// classified by the name without its compression suffix (`x.txt.gz` → `x.txt`,
    /// `x.tgz` → `x.tar`).
    var decompressed: StreamName {
        let lowered = classification.lowercased()
        for (suffix, replacement) in StreamName.compressionSuffixes where lowered.hasSuffix(suffix) {
            let stem = classification.utf8.dropLast(suffix.utf8.count)
            return StreamName(
                locator: locator,
                classification: String(decoding: stem, as: UTF8.self) + replacement,
                isNamedInput: isNamedInput
            )
        }
        return self
    }

    private static let compressionSuffixes: [(String, String)] = [
        (".tgz", ".tar"), (".gzip", ""), (".gz", ""), (".zlib", ""), (".zz", ""),
    ]
}

/// The state of reading one input: its buffers, its expansion guard and its text decoder.
/// Used by one thread only.
final class DecodeSession {
    let options: DecodeOptions
    let diagnostics: Diagnostics
    let pool = BufferPool()
    let expansion = ExpansionGuard()
    private let decoder: DocumentDecoder

    init(options: DecodeOptions, diagnostics: Diagnostics, consumer: any ChunkConsumer) {
        self.options = options
        self.diagnostics = diagnostics
        self.decoder = DocumentDecoder(options: options, diagnostics: diagnostics, consumer: consumer)
    }

    var limits: ScanLimits { options.limits }

    /// The decompressed content of `upstream`, with this session's backend, limits and
    /// expansion guard.
    func inflate(_ upstream: ByteReader, _ wrapper: DeflateWrapper, locator: String) throws(DecodeFault)
        -> InflateStream
    {
        try InflateStream(
            upstream: upstream,
            wrapper: wrapper,
            backend: options.inflateBackend,
            locator: locator,
            limits: limits,
            expansion: expansion
        )
    }

    /// Reads an open descriptor: a regular file through `pread` (so a zip is read through its
    /// central directory), anything else as a forward-only stream.
    func read(descriptor: Int32, ownsDescriptor: Bool, locator: String) {
        read(descriptor: descriptor, ownsDescriptor: ownsDescriptor, name: StreamName(locator))
    }

    /// Reads an open descriptor as the stream `name`.
    func read(descriptor: Int32, ownsDescriptor: Bool, name: StreamName) {
        let locator = name.locator
        let file = OpenFile(
            descriptor: descriptor,
            locator: locator,
            ownsDescriptor: ownsDescriptor,
            diagnostics: diagnostics,
            expansion: expansion
        )
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            process(ByteReader(SequentialFileStream(file), pool: pool), name, depth: 0)
            return
        }
        // Standard input redirected from a file may have been read partly already.
        let offset = ownsDescriptor ? 0 : max(0, Int64(lseek(descriptor, 0, SEEK_CUR)))
        let window = FileWindow(file: file, start: offset, length: Int64(info.st_size) - offset)
        if offset == 0 && info.st_size <= options.preloadLimit {
            file.preload(size: Int(info.st_size))
        } else {
            _ = posix_fadvise(descriptor, off_t(offset), 0, POSIX_FADV_SEQUENTIAL)
        }
        let reader = ByteReader(WindowStream(window, locator: locator), pool: pool)
        process(reader, name, depth: 0, seekable: window, sizeHint: window.length)
    }

    /// Reads a forward-only stream.
    func read(stream: any ByteStream, locator: String) {
        process(ByteReader(stream, pool: pool), StreamName(locator), depth: 0)
    }

    /// Reads one stream — an input, a decompressed layer or an archive member — according to
    /// what its first bytes say it is. Never throws: a fault is reported here, by the innermost
    /// stream that meets it; containers see it as their reader's `failure` and stop quietly.
    ///
    /// `depth` counts the containers (archives and compression layers) around the stream;
    /// `seekable` is the stream's window in a file when it can be read at random. Returns false
    /// when the stream was left unread past some point on purpose (a document that turned into
    /// a run of NUL bytes; reported): its container need not read the rest either.
    @discardableResult
    func process(
        _ reader: ByteReader,
        _ name: StreamName,
        depth: Int,
        seekable: FileWindow? = nil,
        sizeHint: Int64? = nil
    ) -> Bool {
        do throws(DecodeFault) {
            let head = try reader.sample(ContainerFormat.sniffLength)
            if head.isEmpty { return true }
            let format = ContainerFormat.detect(head)
            // What is skipped here is content not read: an error (the input is incomplete).
            if format.isContainer && depth >= limits.maxNestingDepth {
                diagnostics.error(
                    name.locator,
                    "\(format.name) nested more than \(limits.maxNestingDepth) containers deep: not read"
                )
                return true
            }
            switch format {
            case .gzip:
                try readCompressed(reader, wrapper: .gzip, name, depth: depth)
            case .zlib:
                try readCompressed(reader, wrapper: .zlib, name, depth: depth)
            case .zip:
                if let seekable {
                    try readZip(seekable, name, depth: depth)
                } else {
                    try readZip(streaming: reader, name, depth: depth, expectsDirectory: true)
                }
            case .tar:
                try readTar(reader, name, depth: depth)
            case .unsupported(let formatName, let command):
                diagnostics.error(name.locator, "\(formatName): not read (not supported), pipe it in with `\(command)`")
            case .document:
                // A zip with data before it (a self-extractor's stub, an advert, `cat x a.zip`):
                // its first bytes are not a zip's, but its end record lies where a zip's does. The
                // archive is read, then the bytes before it, as the document they are.
                if depth == 0, let seekable, depth < limits.maxNestingDepth,
                    let directory = try ZipDirectory.locate(in: seekable), directory.shift > 0
                {
                    try readZip(seekable, name, depth: depth)
                    let before = seekable.window(offset: 0, length: directory.shift)
                    let prefix = ByteReader(WindowStream(before, locator: name.locator), pool: pool)
                    return process(prefix, name, depth: depth + 1, seekable: nil, sizeHint: before.length)
                }
                var role = options.classify(name.classification)
                if role == .ignored {
                    // A stealer's browser history, screenshots or wallets: nothing of ours, skipped
                    // by name (and counted). A file the operator named is read whatever its name.
                    guard name.isNamedInput else {
                        diagnostics.skippedByName.add(1, ordering: .relaxed)
                        return true
                    }
                    role = .combolist
                }
                let document = Document(locator: name.locator, role: role)
                return try decoder.decode(reader, document: document, sizeHint: sizeHint)
            }
        } catch {
            diagnostics.error(error.locator, error.reason)
        }
        return true
    }

    /// Reads one archive member through `process`; returns its reader, whose `failure` tells
    /// whether the member's data could be read. The data of a stored member (`isStored`)
    /// counts against the input's expansion budget here; a decompressor counts its own output.
    func readMember(
        _ data: any ByteStream,
        _ name: StreamName,
        depth: Int,
        seekable: FileWindow? = nil,
        sizeHint: Int64? = nil,
        isStored: Bool
    ) -> ByteReader {
        diagnostics.members.add(1, ordering: .relaxed)
        let stored =
            isStored ? StoredDataStream(data, expansion: expansion, limits: limits, locator: name.locator) : nil
        let reader = ByteReader(stored ?? data, pool: pool)
        process(reader, name, depth: depth + 1, seekable: seekable, sizeHint: sizeHint)
        // A member read no further once the input ran out of budget (an archive inside, read at
        // random) has not raised the fault: it is reported here, so the input is never cut off
        // without a word.
        if let cutOff = stored?.cutOff, reader.failure == nil {
            diagnostics.error(cutOff.locator, cutOff.reason)
        }
        return reader
    }

    /// A gzip or zlib layer: its content is read like any stream (a tarball, a zip, text), then
    /// the rest of the layer is read too, so that its CRC and any truncation are checked.
    private func readCompressed(
        _ reader: ByteReader,
        wrapper: DeflateWrapper,
        _ name: StreamName,
        depth: Int
    ) throws(DecodeFault) {
        let inflater = try inflate(reader, wrapper, locator: name.locator)
        let content = ByteReader(inflater, pool: pool)
        // A document stopped on purpose (a run of NUL bytes) leaves the rest of the layer unread:
        // inflating it only to check its CRC would cost what stopping saved.
        let isReadOn = process(content, name.decompressed, depth: depth + 1)
        guard isReadOn, content.failure == nil, !expansion.isExhausted else { return }
        try content.drain()
        if inflater.ignoredTrailingData {
            diagnostics.warning(name.locator, "data after the end of the \(wrapper.name) stream ignored")
        }
    }
}
