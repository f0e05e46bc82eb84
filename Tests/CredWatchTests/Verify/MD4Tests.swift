import Testing

@testable import CredWatch

@Suite struct MD4Tests {
    private static func hex(_ digest: [UInt8]) -> String { Hex.encode(digest) }

    @Test(
        "RFC 1320 test suite",
        arguments: [
            ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
            ("a", "bde52cb31de33e46245e05fbdbd6fb24"),
            ("abc", "a448017aaf21d8525fc10ae87aa6729d"),
            ("message digest", "d9130a8164549fe818874806e1c7014b"),
            ("abcdefghijklmnopqrstuvwxyz", "d79e1c308aa5bbcdeea8ed63df412da9"),
            (
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
                "043f8582f241db351ce627e153e7f0e4"
            ),
            (
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
                "e33b4ddc9c38f2199c3e7b164fcc0536"
            ),
        ]
    )
    func rfc1320(message: String, expected: String) {
        let digest = Array(message.utf8).withUnsafeBytes { MD4.hash($0) }
        #expect(Self.hex(digest) == expected)
    }

    /// Lengths around the padding boundaries (one or two final blocks); expected values
    /// from `openssl dgst -md4 -provider legacy`.
    @Test(
        arguments: [
            (55, "c889c81dd86c4d2e025778944ea02881"),
            (56, "d5f9a9e9257077a5f08b0b92f348b0ad"),
            (63, "7ea3da77432d44c323671097d1348fc8"),
            (64, "52f5076fabd22680234a3fa9f9dc5732"),
            (65, "330e377bf231f3cacfecc2c182fe7e5b"),
            (119, "e65dd227ccef97fa1d34d70189120f76"),
            (120, "b03ddbd470b47c013e0c7ab2ddd763db"),
            (128, "cb4a20a561558e29460190c91dced59f"),
        ]
    )
    func paddingBoundaries(length: Int, expected: String) {
        let digest = [UInt8](repeating: UInt8(ascii: "a"), count: length).withUnsafeBytes { MD4.hash($0) }
        #expect(Self.hex(digest) == expected)
    }

    /// Expected values from `iconv -t UTF-16LE | openssl dgst -md4 -provider legacy`.
    @Test(
        arguments: [
            ("password", "8846f7eaee8fb117ad06bdd830b7586c"),
            ("", "31d6cfe0d16ae931b73c59d7e0c089c0"),
            ("Summer2024!", "72f0eefcc213ea8f350773b831cf2c9c"),
            ("Hôpital2024!", "a0274e78d1e36e734ab82ddc37cc8f85"),
            ("Été€uro", "5572b928de47d2bfa36b39293b3b9d25"),
            // Outside the BMP: a surrogate pair in UTF-16.
            ("Clé😀secrète", "a35685ded531c3e13486cb190f0c3649"),
        ]
    )
    func ntHashOfKnownPasswords(password: String, expected: String) {
        let digest = Array(password.utf8).withUnsafeBytes { NTHash.hash(password: $0) }
        #expect(Self.hex(digest) == expected)
    }

    @Test func ntHashReadsInvalidUTF8AsWindows1252() {
        // "Hôpital2024!" with ô as the single byte 0xF4; "€uro" with € as 0x80.
        let latin: [UInt8] = [0x48, 0xF4] + Array("pital2024!".utf8)
        let euro: [UInt8] = [0x80] + Array("uro".utf8)
        #expect(Self.hex(latin.withUnsafeBytes { NTHash.hash(password: $0) }) == "a0274e78d1e36e734ab82ddc37cc8f85")
        #expect(Self.hex(euro.withUnsafeBytes { NTHash.hash(password: $0) }) == "65a07986d69e1cb33d52eacab1a9322a")
    }
}
