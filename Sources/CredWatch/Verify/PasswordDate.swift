import Foundation

/// Normalises the "password last changed" dates that exports write in many shapes to
/// ISO 8601, so reports can compare them with the date of the theft.
///
/// Understood: Active Directory FILETIME integers (`pwdLastSet`, 100 ns ticks since 1601,
/// UTC), ISO-like date-times (`2024-03-15 10:22:14`, `2024-03-15T10:22:14.5+01:00`,
/// secretsdump's `2024-03-15 10:22`, Mediboard's MySQL `DATETIME`), and PowerShell's
/// culture-dependent `PasswordLastSet` (`15/03/2024 10:22:14`, `15.03.2024`,
/// `3/15/2024 10:22:14 AM`). A date without a zone stays without one (it is the exporting
/// server's local time); FILETIME becomes UTC (`Z`).
enum PasswordDate {
    /// The ISO 8601 form of `raw`, or nil when it is empty, a "never" marker, or unreadable.
    static func normalized(_ raw: String?) -> String? {
        guard let raw else { return nil }
        var scanner = DateScanner(Array(raw.utf8))
        scanner.skipSpaces()
        if scanner.isAtEnd { return nil }
        if let ticks = scanner.wholeNumber() {
            return ticks.digits >= 15 && ticks.digits <= 19 ? fileTime(ticks.value) : nil
        }
        return scanner.dateTime()
    }

    /// FILETIME ticks to UTC; 0 ("must change at next logon") and Int64.max ("never") are nil.
    static func fileTime(_ ticks: Int64) -> String? {
        guard ticks > 0, ticks != Int64.max else { return nil }
        let unixSeconds = ticks / 10_000_000 - 11_644_473_600
        guard unixSeconds >= 0 else { return nil }
        return UTCTimestamp.string(epochSeconds: unixSeconds)
    }
}

/// ISO 8601 UTC date-times (`2024-03-15T10:22:14Z`), without Foundation's formatters.
enum UTCTimestamp {
    static func string(from date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        guard seconds.isFinite, abs(seconds) < 1e15 else { return string(epochSeconds: 0) }
        return string(epochSeconds: Int64(seconds))
    }

    static func string(epochSeconds: Int64) -> String {
        let (days, secondOfDay) = epochSeconds.floorDivided(by: 86_400)
        let date = CivilDate(daysSinceEpoch: days)
        return date.iso8601 + "T" + CivilDate.pad(Int(secondOfDay / 3600), 2) + ":"
            + CivilDate.pad(Int(secondOfDay / 60 % 60), 2) + ":" + CivilDate.pad(Int(secondOfDay % 60), 2) + "Z"
    }
}

/// A proleptic Gregorian calendar date.
struct CivilDate: Equatable {
    var year: Int
    var month: Int
    var day: Int

    init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Howard Hinnant's `civil_from_days`.
    init(daysSinceEpoch days: Int64) {
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        year = Int(yearOfEra + era * 400) + (month <= 2 ? 1 : 0)
    }

    var isValid: Bool {
        guard (1601...9999).contains(year), (1...12).contains(month), day >= 1 else { return false }
        let isLeap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let lengths = [31, isLeap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    var iso8601: String { CivilDate.pad(year, 4) + "-" + CivilDate.pad(month, 2) + "-" + CivilDate.pad(day, 2) }

    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}

extension Int64 {
    /// Floor division with a non-negative remainder (dates before 1970 stay correct).
    fileprivate func floorDivided(by divisor: Int64) -> (quotient: Int64, remainder: Int64) {
        let quotient = self / divisor
        let remainder = self % divisor
        return remainder < 0 ? (quotient - 1, remainder + divisor) : (quotient, remainder)
    }
}

/// A cursor over the bytes of one date string.
private struct DateScanner {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        var end = bytes.count
        while end > 0 && Bytes.isSpace(bytes[end - 1]) { end -= 1 }
        self.bytes = Array(bytes[..<end])
    }

    var isAtEnd: Bool { position >= bytes.count }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipSpaces() {
        while let byte = current, Bytes.isSpace(byte) { position += 1 }
    }

    private mutating func accept(_ byte: UInt8) -> Bool {
        guard current == byte else { return false }
        position += 1
        return true
    }

    /// Up to `maxDigits` decimal digits; nil (and nothing consumed) when there are none.
    private mutating func number(maxDigits: Int) -> (value: Int, digits: Int)? {
        var value = 0
        var digits = 0
        while digits < maxDigits, let byte = current, byte &- 0x30 < 10 {
            value = value * 10 + Int(byte &- 0x30)
            digits += 1
            position += 1
        }
        return digits > 0 ? (value, digits) : nil
    }

    /// The whole (trimmed) string as one integer, if it is only digits.
    mutating func wholeNumber() -> (value: Int64, digits: Int)? {
        let start = position
        var value: Int64 = 0
        var digits = 0
        while let byte = current, byte &- 0x30 < 10 {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(byte &- 0x30))
            value = overflowA || overflowB ? Int64.max : sum
            digits += 1
            position += 1
        }
        guard digits > 0, isAtEnd else {
            position = start
            return nil
        }
        return (value, digits)
    }

