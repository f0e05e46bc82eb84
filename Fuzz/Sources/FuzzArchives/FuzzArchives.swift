import FuzzSupport

@testable import CredWatch

/// The formats read through libarchive (7z, RAR 4 and 5, bzip2, xz, lzma, zstd) both ways: from
/// a file read at random, and as a stream (a 7z is then copied to a temporary file); the RAR 5
/// header tracker alone too. Members go on through format detection, the text decoder, the
/// parsers and the matcher. Selector byte: bits 0-2 the read size of the stream.
let archive = ScratchFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzArchives(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    let name = StreamName("fuzz.bin")
    let tracker = RAR5HeaderTracker()
    input.payload.withUnsafeBytes { tracker.feed($0) }

    archive.write(input.payload)
    let seekable = Fuzz.session()
    let file = OpenFile(
        descriptor: archive.descriptor,
        locator: name.locator,
        ownsDescriptor: false,
        diagnostics: seekable.diagnostics,
        expansion: seekable.expansion
    )
    let window = FileWindow(file: file, start: 0, length: Int64(input.payload.count))
    let fileReader = ByteReader(WindowStream(window, locator: name.locator), pool: Fuzz.pool)
    seekable.process(fileReader, name, depth: 0, seekable: window, sizeHint: window.length)

    let streaming = Fuzz.session()
    let reader = ByteReader(MemoryByteStream(input.payload, readSize: input.readSize), pool: Fuzz.pool)
    streaming.process(reader, name, depth: 0)
    return 0
}

@main
enum FuzzArchivesEntry {
    static func main() { runFuzzer(fuzzArchives) }
}
