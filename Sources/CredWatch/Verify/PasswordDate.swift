/// The order of day and month in dates written with the year last (`08/11/2024`): PowerShell
/// writes `PasswordLastSet` in the exporting machine's culture, `dd/MM/yyyy` in fr-FR and
/// en-GB, `M/d/yyyy` in en-US. The organisation profile's `date_order` names it.
public enum DateOrder: String, Sendable, CaseIterable {
    /// Day first: `08/11/2024` is 8 November.
    case dayMonthYear = "dmy"
    /// Month first: `08/11/2024` is 11 August.
    case monthDayYear = "mdy"
}

/// Reads the "password last changed" dates that exports write in many shapes, so reports can
/// compare them with the date of the theft.
///
/// Understood: Active Directory FILETIME integers (`pwdLastSet`, 100 ns ticks since 1601,
/// UTC), ISO-like date-times (`2024-03-15 10:22:14`, `2024-03-15T10:22:14.5+01:00`,
/// secretsdump's `2024-03-15 10:22`, Mediboard's MySQL `DATETIME`), and PowerShell's
/// culture-dependent `PasswordLastSet` (`15/03/2024 10:22:14`, `15.03.2024`,
/// `3/15/2024 10:22:14 AM`). A date without a zone stays without one (it is the exporting
/// server's local time); FILETIME becomes UTC (`Z`).
enum PasswordDate {
    /// The date `raw` says, or nil when it is empty, a "never" marker, or unreadable.
    /// A date with the year last is read day first unless a 12-hour clock says en-US, or only
    /// the other order makes a date (hash exports, where no order is configured).
    static func normalized(_ raw: String?) -> Timestamp? {
        guard let raw else { return nil }
        var scanner = DateScanner(Array(raw.utf8))
        scanner.skipSpaces()
        if scanner.isAtEnd { return nil }
        if let ticks = scanner.wholeNumber() {
            return ticks.digits >= 15 && ticks.digits <= 19 ? FileTime.timestamp(ticks.value) : nil
        }
        return scanner.dateTime()
    }

    /// What a date of an account export says.
    enum Reading: Equatable {
        /// Never set: empty, `0` (must change at next logon), the FILETIME "never" value, or
        /// the words `never` / `jamais`.
        case never
        /// The date; `proves` is the order the value itself shows (a day or a
        /// month above 12, when no order was given), nil when it does not depend on one.
        case date(Timestamp, proves: DateOrder?)
        /// Year last, day and month both 12 or less and different, and no order given.
        case ambiguous
        case unreadable
    }