    /// The normalised text of a date, or a date-time, that fills the rest of the string.
    mutating func dateTime() -> String? {
        guard let parsed = components() else { return nil }
        guard parsed.hasTime else { return parsed.date.iso8601 }
        return parsed.date.iso8601 + "T" + CivilDate.pad(parsed.hour, 2) + ":" + CivilDate.pad(parsed.minute, 2)
            + ":" + CivilDate.pad(parsed.second, 2) + parsed.zone
    }

    struct Components {
        var date: CivilDate
        var hasTime = false
        var hour = 0
        var minute = 0
        var second = 0
        /// `Z`, `+01:00`, or empty (local time).
        var zone = ""
    }

    private mutating func components() -> Components? {
        guard let first = number(maxDigits: 4) else { return nil }
        guard let separator = current,
            separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/")
                || separator == UInt8(ascii: ".")
        else { return nil }
        position += 1
        guard let second = number(maxDigits: 2), accept(separator), let third = number(maxDigits: 4) else {
            return nil
        }
        var result = Components(date: CivilDate(year: 0, month: 0, day: 0))
        if !time(into: &result) { return nil }
        let isMeridiem = meridiem(into: &result)
        if result.hasTime && !zone(into: &result) { return nil }
        skipSpaces()
        guard isAtEnd else { return nil }

        if first.digits == 4 {
            result.date = CivilDate(year: first.value, month: second.value, day: third.value)
        } else if third.digits == 4 {
            // Day first (fr-FR, en-GB, de-DE) unless the 12-hour clock says en-US; swapped when
            // the preferred order is impossible and the other is not.
            let dayFirst = CivilDate(year: third.value, month: second.value, day: first.value)
            let monthFirst = CivilDate(year: third.value, month: first.value, day: second.value)
            let (preferred, other) = isMeridiem ? (monthFirst, dayFirst) : (dayFirst, monthFirst)
            result.date = !preferred.isValid && other.isValid ? other : preferred
        } else {
            return nil
        }
        guard result.date.isValid else { return nil }
        return result
    }

    /// `[T| ]HH:MM[:SS[.fraction]]`; false when a time starts but is malformed.
    private mutating func time(into result: inout Components) -> Bool {
        let start = position
        if !accept(UInt8(ascii: "T")) && !accept(UInt8(ascii: "t")) { skipSpaces() }
        guard let hour = number(maxDigits: 2) else {
            position = start
            return true
        }
        guard accept(UInt8(ascii: ":")), let minute = number(maxDigits: 2), minute.digits == 2 else { return false }
        var second = 0
        if accept(UInt8(ascii: ":")) {
            guard let value = number(maxDigits: 2), value.digits == 2 else { return false }
            second = value.value
            if accept(UInt8(ascii: ".")) || accept(UInt8(ascii: ",")) {
                guard number(maxDigits: 9) != nil else { return false }
            }
        }
        guard hour.value < 24, minute.value < 60, second <= 60 else { return false }
        result.hasTime = true
        result.hour = hour.value
        result.minute = minute.value
        result.second = min(second, 59)
        return true
    }

    /// ` AM` / ` PM` after a time: converts the hour to the 24-hour clock.
    private mutating func meridiem(into result: inout Components) -> Bool {
        guard result.hasTime else { return false }
        let start = position
        skipSpaces()
        guard let letter = current.map(Bytes.lower), letter == UInt8(ascii: "a") || letter == UInt8(ascii: "p") else {
            position = start
            return false
        }
        position += 1
        guard let m = current.map(Bytes.lower), m == UInt8(ascii: "m"), (1...12).contains(result.hour) else {
            position = start
            return false
        }
        position += 1
        result.hour = result.hour % 12 + (letter == UInt8(ascii: "p") ? 12 : 0)
        return true
    }

    /// `Z`, `±HH[:MM]`, ` UTC` or nothing; false when a zone starts but is malformed.
    private mutating func zone(into result: inout Components) -> Bool {
        let start = position
        skipSpaces()
        if accept(UInt8(ascii: "Z")) || accept(UInt8(ascii: "z")) {
            result.zone = "Z"
            return true
        }
        if let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            position += 1
            guard let hours = number(maxDigits: 2), hours.digits == 2, hours.value <= 14 else { return false }
            var minutes = 0
            if accept(UInt8(ascii: ":")) || (current.map { $0 &- 0x30 < 10 } ?? false) {
                guard let value = number(maxDigits: 2), value.digits == 2, value.value < 60 else { return false }
                minutes = value.value
            }
            result.zone =
                hours.value == 0 && minutes == 0
                ? "Z" : String(UnicodeScalar(sign)) + CivilDate.pad(hours.value, 2) + ":" + CivilDate.pad(minutes, 2)
            return true
        }
        let rest = bytes[position...].map(Bytes.lower)
        if rest == Array("utc".utf8) || rest == Array("gmt".utf8) {
            position = bytes.count
            result.zone = "Z"
            return true
        }
        position = start
        return true
    }
}
