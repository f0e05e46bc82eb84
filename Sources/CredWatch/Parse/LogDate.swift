/// Lenient reading of the dates stealers write in their system-information files.
///
/// Handles ISO (`2024-11-03T10:22:14+01:00`), US (`7/29/2025 2:27:03 PM`), European
/// (`26/6/2025 13:22:47`, `30.07.2025`), StealC's unpadded `2024/6/22 15:49:7`, Raccoon v1's
/// `1970.01.01 - 00:00:00 GMT`, month names (`23 Oct 24 00:36 UTC`, `03 September 2024`) and
/// JavaScript's `Thu Oct 10 2024 17:21:27 GMT+0200 (…)`. A written offset is applied, giving
/// UTC; a time without an offset is kept as written (and taken as UTC).
enum LogDate {
    /// A UTC date-time, or a date alone when the text has no time; nil when no date can be
    /// read. `dayFirst` settles `1/2/2024` (false for RedLine's US dates).
    static func read(_ text: UnsafeRawBufferPointer, dayFirst: Bool) -> Timestamp? {
        let tokens = DateTokens(text)
        let numbers = tokens.numbers
        var day: Int
        var month: Int
        var year: Int
        var next: Int
        if let named = tokens.month {
            guard numbers.count >= 2 else { return nil }
            month = named
            next = 2
            if numbers[0].digits == 4 {
                (year, day) = (numbers[0].value, numbers[1].value)
            } else if numbers.count >= 4, numbers[2].separatorBefore == ParseText.colon,
                let yearNumber = numbers.dropFirst(3).first(where: { $0.digits == 4 })
            {
                // C's asctime (RisePro, Predator): `Sat Jul 06 3:43:57 2024`, the year after the time.
                (day, year) = (numbers[0].value, yearNumber.value)
                next = 1
            } else {
                (day, year) = (numbers[0].value, numbers[1].value)
            }
        } else {
            guard numbers.count >= 3 else { return nil }
            let (a, b, c) = (numbers[0], numbers[1], numbers[2])
            if a.digits == 4 {
                (year, month, day) = (a.value, b.value, c.value)
            } else {
                year = c.value
                let separator = b.separatorBefore
                if a.value > 12 || separator == UInt8(ascii: ".") || (dayFirst && b.value <= 12) {
                    (day, month) = (a.value, b.value)
                } else {
                    (month, day) = (a.value, b.value)
                }
            }
            next = 3
        }
        if year < 100 { year += 2000 }
        guard (1970...2200).contains(year), let date = CivilDate(year: year, month: month, day: day) else {
            return nil
        }

        // Time: up to three numbers joined by `:`, the first right after the date.
        var clock: [Int] = []
        var index = next
        while index < numbers.count && clock.count < 3 {
            let number = numbers[index]
            guard !number.isSigned, clock.isEmpty || number.separatorBefore == ParseText.colon else { break }
            clock.append(number.value)
            index += 1
        }
        guard clock.count >= 2 else { return Timestamp(date: date) }
        var hour = clock[0]
        let minute = clock[1]
        let second = clock.count > 2 ? clock[2] : 0
        if let meridiem = tokens.meridiem {
            guard (1...12).contains(hour) else { return Timestamp(date: date) }
            hour = hour % 12 + (meridiem == .pm ? 12 : 0)
        }
        guard hour < 24, minute < 60, second < 61 else { return Timestamp(date: date) }

        // Offset: a signed number after the time (`+0200`, `+02:00`, `-5`, `GMT+1`).
        var offsetMinutes = 0
        // A fraction of a second is skipped.
        if index < numbers.count, numbers[index].separatorBefore == UInt8(ascii: ".") { index += 1 }
        if index < numbers.count, numbers[index].isSigned || numbers[index].isOffsetLike {
            let sign = numbers[index].isNegative ? -1 : 1
            let value = numbers[index].value
            if numbers[index].digits == 4 {
                offsetMinutes = (value / 100) * 60 + value % 100
            } else if numbers[index].digits <= 2 {
                offsetMinutes = value * 60
                if index + 1 < numbers.count && numbers[index + 1].separatorBefore == ParseText.colon {
                    offsetMinutes += numbers[index + 1].value
                }
            }
            guard offsetMinutes <= 14 * 60 else { return Timestamp(date: date) }
            offsetMinutes *= sign
        }
        let seconds = date.daysSinceEpoch * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetMinutes * 60)
        return Timestamp(epochSeconds: seconds)
    }
}

