#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A fingerprint key that cannot be used: fatal before anything is scanned.
public struct FingerprintKeyError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

extension PasswordFingerprinter {
    /// Shortest key accepted: fewer bytes are guessable.
    public static let minimumKeyBytes = 16
    /// Longest key accepted: a key is a few dozen random bytes, and a larger "key file" is some
    /// other file named by mistake (or `/dev/zero`, which would never end).
    public static let maximumKeyBytes = 4096

    /// The organisation's fingerprint key: read from `keyFile` when given (its trailing CR and
    /// LF dropped; refused when group or others may read it: anyone who can read the key can test
    /// password guesses against a report's fingerprints), else taken from
    /// `environmentValue` (`CREDWATCH_FINGERPRINT_KEY`, read by the caller: the library reads
    /// no environment; empty counts as unset). Without either, a random key for this run with
    /// a warning, unless `requiredBy` names the option that needs a stable one (`--state`):
    /// then that is an error, before any key is drawn or announced.
    public static func load(
        keyFile: String?,
        environmentValue: String?,
        requiredBy: String?,
        diagnostics: Diagnostics
    ) throws(FingerprintKeyError) -> PasswordFingerprinter {
        if let keyFile {
            var key = try readKeyFile(keyFile)
            while let last = key.last, last == 0x0A || last == 0x0D { key.removeLast() }
            guard key.count >= minimumKeyBytes else {
                throw FingerprintKeyError(
                    description: "\(keyFile): the fingerprint key must be at least \(minimumKeyBytes) bytes"
                )
            }
            return PasswordFingerprinter(keyBytes: key)
        }
        if let value = environmentValue, !value.isEmpty {
            guard value.utf8.count >= minimumKeyBytes else {
                throw FingerprintKeyError(
                    description: "CREDWATCH_FINGERPRINT_KEY must be at least \(minimumKeyBytes) bytes"
                )
            }
            guard value.utf8.count <= maximumKeyBytes else {
                throw FingerprintKeyError(
                    description: "CREDWATCH_FINGERPRINT_KEY must be at most \(maximumKeyBytes) bytes"
                )
            }
            return PasswordFingerprinter(keyBytes: Array(value.utf8))
        }
        if let requiredBy {
            throw FingerprintKeyError(
                description: "\(requiredBy) needs a stable fingerprint key: "
                    + "give --fingerprint-key-file or set CREDWATCH_FINGERPRINT_KEY"
            )
        }
        diagnostics.note(
            "warning: no fingerprint key (--fingerprint-key-file or CREDWATCH_FINGERPRINT_KEY): "
                + "using a random key, so password fingerprints are not comparable across runs"
        )
        return ephemeral()
    }

    /// The key file's bytes, at most `maximumKeyBytes` of them (a pipe, as `<(vault read …)`
    /// gives, is read to its end too; a folder fails to read).
    private static func readKeyFile(_ path: String) throws(FingerprintKeyError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw FingerprintKeyError(description: "\(path): cannot read the fingerprint key file: \(SystemError.last)")
        }
        defer { close(descriptor) }
        // A pipe (`<(vault read …)`) or a device says nothing of who can read what it gives.
        if let access = FileAccess(descriptor: descriptor) {
            guard !access.isDirectory else {
                throw FingerprintKeyError(description: "\(path): is a directory, not a fingerprint key file")
            }
            guard !access.isRegularFile || !access.isReadableByOthers else {
                throw FingerprintKeyError(
                    description: "\(path): the fingerprint key is readable by group or others (\(access.modeText)); "
                        + "anyone who can read it can test password guesses against a report: run `chmod 600 \(path)`"
                )
            }
        }
        var key: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: maximumKeyBytes + 1)
        while key.count <= maximumKeyBytes {
            let got = buffer.withUnsafeMutableBytes {
                read(descriptor, $0.baseAddress!, maximumKeyBytes + 1 - key.count)
            }
            if got < 0 && errno == EINTR { continue }
            guard got >= 0 else {
                throw FingerprintKeyError(
                    description: "\(path): cannot read the fingerprint key file: \(SystemError.last)"
                )
            }
            if got == 0 { return key }
            key += buffer[0..<got]
        }
        throw FingerprintKeyError(
            description: "\(path): the fingerprint key must be at most \(maximumKeyBytes) bytes (is it the key file?)"
        )
    }
}
