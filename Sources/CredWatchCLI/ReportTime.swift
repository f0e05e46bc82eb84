import Foundation

/// The time reports say they were made (`reported_at`, ECS `@timestamp`, CEF `rt`, syslog).
enum ReportTime {
    /// `SOURCE_DATE_EPOCH` (whole seconds since 1970, the reproducible-builds convention), when
    /// set to one: the same findings then give the same report bytes in every run, for tests and
    /// for reports kept as evidence. The state's dates stay the real ones.
    static var fixed: Date? {
        guard let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"],
            let seconds = Int64(text), seconds >= 0
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
