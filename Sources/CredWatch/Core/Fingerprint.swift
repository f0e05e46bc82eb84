import Crypto
import Foundation

/// Keyed fingerprints of passwords: the same password under the same organisation key gives
/// the same fingerprint, so runs and reports can be compared without any cleartext.
public struct PasswordFingerprinter: Sendable {
    // Kept as bytes: swift-crypto's SymmetricKey is not Sendable. Fingerprints are computed
    // only for matched records, so building the key per call costs nothing measurable.
    private let keyBytes: [UInt8]
    private var key: SymmetricKey { SymmetricKey(data: keyBytes) }
    /// True when the key was drawn at random for this run (fingerprints are not comparable
    /// across runs).
    public let isEphemeral: Bool

    /// A fingerprinter under `keyBytes` (the organisation's secret).
    public init(keyBytes: [UInt8]) {
        self.keyBytes = keyBytes
        isEphemeral = false
    }

    /// A fingerprinter under a random key for this run only.
    public static func ephemeral() -> PasswordFingerprinter {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return PasswordFingerprinter(keyBytes: bytes, isEphemeral: true)
    }

    private init(keyBytes: [UInt8], isEphemeral: Bool) {
        self.keyBytes = keyBytes
        self.isEphemeral = isEphemeral
    }

    /// HMAC-SHA256 of the password's bytes, lower-case hex.
    func fingerprint(_ password: UnsafeRawBufferPointer) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: password, using: key)
        return Hex.encode(mac)
    }

    /// The `id` reports give an exposure: the first 16 hex digits (64 bits) of HMAC-SHA256,
    /// under the organisation's key, of a fixed label and the exposure key. Stable across runs
    /// under the same key (a ticket system de-duplicates on it), different for each exposure (a
    /// new password leaked for an account is a new id), and neither the password fingerprint
    /// nor anything else of the key can be read from it or guessed without the key.
    func exposureID(_ exposureKey: String) -> String {
        let message: [UInt8] = Array("credwatch exposure id v1\u{0}".utf8) + Array(exposureKey.utf8)
        return String(Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(16))
    }

    /// A short, non-secret id of the key itself (HMAC of a fixed label), so a state file can
    /// refuse a run under another key without storing the key.
    public var keyID: String {
        let label: [UInt8] = Array("credwatch key id v1".utf8)
        return String(Hex.encode(HMAC<SHA256>.authenticationCode(for: label, using: key)).prefix(16))
    }
}

/// Lower-case hexadecimal.
public enum Hex {
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
