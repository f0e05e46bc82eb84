import Testing

@testable import CredWatch

@Suite("Core: byte helpers")
struct BytesTests {
    /// The word-at-a-time search against a plain loop, at every length and position, with the
    /// byte looked for next to bytes that differ from it by one bit or one unit.
    @Test func lastIndexFindsTheLastOccurrenceAtEveryPosition() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x40, 0x41, 0x3F, 0xC0, 0x00, 0xFF, 0x01]
        for length in 0...40 {
            for _ in 0..<200 {
                let bytes = (0..<length).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] }
                for target: UInt8 in [0x40, 0x00, 0xFF] {
                    let expected = bytes.lastIndex(of: target)
                    let found = bytes.withUnsafeBytes { Bytes.lastIndex(of: target, in: $0) }
                    #expect(found == expected, "\(bytes) looking for \(target)")
                }
            }
        }
    }

    @Test func equalityIgnoringASCIICase() {
        func equal(_ lhs: String, _ rhs: String) -> Bool {
            Array(lhs.utf8).withUnsafeBytes { left in
                Array(rhs.utf8).withUnsafeBytes { Bytes.equalsIgnoringASCIICase(left, $0) }
            }
        }
        #expect(equal("Jeanne.Durand@CHU-exemple.fr", "jeanne.durand@chu-exemple.fr"))
        #expect(equal("", ""))
        #expect(!equal("jeanne", "jeannE2"))
        #expect(!equal("a@b", "a`b"))  // `@` and `` ` `` differ by the case bit but are no letters
        #expect(!equal("É", "é"))  // ASCII only: Unicode folding happens elsewhere
    }

    /// The eight-byte fast path for http and https agrees with the general rule on every case
    /// spelling and on near misses.
    @Test func schemeLengthOfURLs() {
        let cases: [(String, Int?)] = [
            ("http://a", 4), ("HTTP://a", 4), ("hTtPs://a", 5), ("https://", 5), ("http://", 4),
            ("https:/x/y", nil), ("http:\\x", nil), ("http\u{1A}//x", nil), ("httpS://x", 5),
            ("android://x==@com.app/", 7), ("ftp://h", 3), ("1http://x", nil), ("h+t.t-p://x", 7),
            ("mail.example.test:user:pw", nil), ("", nil), ("h", nil), ("hxxp://x", 4),
            (String(repeating: "a", count: 32) + "://x", 32), (String(repeating: "a", count: 33) + "://x", nil),
        ]
        for (text, expected) in cases {
            #expect(Array(text.utf8).withUnsafeBytes { URLSyntax.schemeLength($0) } == expected, "\(text)")
        }
    }

    @Test func isASCIIAtEveryLengthAndPosition() {
        for length in 0...20 {
            let ascii = [UInt8](repeating: 0x7F, count: length)
            #expect(ascii.withUnsafeBytes { Bytes.isASCII($0) })
            for position in 0..<length {
                var bytes = ascii
                bytes[position] = 0x80
                #expect(!bytes.withUnsafeBytes { Bytes.isASCII($0) }, "\(length) \(position)")
            }
        }
    }
}
