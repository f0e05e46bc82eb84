import Testing

@testable import CredWatch

@Suite struct FindingAggregatorTests {
    typealias F = ReportFixture

    @Test func lummaDoubleAndTenDumpsAreOneFinding() throws {
        let victim = "lumma.zip!FR[77AB]"
        var inputs: [F.Input] = (1...10).map { .sighting(F.credential(path: "dump\($0).txt", line: $0)) }
        inputs.append(.sighting(F.credential(path: victim + "/All Passwords.txt", line: 30, family: .lumma)))
        inputs.append(.sighting(F.credential(path: victim + "/Edge/Default/Passwords.txt", line: 2, family: .lumma)))
        // The same record delivered twice (same source) is counted but listed once.
        inputs.append(.sighting(F.credential(path: "dump1.txt", line: 1)))

        let findings = F.aggregate(inputs)

        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.kind == .credential)
        #expect(finding.count == 13)
        #expect(finding.sources.count == 12)
        #expect(finding.sources == finding.sources.sorted())
        #expect(Set(finding.sources).count == finding.sources.count)
        #expect(finding.account == "jdupont")
        #expect(finding.exposureKey == "credential|jdupont|mediboard|" + F.password("Cardio2024!").fingerprint)
    }

    @Test func differentPasswordsPlatformsOrKindsStayApart() {
        let findings = F.aggregate([
            .sighting(F.credential(password: "Cardio2024!")),
            .sighting(F.credential(password: "Cardio2025!")),
            .sighting(F.credential(platform: F.webmail)),
            .sighting(F.credential(platform: nil, kind: .reuse)),
        ])
        #expect(findings.count == 4)
        #expect(Set(findings.map(\.exposureKey)).count == 4)
    }

    @Test func unknownLoginsMergeCaseInsensitively() throws {
        let findings = F.aggregate([
            .sighting(
                F.credential(account: nil, login: "Inconnu@Clinique-Exemple.fr", path: "a.txt", kind: .unknownAccount)
            ),
            .sighting(
                F.credential(account: nil, login: "inconnu@clinique-exemple.fr", path: "b.txt", kind: .unknownAccount)
            ),
        ])
        let finding = try #require(findings.first)
        #expect(findings.count == 1)
        #expect(finding.count == 2)
        #expect(finding.exposureKey.hasPrefix("unknown_account|inconnu@clinique-exemple.fr|mediboard|"))
        // The login shown is the one of the smallest source, as written.
        #expect(finding.login == "Inconnu@Clinique-Exemple.fr")
    }

    @Test func cookiesMergeByPlatformDomainNameAndValue() throws {
        let findings = F.aggregate([
            .sighting(F.cookie(name: "MBSESSID", path: "a/Cookies.txt")),
            .sighting(F.cookie(name: "MBSESSID", path: "a/Cookies/Edge.txt")),
            .sighting(F.cookie(name: "OTHER", path: "a/Cookies.txt")),
        ])
        #expect(findings.count == 2)
        let session = try #require(findings.first { $0.cookie?.name == "MBSESSID" })
        #expect(session.count == 2)
        // No system information: the machine part of the key is empty.
        #expect(
            session.exposureKey
                == "cookie||mediboard|.mediboard.clinique-exemple.fr;MBSESSID;" + F.password("sess-4f1c9a").fingerprint
        )
    }

    /// Issue 15 §7: a cookie exposure is keyed on the victim machine and the fingerprint of the
    /// value, so a session stolen from a new machine, or a fresh session, is a new exposure; the
    /// same session read in two dumps of one machine is still one.
    @Test func cookiesAreOneExposurePerMachineAndSession() throws {
        let inputs: [F.Input] = [
            .machine(F.machine(folder: "dump1.zip!FR[A]", hostname: "PC-A", hwid: "AAAA-1")),
            .machine(F.machine(folder: "dump2.zip!FR[A]", hostname: "PC-A", hwid: "aaaa-1")),
            .machine(F.machine(folder: "dump1.zip!FR[B]", hostname: "PC-B", hwid: "BBBB-2")),
            .sighting(F.cookie(value: "sess-1", path: "dump1.zip!FR[A]/Cookies/Chrome.txt")),
            .sighting(F.cookie(value: "sess-1", path: "dump2.zip!FR[A]/Cookies/Chrome.txt")),
            .sighting(F.cookie(value: "sess-1", path: "dump1.zip!FR[B]/Cookies/Chrome.txt")),
            .sighting(F.cookie(value: "sess-2", path: "dump1.zip!FR[B]/Cookies/Edge.txt")),
        ]
        let reference = F.aggregate(inputs).filter { $0.kind == .cookie }
        #expect(reference.count == 3)
        let onA = reference.filter { $0.machine?.hostname == "PC-A" }
        #expect(onA.count == 1)
        #expect(onA.first?.count == 2)
        #expect(
            onA.first?.sources.map(\.path) == [
                "dump1.zip!FR[A]/Cookies/Chrome.txt", "dump2.zip!FR[A]/Cookies/Chrome.txt",
            ]
        )
        let sessionOne = F.password("sess-1").fingerprint
        #expect(
            onA.first?.exposureKey == "cookie|hwid:aaaa-1|mediboard|.mediboard.clinique-exemple.fr;MBSESSID;"
                + sessionOne
        )
        let onB = reference.filter { $0.machine?.hostname == "PC-B" }
        #expect(Set(onB.map(\.cookie?.valueFingerprint)) == [sessionOne, F.password("sess-2").fingerprint])
        #expect(Set(reference.map(\.exposureKey)).count == 3)
        // The key holds fingerprints only, never a value.
        #expect(!reference.contains { $0.exposureKey.contains("sess-") })
        var generator = ReportShuffleGenerator(seed: 7)
        for _ in 0..<10 {
            #expect(F.aggregate(inputs.shuffled(using: &generator)).filter { $0.kind == .cookie } == reference)
        }
    }

    /// Issue 15 §7: one exposure seen on several machines lists every one of them, most relevant
    /// first; `machine` stays the first.
    @Test func oneCredentialOnThreeMachinesListsThemAll() throws {
        let findings = F.aggregate([
            .machine(F.machine(folder: "a", hostname: "PC-A", logDate: "2024-09-01", isOrganisation: false)),
            .machine(F.machine(folder: "b", hostname: "PC-B", logDate: "2024-11-20", isOrganisation: false)),
            .machine(F.machine(folder: "c", hostname: "GEX-PAR-PC0042", logDate: "2024-10-02")),
            .sighting(F.credential(path: "a/Passwords.txt")),
            .sighting(F.credential(path: "b/Passwords.txt")),
            .sighting(F.credential(path: "c/Passwords.txt")),
        ])
        let finding = try #require(findings.first { $0.kind == .credential })
        #expect(finding.machines.map(\.hostname) == ["GEX-PAR-PC0042", "PC-B", "PC-A"])
        #expect(finding.machine?.hostname == "GEX-PAR-PC0042")
        #expect(finding.machinesOmitted == 0)
        let json = ReportRenderer.render([finding], as: .jsonl, options: ReportOptions()).reportText
        #expect(json.contains(#""machine":{"hostname":"GEX-PAR-PC0042""#))
        #expect(json.contains(#""machines":[{"hostname":"GEX-PAR-PC0042""#))
        #expect(json.contains(#"{"hostname":"PC-B""#) && json.contains(#"{"hostname":"PC-A""#))
        #expect(!json.contains("machines_omitted"))
        let csv = ReportRenderer.render([finding], as: .csv, options: ReportOptions()).reportText
        #expect(csv.contains("GEX-PAR-PC0042 (jdupont) | PC-B (jdupont) | PC-A (jdupont)"))
        var options = ReportOptions()
        options.terminalWidth = 400
        let table = ReportRenderer.render([finding], as: .table, options: options).reportText
        #expect(table.contains("GEX-PAR-PC0042 [org] +2"))
    }

    /// A machine sold in two dumps is one machine of the list; past `maxListedMachines`
    /// machines the rest are counted.
    @Test func machinesAreDistinctAndCapped() throws {
        var inputs: [F.Input] = []
        for index in 0..<(Finding.maxListedMachines + 5) {
            inputs.append(.machine(F.machine(folder: "v\(index)", hostname: "PC-\(index)", isOrganisation: false)))
            inputs.append(.sighting(F.credential(path: "v\(index)/Passwords.txt")))
        }
        inputs.append(.machine(F.machine(folder: "again", hostname: "PC-0", isOrganisation: false)))
        inputs.append(.sighting(F.credential(path: "again/Passwords.txt")))
        let finding = try #require(F.aggregate(inputs).first { $0.kind == .credential })
        #expect(finding.machines.count == Finding.maxListedMachines)
        #expect(Set(finding.machines.map(\.identity)).count == Finding.maxListedMachines)
        #expect(finding.machinesOmitted == 5)
        let json = ReportRenderer.render([finding], as: .jsonl, options: ReportOptions()).reportText
        #expect(json.contains(#""machines_omitted":5"#))
    }

    /// Absorbing one sample into another gives the sample of all their sightings.
    @Test func sourceSamplesAbsorbLikeOneSample() {
        var generator = ReportShuffleGenerator(seed: 9)
        let sightings = (0..<300).map { _ in
            Source(path: "p\(generator.next() % 30)", line: Int(generator.next() % 4), offset: 0, family: .ulp)
        }
        var whole = SourceSample(capacity: 9)
        for source in sightings { whole.add(source) }
        var left = SourceSample(capacity: 9)
        var right = SourceSample(capacity: 9)
        for (index, source) in sightings.enumerated() {
            if index % 3 == 0 { left.add(source) } else { right.add(source) }
        }
        left.absorb(right)
        #expect(left.sources == whole.sources)
        #expect(left.omitted == whole.omitted)
        #expect(left.total == whole.total)
    }

    @Test func keySeparatorsInHostileValuesCannotCollide() {
        let findings = F.aggregate([
            .sighting(F.credential(account: nil, login: "a|b", kind: .unknownAccount)),
            .sighting(F.credential(account: nil, login: "a%7Cb", kind: .unknownAccount)),
        ])
        #expect(findings.count == 2)
    }

    @Test func nearestMachineWinsWhateverTheArrivalOrder() throws {
        let inputs: [F.Input] = [
            .machine(F.machine(folder: "pack.zip", hostname: "OUTER", isOrganisation: false, account: nil)),
            .machine(F.machine(folder: "pack.zip!victim1", hostname: "GEX-PAR-PC0042")),
            .sighting(F.credential(path: "pack.zip!victim1/Chrome/Default/Passwords.txt", line: 3)),
            .sighting(F.credential(account: F.mmartin, login: "marie.martin", path: "pack.zip!victim2/Passwords.txt")),
        ]
        var renderings = Set<[UInt8]>()
        for permutation in permutations(of: inputs) {
            let findings = F.aggregate(permutation)
            let dupont = try #require(findings.first { $0.account == "jdupont" && $0.kind == .credential })
            let martin = try #require(findings.first { $0.account == "mmartin" })
            #expect(dupont.machine?.hostname == "GEX-PAR-PC0042")
            #expect(dupont.machine?.isOrganisationMachine == true)
            #expect(martin.machine?.hostname == "OUTER")
            renderings.insert(ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()))
        }
        #expect(renderings.count == 1)
    }

    /// The hostname of the machine each credential path is attached to.
    private func hostnames(_ inputs: [F.Input], paths: [String]) -> [String: String] {
        var result: [String: String] = [:]
        for finding in F.aggregate(inputs) where finding.kind == .credential {
            for source in finding.sources where paths.contains(source.path) {
                result[source.path] = finding.machines.first?.hostname ?? "-"
            }
        }
        return result
    }

    /// Credentials at `paths`, each a distinct exposure (a password of its own).
    private func credentials(_ paths: [String]) -> [F.Input] {
        paths.enumerated().map { .sighting(F.credential(password: "Pw\($0.offset)", path: $0.element)) }
    }

    @Test(arguments: [
        "st/victim1", "dump.zip!victim1", "dump.zip!victim1.zip", "victim1.tar.gz!FR[77AB]",
    ])
    func systemInformationInASubfolderIsItsVictims(_ victim: String) {
        let paths = [victim + "/Passwords.txt", victim + "/Browsers/Chrome/Default/Passwords.txt"]
        for subfolder in ["System", "info", "Data/System", "SysInfo"] {
            let inputs =
                [F.Input.machine(F.machine(folder: victim + "/" + subfolder, hostname: "GEX-PAR-PC0007"))]
                + credentials(paths)
            for permutation in permutations(of: inputs) {
                #expect(
                    hostnames(permutation, paths: paths)
                        == Dictionary(uniqueKeysWithValues: paths.map { ($0, "GEX-PAR-PC0007") })
                )
            }
        }
    }

    @Test func twoSubfoldersOfOneVictimDescribeOneMachine() throws {
        let inputs: [F.Input] =
            [
                .machine(F.machine(folder: "v/System", hostname: "GEX-PAR-PC0007", file: "Information.txt")),
                .machine(F.machine(folder: "v/info", hostname: "GEX-PAR-PC0007", hwid: "AB-12", file: "UserInfo.txt")),
            ] + credentials(["v/Passwords.txt"])
        let findings = F.aggregate(inputs)
        let credential = try #require(findings.first { $0.kind == .credential })
        #expect(credential.machine?.hostname == "GEX-PAR-PC0007")
        #expect(credential.machine?.hwid == "AB-12")
        let infected = findings.filter { $0.kind == .infectedMachine }
        #expect(infected.count == 1)
        #expect(infected.first?.sources.map(\.path) == ["v/System/Information.txt", "v/info/UserInfo.txt"])
    }

    @Test func siblingVictimsOfADumpStaySeparate() {
        // Each victim with its system information in a subfolder, one with none at all, and
        // a combolist beside them.
        let inputs: [F.Input] =
            [
                .machine(F.machine(folder: "dump/v1/System", hostname: "PC-ONE", isOrganisation: false)),
                .machine(F.machine(folder: "dump/v2/System", hostname: "PC-TWO", isOrganisation: false)),
                .machine(F.machine(folder: "dump/v4/System", hostname: "PC-FOUR", isOrganisation: false)),
            ]
            + credentials([
                "dump/v1/Passwords.txt", "dump/v2/Browsers/Passwords.txt", "dump/v3/Passwords.txt", "dump/combo.txt",
            ])
        let paths = [
            "dump/v1/Passwords.txt", "dump/v2/Browsers/Passwords.txt", "dump/v3/Passwords.txt", "dump/combo.txt",
        ]
        #expect(
            hostnames(inputs, paths: paths) == [
                "dump/v1/Passwords.txt": "PC-ONE", "dump/v2/Browsers/Passwords.txt": "PC-TWO",
                "dump/v3/Passwords.txt": "-", "dump/combo.txt": "-",
            ]
        )
    }

    @Test func systemInformationIsNotLiftedPastItsVictim() {
        let inputs: [F.Input] =
            [
                // Two machines below one folder: a dump, not a victim.
                .machine(F.machine(folder: "a/v1/System", hostname: "PC-ONE", isOrganisation: false)),
                .machine(F.machine(folder: "a/v2", hostname: "PC-TWO", isOrganisation: false)),
                // A combolist beside a victim folder is none of its files.
                .machine(F.machine(folder: "b/v/System", hostname: "PC-B", isOrganisation: false)),
                // Never out of the archive that holds it.
                .machine(F.machine(folder: "c/pack.zip!System", hostname: "PC-C", isOrganisation: false)),
                // Nor more than two folders up.
                .machine(F.machine(folder: "d/v/x/y/System", hostname: "PC-D", isOrganisation: false)),
                // A victim folder whose credentials did not match, beside one without system
                // information: not a subfolder of the dump.
                .machine(F.machine(folder: "e/v1", hostname: "PC-E1", isOrganisation: false)),
                .machine(F.machine(folder: "f/v1/Browsers", hostname: "PC-F1", isOrganisation: false)),
            ]
            + credentials([
                "a/v3/Passwords.txt", "b/combo.txt", "c/Passwords.txt", "d/v/Passwords.txt", "e/v2/Passwords.txt",
                "f/v2/Passwords.txt",
            ])
        let paths = [
            "a/v3/Passwords.txt", "b/combo.txt", "c/Passwords.txt", "d/v/Passwords.txt", "e/v2/Passwords.txt",
            "f/v2/Passwords.txt",
        ]
        #expect(hostnames(inputs, paths: paths) == Dictionary(uniqueKeysWithValues: paths.map { ($0, "-") }))
    }

    @Test func logDatesSpanTheMachinesOfAllSources() throws {
        let findings = F.aggregate([
            .machine(F.machine(folder: "a", hostname: "PC-A", logDate: "2024-09-01T08:00:00Z", isOrganisation: false)),
            .machine(F.machine(folder: "b", hostname: "PC-B", logDate: "2024-11-20", isOrganisation: false)),
            .sighting(F.credential(path: "a/Passwords.txt")),
            .sighting(F.credential(path: "b/Passwords.txt")),
            .sighting(F.credential(path: "combo.txt")),
        ])
        let finding = try #require(findings.first)
        #expect(finding.firstLogDate == "2024-09-01T08:00:00Z")
        #expect(finding.lastLogDate == "2024-11-20")
        #expect(finding.machines.map(\.hostname) == ["PC-B", "PC-A"])
    }

    @Test func organisationMachineIsOneInfectedMachineFinding() throws {
        let findings = F.aggregate([
            // The same machine (hardware id) sold in two dumps, and described by two files.
            .machine(F.machine(folder: "dump1.zip!FR[X]", hwid: "ABCD-1234", logDate: "2024-11-03")),
            .machine(F.machine(folder: "dump1.zip!FR[X]", hostname: nil, hwid: nil, file: "UserInformation.txt")),
            .machine(F.machine(folder: "dump2.zip!FR[X]", hwid: "abcd-1234", logDate: "2024-12-24")),
            .machine(F.machine(folder: "home!PC", hostname: "HOME-PC", isOrganisation: false, account: nil)),
        ])
        let infected = findings.filter { $0.kind == .infectedMachine }
        #expect(infected.count == 1)
        let finding = try #require(infected.first)
        #expect(finding.severity == .critical)
        #expect(finding.action == .reimageDevice)
        #expect(finding.account == "jdupont")
        #expect(
            finding.sources.map(\.path) == [
                "dump1.zip!FR[X]/System.txt", "dump1.zip!FR[X]/UserInformation.txt", "dump2.zip!FR[X]/System.txt",
            ]
        )
        #expect(finding.count == 3)
        #expect(finding.firstLogDate == "2024-11-03")
        #expect(finding.lastLogDate == "2024-12-24")
        #expect(finding.machine?.logDate == "2024-12-24")
        #expect(finding.exposureKey == "infected_machine|||hwid:abcd-1234")
    }

    @Test func shuffledArrivalGivesByteIdenticalReports() {
        let reference = F.aggregate(F.mixedRun)
        let expectedJSON = ReportRenderer.render(reference, as: .jsonl, options: ReportOptions())
        let expectedCSV = ReportRenderer.render(reference, as: .csv, options: ReportOptions())
        let expectedReset = ReportRenderer.resetList(reference)
        #expect(!expectedJSON.isEmpty)
        for seed in UInt64(1)...12 {
            var generator = ReportShuffleGenerator(seed: seed)
            let findings = F.aggregate(F.mixedRun.shuffled(using: &generator))
            #expect(findings == reference)
            #expect(ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()) == expectedJSON)
            #expect(ReportRenderer.render(findings, as: .csv, options: ReportOptions()) == expectedCSV)
            #expect(ReportRenderer.resetList(findings.shuffled(using: &generator)) == expectedReset)
        }
    }

    /// 10,000 sightings of one exposure at 5,000 places (each twice): the finding lists the
    /// first 100 places in (path, line) order, says how many sightings it leaves out, counts
    /// them all, and is the same, down to the bytes of its reports, whatever the arrival order.
    @Test func sourcesOfOneFindingAreCappedDeterministically() throws {
        let places = (0..<5000).map { ("dumps/combo\($0 / 100).txt", $0 % 100 + 1) }
        let inputs: [F.Input] = (places + places).map { .sighting(F.credential(path: $0.0, line: $0.1)) }
        // `F.credential` puts line N at offset (N - 1) × 80.
        let expected = Array(
            Set(places.map { Source(path: $0.0, line: $0.1, offset: Int64($0.1 - 1) * 80, family: .ulp) }).sorted()
                .prefix(Finding.maxListedSources)
        )
        #expect(Finding.maxListedSources == 100)

        let reference = F.aggregate(inputs)
        let finding = try #require(reference.first)
        #expect(reference.count == 1)
        #expect(finding.sources == expected)
        #expect(finding.count == 10_000)
        #expect(finding.sourcesOmitted == 10_000 - 2 * Finding.maxListedSources)
        #expect(finding.placesSeen == 10_000 - Finding.maxListedSources)
        let json = ReportRenderer.render(reference, as: .jsonl, options: ReportOptions())
        #expect(json.reportText.contains("\"sources_omitted\":9800,\"count\":10000"))
        let csv = ReportRenderer.render(reference, as: .csv, options: ReportOptions())
        for seed in UInt64(1)...3 {
            var generator = ReportShuffleGenerator(seed: seed)
            let findings = F.aggregate(inputs.shuffled(using: &generator))
            #expect(findings == reference)
            #expect(ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()) == json)
            #expect(ReportRenderer.render(findings, as: .csv, options: ReportOptions()) == csv)
        }
    }

    /// A finding that lists every place it was seen at has no `sources_omitted` key.
    @Test func findingWithAllItsSourcesHasNoOmittedCount() throws {
        let findings = F.aggregate((1...3).map { .sighting(F.credential(path: "dump\($0).txt", line: $0)) })
        let finding = try #require(findings.first)
        #expect(finding.sourcesOmitted == 0)
        #expect(finding.sources.count == 3)
        let json = ReportRenderer.render(findings, as: .jsonl, options: ReportOptions()).reportText
        #expect(json.contains("\"sources\":["))
        #expect(!json.contains("sources_omitted"))
    }

    /// The sample of sources keeps the first `capacity` distinct ones, with the sightings left
    /// out counted, for every order of the same sightings (checked against sorting them all).
    @Test func sourceSampleDoesNotDependOnArrivalOrder() {
        var generator = ReportShuffleGenerator(seed: 42)
        let sightings = (0..<400).map { _ in
            Source(path: "p\(generator.next() % 40)", line: Int(generator.next() % 5), offset: 0, family: .ulp)
        }
        let distinct = Set(sightings).sorted()
        let kept = Array(distinct.prefix(7))
        let expectedOmitted = sightings.filter { !kept.contains($0) }.count
        for _ in 0..<20 {
            var sample = SourceSample(capacity: 7)
            for source in sightings.shuffled(using: &generator) { sample.add(source) }
            #expect(sample.sources == kept)
            #expect(sample.omitted == expectedOmitted)
            #expect(sample.total == sightings.count)
        }
    }

    @Test func findingsComeInReportOrder() {
        let findings = F.aggregate(F.mixedRun)
        let severities = findings.map(\.severity.rank)
        #expect(severities == severities.sorted(by: >))
        // Within a severity, findings with an account come first, sorted by it.
        let high = findings.filter { $0.severity == .high }.map { $0.account ?? "~" }
        #expect(high == high.sorted())
    }

    @Test func descriptionNeverHoldsThePassword() {
        for finding in F.aggregate(F.mixedRun) {
            #expect(!finding.description.contains("Cardio2024!"))
            #expect(!finding.description.contains("Urgences=2025"))
        }
    }

    private func permutations<T>(of items: [T]) -> [[T]] {
        guard items.count > 1 else { return [items] }
        var result: [[T]] = []
        for (index, item) in items.enumerated() {
            var rest = items
            rest.remove(at: index)
            for tail in permutations(of: rest) { result.append([item] + tail) }
        }
        return result
    }
}
