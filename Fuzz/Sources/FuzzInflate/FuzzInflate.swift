import FuzzSupport

@testable import CredWatch

/// The gzip, zlib and raw-deflate wrapper (`InflateStream`) on each backend: multi-member gzip,
/// trailing data, truncation, CRC and the bomb limits. Selector byte: bits 0-2 the read size,
/// 3-6 the wrapper (gzip, zlib, raw: their value modulo 3) and the backend (zlib, then ISA-L when
/// built in: their value divided by 3); with bit 7 set the input goes through the whole decode
/// session instead (sniffing, nested content; the preferred backend).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInflate(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = FuzzInput(data, size)
    if input.selector & 0x80 != 0 {
        Fuzz.session().read(stream: MemoryByteStream(input.payload, readSize: input.readSize), locator: "fuzz.gz")
        return 0
    }
    let wrappers: [DeflateWrapper] = [.gzip, .zlib, .raw]
    let variant = Int(input.selector >> 3) & 0x0F
    let wrapper = wrappers[variant % wrappers.count]
    let backend = InflateBackend.allCases[variant / wrappers.count % InflateBackend.allCases.count]
    _ = input.payload.withUnsafeBytes { wrapper.inflatesCleanly($0) }

    let upstream = ByteReader(MemoryByteStream(input.payload, readSize: input.readSize), pool: Fuzz.pool)
    let expansion = ExpansionGuard()
    let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
    defer { output.deallocate() }
    do throws(DecodeFault) {
        let inflater = try InflateStream(
            upstream: upstream,
            wrapper: wrapper,
            backend: backend,
            locator: "fuzz.gz",
            limits: Fuzz.limits,
            expansion: expansion
        )
        var total: Int64 = 0
        while true {
            let count = try inflater.read(into: output)
            if count == 0 { break }
            total += Int64(count)
            FuzzCheck.require(total <= Fuzz.limits.maxMemberSize, "inflated past the member size limit")
        }
        FuzzCheck.require(inflater.isFinished, "stream ended without finishing")
    } catch {}
    return 0
}

@main
enum FuzzInflateEntry {
    static func main() { runFuzzer(fuzzInflate) }
}
