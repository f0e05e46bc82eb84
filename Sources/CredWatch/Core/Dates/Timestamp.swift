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
        var text = ""
        text.reserveCapacity(25)
        date.append(to: &text)
        guard let secondOfDay else { return text }
        text.append("T")
        text.appendPadded(secondOfDay / 3600, width: 2)
        text.append(":")
        text.appendPadded(secondOfDay / 60 % 60, width: 2)
        text.append(":")
        text.appendPadded(secondOfDay % 60, width: 2)
        switch zone {
        case .local: break
        case .utc: text.append("Z")
        case .offset(let minutes):
            text.append(minutes < 0 ? "-" : "+")
            text.appendPadded(Int(minutes.magnitude) / 60, width: 2)
            text.append(":")
            text.appendPadded(Int(minutes.magnitude) % 60, width: 2)
        }
        return text
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
