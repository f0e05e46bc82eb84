import Testing

@testable import CredWatch

/// The encodings a leaked password is hashed in when checking whether it is current: each
/// one the storing system could have used, each distinct one once.
@Suite struct PasswordEncodingsTests {
    static let windows1252Hopital: [UInt8] = [0x48, 0xF4] + Array("pital19!".utf8)
    static let windows1252Euro: [UInt8] = [0x50, 0x61, 0x80, 0x80] + Array("word1".utf8)
    static let windows1252Coeur: [UInt8] = [0x63, 0x9C, 0x75, 0x72, 0x92] + Array("2024".utf8)

    /// Every byte candidate, in the order tried.
    static func byteCandidates(_ password: [UInt8]) -> [[UInt8]] {
        var found: [[UInt8]] = []
        password.withUnsafeBytes { raw in
            var encodings = PasswordEncodings(raw)
            _ = encodings.anyByteCandidate { bytes in
                found.append(Array(bytes))
                return false
            }
        }
        return found
    }

    static func byteCandidates(_ password: String) -> [[UInt8]] { byteCandidates(Array(password.utf8)) }

    static func utf16(_ password: [UInt8]) -> [UInt8] {
        password.withUnsafeBytes { raw in
            var encodings = PasswordEncodings(raw)
            return encodings.withUTF16LittleEndian { Array($0) }
        }
    }

    static func utf16(of text: String) -> [UInt8] {
        text.utf16.flatMap { [UInt8(truncatingIfNeeded: $0), UInt8(truncatingIfNeeded: $0 >> 8)] }
    }

    @Test func anASCIIPasswordHasOneCandidate() {
        #expect(Self.byteCandidates("Summer2024!") == [Array("Summer2024!".utf8)])
        #expect(Self.byteCandidates("") == [[]])
    }

    @Test func utf8AccentsAreAlsoTriedInTheirSingleByteForm() {
        // Windows-1252 and ISO-8859-1 write ô alike: one candidate for both.
        #expect(Self.byteCandidates("Hôpital19!") == [Array("Hôpital19!".utf8), Self.windows1252Hopital])
    }

    @Test func windows1252BytesAreAlsoTriedAsTheirTextInUTF8() {
        #expect(Self.byteCandidates(Self.windows1252Hopital) == [Self.windows1252Hopital, Array("Hôpital19!".utf8)])
        #expect(Self.byteCandidates(Self.windows1252Euro) == [Self.windows1252Euro, Array("Pa€€word1".utf8)])
        #expect(Self.byteCandidates(Self.windows1252Coeur) == [Self.windows1252Coeur, Array("cœur’2024".utf8)])
    }

    /// €, œ and ’ exist in Windows-1252 only; a C1 control in ISO-8859-1 only.
    @Test func eachSingleByteFormOnlyWhenItCanWriteTheText() {
        #expect(Self.byteCandidates("Pa€€word1") == [Array("Pa€€word1".utf8), Self.windows1252Euro])
        #expect(Self.byteCandidates("cœur’2024") == [Array("cœur’2024".utf8), Self.windows1252Coeur])
        #expect(Self.byteCandidates("a\u{85}b") == [Array("a\u{85}b".utf8), [0x61, 0x85, 0x62]])
        // Neither can write an emoji or a Cyrillic letter.
        #expect(Self.byteCandidates("Clé😀") == [Array("Clé😀".utf8)])
        #expect(Self.byteCandidates("пароль") == [Array("пароль".utf8)])
    }

    /// The five bytes Windows-1252 leaves undefined read as the C1 controls of the same value.
    @Test func undefinedWindows1252BytesAreTheirC1Controls() {
        #expect(Self.byteCandidates([0x41, 0x81]) == [[0x41, 0x81], [0x41, 0xC2, 0x81]])
        #expect(Self.utf16([0x41, 0x81]) == [0x41, 0, 0x81, 0])
    }

    @Test func utf16IsTheDecodedTextWhateverTheFileEncoding() {
        for (raw, text) in [
            (Self.windows1252Hopital, "Hôpital19!"), (Array("Hôpital19!".utf8), "Hôpital19!"),
            (Self.windows1252Euro, "Pa€€word1"), (Array("Pa€€word1".utf8), "Pa€€word1"),
            (Self.windows1252Coeur, "cœur’2024"), (Array("cœur’2024".utf8), "cœur’2024"),
            (Array("Clé😀secrète".utf8), "Clé😀secrète"),
        ] {
            #expect(Self.utf16(raw) == Self.utf16(of: text), "\(text)")
        }
    }

    /// Bytes that are almost UTF-8 (one stray byte) are read as Windows-1252 throughout, as
    /// reports read them.
    @Test func invalidUTF8IsWindows1252Throughout() {
        let raw: [UInt8] = Array("é".utf8) + [0xE9]
        #expect(Self.utf16(raw) == Self.utf16(of: "Ã©é"))
        #expect(Self.byteCandidates(raw) == [raw, Array("Ã©é".utf8)])
    }
}
