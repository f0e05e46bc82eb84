import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The bytes of a configuration export, mapped when it is a regular file (read whole
/// otherwise: a pipe, a FIFO), with a way to give back the pages a reader has passed: a million
/// accounts make hundreds of MB, which the run must not hold while it indexes them.
final class ExportBytes {
    private let mapping: UnsafeRawBufferPointer?
    private let data: Data?

    /// Passed pages are given back in steps of this many bytes.
    static let passedChunk = 8 << 20

    init(path: String) throws(ConfigurationError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        var status = stat()
        if descriptor >= 0, fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG, status.st_size > 0,
            let base = mmap(nil, Int(status.st_size), PROT_READ, MAP_PRIVATE, descriptor, 0), base != MAP_FAILED
        {
            close(descriptor)
            mapping = UnsafeRawBufferPointer(start: base, count: Int(status.st_size))
            data = nil
            return
        }
        // What cannot be mapped is said precisely: a folder or an empty file named by mistake is
        // not "unreadable".
        let openError = descriptor < 0 ? errno : 0
        if descriptor >= 0 { close(descriptor) }
        if openError != 0 {
            throw ConfigurationError(file: path, message: "cannot read the file: \(SystemError.describe(openError))")
        }
        if status.st_mode & S_IFMT == S_IFDIR {
            throw ConfigurationError(
                file: path,
                message: "is a directory, not an account export: name the export's file"
            )
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, message: "cannot read the file: \(SystemError.whyUnreadable(path))")
        }
        guard !data.isEmpty else {
            throw ConfigurationError(file: path, message: "is empty: no header and no account")
        }
        mapping = nil
        self.data = data
    }

    deinit {
        if let mapping, let base = mapping.baseAddress {
            munmap(UnsafeMutableRawPointer(mutating: base), mapping.count)
        }
    }

    /// Calls `body` with the export as UTF-8 without BOM (see `AccountExport.withUTF8Text`).
    func withUTF8Text<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        if let mapping { return AccountExport.withUTF8Text(mapping, body) }
        return data!.withUnsafeBytes { AccountExport.withUTF8Text($0, body) }
    }

    /// What readers call with the bytes they have passed: their pages of the mapping are
    /// given back (read again from the page cache if touched later). Bytes that are not the
    /// mapping's (a copy, a pipe's data) are left alone.
    var passed: Passed {
        guard let mapping, let base = mapping.baseAddress else { return .keep }
        let start = UInt(bitPattern: base)
        let end = start + UInt(mapping.count)
        return Passed { view in
            guard let from = view.baseAddress else { return }
            let page = UInt(sysconf(Int32(_SC_PAGESIZE)))
            let low = (UInt(bitPattern: from) + page - 1) / page * page
            let high = (UInt(bitPattern: from) + UInt(view.count)) / page * page
            guard low >= start, high <= end, low < high else { return }
            _ = madvise(UnsafeMutableRawPointer(bitPattern: low), Int(high - low), Int32(MADV_DONTNEED))
        }
    }

    /// Gives back the pages of bytes a reader has passed (whole pages inside them only).
    struct Passed: Sendable {
        let call: @Sendable (UnsafeRawBufferPointer) -> Void

        init(_ call: @escaping @Sendable (UnsafeRawBufferPointer) -> Void) {
            self.call = call
        }

        /// Keeps everything (bytes held in memory anyway).
        static let keep = Passed { _ in }
    }
}
