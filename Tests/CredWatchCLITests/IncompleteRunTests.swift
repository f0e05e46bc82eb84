import Foundation
import Testing

/// A run says exactly what it did not read: content it skipped counts as incomplete (exit 3 when
/// nothing was found), is never recorded as scanned, and is listed in the JSON summary.
@Suite("incomplete runs")
struct IncompleteRunTests {
    typealias Fixture = ScanContractTests.Fixture

    /// A damaged 7z archive (its magic number, then junk): recognised, not readable.
    static let sevenZip = Data([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C, 0x00, 0x04] + [UInt8](repeating: 0x42, count: 200))

    private func summary(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func contentNotReadMakesTheRunIncompleteAndIsNeverRecordedAsScanned() throws {
        let fixture = try Fixture()
        let pack = try fixture.file("pack.7z", data: Self.sevenZip)
        let state = fixture.directory.appendingPathComponent("state.db").path
        let summaryPath = fixture.directory.appendingPathComponent("summary.json").path
        let arguments = [
            "scan", pack, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--state", state,
            "--skip-seen-inputs", "--summary", summaryPath,
        ]

        let first = try CLI.run(arguments)
        #expect(first.status == 3)
        #expect(first.stderr.contains("credwatch: error: \(pack): corrupt 7z archive"))
        let written = try summary(summaryPath)
        #expect(written["complete"] as? Bool == false)
        #expect(written["exit_status"] as? Int == 3)
        #expect((written["delivery"] as? [String: Any])?["status"] as? String == "delivered")
        let incomplete = try #require(written["incomplete"] as? [[String: Any]])
        #expect(incomplete.count == 1)
        #expect(incomplete.first?["input"] as? String == pack)
        #expect((incomplete.first?["reason"] as? String)?.hasPrefix("corrupt 7z archive") == true)

        // Not recorded as scanned: the next run reads it again, and says so again.
        let second = try CLI.run(arguments)
        #expect(second.status == 3)
        #expect(!second.stderr.contains("skipped (already scanned)"))
    }

    /// Findings hide incompleteness from the exit status (1); the summary still says it.
    @Test func theSummaryTellsIncompletenessBesideFindings() throws {
        let fixture = try Fixture()
        let pack = try fixture.file("pack.7z", data: Self.sevenZip)
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let summaryPath = fixture.directory.appendingPathComponent("summary.json").path
        let outcome = try CLI.run(
            ["scan", pack, dump, "--accounts", fixture.accounts, "--org", fixture.org, "--summary", summaryPath]
        )
        #expect(outcome.status == 1)
        let written = try summary(summaryPath)
        #expect(written["complete"] as? Bool == false)
        #expect(written["exit_status"] as? Int == 1)
        #expect((written["findings"] as? Int ?? 0) > 0)
        #expect((written["incomplete"] as? [[String: Any]])?.count == 1)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: summaryPath))
        #expect(bytes.range(of: Data(ScanContractTests.leakedPassword.utf8)) == nil)
        let attributes = try FileManager.default.attributesOfItem(atPath: summaryPath)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
    }

    /// When the report cannot be delivered, the summary still says so, with exit status 2.
    @Test func theSummarySaysWhenTheDeliveryFailed() throws {
        let fixture = try Fixture()
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        let summaryPath = fixture.directory.appendingPathComponent("summary.json").path
        let outcome = try CLI.run(
            [
                "scan", dump, "--accounts", fixture.accounts, "--org", fixture.org, "--quiet", "--summary",
                summaryPath, "--reset-list", "/dev/full",
            ]
        )
        #expect(outcome.status == 2)
        let written = try summary(summaryPath)
        #expect(written["exit_status"] as? Int == 2)
        let delivery = try #require(written["delivery"] as? [String: Any])
        #expect(delivery["status"] as? String == "failed")
        #expect((delivery["reason"] as? String)?.contains("--reset-list /dev/full") == true)
    }
}
