/// Windows FILETIME: 100-nanosecond ticks since 1601-01-01T00:00:00Z, as Active Directory
/// writes `pwdLastSet` and secretsdump repeats it.
enum FileTime {
    /// Ticks of 1970-01-01T00:00:00Z. No password was set in Active Directory before then (nor
    /// in Windows NT), so a smaller number is no date: `12345` in a `pwdLastSet` column is junk.
    static let minTicks: Int64 = 116_444_736_000_000_000

    /// Ticks of 9999-12-31T23:59:59.9999999Z, the last instant four-digit ISO 8601 years (and
    /// .NET's `DateTime.FromFileTimeUtc`, behind PowerShell's `PasswordLastSet`) can write.
    static let maxTicks: Int64 = 2_650_467_743_999_999_999

    /// Seconds from 1601-01-01 to 1970-01-01.
    private static let epochOffset: Int64 = 11_644_473_600

    /// The UTC date-time of `ticks`, to the second; nil outside `minTicks...maxTicks`, which
    /// leaves out AD's 0 ("must change at next logon") and `Int64.max` ("never").
    static func timestamp(_ ticks: Int64) -> Timestamp? {
        guard (minTicks...maxTicks).contains(ticks) else { return nil }
        return Timestamp(epochSeconds: ticks / 10_000_000 - epochOffset)
    }
}