    /// Reads one value of an account export's `pwdLastSet` / `PasswordLastSet` column, with
    /// the year-last dates in `order` (nil: see `Reading.ambiguous`). Never guesses: a value
    /// that is not a date in that order is unreadable, and the 12-hour clock does not say the
    /// culture (en-AU writes `8/11/2024 10:00:00 AM` day first).
    static func read(_ raw: UnsafeRawBufferPointer, order: DateOrder?) -> Reading {
        var scanner = DateScanner(Array(raw))
        scanner.skipSpaces()
        if scanner.isAtEnd { return .never }
        if let ticks = scanner.wholeNumber() {
            if ticks.value == 0 || ticks.value == Int64.max { return .never }
            guard ticks.digits >= 15 && ticks.digits <= 19, let date = FileTime.timestamp(ticks.value) else {
                return .unreadable
            }
            return .date(date, proves: nil)
        }
        if scanner.isNeverWord { return .never }
        guard let fields = scanner.fields() else { return .unreadable }
        guard fields.isYearLast else {
            return fields.components(dayFirst: true).map { .date($0, proves: nil) } ?? .unreadable
        }
        // Dotted dates (de-DE, fr-CH, ru-RU) are day first in every culture.
        if fields.separator == UInt8(ascii: ".") {
            return fields.components(dayFirst: true).map { .date($0, proves: nil) } ?? .unreadable
        }
        if let order {
            return fields.components(dayFirst: order == .dayMonthYear).map { .date($0, proves: nil) } ?? .unreadable
        }
        switch (fields.components(dayFirst: true), fields.components(dayFirst: false)) {
        case (let dayFirst?, let monthFirst?):
            return dayFirst == monthFirst ? .date(dayFirst, proves: nil) : .ambiguous
        case (let dayFirst?, nil): return .date(dayFirst, proves: .dayMonthYear)
        case (nil, let monthFirst?): return .date(monthFirst, proves: .monthDayYear)
        case (nil, nil): return .unreadable
        }
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
        while digits < maxDigits, let byte = current, byte &- UInt8(ascii: "0") < 10 {
            value = value * 10 + Int(byte &- UInt8(ascii: "0"))
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
        while let byte = current, byte &- UInt8(ascii: "0") < 10 {
            let (shifted, overflowA) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowB) = shifted.addingReportingOverflow(Int64(byte &- UInt8(ascii: "0")))
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

    /// `never` or `jamais` (any case) filling the rest of the string.
    var isNeverWord: Bool {
        let rest = bytes[position...].map(Bytes.lower)
        return rest == Array("never".utf8) || rest == Array("jamais".utf8)
    }

    /// The date, or date-time, that fills the rest of the string.
    mutating func dateTime() -> Timestamp? {
        guard let fields = fields() else { return nil }
        guard fields.isYearLast else { return fields.components(dayFirst: true) }
        // Day first (fr-FR, en-GB, de-DE) unless the 12-hour clock says en-US; swapped when
        // the preferred order is impossible and the other is not.
        let preferred = fields.components(dayFirst: !fields.isMeridiem)
        return preferred ?? fields.components(dayFirst: fields.isMeridiem)
    }

    /// A date's three numbers as written, and the time and zone after them.
    struct Fields {
        var first: (value: Int, digits: Int)
        var second: Int
        var third: (value: Int, digits: Int)
        var separator: UInt8
        var time = Time()
        /// The time had ` AM` or ` PM`.
        var isMeridiem = false

        /// `dd/mm/yyyy` or `mm/dd/yyyy` (else `yyyy-mm-dd`).
        var isYearLast: Bool { first.digits != 4 }

        /// The date, reading a year-last date day first or month first; nil when that is no
        /// valid date.
        func components(dayFirst: Bool) -> Timestamp? {
            let date: CivilDate? =
                if !isYearLast {
                    CivilDate(year: first.value, month: second, day: third.value)
                } else if dayFirst {
                    CivilDate(year: third.value, month: second, day: first.value)
                } else {
                    CivilDate(year: third.value, month: first.value, day: second)
                }
            guard let date else { return nil }
            guard time.hasTime else { return Timestamp(date: date) }
            return Timestamp(date: date, hour: time.hour, minute: time.minute, second: time.second, zone: time.zone)
        }
    }

    struct Time {
        var hasTime = false
        var hour = 0
        var minute = 0
        var second = 0
        var zone = Timestamp.Zone.local
    }

    /// The date's fields, when the rest of the string is a date (and time) in one of the
    /// understood shapes: `yyyy-mm-dd`, or two numbers and a four-digit year.
    mutating func fields() -> Fields? {
        guard let first = number(maxDigits: 4) else { return nil }
        guard let separator = current,
            separator == UInt8(ascii: "-") || separator == UInt8(ascii: "/")
                || separator == UInt8(ascii: ".")
        else { return nil }
        position += 1
        guard let second = number(maxDigits: 2), accept(separator), let third = number(maxDigits: 4) else {
            return nil
        }
        guard first.digits == 4 || third.digits == 4 else { return nil }
        var result = Fields(first: first, second: second.value, third: third, separator: separator)
        if !time(into: &result.time) { return nil }
        result.isMeridiem = meridiem(into: &result.time)
        if result.time.hasTime && !zone(into: &result.time) { return nil }
        skipSpaces()
        guard isAtEnd else { return nil }
        return result
    }

    /// `[T| ]HH:MM[:SS[.fraction]]`; false when a time starts but is malformed.
    private mutating func time(into result: inout Time) -> Bool {
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
    private mutating func meridiem(into result: inout Time) -> Bool {
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
    private mutating func zone(into result: inout Time) -> Bool {
        let start = position
        skipSpaces()
        if accept(UInt8(ascii: "Z")) || accept(UInt8(ascii: "z")) {
            result.zone = .utc
            return true
        }
        if let sign = current, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
            position += 1
            guard let hours = number(maxDigits: 2), hours.digits == 2, hours.value <= 14 else { return false }
            var minutes = 0
            if accept(UInt8(ascii: ":")) || (current.map { $0 &- UInt8(ascii: "0") < 10 } ?? false) {
                guard let value = number(maxDigits: 2), value.digits == 2, value.value < 60 else { return false }
                minutes = value.value
            }
            let offset = hours.value * 60 + minutes
            result.zone = .offset(minutes: sign == UInt8(ascii: "-") ? -offset : offset)
            return true
        }
        let rest = bytes[position...].map(Bytes.lower)
        if rest == Array("utc".utf8) || rest == Array("gmt".utf8) {
            position = bytes.count
            result.zone = .utc
            return true
        }
        position = start
        return true
    }
}
