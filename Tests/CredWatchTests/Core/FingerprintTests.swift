import Crypto
import Testing

@testable import CredWatch

@Suite struct FingerprintTests {
    /// RFC 4231's HMAC-SHA256 test cases 1–4, 6 and 7 (5 truncates the code): short keys, a key
    /// of 25 bytes, and keys longer than a block (hashed first), with messages below and above
    /// one block.
    static let rfc4231: [(key: [UInt8], message: [UInt8], code: String)] = [
        (
            Array(repeating: 0x0B, count: 20), Array("Hi There".utf8),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        ),
        (
            Array("Jefe".utf8), Array("what do ya want for nothing?".utf8),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        ),
        (
            Array(repeating: 0xAA, count: 20), Array(repeating: 0xDD, count: 50),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"
        ),
        (
            Array(1...25), Array(repeating: 0xCD, count: 50),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"
        ),
        (
            Array(repeating: 0xAA, count: 131), Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        ),
        (
            Array(repeating: 0xAA, count: 131),
            Array(
                ("This is a test using a larger than block-size key and a larger than block-size data. The key "
                    + "needs to be hashed before being used by the HMAC algorithm.").utf8
            ),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"
        ),
    ]

    @Test(arguments: 0..<rfc4231.count)
    func preparedHMACGivesRFC4231Codes(number: Int) {
        let (key, message, code) = Self.rfc4231[number]
        #expect(Hex.encode(message.withUnsafeBytes { PreparedHMAC(key: key).authenticationCode(for: $0) }) == code)
        #expect(PasswordFingerprinter(keyBytes: key).fingerprint(message) == code)
    }

    /// The prepared key gives what `HMAC<SHA256>` gives for keys of every length around the
    /// block size and messages around its multiples, used once and again (a prepared state is
    /// copied, never consumed).
    @Test func preparedHMACIsSwiftCryptosHMAC() {
        var generator = CorpusTests.Generator(state: 17)
        for keyLength in [1, 16, 32, 63, 64, 65, 100, 128, 129] {
            let key = (0..<keyLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prepared = PreparedHMAC(key: key)
            for messageLength in [0, 1, 8, 55, 56, 63, 64, 65, 119, 120, 128, 200] {
                let message = (0..<messageLength).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let expected = Hex.encode(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key)))
                for _ in 0..<2 {
                    #expect(Hex.encode(message.withUnsafeBytes { prepared.authenticationCode(for: $0) }) == expected)
                }
                let prefix = Array(message.prefix(messageLength / 3))
                let rest = Array(message.dropFirst(messageLength / 3))
                #expect(
                    Hex.encode(rest.withUnsafeBytes { prepared.authenticationCode(prefix: prefix, for: $0) })
                        == expected
                )
            }
        }
    }

    /// The ids reports and state files hold are the HMAC of their label and text, cut to 16 hex
    /// digits, as they were written before the key was prepared once.
    @Test func exposureAndKeyIDsAreTheirLabelsHMAC() {
        let key = Array("credwatch test fingerprint key".utf8)
        let fingerprinter = PasswordFingerprinter(keyBytes: key)
        func reference(_ message: String) -> String {
            String(
                Hex.encode(HMAC<SHA256>.authenticationCode(for: Array(message.utf8), using: SymmetricKey(data: key)))
                    .prefix(16)
            )
        }
        let exposure = "mediboard|u:jdupont|p:0123abcd"
        #expect(fingerprinter.exposureID(exposure) == reference("credwatch exposure id v1\u{0}" + exposure))
        #expect(fingerprinter.exposureID("") == reference("credwatch exposure id v1\u{0}"))
        #expect(fingerprinter.keyID == reference("credwatch key id v1"))
        #expect(fingerprinter.exposureID(exposure).count == 16)
    }

    @Test func hexIsLowerCaseTwoDigitsABytes() {
        #expect(Hex.encode([0x00, 0x0F, 0xA0, 0xFF, 0x5C]) == "000fa0ff5c")
        #expect(Hex.encode([]) == "")
    }
}

extension PasswordFingerprinter {
    fileprivate func fingerprint(_ bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { fingerprint($0) }
    }
}
