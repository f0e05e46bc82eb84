import FuzzSupport

@testable import CredWatch

/// The Netscape cookie parser, then cookie matching (domain suffixes, paths, regexes).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCookies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    fuzzParse(FuzzInput.bytes(data, size), role: .cookies, locator: "FR[0A1B]/Cookies/Chrome_Default.txt")
    return 0
}

@main
enum FuzzCookiesEntry {
    static func main() { runFuzzer(fuzzCookies) }
}
