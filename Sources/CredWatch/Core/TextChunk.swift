/// A text document found in the input: a file, or a member of an archive.
public final class Document: Sendable {
    /// Where it was read (`dump.zip!victim/Passwords.txt`).
    public let locator: String
    public let role: DocumentRole

    public init(locator: String, role: DocumentRole) {
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

/// A run of whole lines of one document, handed from the decode stage to the parse workers.
///
/// The decode stage has already removed any BOM, transcoded UTF-16 to UTF-8, dropped NUL bytes
/// and replaced over-long lines with empty ones (so line numbers hold). Lines end with LF, the
/// line ends `grep -n` counts; a CR before it is left for the parser to strip, and a lone CR
/// inside a line stays in it. In a document without LF (`lineEnding == .cr`), CR and CRLF
/// line ends have been turned into LF line ends. Bytes that are not valid UTF-8 are left as
/// they are (`Text.string` reads them as Windows-1252).
public struct TextChunk: Sendable {
    public let document: Document
    /// 1-based number of the chunk's first line in its document.
    public let firstLine: Int
    /// What the document's lines are numbered by.
    public let lineEnding: LineEnding
    public let text: [UInt8]
    /// The chunk holds the whole document (always so for structured documents under the
    /// structured-size limit).
    public let isWholeDocument: Bool

    public init(
        document: Document,
        firstLine: Int,
        lineEnding: LineEnding = .lf,
        text: [UInt8],
        isWholeDocument: Bool
    ) {
        self.document = document
        self.firstLine = firstLine
        self.lineEnding = lineEnding
        self.text = text
        self.isWholeDocument = isWholeDocument
    }
}

/// Receives the decode stage's chunks; `accept` blocks while the pipeline is full.
public protocol ChunkConsumer: Sendable {
    func accept(_ chunk: TextChunk)
}
