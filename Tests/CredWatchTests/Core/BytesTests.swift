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
}
