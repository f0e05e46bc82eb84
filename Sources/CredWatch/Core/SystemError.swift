#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Text for `errno` values in messages: the one place that calls `strerror`.
enum SystemError {
    static func describe(_ errorNumber: Int32) -> String {
        guard let text = strerror(errorNumber) else { return "error \(errorNumber)" }
        return String(cString: text)
    }

    /// The text of the current `errno`.
    static var last: String { describe(errno) }
}