/// The numbers and words of a date, in order.
private struct DateTokens {
    struct Number {
        var value: Int
        var digits: Int
        /// The byte just before the digits (0 at the start).
        var separatorBefore: UInt8
        /// A `+`/`-` that cannot be a date separator (`GMT+0200`, `UTC: -07:00`).
        var isSigned: Bool
        var isNegative: Bool
        /// Right after `GMT` or `UTC`.
        var isOffsetLike: Bool
    }

    enum Meridiem { case am, pm }

    private(set) var numbers: [Number] = []
    private(set) var month: Int?
    private(set) var meridiem: Meridiem?

    private static let monthNames: [StaticString] = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december",
    ]

    init(_ text: UnsafeRawBufferPointer) {
        var index = 0
        var afterZoneName = false
        let count = min(text.count, 256)
        while index < count && numbers.count < 12 {
            let byte = text[index]
            if ParseText.isDigit(byte) {
                let start = index
                var value = 0
                while index < count, ParseText.isDigit(text[index]) {
                    if value < 100_000_000 { value = value * 10 + Int(text[index] &- UInt8(ascii: "0")) }
                    index += 1
                }
                let before: UInt8 = start > 0 ? text[start - 1] : 0
                let beforeSign: UInt8 = start > 1 ? text[start - 2] : 0
                let signed =
                    (before == UInt8(ascii: "+") || before == UInt8(ascii: "-")) && !ParseText.isDigit(beforeSign)
                let isOffset =
                    afterZoneName || (before == UInt8(ascii: "+") || before == UInt8(ascii: "-")) && numbers.count >= 5
                numbers.append(
                    Number(
                        value: value,
                        digits: index - start,
                        separatorBefore: before,
                        isSigned: signed,
                        isNegative: before == UInt8(ascii: "-"),
                        isOffsetLike: isOffset && (before == UInt8(ascii: "+") || before == UInt8(ascii: "-"))
                    )
                )
                afterZoneName = false
            } else if ParseText.isLetter(byte) {
                let start = index
                while index < count, ParseText.isLetter(text[index]) { index += 1 }
                let word = Bytes.slice(text, start..<index)
                afterZoneName = Bytes.equalsLowercased(word, "gmt") || Bytes.equalsLowercased(word, "utc")
                if Bytes.equalsLowercased(word, "am") {
                    meridiem = .am
                } else if Bytes.equalsLowercased(word, "pm") {
                    meridiem = .pm
                } else if month == nil && word.count >= 3 && numbers.count < 3 {
                    month = Self.monthNumber(word)
                }
                // A parenthesised zone name (`(Central European Summer Time)`) ends the date.
            } else if byte == UInt8(ascii: "(") {
                break
            } else {
                index += 1
            }
        }
    }

    /// 1…12 when `word` is a month name or its prefix of at least three letters (`Oct`, `Sept`).
    private static func monthNumber(_ word: UnsafeRawBufferPointer) -> Int? {
        if Bytes.equalsLowercased(word, "sept") { return 9 }
        for (offset, name) in monthNames.enumerated() where word.count <= name.utf8CodeUnitCount {
            let prefix = UnsafeRawBufferPointer(start: name.utf8Start, count: word.count)
            if (0..<word.count).allSatisfy({ Bytes.lower(word[$0]) == prefix[$0] }) { return offset + 1 }
        }
        return nil
    }
}
