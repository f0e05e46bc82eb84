#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

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
    /// Passwords, the 7-Zip tool and the spool folder for the archives read through libarchive.
    public var archives = ArchiveOptions()
    var archivePasswords: ArchivePasswords { archives.passwords }
    var sevenZipTool: SevenZipTool? { archives.sevenZipTool }
    var temporaryDirectory: String { archives.temporaryDirectory }

    public init(
        limits: ScanLimits = ScanLimits(),
        chunkSize: Int = 4 << 20,
        inflateBackend: InflateBackend = .fastest,
        archives: ArchiveOptions = ArchiveOptions(),
        classify: @escaping @Sendable (String) -> DocumentRole
    ) {
        self.archives = archives
        self.limits = limits
        self.chunkSize = max(1, chunkSize)
        self.inflateBackend = inflateBackend
        self.classify = classify
    }
}

/// What reading encrypted and random-access archives needs from outside the library.
public struct ArchiveOptions: Sendable {
    /// Tried on every encrypted archive member.
    public var passwords = ArchivePasswords()
    /// Opens the encrypted 7z members libarchive cannot decrypt; nil when not installed.
    public var sevenZipTool: SevenZipTool?
    /// Where a 7z archive that arrives as a stream is copied (unlinked, owner-only) to be read
    /// at random.
    public var temporaryDirectory = "/tmp"

    public init() {}
}

extension ArchivePasswords {
    /// The passwords given on the command line, then those of `file` (one per line, an
    /// owner-only secret: refused when group or others may read it), each once.
    public static func load(passwords: [String], file: String?) throws(ConfigurationError) -> ArchivePasswords {
        var all = passwords.map { Array($0.utf8) }
        if let file {
            let descriptor = open(file, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else {
                throw ConfigurationError(file: file, message: "cannot open archive passwords: \(SystemError.last)")
            }
            defer { close(descriptor) }
            guard let access = FileAccess(descriptor: descriptor), access.isRegularFile else {
                throw ConfigurationError(file: file, message: "archive passwords: not a regular file")
            }
            if access.isReadableByOthers {
                throw ConfigurationError(
                    file: file,
                    message: "archive passwords are readable by group or others (\(access.modeText)): "
                        + "run `chmod 600 \(file)`"
                )
            }
            let before = all.count
            _ = try SecretFileLines.forEach(in: descriptor, path: file) { line, _ in
                if !line.isEmpty { all.append(Array(line)) }
            }
            // Most likely the wrong file: a scan would go on as if no password had been given.
            if all.count == before {
                throw ConfigurationError(file: file, message: "archive passwords: the file holds no password")
            }
        }
        return ArchivePasswords(all)
    }
}
