import FuzzSupport

@testable import CredWatch

/// The zip reader, both ways it reads: through the central directory (a seekable file, members
/// read at their recorded offsets) and in one forward pass over the local headers (standard
/// input, zips inside compressed members). Members go on through format detection, the text
/// decoder, the parsers and the matcher. Selector byte: bits 0-2 the read size of the forward
/// pass, bit 3 whether it expects a central directory, bit 4 whether the seekable file is read
/// into memory first (as files up to `DecodeOptions.preloadLimit` are).
let archive = ScratchFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzZip(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let name = StreamName("fuzz.zip")

    archive.write(input.payload)
    let seekable = Fuzz.session()
    let file = OpenFile(
        descriptor: archive.descriptor,
        locator: name.locator,
        ownsDescriptor: false,
        diagnostics: seekable.diagnostics,
        expansion: seekable.expansion
    )
    if input.selector & 16 != 0 { file.preload(size: input.payload.count) }
    let window = FileWindow(file: file, start: 0, length: Int64(input.payload.count))
    do throws(DecodeFault) {
        try seekable.readZip(window, name, depth: 0)
    } catch {}

    let streaming = Fuzz.session()
    let reader = ByteReader(MemoryByteStream(input.payload, readSize: input.readSize), pool: Fuzz.pool)
    do throws(DecodeFault) {
        try streaming.readZip(streaming: reader, name, depth: 0, expectsDirectory: input.selector & 8 != 0)
    } catch {}
    return 0
}

@main
enum FuzzZipEntry {
    static func main() { runFuzzer(fuzzZip) }
}
