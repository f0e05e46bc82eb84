import Testing

@testable import CredWatch

@Suite struct RunSummaryTests {
    @Test func summaryCountsEverything() {
        let diagnostics = Diagnostics(output: nil)
        diagnostics.inputs.store(3, ordering: .relaxed)
        diagnostics.members.store(120, ordering: .relaxed)
        diagnostics.bytesRead.store(1_234_567, ordering: .relaxed)
        diagnostics.bytesDecoded.store(50_000_000, ordering: .relaxed)
        diagnostics.lines.store(400_000, ordering: .relaxed)
        diagnostics.records.store(1_234, ordering: .relaxed)
        diagnostics.skippedLines.store(56, ordering: .relaxed)
        diagnostics.warning("dump.zip!secret.txt", "encrypted member skipped")
        let findings = ReportFixture.aggregate(ReportFixture.mixedRun)

        let text = RunSummary(diagnostics: diagnostics, findings: findings, elapsed: 2).render()

        #expect(
            text == """
                credwatch: inputs 3, archive members 120, read 1.2 MB, decoded 50.0 MB
                credwatch: lines 400000, records 1234, skipped lines 56
                credwatch: findings 8 (credential 4, cookie 1, infected_machine 1, reuse 1, unknown_account 1); \
                critical 2, high 1, medium 3, low 2
                credwatch: errors 0, warnings 1, 2.0 s, 25.0 MB/s

                """
        )
    }

    @Test func summaryStartsWithTheAccountsLoaded() {
        var census = AccountCensus(form: .csv)
        census.accounts = 1234
        census.disabled = 56
        census.sam = 1234
        census.upn = 1200
        census.mail = 1180
        census.aliases = 300
        let text = RunSummary(
            diagnostics: Diagnostics(output: nil),
            findings: [],
            elapsed: 1,
            accounts: census
        ).render()
        let lines = text.split(separator: "\n")
        #expect(lines.count == 5)
        #expect(
            lines.first
                == "credwatch: accounts 1234 from a CSV export (disabled 56); identities: sam 1234, upn 1200, mail 1180, alias 300"
        )
    }

    @Test(
        arguments: [
            (1_200_000_000, 4_000_000_000, 10.0, 12, "1.2 GB of 4.0 GB (30%), 120.0 MB/s, 12 findings, 10 s"),
            (512, nil, 0.5, 1, "512 B, 0.0 MB/s, 1 finding, 0 s"),
            (999_999, nil, 0, 0, "1.0 MB, 0.0 MB/s, 0 findings, 0 s"),
            (5_000, 1_000, 1, 0, "5.0 kB of 1.0 kB (100%), 0.0 MB/s, 0 findings, 1 s"),
            (-5, 0, -1, 0, "0 B, 0.0 MB/s, 0 findings, 0 s"),
            (Int.max, Int.max, Double.nan, 0, "9.2 EB of 9.2 EB (100%), 0.0 MB/s, 0 findings, 0 s"),
        ] as [(Int, Int?, Double, Int, String)]
    )
    func progressLine(_ done: Int, _ total: Int?, _ elapsed: Double, _ findings: Int, _ expected: String) {
        #expect(
            ProgressLine.render(bytesDone: done, bytesTotal: total, elapsed: elapsed, findings: findings) == expected
        )
    }
}
