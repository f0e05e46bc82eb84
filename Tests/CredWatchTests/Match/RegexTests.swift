import Testing

@testable import CredWatch

@Suite struct RegexTests {
    private func literals(_ pattern: String) -> [String] {
        RequiredLiterals.of(pattern).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        (#"^https?://[^/]+/mediboard/index\.php"#, ["/mediboard/index.php"]),
        (#"^https?://[^/]+(/[^?#]*)?/index\.php\?([^#]*&)?m=(dp[a-z]+|mediusers)"#, ["/index.php?"]),
        (#"^[^?#]*(DxCare|web100t)"#, ["dxcare", "web100t"]),
        (#"^[a-z]+://mychart\."#, ["://mychart."]),
        (#"(?i)abc(def)?ghi"#, ["ghi"]),
        (#"abcd+efg"#, ["abcd"]),
        (#"ab(?:cde|fgh)ij"#, ["cde", "fgh"]),
        (#"x{2}yz{0,1}"#, []),
        (#"^https?://"#, []),
        (#"(?x) a b c d"#, []),
        (#"\Qabc\E"#, []),
        (#"(abc)\1"#, []),
        (#"abc|de"#, []),
        (#"[abc]def[ghi]"#, ["def"]),
        (#"(?=abcd)xyz"#, ["xyz"]),
        (#"(?<name>abcd)e"#, ["abcd"]),
    ])
    func requiredLiterals(pattern: String, expected: [String]) throws {
        _ = try CompiledRegex(pattern)
        #expect(literals(pattern) == expected)
    }

    @Test func prefilterIsSoundForEveryLiteral() throws {
        // Every subject the regex matches holds one of its literals.
        let regex = try CompiledRegex(#"^[^?#]*(dxcare|web100t)"#)
        let scratch = RegexScratch()
        for subject in ["https://dxcare.example/", "https://x.example/WEB100T/", "https://x.example/?q=dxcare"] {
            let bytes = Array(subject.lowercased().utf8)
            let direct = bytes.withUnsafeBytes { scratch.matches(regex, $0) }
            let filtered = bytes.withUnsafeBytes { scratch.matchesPrefiltered(regex, lowercasedSubject: $0) }
            #expect(direct == filtered, "\(subject)")
        }
    }

    @Test func catastrophicRegexGivesUpAndIsCounted() throws {
        let regex = try CompiledRegex(#"^https://x/(a|a)+(b|b)+c"#)
        let scratch = RegexScratch()
        let subject = Array(
            ("https://x/" + String(repeating: "a", count: 40) + String(repeating: "b", count: 40) + "xc").utf8
        )
        #expect(!subject.withUnsafeBytes { scratch.matches(regex, $0) })
        #expect(scratch.limitHits == 1)
    }

    @Test func catastrophicProfileRegexDoesNotStallTheWorker() throws {
        let profile = """
            name = "X"
            [[platform]]
            id = "slow"
            severity = "low"
            regex = ['^https://slow\\.example/(a|a)+(b|b)+c']
            """
        var feeder = Feeder(try MatchFixture.context(profile: profile))
        let url = "https://slow.example/" + String(repeating: "a", count: 40) + String(repeating: "b", count: 40) + "xc"
        #expect(feeder.credential(url, "nobody").isEmpty)
        #expect(feeder.worker.regexLimitHits == 1)
    }

    @Test func compileErrorCarriesPCRE2sMessageAndOffset() {
        #expect(throws: CompiledRegex.CompileError.self) { try CompiledRegex("a(b") }
        do {
            _ = try CompiledRegex("a(b")
        } catch {
            #expect(error.description == "missing closing parenthesis at offset 3")
        }
    }

    @Test func matchingIsCaseInsensitiveAndCopesWithInvalidUTF8() throws {
        let regex = try CompiledRegex("^gex-par")
        let scratch = RegexScratch()
        #expect(Array("GEX-PAR-1".utf8).withUnsafeBytes { scratch.matches(regex, $0) })
        #expect(!([0xFF, 0xFE, 0x41] as [UInt8]).withUnsafeBytes { scratch.matches(regex, $0) })
    }

    @Test func substringSearch() {
        func contains(_ haystack: String, _ needle: String) -> Bool {
            Array(haystack.utf8).withUnsafeBytes { RequiredLiteral(Array(needle.utf8)).occurs(in: $0) }
        }
        #expect(contains("abcabd", "abd"))
        #expect(!contains("abcab", "abd"))
        #expect(contains("abd", "abd"))
        #expect(!contains("ab", "abd"))
        #expect(contains("xx/mediboard/index.php", "/mediboard/index.php"))
        #expect(!contains("/mediboard/index.ph", "/mediboard/index.php"))
        #expect(RequiredLiteral(Array("/mediboard/".utf8)).anchor == 5)
    }
}
