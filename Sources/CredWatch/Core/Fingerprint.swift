import Crypto
import Foundation

/// Keyed fingerprints of passwords: the same password under the same organisation key gives
/// the same fingerprint, so runs and reports can be compared without any cleartext.
public struct PasswordFingerprinter: Sendable {
    /// HMAC-SHA256 under the key, prepared once: reports can hold a finding per line of a dump.
    private let mac: PreparedHMAC
    /// True when the key was drawn at random for this run (fingerprints are not comparable
    /// across runs).
    public let isEphemeral: Bool

    /// A fingerprinter under `keyBytes` (the organisation's secret).
    public init(keyBytes: [UInt8]) {
        self.init(keyBytes: keyBytes, isEphemeral: false)
    }

    /// A fingerprinter under a random key for this run only.
    public static func ephemeral() -> PasswordFingerprinter {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return PasswordFingerprinter(keyBytes: bytes, isEphemeral: true)
    }

    private init(keyBytes: [UInt8], isEphemeral: Bool) {
        mac = PreparedHMAC(key: keyBytes)
        self.isEphemeral = isEphemeral
    }

    /// HMAC-SHA256 of the password's bytes, lower-case hex.
    func fingerprint(_ password: UnsafeRawBufferPointer) -> String {
        Hex.encode(mac.authenticationCode(for: password))
    }

    /// The `id` reports give an exposure: the first 16 hex digits (64 bits) of HMAC-SHA256,
    /// under the organisation's key, of a fixed label and the exposure key. Stable across runs
    /// under the same key (a ticket system de-duplicates on it), different for each exposure (a
    /// new password leaked for an account is a new id), and neither the password fingerprint
    /// nor anything else of the key can be read from it or guessed without the key.
    func exposureID(_ exposureKey: String) -> String {
        var key = exposureKey
        let code = key.withUTF8 { mac.authenticationCode(prefix: Self.exposureLabel, for: UnsafeRawBufferPointer($0)) }
        return Hex.encode(code.prefix(8))
    }

    private static let exposureLabel: [UInt8] = Array("credwatch exposure id v1\u{0}".utf8)

    /// A short, non-secret id of the key itself (HMAC of a fixed label), so a state file can
    /// refuse a run under another key without storing the key.
    public var keyID: String {
        let label: [UInt8] = Array("credwatch key id v1".utf8)
        return Hex.encode(label.withUnsafeBytes { mac.authenticationCode(for: $0) }.prefix(8))
    }
}

/// HMAC-SHA256 (RFC 2104) under one key, whose padded inner and outer keys are hashed once:
/// each code then costs the message's blocks and one block of the outer hash, where
/// `HMAC(key:)` prepares the key and hashes both pads (two more blocks) on every call.
struct PreparedHMAC: @unchecked Sendable {
    // `SHA256` holds its state in a class it copies before an update when it is shared
    // (`isKnownUniquelyReferenced`): these two are only ever copied, never updated in place,
    // so threads can share them.
    private let inner: SHA256
    private let outer: SHA256

    init(key: [UInt8]) {
        let blockSize = SHA256.blockByteCount
        var block = key.count > blockSize ? Array(SHA256.hash(data: key)) : key
        block += repeatElement(0, count: blockSize - block.count)
        var inner = SHA256()
        inner.update(data: block.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: block.map { $0 ^ 0x5C })
        (self.inner, self.outer) = (inner, outer)
    }

    /// The code of `prefix` followed by `message`.
    func authenticationCode(prefix: [UInt8] = [], for message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var innerHash = inner
        if !prefix.isEmpty { prefix.withUnsafeBytes { innerHash.update(bufferPointer: $0) } }
        innerHash.update(bufferPointer: message)
        var outerHash = outer
        innerHash.finalize().withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits = Array(bytes)
        return String(unsafeUninitializedCapacity: digits.count * 2) { out in
            for (index, byte) in digits.enumerated() {
                out[2 * index] = hexDigit(byte >> 4)
                out[2 * index + 1] = hexDigit(byte & 0x0F)
            }
            return digits.count * 2
        }
    }

    @inline(__always)
    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }
}
