import Foundation

/// The modification times of the files sources were read from: the only date a combolist line
/// has (`input_modified`). Looked up after the scan, only for findings without a log date, once
/// per file.
struct InputDates {
    private var known: [String: Timestamp?] = [:]

    /// The modification time of the file on disk that `path` (a source's path, as reports write
    /// it) was read from: the path itself, else the archive it is a member of (`a.zip!b.txt`:
    /// `a.zip`; a name may hold `!` itself, so the longest path that is a file wins). Nil for
    /// standard input, and for a file that cannot be examined (removed since, or a name that
    /// is not UTF-8, which reports write escaped).
    mutating func modified(_ path: String) -> Timestamp? {
        if path == InputSource.standardInputLocator || path.hasPrefix(InputSource.standardInputLocator + "!") {
            return nil
        }
        var candidate = Substring(path)
        while true {
            if let date = modificationTime(String(candidate)) { return date }
            guard let cut = candidate.lastIndex(of: "!") else { return nil }
            candidate = candidate[..<cut]
        }
    }

    private mutating func modificationTime(_ file: String) -> Timestamp? {
        if let cached = known[file] { return cached }
        var info = stat()
        let date: Timestamp? =
            stat(file, &info) == 0 && info.st_mode & S_IFMT == S_IFREG
            ? Timestamp(epochSeconds: Int64(info.st_mtim.tv_sec)) : nil
        known[file] = date
        return date
    }
}
