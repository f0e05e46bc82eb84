/// Locators name what was read: a path as given on the command line, joined with the relative
/// path inside a directory, and `!` before each archive member (`a.zip!b.zip!dir/c.txt`).
enum Locator {
    /// Joins an archive member to the locator of the archive that holds it.
    static func member(_ name: String, of archive: String) -> String {
        archive + "!" + normalizedMemberName(name)
    }

    /// Backslashes become `/`, and leading `./` and `/` are dropped.
    static func normalizedMemberName(_ name: String) -> String {
        var normalized = name.replacingAll("\\", with: "/")
        while normalized.hasPrefix("./") { normalized.removeFirst(2) }
        while normalized.hasPrefix("/") { normalized.removeFirst() }
        return normalized
    }

    /// The folder (or archive) that holds `locator`: `a.zip!v/Passwords.txt` → `a.zip!v`,
    /// `a.zip!Passwords.txt` → `a.zip`, `dir/x.txt` → `dir`, `x.txt` → ``.
    static func parent(of locator: String) -> String {
        guard let cut = lastBoundary(in: Substring(locator)) else { return "" }
        return String(locator[..<cut])
    }

    /// `locator`'s last component (file or member name).
    static func name(of locator: String) -> String {
        guard let cut = lastBoundary(in: Substring(locator)) else { return locator }
        return String(locator[locator.utf8.index(after: cut)...])
    }

    /// The last `/` or `!` (a folder's or an archive's end) of a locator, found on its UTF-8
    /// bytes, as a file system or an archive reads them: walking `Character`s cost more than
    /// reading a victim's small files.
    static func lastBoundary(in locator: Substring) -> String.Index? {
        locator.utf8.lastIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "!") })
    }

}

extension String {
    /// Replaces every byte `target` by `replacement`, both ASCII (UTF-8 stays valid). On the
    /// UTF-8 bytes: this runs for every archive member, and `Character`s cost more there than
    /// reading a victim's small files.
    func replacingAll(_ target: Unicode.Scalar, with replacement: Unicode.Scalar) -> String {
        precondition(target.isASCII && replacement.isASCII)
        let (target, replacement) = (UInt8(target.value), UInt8(replacement.value))
        guard utf8.contains(target) else { return self }
        return String(decoding: utf8.map { $0 == target ? replacement : $0 }, as: UTF8.self)
    }
}
