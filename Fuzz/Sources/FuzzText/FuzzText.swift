import FuzzSupport

@testable import CredWatch

/// The text decoder: encoding detection (BOMs, evident UTF-16, binary junk), UTF-16
/// transcoding across buffer boundaries, NUL and CR handling, over-long lines and chunking.
/// The consumer checks what the decoder promises: no NUL, no line over the limit, chunks cut
/// at line ends with consistent line numbers. Selector byte: bits 0-2 the read size, 3-4 the
/// document's role, 5-6 the chunk size, 7 whether the size is known beforehand.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzText(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let roles: [DocumentRole] = [.combolist, .credentials, .cookies, .systemInfo]
    let role = roles[Int(input.selector >> 3) & 3]
    let chunkSizes = [1, 7, 64, 1 << 10]
    let options = Fuzz.decodeOptions(chunkSize: chunkSizes[Int(input.selector >> 5) & 3])
    let decoder = DocumentDecoder(
        options: options,
        diagnostics: Diagnostics(output: nil),
        consumer: CheckingChunkConsumer(maxLineLength: options.limits.maxLineLength, parses: false)
    )
    let reader = ByteReader(MemoryByteStream(input.payload, readSize: input.readSize), pool: Fuzz.pool)
    let sizeHint = input.selector & 0x80 != 0 ? Int64(input.payload.count) : nil
    do throws(DecodeFault) {
        try decoder.decode(reader, document: Document(locator: "fuzz.txt", role: role), sizeHint: sizeHint)
    } catch {
        fatalError("an in-memory stream cannot fail: \(error.reason)")
    }
    return 0
}

@main
enum FuzzTextEntry {
    static func main() { runFuzzer(fuzzText) }
}
