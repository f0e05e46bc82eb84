import Foundation
import Testing

@testable import CredWatch

@Suite struct PasswordDateTests {
    @Test(
        arguments: [
            // AD FILETIME (UTC).
            ("133516545000000000", "2024-02-06T00:55:00Z"),
            ("116444736000000000", "1970-01-01T00:00:00Z"),
            ("0", nil),
            ("9223372036854775807", nil),
            ("99999999999999999999999", nil),
            // ISO-like: MySQL DATETIME, secretsdump, ISO 8601 with zones.
            ("2024-03-15 10:22:14", "2024-03-15T10:22:14"),
            ("2024-03-15 10:22", "2024-03-15T10:22:00"),
            ("2024-03-15T10:22:14Z", "2024-03-15T10:22:14Z"),
            ("2024-03-15T10:22:14.123+01:00", "2024-03-15T10:22:14+01:00"),
            ("2024-03-15T10:22:14+0000", "2024-03-15T10:22:14Z"),
            ("2024-03-15 10:22:14 UTC", "2024-03-15T10:22:14Z"),
            ("2024-03-15", "2024-03-15"),
            // PowerShell PasswordLastSet: day first, unless the 12-hour clock says en-US.
            ("15/03/2024 10:22:14", "2024-03-15T10:22:14"),
            ("03/04/2024", "2024-04-03"),
            ("15.03.2024 08:00:00", "2024-03-15T08:00:00"),
            ("3/15/2024 10:22:14 AM", "2024-03-15T10:22:14"),
            ("4/3/2024 1:05:09 PM", "2024-04-03T13:05:09"),
            ("12/4/2024 12:00:00 AM", "2024-12-04T00:00:00"),
            ("3/15/2024 10:22:14", "2024-03-15T10:22:14"),
            // Nothing usable.
            ("", nil),
            ("  ", nil),
            ("never", nil),
            ("N/A", nil),
            ("0000-00-00 00:00:00", nil),
            ("2024-02-30", nil),
            ("2023-02-29", nil),
            ("2024-03-15 25:00:00", nil),
            ("2024-03-15 10:22:14 tomorrow", nil),
            ("15/03/24", nil),
        ] as [(String, String?)]
    )
    func normalisation(raw: String, expected: String?) {
        #expect(PasswordDate.normalized(raw)?.iso8601 == expected)
    }

    /// The account export's reading: never a guess between day and month (issue 15).
    @Test(
        arguments: [
            ("08/11/2024 10:00:00", nil, PasswordDate.Reading.ambiguous),
            ("08/11/2024 10:00:00", DateOrder.dayMonthYear, .date("2024-11-08T10:00:00", proves: nil)),
            ("08/11/2024 10:00:00 AM", DateOrder.monthDayYear, .date("2024-08-11T10:00:00", proves: nil)),
            ("8/11/2024 10:00:00 PM", DateOrder.dayMonthYear, .date("2024-11-08T22:00:00", proves: nil)),
            ("25/11/2024", nil, .date("2024-11-25", proves: .dayMonthYear)),
            ("11/25/2024 1:00:00 PM", nil, .date("2024-11-25T13:00:00", proves: .monthDayYear)),
            ("25/11/2024", DateOrder.monthDayYear, .unreadable),
            ("07/07/2024", nil, .date("2024-07-07", proves: nil)),
            ("15.03.2024 08:00", DateOrder.monthDayYear, .date("2024-03-15T08:00:00", proves: nil)),
            ("2024-03-15T10:22:14+01:00", nil, .date("2024-03-15T10:22:14+01:00", proves: nil)),
            ("133516545000000000", nil, .date("2024-02-06T00:55:00Z", proves: nil)),
            ("0", nil, .never),
            ("9223372036854775807", nil, .never),
            (" NEVER ", nil, .never),
            ("", nil, .never),
            ("garbage", nil, .unreadable),
            ("1234", nil, .unreadable),
            ("15/03/24", nil, .unreadable),
            ("31/02/2024", nil, .unreadable),
        ] as [(String, DateOrder?, PasswordDate.Reading)]
    )
    func accountExportReading(raw: String, order: DateOrder?, expected: PasswordDate.Reading) {
        #expect(Array(raw.utf8).withUnsafeBytes { PasswordDate.read($0, order: order) } == expected)
    }

    @Test func leapDayIsValid() {
        #expect(PasswordDate.normalized("2024-02-29")?.iso8601 == "2024-02-29")
    }

    @Test(
        arguments: [
            (Int64(0), "1970-01-01T00:00:00Z"),
            (Int64(1_710_498_134), "2024-03-15T10:22:14Z"),
            (Int64(-1), "1969-12-31T23:59:59Z"),
            (Int64(951_782_400), "2000-02-29T00:00:00Z"),
        ]
    )
    func utcTimestamps(seconds: Int64, expected: String) {
        #expect(Timestamp(epochSeconds: seconds).iso8601 == expected)
        #expect(Timestamp(Date(timeIntervalSince1970: Double(seconds) + 0.75)).iso8601 == expected)
    }
}
