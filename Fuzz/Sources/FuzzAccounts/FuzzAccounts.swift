import FuzzSupport

@testable import CredWatch

/// The account export reader: encoding (BOM, UTF-16), delimiter detection, the RFC 4180 CSV
/// reader and its runaway-quote rule, read whole and in two halves on two threads, plain lists,
/// `proxyAddresses`, password dates; then the account index built from what was read, and
/// logins resolved against it (each account's own identities must resolve).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccounts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput.bytes(data, size)
    // The first byte picks the date order, so that both orders and none are read.
    let order: DateOrder? = size == 0 ? nil : [nil, .dayMonthYear, .monthDayYear][Int(input[0]) % 3]
    let reads = input.withUnsafeBytes { raw in
        AccountExport.withUTF8Text(raw) { text in
            (
                Result { () throws(ConfigurationError) in
                    try AccountExport.read(text, file: "accounts.csv", dateOrder: order, parallelAbove: .max)
                },
                // Read by two threads from a guessed record boundary.
                Result { () throws(ConfigurationError) in
                    try AccountExport.read(text, file: "accounts.csv", dateOrder: order, parallelAbove: 0)
                },
                text.count
            )
        }
    }
    // The same accounts, lines and warnings, or the same error naming the same line.
    FuzzCheck.require(reads.0 == reads.1, "reading the export in two halves changed what was read")
    guard case .success(let read) = reads.0 else {
        if case .failure(let error) = reads.0 {
            FuzzCheck.require(
                error.line.map { $0 >= 1 && $0 <= reads.2 + 1 } ?? true,
                "an error names no line of the file"
            )
        }
        return 0
    }
    let accounts = read.accounts
    FuzzCheck.require(read.lines.count == accounts.count, "an account without its line")
    let directory = AccountDirectory(accounts: accounts)
    FuzzCheck.sink &+= UInt64(directory.upnDomains.count &+ directory.derivedMailDomains.count)
    FuzzCheck.sink &+= UInt64(directory.census.aliases &+ directory.sharedIdentities.count)
    FuzzCheck.sink &+= UInt64(
        directory.sharedIdentityWarning(file: "accounts.csv")?.message.count ?? 0
    )
    let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: ["ad.groupe-exemple.fr"])
    for account in accounts.prefix(64) {
        for login in [account.sam, account.upn, account.mail].compactMap({ $0 }) + account.aliases {
            // `DOMAIN\user` and over-long logins are never looked up as written.
            guard !login.utf8.contains(UInt8(ascii: "\\")), login.utf8.count <= 1024 else { continue }
            Array(login.utf8).withUnsafeBytes { bytes in
                guard !Bytes.trimmed(bytes).isEmpty else { return }
                let resolved = directory.resolve(bytes, domains: domains)
                FuzzCheck.require(resolved != nil, "the account's own identity '\(login)' does not resolve")
                // A shared identity names each of its accounts once.
                let owners = resolved?.owners.map(\.account) ?? []
                FuzzCheck.require(Set(owners).count == owners.count, "an account owns '\(login)' twice")
            }
        }
    }
    return 0
}

@main
enum FuzzAccountsEntry {
    static func main() { runFuzzer(fuzzAccounts) }
}
