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
            session.read(
                descriptor: STDIN_FILENO,
                ownsDescriptor: false,
                name: StreamName(standardInput: options.standardInputName)
            )
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

    /// Standard input: `-`, or the file it carries (`--stdin-name`).
    init(standardInput name: StandardInputName?) {
        self.init(
            locator: name?.locator ?? InputSource.standardInputLocator,
            classification: name?.insideName.replacingAll("!", with: "_") ?? InputSource.standardInputLocator,
            isNamedInput: name?.isNamedInput ?? true
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
