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
        guard let cut = locator.lastIndex(where: { $0 == "/" || $0 == "!" }) else { return "" }
        return String(locator[..<cut])
    }

    /// `locator`'s last component (file or member name).
    static func name(of locator: String) -> String {
        guard let cut = locator.lastIndex(where: { $0 == "/" || $0 == "!" }) else { return locator }
        return String(locator[locator.index(after: cut)...])
    }

}

extension String {
    /// Replaces every occurrence of `target` (Foundation-free, for hot-path-free helpers).
    func replacingAll(_ target: Character, with replacement: Character) -> String {
        guard contains(target) else { return self }
        return String(map { $0 == target ? replacement : $0 })
    }
}
