import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// What identifies an input file between runs, for `--skip-seen-inputs`: an input is "seen"
/// when path, size, modification time and content digest all match.
public struct InputFingerprint: Sendable, Hashable, Codable {
    public var path: String
    public var size: Int64
    /// Modification time in nanoseconds since 1970 (a rewrite within the same second still
    /// changes it).
    public var mtime: Int64
    /// Lower-case hex SHA-256 of the size (8 bytes, little-endian), the first MiB and the last
    /// MiB (the whole content for files up to 2 MiB).
    public var digest: String

    public init(path: String, size: Int64, mtime: Int64, digest: String) {
        self.path = path
        self.size = size
        self.mtime = mtime
        self.digest = digest
    }

    /// Bytes hashed at each end of a file.
    static let sampledBytes = 1 << 20

    /// The fingerprint of a regular file; nil when it cannot be read (the caller scans it
    /// anyway). Hashes at most 2 MiB, because a full-content hash would double the I/O of a
    /// multi-GB dump; the size and the modification time catch the changes the samples miss.
    public static func of(path: String) -> InputFingerprint? {
        of(InputFile(namedInput: Array(path.utf8), locator: path))
    }

    /// The fingerprint of an input file, recorded under its locator.
    public static func of(_ file: InputFile) -> InputFingerprint? {
        guard let descriptor = try? file.open() else { return nil }
        defer { close(descriptor) }
        return of(descriptor: descriptor, locator: file.locator)
    }

    /// The fingerprint of the open file, recorded under `locator`; nil when it is not a regular
    /// file or cannot be read.
    public static func of(descriptor: Int32, locator: String) -> InputFingerprint? {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let size = Int64(status.st_size)
        let mtime = nanoseconds(status.st_mtim)

        var hasher = SHA256()
        withUnsafeBytes(of: size.littleEndian) { hasher.update(bufferPointer: $0) }
        let sample = Int64(sampledBytes)
        let head = min(size, sample)
        // The tail starts after the head, so files up to 2 MiB are hashed whole, once.
        let tailStart = max(head, size - sample)
        guard hashRange(descriptor, from: 0, count: head, into: &hasher),
            hashRange(descriptor, from: tailStart, count: size - tailStart, into: &hasher)
        else { return nil }
        return InputFingerprint(
            path: locator,
            size: size,
            mtime: mtime,
            digest: Hex.encode(hasher.finalize())
        )
    }

    /// True when the open file still has this fingerprint's size and modification time (it was
    /// not appended to or rewritten while it was read).
    public func stillDescribes(_ descriptor: Int32) -> Bool {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { return false }
        return Int64(status.st_size) == size && Self.nanoseconds(status.st_mtim) == mtime
    }

    static func nanoseconds(_ time: timespec) -> Int64 {
        let (seconds, overflow) = Int64(time.tv_sec).multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64(time.tv_sec) : seconds &+ Int64(time.tv_nsec)
    }

    /// Feeds `count` bytes from `offset` to `hasher`; false on a read error or a short file
    /// (it shrank while being read).
    private static func hashRange(_ descriptor: Int32, from offset: Int64, count: Int64, into hasher: inout SHA256)
        -> Bool
    {
        guard count > 0 else { return true }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Int(count), alignment: 16)
        defer { buffer.deallocate() }
        var done = 0
        while done < buffer.count {
            let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if got < 0 && errno == EINTR { continue }
            guard got > 0 else { return false }
            done += got
        }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(buffer))
        return true
    }
}
