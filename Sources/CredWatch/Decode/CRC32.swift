import CZlib

#if CREDWATCH_ISAL
    import CISAL
#endif

/// The CRC-32 of zip members (the gzip/zip polynomial, reflected): ISA-L's folding
/// implementation when built in, several times faster than zlib's, else zlib's.
enum CRC32 {
    /// `checksum` extended over `bytes` (start from 0).
    @inline(__always)
    static func update(_ checksum: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return checksum }
        #if CREDWATCH_ISAL
            return crc32_gzip_refl(checksum, base.assumingMemoryBound(to: UInt8.self), UInt64(bytes.count))
        #else
            return UInt32(
                truncatingIfNeeded: crc32(UInt(checksum), base.assumingMemoryBound(to: Bytef.self), UInt32(bytes.count))
            )
        #endif
    }
}
