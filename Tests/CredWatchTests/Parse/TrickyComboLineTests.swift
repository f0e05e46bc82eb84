import Testing

@testable import CredWatch

/// The tricky combolist lines of issue 16 (part 5), each written with its expected outcome
/// before the parser was fixed: the records the line gives (`url | login | password`) and the
/// findings they make against the fixture organisation (`MatchFixture`: Mediboard at
/// `mediboard.clinique-exemple.fr` and `dpi.clinique-exemple.fr/mediboard`, account `jdupont`
/// with mail `jean.dupont@clinique-exemple.fr`) with the shipped packs loaded.
@Suite("Tricky combolist lines")
struct TrickyComboLineTests {
    struct Probe: Sendable, CustomTestStringConvertible {
        var line: String
        /// `url | login | password` of each record the parser hands on; empty: the line is skipped.
        var records: [String]
        /// `kind platform login` of each finding (`-` without a platform).
        var findings: [String]

        var testDescription: String { line }
    }

    static let probes: [Probe] = [
        // A URL alone that carries credentials: the URL is the record, its credential is judged.
        Probe(
            line: "https://jdupont:S3cret@mediboard.clinique-exemple.fr/",
            records: ["https://jdupont:S3cret@mediboard.clinique-exemple.fr/ |  | "],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:S3cret&m=dPpatients",
            records: ["https://mediboard.clinique-exemple.fr/index.php?login=jdupont:S3cret&m=dPpatients |  | "],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://dpi.clinique-exemple.fr/mediboard/index.php?login=1&username=jdupont&password=S3cret",
            records: [
                "https://dpi.clinique-exemple.fr/mediboard/index.php?login=1&username=jdupont&password=S3cret |  | "
            ],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:S3cret&m=dPpatients:jdupont:S3cret",
            records: [
                "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:S3cret&m=dPpatients | jdupont | S3cret"
            ],
            findings: ["credential mediboard jdupont"]
        ),
        // Decoys: a URL alone without credentials, a user without password.
        Probe(line: "https://mediboard.clinique-exemple.fr/index.php?m=dPpatients", records: [], findings: []),
        Probe(line: "https://jdupont@mediboard.clinique-exemple.fr/", records: [], findings: []),
        // A `:` inside the query is not the line's separator: the last two fields are.
        Probe(
            line:
                "https://mediboard.clinique-exemple.fr/index.php?m=dPplanning&date=2024-11-03T10:22:14:jdupont:S3cret",
            records: [
                "https://mediboard.clinique-exemple.fr/index.php?m=dPplanning&date=2024-11-03T10:22:14 | jdupont | S3cret"
            ],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?m=a:b&tab=c:jean.dupont@clinique-exemple.fr:S3cret",
            records: [
                "https://mediboard.clinique-exemple.fr/index.php?m=a:b&tab=c | jean.dupont@clinique-exemple.fr | S3cret"
            ],
            findings: ["credential mediboard jean.dupont@clinique-exemple.fr"]
        ),
        // Userinfo whose password holds `@`, an IPv6 host after userinfo.
        Probe(
            line: "https://svc:Interf@ce92@mediboard.clinique-exemple.fr/index.php:jdupont:S3cret",
            records: ["https://svc:Interf@ce92@mediboard.clinique-exemple.fr/index.php | jdupont | S3cret"],
            findings: ["unknown_account mediboard svc", "credential mediboard jdupont"]
        ),
        Probe(
            line: "https://svc:P@ss@[2001:db8::10]:8443/mediboard/index.php:jdupont:S3cret",
            records: ["https://svc:P@ss@[2001:db8::10]:8443/mediboard/index.php | jdupont | S3cret"],
            findings: ["unknown_account mediboard svc", "credential mediboard jdupont"]
        ),
        // Hosts without a scheme: a trailing dot, IPv6, protocol-relative.
        Probe(
            line: "mediboard.clinique-exemple.fr.:jdupont:S3cret",
            records: ["mediboard.clinique-exemple.fr. | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "mediboard.clinique-exemple.fr./index.php:jdupont:S3cret",
            records: ["mediboard.clinique-exemple.fr./index.php | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "[2001:db8::10]:8443/mediboard/index.php:jdupont:S3cret",
            records: ["[2001:db8::10]:8443/mediboard/index.php | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "//mediboard.clinique-exemple.fr/index.php:jdupont:S3cret",
            records: ["//mediboard.clinique-exemple.fr/index.php | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(line: "// mediboard.clinique-exemple.fr:jdupont:S3cret", records: [], findings: []),
        // Separators with spaces around them, `;` before `login:password`, quoted fields.
        Probe(
            line: "https://mediboard.clinique-exemple.fr/ | jdupont | S3cret",
            records: ["https://mediboard.clinique-exemple.fr/ | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php;jdupont:S3cret",
            records: ["https://mediboard.clinique-exemple.fr/index.php | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/p;jsessionid=A1:jdupont:S3cret",
            records: ["https://mediboard.clinique-exemple.fr/p;jsessionid=A1 | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "\"https://mediboard.clinique-exemple.fr/\";\"jdupont\";\"S3cret\"",
            records: ["https://mediboard.clinique-exemple.fr/ | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "'https://mediboard.clinique-exemple.fr/':jdupont:S3cret",
            records: ["https://mediboard.clinique-exemple.fr/ | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        // The organisation's host in a stranger's path is no Mediboard install folder.
        Probe(
            line: "https://evil.example/mediboard.clinique-exemple.fr/login:jean.dupont@clinique-exemple.fr:S3cret",
            records: [
                "https://evil.example/mediboard.clinique-exemple.fr/login | jean.dupont@clinique-exemple.fr | S3cret"
            ],
            findings: ["reuse - jean.dupont@clinique-exemple.fr"]
        ),
        // A real install folder on a stranger's host is anyone's install (README, "Third
        // parties' installs"): a bare login there resolves to no account. That the folder is
        // still recognised as Mediboard's is checked by `PatternPackTests`.
        Probe(
            line: "https://evil.example/mediboard_prod/index.php:jdupont:S3cret",
            records: ["https://evil.example/mediboard_prod/index.php | jdupont | S3cret"],
            findings: []
        ),
        // Policy (README, "How it matches"): a `+tag` is part of the address, and a path is
        // matched as written (no percent-decoding, no `/./` or `//` folding): the host still
        // matches, so the credential is still reported, on the host's platform.
        Probe(
            line: "https://forum.example.test/:jean.dupont+forum@clinique-exemple.fr:S3cret",
            records: ["https://forum.example.test/ | jean.dupont+forum@clinique-exemple.fr | S3cret"],
            findings: []
        ),
        Probe(
            line: "https://dpi.clinique-exemple.fr/%6Dediboard/index.php:jdupont:S3cret",
            records: ["https://dpi.clinique-exemple.fr/%6Dediboard/index.php | jdupont | S3cret"],
            findings: ["credential dpi jdupont"]
        ),
        Probe(
            line: "https://dpi.clinique-exemple.fr/./mediboard/:jdupont:S3cret",
            records: ["https://dpi.clinique-exemple.fr/./mediboard/ | jdupont | S3cret"],
            findings: ["credential dpi jdupont"]
        ),
        Probe(
            line: "https://dpi.clinique-exemple.fr//mediboard/:jdupont:S3cret",
            records: ["https://dpi.clinique-exemple.fr//mediboard/ | jdupont | S3cret"],
            findings: ["credential dpi jdupont"]
        ),
        // Look-alike decoys.
        Probe(
            line: "https://mediboard.clinique-exemple.fr.evil.example/:jdupont:S3cret",
            records: ["https://mediboard.clinique-exemple.fr.evil.example/ | jdupont | S3cret"],
            findings: []
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr@evil.example/:jdupont:S3cret",
            records: ["https://mediboard.clinique-exemple.fr@evil.example/ | jdupont | S3cret"],
            findings: []
        ),
        // Probe 165: the colons of a credential's value in the query are the credential's own,
        // up to the next `&` or `#` (or the line's end when no `:login:password` follows).
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Pw:with:colons&m=dPpatients",
            records: [
                "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Pw:with:colons&m=dPpatients |  | "
            ],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?m=dPpatients&login=jdupont:a:b",
            records: ["https://mediboard.clinique-exemple.fr/index.php?m=dPpatients&login=jdupont:a:b |  | "],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?login=1&username=jdupont&password=a:b",
            records: ["https://mediboard.clinique-exemple.fr/index.php?login=1&username=jdupont&password=a:b |  | "],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Pw:x&m=dPpatients:sleroy:PwB",
            records: [
                "https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Pw:x&m=dPpatients | sleroy | PwB"
            ],
            findings: ["credential mediboard jdupont", "unknown_account mediboard sleroy"]
        ),
        // Protocol-relative URLs with userinfo are read like `https://` ones.
        Probe(
            line: "//jdupont:S3cret@mediboard.clinique-exemple.fr/",
            records: ["//jdupont:S3cret@mediboard.clinique-exemple.fr/ |  | "],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "//jdupont:S3cret@mediboard.clinique-exemple.fr/:sleroy:PwS",
            records: ["//jdupont:S3cret@mediboard.clinique-exemple.fr/ | sleroy | PwS"],
            findings: ["credential mediboard jdupont", "unknown_account mediboard sleroy"]
        ),
        Probe(line: "// jdupont:S3cret@mediboard.clinique-exemple.fr/", records: [], findings: []),
        // Quoted fields with spaces around the separator; a quoted login in an unquoted line.
        Probe(
            line: "\"https://mediboard.clinique-exemple.fr/login\" | \"jdupont\" | \"S3cret\"",
            records: ["https://mediboard.clinique-exemple.fr/login | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "\"https://mediboard.clinique-exemple.fr/login\" ; \"jdupont\" ; \"S3cret\"",
            records: ["https://mediboard.clinique-exemple.fr/login | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "\"https://mediboard.clinique-exemple.fr/login\" \"jdupont\" \"S3cret\"",
            records: ["https://mediboard.clinique-exemple.fr/login | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        Probe(
            line: "https://mediboard.clinique-exemple.fr/:\"jdupont\":S3cret",
            records: ["https://mediboard.clinique-exemple.fr/ | jdupont | S3cret"],
            findings: ["credential mediboard jdupont"]
        ),
        // A doubled quote inside a quoted field is one quote (CSV).
        Probe(
            line: "\"https://mediboard.clinique-exemple.fr/login\";\"jdupont\";\"S3\"\"cret\"",
            records: ["https://mediboard.clinique-exemple.fr/login | jdupont | S3\"cret"],
            findings: ["credential mediboard jdupont"]
        ),
    ]

    @Test(arguments: probes)
    func probe(_ probe: Probe) throws {
        let parsed = ParseFixture.parse(probe.line + "\n", locator: "combo.txt")
        #expect(parsed.credentials.map { "\($0.url) | \($0.login) | \($0.password)" } == probe.records)
        var feeder = Feeder(try MatchFixture.context(packs: [MatchFixture.shippedPatterns]), locator: "combo.txt")
        var findings: [String] = []
        for record in parsed.credentials {
            for sighting in feeder.credential(record.url, record.login, record.password) {
                findings.append("\(sighting.kind.rawValue) \(sighting.platform?.id ?? "-") \(sighting.login ?? "-")")
            }
        }
        #expect(findings == probe.findings)
    }
}

/// The password of a credential written into a query keeps its colons (probe 165).
@Suite("Query credentials keep their colons")
struct QueryCredentialColonTests {
    @Test(arguments: [
        ("https://mediboard.clinique-exemple.fr/index.php?login=jdupont:Pw:with:colons&m=dPpatients", "Pw:with:colons"),
        ("https://mediboard.clinique-exemple.fr/index.php?m=dPpatients&login=jdupont:a:b", "a:b"),
        ("https://mediboard.clinique-exemple.fr/index.php?login=1&username=jdupont&password=a:b", "a:b"),
    ])
    func password(line: String, password: String) {
        let parsed = ParseFixture.parse(line + "\n", locator: "combo.txt")
        #expect(parsed.credentials.count == 1)
        let embedded = Array((parsed.credentials.first?.url ?? "").utf8).withUnsafeBytes {
            URLParts(parsing: $0).embeddedCredentials
        }
        #expect(embedded.map { String(decoding: $0.login, as: UTF8.self) } == ["jdupont"])
        #expect(embedded.map { String(decoding: $0.password, as: UTF8.self) } == [password])
    }
}
