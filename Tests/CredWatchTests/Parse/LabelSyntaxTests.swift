import Testing

@testable import CredWatch

@Suite("Label syntax: decorations, junk tokens, separators, vocabulary folding")
struct LabelSyntaxTests {
    private func split(_ line: String) -> (label: String, value: String, isColon: Bool)? {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBytes { raw in
            LabelText.split(Bytes.trimmed(UnsafeRawBufferPointer(raw))).map {
                (Text.string($0.label), Text.string($0.value), $0.isColon)
            }
        }
    }

    @Test(
        "Decorations and junk tokens before a label are skipped",
        arguments: [
            "• User: x", "┃ User: x", "│ User: x", "║ User: x", "- User: x", "* User: x", "> User: x", "👤 User: x",
            "🖥️ User: x", "∟ ⛔ User: x", "» User: x", "1. User: x", "02) User: x", "#3 User: x", "[01] User: x",
            "[@EXAMPLE CLOUD] User: x", "@cloud User: x", "t.me/cloud User: x", "CLOUD LOGS | User: x",
            "【CLOUD】 User: x", "\t\t- User: x",
        ]
    )
    func decorations(line: String) {
        let parsed = split(line)
        #expect(parsed?.label == "User")
        #expect(parsed?.value == "x")
    }

    @Test(
        "Separators",
        arguments: [
            ("User: x", true), ("User:x", true), ("User : x", true), ("User：x", true), ("User = x", false),
            ("User=x", false), ("User => x", false), ("User -> x", false), ("User - x", false), ("User – x", false),
            ("User → x", false), ("User\t\tx", false), ("User\t\t: x", true), ("User . . . . : x", true),
        ]
    )
    func separators(line: String, isColon: Bool) {
        let parsed = split(line)
        #expect(parsed?.label.hasPrefix("User") == true)
        #expect(parsed?.value == "x")
        #expect(parsed?.isColon == isColon)
    }

    @Test(
        "Lines that are no labels",
        arguments: [
            "https://portal.example.test/login:alice:pw", "alice@example.test\tpw", "URL\tLOGIN\tPASSWORD",
            "=== SYSTEM INFORMATION ===", "- IP Info -", "[Hardware]", "t.me/cloud", "@channel", "1) Common Files",
            "[01]: KB5031988", "Re-Uploads Private Logs and ULPs /// t.me/cloud",
        ]
    )
    func notLabels(line: String) {
        #expect(split(line) == nil)
    }

    @Test("A dash joins words of a label; only a dash between spaces separates")
    func dashes() {
        #expect(split("computer-name: PC-1")?.label == "computer-name")
        #expect(split("E-mail - a@example.test")?.value == "a@example.test")
    }

    @Test(
        "Labels fold case and filler in English, French, Russian, Portuguese and Spanish",
        arguments: [
            ("Nom de l'ordinateur", "nomdelordinateur"), ("Nom d’utilisateur", "nomdutilisateur"),
            ("ИМЯ КОМПЬЮТЕРА", "имякомпьютера"), ("Учётная запись", "учетнаязапись"), ("PAÍS", "país"),
            ("Nome do Computador", "nomedocomputador"), ("Host Name . . . .", "hostname"),
        ]
    )
    func folding(label: String, folded: String) {
        var bytes = Array(label.utf8)
        let spelled = bytes.withUnsafeMutableBytes { raw in
            MachineLabel.table.first { LabelText.spells(UnsafeRawBufferPointer(raw), $0.0) }.map { "\($0.0)" }
        }
        #expect(spelled == folded)
    }
}
