import FuzzSupport

@testable import CredWatch

/// The stealer credential parsers: label records of every family (`Passwords.txt`) and JSON
/// credential files (`Passwords.json`), then the matcher on each record. Selector byte: bit 0
/// picks JSON.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStealerRecords(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    if input.selector & 1 == 0 {
        fuzzParse(input.payload, role: .credentials, locator: "FR[0A1B]/Browsers/Passwords.txt")
    } else {
        fuzzParse(input.payload, role: .credentialsJSON, locator: "FR[0A1B]/Passwords.json")
    }
    return 0
}

@main
enum FuzzStealerRecordsEntry {
    static func main() { runFuzzer(fuzzStealerRecords) }
}
