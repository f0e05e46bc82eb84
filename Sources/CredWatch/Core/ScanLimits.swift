/// Bounds that protect a run from hostile input. The four an analyst may need to move have CLI
/// flags (`--max-line-length`, `--max-member-size`, `--max-ratio`, `--max-depth`); the two
/// below that only shape how input is cut (`ratioGrace`, `maxStructuredDocument`) do not.
public struct ScanLimits: Sendable, Equatable {
    /// A longer line is skipped and counted; the rest of the file is still read.
    public var maxLineLength: Int = 1 << 20
    /// Decompressed bytes one member (or gzip stream) may produce before it is cut off.
    public var maxMemberSize: Int64 = 64 << 30
    /// Decompressed/compressed ratio above which a member is treated as a bomb, once it has
    /// produced more than `ratioGrace` bytes.
    public var maxCompressionRatio: Int64 = 1000
    /// Output below this size is never judged by its ratio (small, highly repetitive files).
    public var ratioGrace: Int64 = 16 << 20
    /// Archives nested deeper than this are named and skipped.
    public var maxNestingDepth: Int = 8
    /// Structured stealer files (Passwords.txt, System.txt, *.json) larger than this are read
    /// in chunks, like combolists, instead of as one document.
    public var maxStructuredDocument: Int = 16 << 20

    public init() {}
}
