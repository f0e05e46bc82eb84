import FuzzSupport

@testable import CredWatch

/// The system-information parsers (`UserInformation.txt`, `System.txt`, `Info.json`), their
/// date parsing, then the machine matcher (AD domains, machine-name regex, user resolution).
/// Selector byte: bit 0 picks JSON, bit 1 day-first dates.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSystemInfo(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    if input.selector & 1 == 0 {
        fuzzParse(input.payload, role: .systemInfo, locator: "FR[0A1B]/UserInformation.txt")
    } else {
        fuzzParse(input.payload, role: .systemInfoJSON, locator: "FR[0A1B]/Info.json")
    }
    input.payload.withUnsafeBytes { text in
        if let date = LogDate.read(text, dayFirst: input.selector & 2 != 0) {
            FuzzCheck.require(date.iso8601.utf8.count <= 25, "log date '\(date)' longer than ISO 8601")
        }
    }
    return 0
}

@main
enum FuzzSystemInfoEntry {
    static func main() { runFuzzer(fuzzSystemInfo) }
}
