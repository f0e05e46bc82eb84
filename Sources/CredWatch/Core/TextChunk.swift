/// A text document found in the input: a file, or a member of an archive.
public final class Document: Sendable {
    /// Where it was read (`dump.zip!victim/Passwords.txt`).
    let locator: String
    let role: DocumentRole

    init(locator: String, role: DocumentRole) {
        self.locator = locator
        self.role = role
    }
}

/// What a document's lines are numbered by.
public enum LineEnding: String, Sendable, Hashable, Comparable {
    /// LF, as `grep -n`, `sed -n Np` and `awk 'NR==N'` count: a CR inside a line is part of it.
    case lf
    /// CR, CRLF or LF: the document had no LF where its line ends were judged (classic Mac
    /// text; see `DocumentDecoder.lineEndWindow`).
    case cr

    public static func < (lhs: LineEnding, rhs: LineEnding) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where the lines of a chunk start in their member as stored: the byte offset after the
/// previous line's end (0 for the first line), counted in the member's own bytes (before any
/// BOM is removed, NUL byte dropped or UTF-16 transcoded), so that `tail -c +$((offset+1))`
/// lands on the line.
///
/// Most chunks are the member's bytes as they are: a line starting at index `i` of the text
/// starts at `first + i`. Where the text was changed (a BOM or NUL bytes dropped, an over-long
/// line emptied, UTF-16 transcoded), an anchor gives the offset of the first line start after
/// the change, and the lines after it follow from the anchor.
struct LineOffsets: Sendable, Equatable {
    /// A line start whose offset does not follow from the previous one.
    struct Anchor: Sendable, Equatable {
        /// Index in the chunk's text.
        var index: Int
        var offset: Int64
    }

    /// Offset of the chunk's first line.
    let first: Int64
    /// Sorted by index; empty for text that is the member's bytes as they are.
    let anchors: [Anchor]

    /// Text that is the member's bytes from `first` on, unchanged.
    init(first: Int64) {
        self.first = first
        anchors = []
    }

    init(first: Int64, anchors: [Anchor]) {
        self.first = first
        self.anchors = anchors
    }

    /// The offset of the line that starts at `index` in the chunk's text.
    @inline(__always)
    func offset(ofLineAt index: Int) -> Int64 {
        if anchors.isEmpty { return first + Int64(index) }
        return anchoredOffset(ofLineAt: index)
    }

    private func anchoredOffset(ofLineAt index: Int) -> Int64 {
        // The last anchor at or before `index`.
        var (low, high) = (0, anchors.count)
        while low < high {
            let middle = (low + high) / 2
            if anchors[middle].index <= index { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return first + Int64(index) }
        let anchor = anchors[low - 1]
        return anchor.offset + Int64(index - anchor.index)
    }
}

/// A run of whole lines of one document, handed from the decode stage to the parse workers.
///
/// The decode stage has already removed any BOM, transcoded UTF-16 to UTF-8, dropped NUL bytes
/// and replaced over-long lines with empty ones (so line numbers hold). Lines end with LF, the
/// line ends `grep -n` counts; a CR before it is left for the parser to strip, and a lone CR
/// inside a line stays in it. In a document without LF (`lineEnding == .cr`), CR and CRLF
/// line ends have been turned into LF line ends. Bytes that are not valid UTF-8 are left as
/// they are (`Text.string` reads them as Windows-1252).
public struct TextChunk: Sendable {
    let document: Document
    /// 1-based number of the chunk's first line in its document.
    let firstLine: Int
    /// Where each of its lines starts in the member.
    let offsets: LineOffsets
    /// What the document's lines are numbered by.
    let lineEnding: LineEnding
    let text: [UInt8]
    /// The chunk holds the whole document (always so for structured documents under the
    /// structured-size limit).
    let isWholeDocument: Bool

    /// `offsets` defaults to text that is the member's bytes from offset 0.
    init(
        document: Document,
        firstLine: Int,
        offsets: LineOffsets = LineOffsets(first: 0),
        lineEnding: LineEnding = .lf,
        text: [UInt8],
        isWholeDocument: Bool
    ) {
        self.document = document
        self.firstLine = firstLine
        self.offsets = offsets
        self.lineEnding = lineEnding
        self.text = text
        self.isWholeDocument = isWholeDocument
    }
}

/// Receives the decode stage's chunks; `accept` blocks while the pipeline is full.
public protocol ChunkConsumer: Sendable {
    func accept(_ chunk: TextChunk)
}
