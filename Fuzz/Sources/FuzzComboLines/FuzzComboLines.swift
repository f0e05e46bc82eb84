import FuzzSupport

@testable import CredWatch

/// The combolist (ULP) line splitter: every field it returns must lie inside the line it was
/// given; then the whole text as a combolist through the parser and the matcher.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzComboLines(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    bytes.withUnsafeBytes { text in
        var lines = LineScanner(text, firstLine: 1, offsets: LineOffsets(first: 0))
        while let (line, _) = lines.next() {
            guard let fields = ComboLineParser.parse(line) else { continue }
            for field in [fields.url, fields.login, fields.password] where !field.isEmpty {
                let start = field.baseAddress! - line.baseAddress!
                FuzzCheck.require(
                    start >= 0 && start + field.count <= line.count,
                    "a field at \(start)..<\(start + field.count) outside its line of \(line.count) bytes"
                )
            }
        }
    }
    fuzzParse(bytes, role: .combolist, locator: "combo.txt")
    return 0
}

@main
enum FuzzComboLinesEntry {
    static func main() { runFuzzer(fuzzComboLines) }
}
