/// How the decode stage reads inputs.
public struct DecodeOptions: Sendable {
    public var limits: ScanLimits
    /// About how many bytes of combolist or cookie text go into one chunk (cut at a line end).
    public var chunkSize: Int
    /// The role of a document from its locator (the parse stage's classifier). Gzip layers are
    /// classified by their inner name: `x.txt.gz` as `x.txt`, `x.tgz` as `x.tar`.
    public var classify: @Sendable (String) -> DocumentRole
    /// The library that inflates gzip, zlib and zip deflate data.
    public var inflateBackend: InflateBackend
    /// Files up to this size are read into memory with one call: a zip is read at a dozen
    /// offsets (its directory, then each member's header and data), and a stealer tree is
    /// thousands of small zips, where those calls cost more than reading.
    var preloadLimit = 2 << 20
    /// `--range`: the one input is read from this byte range only (see `InputRange`).
    public var range: InputRange?
    /// `--stdin-name`: what standard input is named (nil: `-`).
    public var standardInputName: StandardInputName?

    public init(
        limits: ScanLimits = ScanLimits(),
        chunkSize: Int = 4 << 20,
        inflateBackend: InflateBackend = .fastest,
        classify: @escaping @Sendable (String) -> DocumentRole
    ) {
        self.limits = limits
        self.chunkSize = max(1, chunkSize)
        self.inflateBackend = inflateBackend
        self.classify = classify
    }
}
