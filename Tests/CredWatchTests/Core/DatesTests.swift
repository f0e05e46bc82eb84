import Foundation
import Testing

@testable import CredWatch

@Suite struct CivilDateTests {
    @Test(arguments: [
        (2024, 2, 29, true),
        (2023, 2, 29, false),
        (2000, 2, 29, true),  // divisible by 400
        (1900, 2, 29, false),  // divisible by 100 only
        (1601, 1, 1, true),
        (1600, 12, 31, false),
        (9999, 12, 31, true),
        (10000, 1, 1, false),
        (2024, 4, 31, false),
        (2024, 13, 1, false),
        (2024, 0, 1, false),
        (2024, 1, 0, false),
    ])
    func validity(year: Int, month: Int, day: Int, valid: Bool) {
        #expect((CivilDate(year: year, month: month, day: day) != nil) == valid)
    }

    @Test(arguments: [
        (1970, 1, 1, Int64(0)),
        (1969, 12, 31, Int64(-1)),
        (2000, 3, 1, Int64(11_017)),
        (1601, 1, 1, Int64(-134_774)),
        (9999, 12, 31, Int64(2_932_896)),
    ])
    func daysSinceEpoch(year: Int, month: Int, day: Int, days: Int64) throws {
        let date = try #require(CivilDate(year: year, month: month, day: day))
        #expect(date.daysSinceEpoch == days)
        #expect(CivilDate(daysSinceEpoch: days) == date)
    }

    /// Both conversions agree on every day from 1601 to 9999 (every leap rule included), and
    /// each day follows the one before.
    @Test func everyDayRoundTrips() {
        var previous = CivilDate(daysSinceEpoch: -134_775)
        var firstMismatch: Int64?
        for days in Int64(-134_774)...2_932_896 {
            let date = CivilDate(daysSinceEpoch: days)
            if date.daysSinceEpoch != days || !(previous < date)
                || CivilDate(year: date.year, month: date.month, day: date.day) != date
            {
                firstMismatch = days
                break
            }
            previous = date
        }
        #expect(firstMismatch == nil)
        #expect(previous.iso8601 == "9999-12-31")
    }

    @Test func iso8601PadsEveryField() throws {
        #expect(try #require(CivilDate(year: 1601, month: 2, day: 3)).iso8601 == "1601-02-03")
    }
}

@Suite struct TimestampTests {
    static let day = CivilDate(year: 2024, month: 11, day: 3)!

    @Test(arguments: [
        (Timestamp.Zone.utc, "2024-11-03T07:05:09Z"),
        (.local, "2024-11-03T07:05:09"),
        (.offset(minutes: 330), "2024-11-03T07:05:09+05:30"),
        (.offset(minutes: -180), "2024-11-03T07:05:09-03:00"),
        (.offset(minutes: -(14 * 60 + 59)), "2024-11-03T07:05:09-14:59"),
        (.offset(minutes: 0), "2024-11-03T07:05:09Z"),
    ])
    func writesTheZone(zone: Timestamp.Zone, expected: String) throws {
        let value = try #require(Timestamp(date: Self.day, hour: 7, minute: 5, second: 9, zone: zone))
        #expect(value.iso8601 == expected)
        #expect(value.description == expected)
    }

    @Test func aDateAloneHasNoTimeNorZone() {
        let value = Timestamp(date: Self.day)
        #expect(value.iso8601 == "2024-11-03")
        #expect(value.secondOfDay == nil)
        #expect(value.zone == .local)
    }

    @Test(arguments: [
        (24, 0, 0, 0), (23, 60, 0, 0), (23, 59, 60, 0), (-1, 0, 0, 0), (10, 0, 0, 15 * 60), (10, 0, 0, -15 * 60),
    ])
    func impossibleTimesAreNil(hour: Int, minute: Int, second: Int, offset: Int) {
        let zone: Timestamp.Zone = offset == 0 ? .utc : .offset(minutes: offset)
        #expect(Timestamp(date: Self.day, hour: hour, minute: minute, second: second, zone: zone) == nil)
    }

