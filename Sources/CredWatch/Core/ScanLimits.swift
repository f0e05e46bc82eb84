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
    var ratioGrace: Int64 = 16 << 20
    /// Archives nested deeper than this are named and skipped.
    public var maxNestingDepth: Int = 8
    /// Structured stealer files (Passwords.txt, System.txt, *.json) larger than this are read
    /// in chunks, like combolists, instead of as one document.
    var maxStructuredDocument: Int = 16 << 20

    public init() {}

    /// The values `--max-line-length` accepts: a line shorter than 16 bytes holds no credential,
    /// and one over 1 GiB is not text.
    public static let lineLengthRange: ClosedRange<Int> = 16...(1 << 30)
    /// The values `--max-member-size` accepts: 1 KiB to 1 PiB.
    public static let memberSizeRange: ClosedRange<Int64> = (1 << 10)...(1 << 50)
    /// The values `--max-ratio` accepts: deflate alone cannot pass about 1032:1; two nested layers
    /// stay far below a million.
    public static let compressionRatioRange: ClosedRange<Int64> = 1...1_000_000
    /// The values `--max-depth` accepts (0: archives inside archives are not opened).
    public static let nestingDepthRange: ClosedRange<Int> = 0...64
}
