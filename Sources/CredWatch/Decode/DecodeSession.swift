#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of reading one input: its buffers, its expansion guard and its text decoder.
/// Used by one thread only.
final class DecodeSession {
    let options: DecodeOptions
    let diagnostics: Diagnostics
    let pool = BufferPool()
    let expansion = ExpansionGuard()
    let decoder: DocumentDecoder

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
        let isRegular = fstat(descriptor, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
        if let range = options.range {
            guard isRegular else {
                diagnostics.error(locator, "--range reads a regular file (a pipe cannot be read at an offset)")
                return
            }
            read(
                range: range,
                of: file,
                size: Int64(info.st_size),
                mtime: InputFingerprint.nanoseconds(info.st_mtim),
                name
            )
            return
        }
        guard isRegular else {
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
            case .libArchive(let archiveFormat):
                try readLibArchive(reader, archiveFormat, name, depth: depth, seekable: seekable)
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
