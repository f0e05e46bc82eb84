import Testing

@testable import CredWatch

private typealias F = ReportFixture

/// The report order on many findings: sorting by keys built once per finding (and by indices)
/// must give exactly the order of the comparison it replaced, whatever the arrival order.
@Suite struct ReportOrderTests {
    /// 3,000 sightings: three accounts and unknown logins, three platforms, a thousand
    /// passwords, sources whose line numbers cross a digit (line 9 and line 10 compare as text),
    /// and every tenth sighting seen again in another dump.
    static let manySightings: [ReportFixture.Input] = {
        let platforms = [F.mediboard, F.webmail, F.intranet]
        var inputs: [ReportFixture.Input] = []
        for index in 0..<3000 {
            let account: Int? = index % 4 == 3 ? nil : index % 3
            inputs.append(
                .sighting(
                    F.credential(
                        account: account,
                        platform: platforms[index % 3],
                        login: account == nil ? "inconnu\(index % 50)@clinique-exemple.fr" : "login\(index % 7)",
                        password: "Secret-\(index % 1000)",
                        path: "dumps/combo\(index % 11).txt",
                        line: index % 23 + 1,
                        kind: account == nil ? .unknownAccount : .credential
                    )
                )
            )
            if index % 10 == 0 {
                inputs.append(
                    .sighting(
                        F.credential(
                            account: account,
                            platform: platforms[index % 3],
                            login: account == nil ? "inconnu\(index % 50)@clinique-exemple.fr" : "login\(index % 7)",
                            password: "Secret-\(index % 1000)",
                            path: "dumps/again\(index % 5).txt",
                            line: index,
                            kind: account == nil ? .unknownAccount : .credential
                        )
                    )
                )
            }
        }
        return inputs
    }()

    @Test func manyFindingsFollowThePairwiseOrderWhateverTheArrival() {
        let reference = F.aggregate(Self.manySightings)
        #expect(reference.count > 1000)
        // The oracle: the pairwise comparison itself, applied by the standard sort.
        #expect(reference == reference.shuffled().sorted(by: Finding.reportOrder))
        // Total: no two findings compare equal.
        for (left, right) in zip(reference, reference.dropFirst()) {
            #expect(Finding.reportOrder(left, right) && !Finding.reportOrder(right, left))
        }
        let expectedJSON = ReportRenderer.render(reference, as: .jsonl, options: ReportOptions())
        let expectedCSV = ReportRenderer.render(reference, as: .csv, options: ReportOptions())
        let expectedReset = ReportRenderer.resetList(reference)
        for seed in UInt64(1)...3 {
            var generator = ReportShuffleGenerator(seed: seed)
            let findings = F.aggregate(Self.manySightings.shuffled(using: &generator))
            #expect(findings == reference)
            let shuffled = findings.shuffled(using: &generator)
            #expect(ReportRenderer.render(shuffled, as: .jsonl, options: ReportOptions()) == expectedJSON)
            #expect(ReportRenderer.render(shuffled, as: .csv, options: ReportOptions()) == expectedCSV)
            #expect(ReportRenderer.resetList(shuffled) == expectedReset)
        }
    }

    @Test func orderIndicesAreAStablePermutation() {
        let findings = F.aggregate(Self.manySightings).shuffled()
        let order = Finding.reportOrderIndices(findings)
        #expect(order.sorted() == Array(findings.indices))
        #expect(order.map { findings[$0] } == findings.sorted(by: Finding.reportOrder))
        #expect(Finding.inReportOrder(findings) == findings.sorted(by: Finding.reportOrder))
        #expect(Finding.reportOrderIndices([]).isEmpty)
    }
}
