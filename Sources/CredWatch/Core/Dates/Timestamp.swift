import Foundation

/// A date as a log or an export writes it: a calendar day, the time of day to the second when
/// one is written, and the zone it is written in. Reports write it in ISO 8601.
public struct Timestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    enum Zone: Hashable, Sendable {
        /// No zone written: the writer's local time (and a date alone).
        case local
        case utc
        /// A fixed offset from UTC, in minutes east (never 0: that is `utc`).
        case offset(minutes: Int)
    }

    let date: CivilDate
    /// Seconds since midnight; nil for a date alone.
    let secondOfDay: Int?
    let zone: Zone

    /// A date alone.
    init(date: CivilDate) {
        self.date = date
        secondOfDay = nil
        zone = .local
    }

    /// Nil for an impossible time (hour 24, minute 60, second 60) or an offset of 15 hours or
    /// more (the widest in use is 14).
    init?(date: CivilDate, hour: Int, minute: Int, second: Int, zone: Zone) {
        guard (0..<24).contains(hour), (0..<60).contains(minute), (0..<60).contains(second) else { return nil }
        self.date = date
        secondOfDay = hour * 3600 + minute * 60 + second
        switch zone {
        case .offset(minutes: 0): self.zone = .utc
        case .offset(let minutes) where minutes.magnitude >= 15 * 60: return nil
        default: self.zone = zone
        }
    }

    /// The UTC date-time `seconds` after 1970-01-01T00:00:00Z.
    init(epochSeconds seconds: Int64) {
        let (days, secondOfDay) = seconds.floorDivided(by: 86_400)
        date = CivilDate(daysSinceEpoch: days)
        self.secondOfDay = Int(secondOfDay)
        zone = .utc
    }

    /// `instant` in UTC, to the second (rounded down); the epoch for a non-finite or absurd one.
    init(_ instant: Date) {
        let seconds = instant.timeIntervalSince1970.rounded(.down)
        self.init(epochSeconds: seconds.isFinite && abs(seconds) < 1e15 ? Int64(seconds) : 0)
    }

    /// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` followed by `Z`, `±HH:MM` or nothing (local time).
    var iso8601: String {
        String(unsafeUninitializedCapacity: ISO8601Writer.capacity) { buffer in
            var writer = ISO8601Writer(UnsafeMutableRawBufferPointer(buffer))
            writer.write(self)
            return writer.count
        }
    }

    /// Calls `body` with the bytes of `iso8601`, written on the stack (an export's million
    /// dates are stored without a `String` each).
    func withISO8601Bytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeTemporaryAllocation(byteCount: ISO8601Writer.capacity, alignment: 1) { buffer in
            var writer = ISO8601Writer(buffer)
            writer.write(self)
            return body(UnsafeRawBufferPointer(rebasing: buffer[0..<writer.count]))
        }
    }

    public var description: String { iso8601 }

    /// True when this is certainly after `other`. Times of day are compared only when both are
    /// in UTC or both in local time; otherwise only a later calendar day counts, so a change on
    /// the day of the theft is never taken as "after the theft".
    func isCertainlyAfter(_ other: Timestamp) -> Bool {
        if let seconds = secondOfDay, let otherSeconds = other.secondOfDay, zone == other.zone,
            zone == .utc || zone == .local
        {
            return (date, seconds) > (other.date, otherSeconds)
        }
        return date > other.date
    }

    /// The order of the ISO 8601 texts: by day, a date alone before the times of that day,
    /// then the time as written, then the zone's text. A total order that picks the latest of
    /// several values the same way every time; whether one moment is after another is
    /// `isCertainlyAfter`.
    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        if lhs.date != rhs.date { return lhs.date < rhs.date }
        if lhs.secondOfDay != rhs.secondOfDay { return (lhs.secondOfDay ?? -1) < (rhs.secondOfDay ?? -1) }
        return lhs.zone.textOrder < rhs.zone.textOrder
    }
}

extension Timestamp.Zone {
    /// How the zone's text sorts: nothing, then `+HH:MM`, then `-HH:MM`, then `Z`.
    fileprivate var textOrder: (Int, Int) {
        switch self {
        case .local: (0, 0)
        case .offset(let minutes): minutes > 0 ? (1, minutes) : (2, -minutes)
        case .utc: (3, 0)
        }
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

extension Timestamp {
    /// The value `iso8601` wrote as `text` (what reports, partial results and the state
    /// hold); nil for any other text.
    init?(iso8601 text: String) {
        guard let value = PasswordDate.normalized(text), value.iso8601 == text else { return nil }
        self = value
    }
}

/// Writes the ISO 8601 text of dates into a buffer of `capacity` bytes, digit by digit: the
/// dates of reports and exports are written by the million.
struct ISO8601Writer {
    /// The longest text: a sign and 19 digits of year, `-MM-DD`, `THH:MM:SS` and `+HH:MM`.
    static let capacity = 48

    private let buffer: UnsafeMutableRawBufferPointer
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        precondition(buffer.count >= Self.capacity)
        self.buffer = buffer
    }

    mutating func write(_ timestamp: Timestamp) {
        write(timestamp.date)
        guard let secondOfDay = timestamp.secondOfDay else { return }
        byte("T")
        padded(secondOfDay / 3600, width: 2)
        byte(":")
        padded(secondOfDay / 60 % 60, width: 2)
        byte(":")
        padded(secondOfDay % 60, width: 2)
        switch timestamp.zone {
        case .local: break
        case .utc: byte("Z")
        case .offset(let minutes):
            byte(minutes < 0 ? "-" : "+")
            padded(Int(minutes.magnitude) / 60, width: 2)
            byte(":")
            padded(Int(minutes.magnitude) % 60, width: 2)
        }
    }

    mutating func write(_ date: CivilDate) {
        padded(date.year, width: 4)
        byte("-")
        padded(date.month, width: 2)
        byte("-")
        padded(date.day, width: 2)
    }

    @inline(__always)
    private mutating func byte(_ character: Unicode.Scalar) {
        buffer[count] = UInt8(ascii: character)
        count += 1
    }

    @inline(__always)
    private mutating func twoDigits(_ value: Int) {
        buffer[count] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value / 10)
        buffer[count + 1] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: value % 10)
        count += 2
    }

    /// `value` in decimal with leading zeros up to `width` digits (a sign comes first).
    private mutating func padded(_ value: Int, width: Int) {
        // The fields of four-digit years, by divisions by constants (multiplications).
        if width == 2 && (0..<100).contains(value) { return twoDigits(value) }
        if width == 4 && (0..<10_000).contains(value) {
            twoDigits(value / 100)
            return twoDigits(value % 100)
        }
        if value < 0 { byte("-") }
        var rest = value.magnitude
        var digits = 1
        var scale: UInt = 1
        while rest / scale >= 10 {
            scale *= 10
            digits += 1
        }
        for _ in digits..<max(width, digits) { byte("0") }
        while scale > 0 {
            buffer[count] = UInt8(ascii: "0") + UInt8(rest / scale)
            count += 1
            rest %= scale
            scale /= 10
        }
    }
}
