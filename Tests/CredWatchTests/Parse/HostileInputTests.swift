import Testing

@testable import CredWatch

@Suite("Hostile input")
struct HostileInputTests {
    /// Deterministic bytes over an alphabet rich in the parsers' syntax (separators, labels,
    /// quotes, brackets, escapes, CR, non-UTF-8 bytes).
    private static func noise(seed: UInt64, count: Int) -> [UInt8] {
        let alphabet =
            Array("::://|||\t\t;; @@..==--**\"\"[]{}\\#_aZ09URL Password\r\n\n\n\n".utf8) + [
                0xE2, 0x94, 0x81, 0xE9, 0xFF, 0x00,
            ]
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return alphabet[Int(state % UInt64(alphabet.count))]
        }
    }

    @Test(
        "Random bytes never crash any parser; records keep line numbers in range",
        arguments: [
            "combo.txt", "v/Passwords.txt", "v/System.txt", "v/Cookies/c.txt", "v/Passwords.json", "v/Info.json",
        ]
    )
    func noise(locator: String) {
        for seed: UInt64 in 1...8 {
            let bytes = Self.noise(seed: seed &* 0x9E37_79B9_7F4A_7C15, count: 16_384)
            let lines = bytes.filter { $0 == 0x0A }.count + 1
            let result = ParseFixture.parse(bytes: bytes, locator: locator)
            #expect(result.credentials.allSatisfy { (1...lines).contains($0.line) })
            #expect(result.cookies.allSatisfy { (1...lines).contains($0.line) })
            #expect(result.machines.allSatisfy { (1...lines).contains($0.line) })
            #expect(result.skipped <= lines)
            if locator == "combo.txt" {
                // Every combolist line is either a credential or skipped.
                let counted = bytes.last == 0x0A ? lines - 1 : lines
                #expect(result.credentials.count + result.skipped == counted)
            }
        }
    }

    @Test("A label followed by thousands of continuation lines keeps a bounded value")
    func boundedContinuation() {
        let text =
            "URL: https://a.example.test/\nUsername: u\nPassword: p\n" + String(repeating: "more\n", count: 10_000)
        let result = ParseFixture.parse(text, locator: "v/Passwords.txt")
        #expect(result.credentials.count == 1)
        #expect(
            result.credentials.first?.password == "p"
                + String(repeating: "\nmore", count: CredentialFileParser.maximumContinuationLines)
        )
        #expect(result.skipped == 10_000 - CredentialFileParser.maximumContinuationLines)
    }
}