    @Test(arguments: [
        (Int64(0), "1970-01-01T00:00:00Z"),
        (Int64(-1), "1969-12-31T23:59:59Z"),
        (Int64(951_868_799), "2000-02-29T23:59:59Z"),
        (Int64(-11_644_473_600), "1601-01-01T00:00:00Z"),
        (Int64(253_402_300_799), "9999-12-31T23:59:59Z"),
    ])
    func epochSeconds(seconds: Int64, expected: String) {
        #expect(Timestamp(epochSeconds: seconds).iso8601 == expected)
    }

    /// The byte writer pads and signs as the text always read: years beyond four digits and
    /// before year 0, offsets east and west.
    @Test(arguments: [
        (Int64(253_402_300_800), "10000-01-01T00:00:00Z"),
        (Int64(-62_167_219_200), "0000-01-01T00:00:00Z"),
        (Int64(-62_167_219_201), "-0001-12-31T23:59:59Z"),
        (Int64(-377_705_116_800), "-9999-01-01T00:00:00Z"),
        (Int64(999_999_999_999_999), "31690708-07-05T01:46:39Z"),
    ])
    func yearsOutsideFourDigits(seconds: Int64, expected: String) {
        let value = Timestamp(epochSeconds: seconds)
        #expect(value.iso8601 == expected)
        #expect(value.withISO8601Bytes { Array($0) } == Array(expected.utf8))
    }

    @Test func zonesAndDatesAloneAreWrittenAsText() throws {
        let day = try #require(CivilDate(year: 2024, month: 3, day: 7))
        let east = try #require(Timestamp(date: day, hour: 9, minute: 5, second: 1, zone: .offset(minutes: 330)))
        let west = try #require(Timestamp(date: day, hour: 23, minute: 0, second: 0, zone: .offset(minutes: -600)))
        let local = try #require(Timestamp(date: day, hour: 0, minute: 0, second: 0, zone: .local))
        #expect(east.iso8601 == "2024-03-07T09:05:01+05:30")
        #expect(west.iso8601 == "2024-03-07T23:00:00-10:00")
        #expect(local.iso8601 == "2024-03-07T00:00:00")
        #expect(Timestamp(date: day).iso8601 == "2024-03-07")
        #expect(Timestamp(date: day).withISO8601Bytes { Array($0) } == Array("2024-03-07".utf8))
    }

    @Test func instantsAreRoundedDownAndAbsurdOnesAreTheEpoch() {
        #expect(Timestamp(Date(timeIntervalSince1970: -0.25)).iso8601 == "1969-12-31T23:59:59Z")
        #expect(Timestamp(Date(timeIntervalSince1970: .infinity)).iso8601 == "1970-01-01T00:00:00Z")
        #expect(Timestamp(Date(timeIntervalSince1970: .nan)).iso8601 == "1970-01-01T00:00:00Z")
    }

    /// The order is the order of the texts, so picking the latest of several dates is the same
    /// whether done on values or on what the report writes.
    @Test func orderIsTheOrderOfTheText() {
        let values: [Timestamp] = [
            "2024-11-03", "2024-11-03T00:00:00", "2024-11-03T00:00:00Z", "2024-11-03T00:00:00+01:00",
            "2024-11-03T00:00:00+01:30", "2024-11-03T00:00:00-01:00", "2024-11-03T00:00:00-02:00",
            "2024-11-03T10:22:14Z", "2024-11-02T23:59:59Z", "2024-11-04", "1601-01-01", "9999-12-31T23:59:59Z",
            "2023-12-31T10:00:00-05:00",
        ]
        for a in values {
            for b in values {
                #expect((a < b) == (a.iso8601 < b.iso8601), "\(a) < \(b)")
                #expect((a == b) == (a.iso8601 == b.iso8601), "\(a) == \(b)")
            }
        }
    }

