import FuzzSupport

@testable import CredWatch

/// The tar reader: v7, ustar, GNU base-256 sizes, long names, pax headers (also fed to the pax
/// record parser alone), skipped entry types and truncation. Members go on through format
/// detection, the text decoder, the parsers and the matcher. Selector byte: bits 0-2 the read
/// size.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTar(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    var attributes = TarAttributes()
    attributes.merge(paxRecords: input.payload)
    if let size = attributes.size {
        FuzzCheck.require((0...TarHeader.maxSize).contains(size), "pax size \(size) out of range")
    }
    input.payload.withUnsafeBytes { bytes in
        _ = TarHeader.isHeader(bytes)
        _ = TarHeader(bytes)
    }

    let session = Fuzz.session()
    let reader = ByteReader(MemoryByteStream(input.payload, readSize: input.readSize), pool: Fuzz.pool)
    do throws(DecodeFault) {
        try session.readTar(reader, StreamName("fuzz.tar"), depth: 0)
    } catch {}
    return 0
}

@main
enum FuzzTarEntry {
    static func main() { runFuzzer(fuzzTar) }
}
