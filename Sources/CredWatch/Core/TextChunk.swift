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

/// A run of whole lines of one document, handed from the decode stage to the parse workers.
///
/// The decode stage has already removed any BOM, transcoded UTF-16 to UTF-8, turned lone CR
/// line ends into LF and replaced over-long lines with empty ones (so line numbers hold).
/// Lines end with LF; a CR before it is left for the parser to strip. Bytes that are not
/// valid UTF-8 are left as they are (`Text.string` reads them as Windows-1252).
public struct TextChunk: Sendable {
    public let document: Document
    /// 1-based number of the chunk's first line in its document.
    public let firstLine: Int
    public let text: [UInt8]
    /// The chunk holds the whole document (always so for structured documents under the
    /// structured-size limit).
    public let isWholeDocument: Bool

    public init(document: Document, firstLine: Int, text: [UInt8], isWholeDocument: Bool) {
        self.document = document
        self.firstLine = firstLine
        self.text = text
        self.isWholeDocument = isWholeDocument
    }
}

/// Receives the decode stage's chunks; `accept` blocks while the pipeline is full.
public protocol ChunkConsumer: Sendable {
    func accept(_ chunk: TextChunk)
}
