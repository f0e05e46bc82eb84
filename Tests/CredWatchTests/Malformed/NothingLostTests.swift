import Foundation
import Testing

@testable import CredWatch

/// One corpus mixing every damaged input of the suite with sound ones: every credential planted
/// outside a damaged part is reported, at its place, and none planted inside one is.
@Suite("malformed inputs: nothing lost")
struct NothingLostTests {
    @Test(.timeLimit(.minutes(2)))
    func everyCredentialOutsideTheDamagedPartsIsFound() throws {
        let corpus = MalformedCorpus()
        let limits = MalformedInputTests.bombLimits
        let redos = corpus.catastrophicRegex()
        var inputs = [
            corpus.truncatedGzip(), corpus.gzipWithWrongChecksum(), corpus.zipMemberWithWrongChecksum(),
            corpus.zipWithCorruptMember(), corpus.gzipBomb(limits: limits), corpus.zipBomb(),
            corpus.overlappingZip().input, corpus.zipWithLyingSizes(), corpus.nestedRepeatedZip().input,
            corpus.deeplyNestedZip(),
            corpus.fiftyMegabyteLine(),
            corpus.binaryJunk(), corpus.textNamedZip(), corpus.invalidUTF8(), corpus.nulBytes(),
            corpus.symbolicLinkLoops(), corpus.unreadableFile(), redos.input,
        ]
        _ = corpus.zeroByteFiles()
        inputs += sound(in: corpus)
        let context = try MatchFixture.context(packs: [MatchFixture.shippedPatterns, redos.pack])

        let outcome = MalformedScan.run([corpus.root], limits: limits, context: context)

        let found = Set(inputs.flatMap(\.found).map(\.place))
        let lost = Set(inputs.flatMap(\.lost).map(\.place))
        #expect(found.count == inputs.flatMap(\.found).count, "two plants share a place")
        #expect(outcome.reportedPlaces == found)
        #expect(outcome.reportedPlaces.isDisjoint(with: lost))
        // Every exact message of every damaged input, the zip bomb's, the regex given up on, and
        // nothing else.
        let expected = Set(inputs.flatMap(\.messages))
        #expect(expected.isSubset(of: Set(outcome.messages)))
        let others = outcome.messages.filter { !expected.contains($0) }
        #expect(others.count == 2, "\(others)")
        #expect(others.contains { $0.contains("bomb.zip!bomb.txt: decompression bomb: ") }, "\(others)")
        #expect(others.contains { $0.hasPrefix("credwatch: warning: patterns: ") }, "\(others)")
        #expect(outcome.exitStatus == 1)
    }

    /// Sound inputs beside the damaged ones: a stealer victim folder, a tarball of one, and a
    /// gzip'ed combolist.
    private func sound(in corpus: MalformedCorpus) -> [DamagedInput] {
        let folder = "FR[0A1B2C3D] [2024-11-03T10_22_14]"
        let passwords = corpus.path(folder + "/Passwords.txt")
        corpus.write(
            folder + "/Passwords.txt",
            """
            URL: https://mediboard.clinique-exemple.fr/mediboard/index.php
            Username: jean.dupont@clinique-exemple.fr
            Password: Victime-saine1
            Application: Google_[Chrome]_Default
            ===============

            """
        )
        let tarred = PlantedCredential(login: "jd@clinique-exemple.fr", password: "Archive-saine2", path: "", line: 2)
        let tarball = corpus.write(
            "victim.tar.gz",
            DecodeCompression.gzip(
                TarFixture([
                    .file("victim/combo.txt", Array(MalformedScan.combolist(lines: 3, planting: [tarred]).utf8))
                ])
                .build()
            )
        )
        let combo = PlantedCredential(
            login: "cnguyen",
            password: "Liste-saine3",
            path: corpus.path("combo.txt.gz"),
            line: 7
        )
        corpus.write("combo.txt.gz", DecodeCompression.gzip(MalformedScan.combolist(lines: 9, planting: [combo])))
        var inTar = tarred
        inTar.path = tarball + "!victim/combo.txt"
        return [
            DamagedInput(
                path: passwords,
                found: [
                    PlantedCredential(login: "jean.dupont@clinique-exemple.fr", password: "", path: passwords, line: 1)
                ]
            ),
            DamagedInput(path: tarball, found: [inTar]),
            DamagedInput(path: combo.path, found: [combo]),
        ]
    }
}
