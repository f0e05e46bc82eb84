import Testing

@testable import CredWatch

@Suite("Lenient log dates")
struct LogDateTests {
    @Test(
        "Every family's date format",
        arguments: [
            ("7/29/2025 2:27:03 PM", false, "2025-07-29T14:27:03Z"),
            ("12/1/2024 12:05:00 AM", false, "2024-12-01T00:05:00Z"),
            ("3/4/2024 14:00:00", false, "2024-03-04T14:00:00Z"),
            ("3/4/2024 14:00:00", true, "2024-04-03T14:00:00Z"),
            ("26/6/2025 13:22:47", true, "2025-06-26T13:22:47Z"),
            ("26/6/2025 13:22:47", false, "2025-06-26T13:22:47Z"),
            ("30.07.2025 13:19:25", false, "2025-07-30T13:19:25Z"),
            ("30.07.2025", true, "2025-07-30"),
            ("2024/6/22 15:49:7", true, "2024-06-22T15:49:07Z"),
            ("2024-11-03 10:22:14", true, "2024-11-03T10:22:14Z"),
            ("2024-11-03T10:22:14.1234567-01:00", true, "2024-11-03T11:22:14Z"),
            ("2024-11-03T00:30:00+02:00", true, "2024-11-02T22:30:00Z"),
            ("Thu Oct 10 2024 17:21:27 GMT+0200 (Central European Summer Time)", true, "2024-10-10T15:21:27Z"),
            ("Thu Dec 15 2022 <ip> GMT+0100 (Central European Standard Time)", true, "2022-12-15"),
            ("1970.01.01 - 00:00:00 GMT", true, "1970-01-01T00:00:00Z"),
            ("23 Oct 24 00:36 UTC", true, "2024-10-23T00:36:00Z"),
            ("03 September 2024 00:17:30", true, "2024-09-03T00:17:30Z"),
            ("Sept 3, 2024", true, "2024-09-03"),
            ("31/12/2024 23:30:00 UTC+2", true, "2024-12-31T21:30:00Z"),
            ("29/02/2024", true, "2024-02-29"),
        ]
    )
    func parses(text: String, dayFirst: Bool, expected: String) {
        let result = Array(text.utf8).withUnsafeBytes { LogDate.read($0, dayFirst: dayFirst) }
        #expect(result?.iso8601 == expected)
    }

    @Test(
        "Nonsense is not a date",
        arguments: ["", "Disabled", "31/02/2024", "13/13/2024", "99999999999999999999/1/1", "1/2", "2024", "Oct"]
    )
    func rejects(text: String) {
        let result = Array(text.utf8).withUnsafeBytes { LogDate.read($0, dayFirst: true) }
        #expect(result == nil)
    }
}