    @Test(arguments: [
        // Date against date-time: only a later calendar day counts, either way round.
        ("2024-11-04", "2024-11-03T23:59:59Z", true),
        ("2024-11-03T23:59:59Z", "2024-11-03", false),
        ("2024-11-03", "2024-11-03T00:00:00Z", false),
        ("2024-11-04T00:00:00Z", "2024-11-03", true),
        ("2024-11-04", "2024-11-03", true),
        ("2024-11-03", "2024-11-03", false),
        // Times compare in the same zone (UTC or local), not across zones or offsets.
        ("2024-11-03T10:22:15Z", "2024-11-03T10:22:14Z", true),
        ("2024-11-03T10:22:15", "2024-11-03T10:22:14", true),
        ("2024-11-03T10:22:14Z", "2024-11-03T10:22:14Z", false),
        ("2024-11-03T23:00:00+01:00", "2024-11-03T01:00:00+01:00", false),
        ("2024-11-03T23:00:00Z", "2024-11-03T01:00:00", false),
        ("2024-11-04T00:30:00+01:00", "2024-11-03T23:50:00Z", true),
    ])
    func certainlyAfter(later: Timestamp, earlier: Timestamp, expected: Bool) {
        #expect(later.isCertainlyAfter(earlier) == expected)
    }
}

@Suite struct FileTimeTests {
    @Test(
        arguments: [
            (Int64(0), nil),
            (Int64(-1), nil),
            (Int64(12_345), nil),
            (FileTime.minTicks - 1, nil),
            (FileTime.minTicks, "1970-01-01T00:00:00Z"),
            (FileTime.minTicks + 9_999_999, "1970-01-01T00:00:00Z"),
            (Int64(133_516_545_000_000_000), "2024-02-06T00:55:00Z"),
            (FileTime.maxTicks, "9999-12-31T23:59:59Z"),
            (FileTime.maxTicks + 1, nil),
            (Int64.max, nil),
        ] as [(Int64, String?)]
    )
    func ticks(ticks: Int64, expected: String?) {
        #expect(FileTime.timestamp(ticks)?.iso8601 == expected)
    }

    /// The account export's fast path and the general reader give the same value.
    @Test(arguments: ["116444736000000000", "133516545000000000", "2650467743999999999"])
    func bothReadersAgree(text: String) throws {
        let reading = Array(text.utf8).withUnsafeBytes { PasswordDate.read($0, order: nil) }
        let ticks = try #require(Int64(text))
        let fast = try #require(FileTime.timestamp(ticks))
        #expect(reading == .date(fast, proves: nil))
        #expect(PasswordDate.normalized(text) == fast)
    }
}

@Suite struct ISO8601ReadingTests {
    /// Offsets as exports write them (read by `PasswordDate`): kept as written, `+00:00` is `Z`.
    @Test(arguments: [
        ("2024-03-15T10:22:14+05:30", "2024-03-15T10:22:14+05:30"),
        ("2024-03-15T10:22:14-0800", "2024-03-15T10:22:14-08:00"),
        ("2024-03-15T10:22:14+00:00", "2024-03-15T10:22:14Z"),
        ("2024-03-15T10:22:14-00:00", "2024-03-15T10:22:14Z"),
        ("2024-03-15T10:22:14z", "2024-03-15T10:22:14Z"),
        ("2024-03-15 10:22:14 GMT", "2024-03-15T10:22:14Z"),
        ("2024-03-15T10:22:14+14:59", "2024-03-15T10:22:14+14:59"),
        ("1601-01-01T00:00:00Z", "1601-01-01T00:00:00Z"),
        ("9999-12-31T23:59:59Z", "9999-12-31T23:59:59Z"),
    ])
    func zones(text: String, expected: String) {
        #expect(PasswordDate.normalized(text)?.iso8601 == expected)
    }

    @Test(arguments: ["2024-03-15T10:22:14+15:00", "2024-03-15T10:22:14+1", "1600-12-31", "2024-03-15T10:22:14 CET"])
    func unreadableZonesAndYears(text: String) {
        #expect(PasswordDate.normalized(text) == nil)
    }

    /// Log dates are UTC: an offset is applied, across days, months and years.
    @Test(arguments: [
        ("2024-01-01T00:30:00+01:00", "2023-12-31T23:30:00Z"),
        ("2024-02-28T23:30:00-01:00", "2024-02-29T00:30:00Z"),
        ("2023-02-28T23:30:00-01:00", "2023-03-01T00:30:00Z"),
        ("1970.01.01 - 00:00:00 GMT+1", "1969-12-31T23:00:00Z"),
    ])
    func logDatesApplyTheOffset(text: String, expected: String) {
        let value = Array(text.utf8).withUnsafeBytes { LogDate.read($0, dayFirst: true) }
        #expect(value?.iso8601 == expected)
        #expect(value?.zone == .utc)
    }
}
