import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// `--range START-END`: one task's share of a plain-text file too large for one task. The task
/// reads the lines that start in [START, END): the first is the one after the first LF at or
/// after START − 1 (the line that starts at START itself when the byte before it is an LF), or
/// the file's first line when START is 0; the last is the one that holds byte END − 1. So the
/// ranges of any split of [0, size) read every line exactly once.
///
/// The file is judged as a whole scan judges it, from its first bytes, whatever the range:
/// compressed and archived files, UTF-16 and files split at CR cannot be read in ranges (an
/// error), and a document whose records span lines (a stealer's credential file, cookies,
/// JSON) is read whole by the range that starts at 0, the others reading none of it. Offsets
/// are the file's; line numbers count from the range's first line, and the range reports its LF
/// count (`RangeRead.lineFeeds`) so that merging turns them into the file's.
public final class InputRange: Sendable {
    public let start: Int64
    public let end: Int64
    private let outcome = Mutex<RangeRead?>(nil)

    public init(start: Int64, end: Int64) {
        self.start = start
        self.end = end
    }

    /// `START-END`, bytes, START < END; nil when malformed.
    public convenience init?(parsing text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Int64(parts[0]), let end = Int64(parts[1]), start >= 0, start < end
        else { return nil }
        self.init(start: start, end: end)
    }

    /// What the range read, once it has (nil before, or when its file could not be opened).
    public var read: RangeRead? { outcome.withLock { $0 } }

    func record(_ read: RangeRead) { outcome.withLock { $0 = read } }
}

/// What one `--range` task read, for merging (see `InputRange`).
public struct RangeRead: Sendable, Equatable, Codable {
    /// The file's locator.
    public var input: String
    public var start: Int64
    public var end: Int64
    /// The file's size when the range was read: the ranges of one file must agree on it.
    public var size: Int64
    /// The file's modification time (ns since 1970) when the range was read: the ranges of one
    /// file must agree on it too (nil in partials written before it was recorded).
    public var mtime: Int64?
    /// LF bytes in the lines the range read: its first line is line `1 +` the LF counts of the
    /// ranges before it.
    public var lineFeeds: Int

    public init(input: String, start: Int64, end: Int64, size: Int64, mtime: Int64? = nil, lineFeeds: Int) {
        self.input = input
        self.start = start
        self.end = end
        self.size = size
        self.mtime = mtime
        self.lineFeeds = lineFeeds
    }
}

extension DecodeSession {
    /// Reads the lines of `range` of the regular file `file` as the document `name`.
    func read(range: InputRange, of file: OpenFile, size: Int64, mtime: Int64, _ name: StreamName) {
        let locator = name.locator
        func done(lineFeeds: Int) {
            range.record(
                RangeRead(
                    input: locator,
                    start: range.start,
                    end: range.end,
                    size: size,
                    mtime: mtime,
                    lineFeeds: lineFeeds
                )
            )
        }
        do throws(DecodeFault) {
            let whole = FileWindow(file: file, start: 0, length: size)
            let headBytes = try whole.bytes(at: 0, count: DocumentDecoder.lineEndWindow + 4)
            if headBytes.isEmpty { return done(lineFeeds: 0) }
            let judged: (ContainerFormat, TextJudgement?) = headBytes.withUnsafeBytes {
                (
                    ContainerFormat.detect(UnsafeRawBufferPointer(rebasing: $0.prefix(ContainerFormat.sniffLength))),
                    TextJudgement($0)
                )
            }
            guard case .document = judged.0 else {
                diagnostics.error(
                    locator,
                    "\(judged.0.name): compressed and archived inputs are read whole, not in ranges"
                )
                return
            }
            guard let judgement = judged.1 else {
                if range.start == 0 { diagnostics.warning(locator, "binary data, not text: skipped") }
                return done(lineFeeds: 0)
            }
            guard judgement.encoding.utf16ByteOrder == nil, judgement.lineEnding == .lf else {
                let what = judgement.lineEnding == .cr ? "its lines end with CR" : "it is UTF-16"
                diagnostics.error(locator, "\(what): it cannot be read in ranges, scan it whole")
                return
            }
            var role = options.classify(name.classification)
            if role == .ignored {
                guard name.isNamedInput else {
                    if range.start == 0 { diagnostics.skippedByName.add(1, ordering: .relaxed) }
                    return done(lineFeeds: 0)
                }
                role = .combolist
            }
            // Records spanning lines are read whole, by the first range.
            let isLineRecords = role == .combolist
            let first = range.start == 0 ? 0 : try lineStart(atOrAfter: range.start, in: whole)
            let last: Int64
            if isLineRecords {
                last = try lineStart(atOrAfter: range.end, in: whole)
            } else {
                last = range.start == 0 ? size : first
            }
            guard first < last else { return done(lineFeeds: 0) }
            let window = whole.window(offset: first, length: last - first)
            let reader = ByteReader(WindowStream(window, locator: locator), pool: pool)
            var lineFeeds: Int? = 0
            try decoder.decode(
                reader,
                document: Document(locator: locator, role: role),
                as: judgement,
                sizeHint: window.length,
                sourceOffset: first,
                lineFeeds: &lineFeeds
            )
            done(lineFeeds: lineFeeds ?? 0)
        } catch {
            diagnostics.error(error.locator, error.reason)
        }
    }

    /// The first line start at or after `offset` (> 0): after the first LF at or after
    /// `offset − 1`, or the window's end.
    private func lineStart(atOrAfter offset: Int64, in whole: FileWindow) throws(DecodeFault) -> Int64 {
        var position = offset - 1
        let block = 1 << 20
        while position < whole.length {
            let bytes = try whole.bytes(at: position, count: block)
            if bytes.isEmpty { break }
            if let found = bytes.withUnsafeBytes({ Bytes.index(of: 0x0A, in: $0) }) {
                return position + Int64(found) + 1
            }
            position += Int64(bytes.count)
        }
        return whole.length
    }
}
