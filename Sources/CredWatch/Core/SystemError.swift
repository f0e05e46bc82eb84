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

    /// Why the file at `path` cannot be read, as `strerror` says it (`No such file or
    /// directory`, `Permission denied`, `Is a directory`): for a read that failed without telling.
    static func whyUnreadable(_ path: String) -> String {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return last }
        defer { close(descriptor) }
        var byte: UInt8 = 0
        return read(descriptor, &byte, 1) < 0 ? last : "read failed"
    }
}
