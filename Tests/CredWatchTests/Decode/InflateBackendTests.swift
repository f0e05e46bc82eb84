import Testing

@testable import CredWatch

/// The backends behind `InflateStream` side by side on the same streams, cut into reads of every
/// size: the same bytes out, the same end of the stream, the same faults.
@Suite("Decode: inflate backends")
struct InflateBackendTests {
    private let text = Array((1...3000).map { "user\($0)@example.test:\(($0 * 7919) % 100_003)\n" }.joined().utf8)

    private struct Inflated {
        var output: [UInt8] = []
        var fault: String?
        var compressedCount: Int64 = 0
        /// What the stream left unread in its input.
        var rest: [UInt8] = []
    }

    private func inflate(
        _ bytes: [UInt8],
        _ wrapper: DeflateWrapper,
        _ backend: InflateBackend,
        readSize: Int
    ) -> Inflated {
        var result = Inflated()
        let upstream = ByteReader(DecodeMemoryStream(bytes, readSize: readSize), pool: BufferPool())
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 1)
        defer { buffer.deallocate() }
        do throws(DecodeFault) {
            let inflater = try InflateStream(
                upstream: upstream,
                wrapper: wrapper,
                backend: backend,
                locator: "t",
                limits: ScanLimits(),
                expansion: ExpansionGuard()
            )
            defer { result.compressedCount = inflater.compressedCount }
            while case let count = try inflater.read(into: buffer), count > 0 {
                result.output += buffer[..<count]
            }
            result.rest = try upstream.readBytes(bytes.count)
        } catch {
            result.fault = error.reason
        }
        return result
    }

    /// Deflate data ends by itself: what follows it (a zip's next record, data after a zlib
    /// stream or gzip member) is left unread, although ISA-L reads up to 8 bytes ahead.
    @Test(arguments: InflateBackend.allCases, [DeflateWrapper.raw, .zlib, .gzip])
    func streamEndsExactlyWhereItsDataEnds(backend: InflateBackend, wrapper: DeflateWrapper) {
        let compressed = DecodeCompression.deflate(text, windowBits: wrapper.windowBits)
        let next = Array("PK\u{07}\u{08} next record".utf8)
        for readSize in [1, 2, 3, 5, 8, 13, 1 << 16] {
            let inflated = inflate(compressed + next, wrapper, backend, readSize: readSize)
            #expect(inflated.output == text, "read size \(readSize)")
            #expect(inflated.fault == nil, "read size \(readSize)")
            #expect(inflated.compressedCount == Int64(compressed.count), "read size \(readSize)")
            #expect(inflated.rest == next, "read size \(readSize)")
        }
    }

    /// The same damage reads the same whichever backend meets it: ISA-L's statuses are put in
    /// zlib's words, except where ISA-L cannot tell which check of a block header failed.
    @Test(arguments: InflateBackend.allCases)
    func damageIsNamedAlike(backend: InflateBackend) {
        var wrongCRC = DecodeCompression.gzip(text)
        wrongCRC[wrongCRC.count - 8] ^= 0xFF
        var wrongLength = DecodeCompression.gzip(text)
        wrongLength[wrongLength.count - 1] ^= 0x01
        var wrongAdler = DecodeCompression.zlib(text)
        wrongAdler[wrongAdler.count - 1] ^= 0xFF
        var wrongHeaderCRC = DecodeCompression.gzipWithAllHeaderFields(text, name: "a", comment: "b")
        wrongHeaderCRC[10 + 2 + 8 + 2 + 2] ^= 0xFF  // after the fixed part, XLEN, extra, "a\0", "b\0"
        var unknownMethod = DecodeCompression.gzip(text)
        unknownMethod[2] = 0x07
        let invalidBlockType = [UInt8](repeating: 0xFF, count: 64)
        // A fixed-code block whose first symbol copies from 1 byte back, before any output.
        let distanceTooFarBack: [UInt8] = [0x03, 0x02, 0x00]
        let presetDictionary: [UInt8] = [0x78, 0xBB, 0x00, 0x00, 0x00, 0x01, 0x03, 0x00]
        let size = text.count
        let cases: [(wrapper: DeflateWrapper, bytes: [UInt8], fault: String)] = [
            (.gzip, wrongCRC, "CRC mismatch (incorrect data check) in gzip stream after \(size) bytes"),
            (.gzip, wrongLength, "corrupt gzip data after \(size) bytes: incorrect length check"),
            (.zlib, wrongAdler, "CRC mismatch (incorrect data check) in zlib stream after \(size) bytes"),
            (.gzip, wrongHeaderCRC, "corrupt gzip data after 0 bytes: header crc mismatch"),
            (
                .gzip, DecodeCompression.gzip(text) + unknownMethod,
                "corrupt gzip data after \(size) bytes: unknown compression method"
            ),
            (.raw, invalidBlockType, "corrupt deflate data after 0 bytes: \(backend.invalidBlockTypeDetail)"),
            (.raw, distanceTooFarBack, "corrupt deflate data after 0 bytes: invalid distance too far back"),
            (.zlib, presetDictionary, "corrupt zlib data: needs a preset dictionary"),
        ]
        for damaged in cases {
            for readSize in [1, 1 << 16] {
                let inflated = inflate(damaged.bytes, damaged.wrapper, backend, readSize: readSize)
                #expect(inflated.fault == damaged.fault, "read size \(readSize)")
            }
        }
    }

    /// A stream cut anywhere: every backend delivers a prefix of the data and says how long.
    /// ISA-L may stop a few bytes before zlib: it decodes up to three symbols at a time, and a
    /// group the input ends in is not decoded at all.
    @Test func truncatedStreamsDeliverAlike() {
        let compressed = DecodeCompression.gzip(text)
        for cut in stride(from: 1, to: compressed.count, by: 331) {
            let outcomes = InflateBackend.allCases.map { backend in
                inflate(Array(compressed.prefix(cut)), .gzip, backend, readSize: 4096)
            }
            let zlib = outcomes[0]
            for inflated in outcomes {
                #expect(text.starts(with: inflated.output), "cut at \(cut)")
                #expect(inflated.fault == "truncated gzip stream after \(inflated.output.count) bytes", "cut at \(cut)")
                #expect((0...3).contains(zlib.output.count - inflated.output.count), "cut at \(cut)")
            }
        }
    }

    /// The zip members' checksum, whichever library computes it: the standard check value, and
    /// the same result fed in pieces of any size.
    @Test func crc32OfPiecesIsTheCRC32OfTheWhole() {
        let check = Array("123456789".utf8)
        #expect(check.withUnsafeBytes { CRC32.update(0, $0) } == 0xCBF4_3926)
        let whole = text.withUnsafeBytes { CRC32.update(0, $0) }
        for piece in [1, 7, 64, 4093] {
            var checksum: UInt32 = 0
            text.withUnsafeBytes { bytes in
                for start in stride(from: 0, to: bytes.count, by: piece) {
                    checksum = CRC32.update(
                        checksum,
                        UnsafeRawBufferPointer(rebasing: bytes[start..<min(start + piece, bytes.count)])
                    )
                }
            }
            #expect(checksum == whole, "pieces of \(piece)")
        }
    }
}
