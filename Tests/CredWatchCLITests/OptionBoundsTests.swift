import CredWatch
import Foundation
import Testing

/// Numeric options are checked against their ranges before anything is allocated or scanned.
@Suite("option bounds")
struct OptionBoundsTests {
    private static func scan(_ fixture: ScanContractTests.Fixture, _ extra: [String]) throws -> CLI.Outcome {
        let dump = try fixture.file("dump.txt", ScanContractTests.combolist)
        return try CLI.run(["scan", dump, "--accounts", fixture.accounts, "--org", fixture.org] + extra)
    }

    /// Numeric options out of range: exit status 2 naming the option and the range, at once
    /// (a billion threads used to allocate 15.6 GB and abort).
    @Test func numericOptionsOutOfRange() throws {
        let fixture = try ScanContractTests.Fixture()
        let maxThreads = ScanConfiguration.threadRange.upperBound
        let cases: [(String, String)] = [
            ("--threads", "0"), ("--threads", "-5"), ("--threads", "1000000000"), ("--threads", "\(maxThreads + 1)"),
            ("--threads", "99999999999999999999"), ("--threads", "many"),
            ("--max-line-length", "15"), ("--max-line-length", "1073741825"), ("--max-line-length", "-1"),
            ("--max-member-size", "0"), ("--max-member-size", "-1"), ("--max-member-size", "1125899906842625"),
            ("--max-ratio", "0"), ("--max-ratio", "1000001"),
            ("--max-depth", "-1"), ("--max-depth", "65"),
            ("--retention", "0"), ("--retention", "-3"), ("--retention", "36501"),
        ]
        for (option, value) in cases {
            let start = Date()
            let outcome = try Self.scan(fixture, [option, value])
            #expect(outcome.status == 2, "\(option) \(value)")
            #expect(outcome.stderr.contains(option), "\(option) \(value)")
            #expect(outcome.stdout.isEmpty)
            #expect(Date().timeIntervalSince(start) < 10, "\(option) \(value)")
        }
        let message = try Self.scan(fixture, ["--threads", "1000000000"]).stderr
        #expect(message.contains("--threads must be between 1 and \(maxThreads)"))
        // The bounds themselves are accepted.
        let edge = try Self.scan(
            fixture,
            [
                "--quiet", "--threads", "\(maxThreads)", "--max-line-length", "1073741824", "--max-depth", "64",
                "--max-ratio", "1", "--retention", "36500", "--max-member-size", "1024",
            ]
        )
        #expect(edge.status == 1)
    }
}
