import FuzzSupport

@testable import CredWatch

/// The account export reader: encoding (BOM, UTF-16), delimiter detection, the RFC 4180 CSV
/// reader, read whole and in two halves on two threads, plain lists, `proxyAddresses`, FILETIME
/// dates; then the account index built from what was read, and logins resolved against it (each
/// account's own identities must resolve).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzAccounts(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput.bytes(data, size)
    let reads = input.withUnsafeBytes { raw in
        AccountExport.withUTF8Text(raw) { text in
            (
                try? AccountExport.accounts(in: text, file: "accounts.csv", parallelAbove: .max),
                // Read by two threads from a guessed record boundary.
                try? AccountExport.accounts(in: text, file: "accounts.csv", parallelAbove: 0)
            )
        }
    }
    guard let accounts = reads.0 else { return 0 }
    FuzzCheck.require(reads.1 == accounts, "reading the export in two halves changed the accounts")
    let directory = AccountDirectory(accounts: accounts)
    FuzzCheck.sink &+= UInt64(directory.upnDomains.count &+ directory.derivedMailDomains.count)
    let domains = LoginDomains(netbiosDomains: ["GROUPEEXEMPLE"], adDomains: ["ad.groupe-exemple.fr"])
    for account in accounts.prefix(64) {
        for login in [account.sam, account.upn, account.mail].compactMap({ $0 }) + account.aliases {
            // `DOMAIN\user` and over-long logins are never looked up as written.
            guard !login.utf8.contains(UInt8(ascii: "\\")), login.utf8.count <= 1024 else { continue }
            Array(login.utf8).withUnsafeBytes { bytes in
                FuzzCheck.require(
                    Bytes.trimmed(bytes).isEmpty || directory.resolve(bytes, domains: domains) != nil,
                    "the account's own identity '\(login)' does not resolve"
                )
            }
        }
    }
    return 0
}

@main
enum FuzzAccountsEntry {
    static func main() { runFuzzer(fuzzAccounts) }
}
