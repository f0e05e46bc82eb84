#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Wiping buffers that held a cleartext password or a hash export, so their bytes do not
/// linger in freed memory. `explicit_bzero` is used because the compiler may drop a plain
/// store to memory that is never read again.
enum SecretBytes {
    static func wipe(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return }
        explicit_bzero(base, buffer.count)
    }

    static func wipe(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { wipe($0) }
    }
}
