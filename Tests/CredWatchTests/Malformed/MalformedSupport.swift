import CZlib
import Foundation
import Testing

@testable import CredWatch

/// A folder of generated, damaged inputs, removed with everything in it when released.
final class MalformedCorpus {
    let root: String

    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("cw-malformed-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
    }

    deinit {
        // Files made unreadable by a test must be readable again to be removed.
        if let paths = FileManager.default.enumerator(atPath: root) {
            for case let path as String in paths { chmod(root + "/" + path, 0o755) }
        }
        try? FileManager.default.removeItem(atPath: root)
    }

    func path(_ name: String) -> String { root + "/" + name }

    /// Writes `bytes` at `name` (folders created as needed); returns the full path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path(name)
        let folder = (full as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        #expect(FileManager.default.createFile(atPath: full, contents: Data(bytes)), "cannot write \(full)")
        return full
    }

    @discardableResult
    func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

    /// A symbolic link at `name` whose target is `target` (as written, relative to the link).
    func link(_ name: String, to target: String) {
        #expect(symlink(target, path(name)) == 0, "cannot link \(name)")
    }
}

/// A credential written into a generated input, and where the report must place it.
struct PlantedCredential: Hashable, CustomStringConvertible {
    var login: String
    var password: String
    /// Locator and line of the line that holds it.
    var path: String
    var line: Int

    /// The credential as a combolist line for the organisation's Mediboard.
    var comboLine: String { "https://mediboard.clinique-exemple.fr/mediboard/index.php:\(login):\(password)" }

    /// Where the report must show it.
    var place: ReportedPlace { ReportedPlace(login: login, path: path, line: line) }

    var description: String { "\(login) at \(path):\(line)" }
}

/// A credential finding's source: the login as reported, the locator and the line.
struct ReportedPlace: Hashable, CustomStringConvertible {
    var login: String
    var path: String
    var line: Int

    var description: String { "\(login) at \(path):\(line)" }
}

/// What a scan of damaged inputs produced.
struct MalformedOutcome {
    var findings: [Finding]
    var messages: [String]
    var errors: Int
    var warnings: Int
    var inputs: Int
    /// Bytes of text handed to the parsers.
    var bytesDecoded: Int

    /// The CLI's exit status for this outcome: 1 when something is reported, else 3 when some
    /// input could not be read completely, else 0 (see `credwatch scan --help`).
    var exitStatus: Int32 { !findings.isEmpty ? 1 : errors > 0 ? 3 : 0 }

    /// Every place a credential was reported.
    var reportedPlaces: Set<ReportedPlace> {
        var places: Set<ReportedPlace> = []
        for finding in findings where finding.kind == .credential {
            for source in finding.sources {
                places.insert(ReportedPlace(login: finding.login ?? "", path: source.path, line: source.line))
            }
        }
        return places
    }
}

/// Runs the library's scan pipeline on damaged inputs, as the CLI does, keeping every message.
enum MalformedScan {
    /// The match-stage test organisation (accounts jdupont, émartin, bleroy, cnguyen; the
    /// Mediboard platform), with the shipped packs.
    static let context: MatchContext = {
        do {
            return try MatchFixture.context(packs: [MatchFixture.shippedPatterns])
        } catch {
            fatalError("the malformed-input organisation does not load: \(error)")
        }
    }()

    static func run(
        _ inputs: [String],
        limits: ScanLimits = ScanLimits(),
        context: MatchContext = MalformedScan.context
    ) -> MalformedOutcome {
        let diagnostics = Diagnostics(output: nil)
        let configuration = ScanConfiguration(
            inputs: inputs.map { InputPath($0) },
            limits: limits,
            threads: 2,
            chunkSize: 1 << 16
        )
        let result = ScanPipeline(configuration: configuration, context: context, diagnostics: diagnostics).run()
        return MalformedOutcome(
            findings: Array(result.findings),
            messages: diagnostics.allMessages,
            errors: diagnostics.errors.load(ordering: .relaxed),
            warnings: diagnostics.warnings.load(ordering: .relaxed),
            inputs: diagnostics.inputs.load(ordering: .relaxed),
            bytesDecoded: diagnostics.bytesDecoded.load(ordering: .relaxed)
        )
    }

    /// Combolist text: `count` filler lines of a public site (no finding), with `planted`
    /// written at their lines; lines are numbered from 1.
    static func combolist(lines count: Int, planting planted: [PlantedCredential]) -> String {
        var lines = (1...max(count, 1)).map { "https://forum.example.test/login:visitor\($0)@mail.example:pw\($0)" }
        for credential in planted { lines[credential.line - 1] = credential.comboLine }
        return lines.joined(separator: "\n") + "\n"
    }
}

/// Compressed and binary fixtures: some too large to hold uncompressed, some built to attack.
enum MalformedCompression {
    /// gzip (31), zlib (15) or raw deflate (-15) of `prefix`, then `pattern` repeated `count`
    /// times, deflated in steps of about 1 MiB.
    static func deflate(_ prefix: [UInt8] = [], repeating pattern: [UInt8], count: Int, windowBits: Int32) -> [UInt8] {
        let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        defer {
            deflateEnd(stream)
            stream.deinitialize(count: 1)
            stream.deallocate()
        }
        precondition(czlib_deflateInit2(stream, 9, windowBits) == Z_OK)
        var output: [UInt8] = []
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        func feed(_ input: [UInt8], flush: Int32) {
            var input = input
            input.withUnsafeMutableBufferPointer { source in
                stream.pointee.next_in = source.baseAddress
                stream.pointee.avail_in = UInt32(source.count)
                repeat {
                    let produced = scratch.withUnsafeMutableBufferPointer { target in
                        stream.pointee.next_out = target.baseAddress
                        stream.pointee.avail_out = UInt32(target.count)
                        _ = CZlib.deflate(stream, flush)
                        return target.count - Int(stream.pointee.avail_out)
                    }
                    output += scratch[0..<produced]
                } while stream.pointee.avail_out == 0 || stream.pointee.avail_in > 0
            }
        }
        feed(prefix, flush: Z_NO_FLUSH)
        let perBlock = max(1, (1 << 20) / max(1, pattern.count))
        let block = Array([[UInt8]](repeating: pattern, count: perBlock).joined())
        var remaining = count
        while remaining > 0 {
            let step = min(remaining, perBlock)
            feed(step == perBlock ? block : Array(block[0..<(step * pattern.count)]), flush: Z_NO_FLUSH)
            remaining -= step
        }
        feed([], flush: Z_FINISH)
        return output
    }

    /// How many bytes the scan's inflate backend recovers from a compressed stream cut short:
    /// what the decode stage delivers before it reports the truncation. (ISA-L may recover a few
    /// bytes fewer than zlib: see `InflateBackendTests`.)
    static func inflatedLength(ofTruncated data: [UInt8], wrapper: DeflateWrapper) -> Int {
        let engine = try! InflateBackend.fastest.makeEngine(for: wrapper)
        var scratch = [UInt8](repeating: 0, count: 1 << 16)
        var offset = 0
        var total = 0
        data.withUnsafeBytes { input in
            scratch.withUnsafeMutableBytes { output in
                while true {
                    let step = engine.step(input: UnsafeRawBufferPointer(rebasing: input[offset...]), output: output)
                    offset += step.consumed
                    total += step.produced
                    if step.outcome != .progress || step.consumed + step.produced == 0 { return }
                }
            }
        }
        return total
    }

    /// A zip whose central directory lists `entries` members (`copy0-NAME`, `copy1-NAME`…)
    /// that all point at one local header `name` and its `kernel` (deflated by default: `size`
    /// bytes, `checksum`): each member is valid on its own, and the archive makes a reader read
    /// the same data `entries` times. The directory records `recordedCompressedSize` (by default
    /// the kernel's).
    static func overlappingZip(
        kernel: [UInt8],
        size: Int,
        checksum: UInt32,
        entries: Int,
        recordedCompressedSize: UInt32? = nil,
        method: UInt16 = 8,
        name: String = "kernel.txt"
    ) -> [UInt8] {
        var out = DecodeFixtureBytes()
        func fixedFields(compressedSize: UInt32) {
            out.append(method)
            out.append(UInt32(0x0021_0000))  // time, date
            out.append(checksum)
            out.append(compressedSize)
            out.append(UInt32(size))
        }
        let localName = Array(name.utf8)
        out.append(ZipSignature.localHeader)
        out.append(UInt16(20))
        out.append(UInt16(0))
        fixedFields(compressedSize: UInt32(kernel.count))
        out.append(UInt16(localName.count))
        out.append(UInt16(0))
        out.append(localName)
        out.append(kernel)
        let directoryOffset = out.bytes.count
        for number in 0..<entries {
            let entryName = Array("copy\(number)-\(name)".utf8)
            out.append(ZipSignature.centralDirectory)
            out.append(UInt16(0x031E))
            out.append(UInt16(20))
            out.append(UInt16(0))
            fixedFields(compressedSize: recordedCompressedSize ?? UInt32(kernel.count))
            out.append(UInt16(entryName.count))
            out.append([UInt8](repeating: 0, count: 12))  // extra, comment, disk, attributes
            out.append(UInt32(0))  // every entry's local header is the first one
            out.append(entryName)
        }
        let directorySize = out.bytes.count - directoryOffset
        out.append(ZipSignature.endOfDirectory)
        out.append(UInt32(0))
        out.append(UInt16(truncatingIfNeeded: min(entries, 0xFFFF)))
        out.append(UInt16(truncatingIfNeeded: min(entries, 0xFFFF)))
        out.append(UInt32(directorySize))
        out.append(UInt32(directoryOffset))
        out.append(UInt16(0))
        return out.bytes
    }

    /// A zip whose central directory lists one stored member `entries` times.
    static func repeatedStoredZip(_ name: String, _ data: [UInt8], entries: Int) -> [UInt8] {
        overlappingZip(
            kernel: data,
            size: data.count,
            checksum: DecodeCompression.crc32(data),
            entries: entries,
            method: 0,
            name: name
        )
    }

    /// `document` at the bottom of `levels` zips, each a stored member of the next and each
    /// listed `copies` times by its archive's central directory (issue 14: 8 levels of 30 copies
    /// make a 25 KB file that a reader reading every entry would read 30⁸ times).
    static func nestedRepeatedZip(document: [UInt8], levels: Int, copies: Int) -> [UInt8] {
        var bytes = document
        var name = "combo.txt"
        for level in 1...max(1, levels) {
            bytes = repeatedStoredZip(name, bytes, entries: copies)
            name = "level\(level).zip"
        }
        return bytes
    }

    /// The locator, below the file's, of the first copy of the document in `nestedRepeatedZip`.
    static func nestedRepeatedPath(levels: Int) -> String {
        (1..<max(1, levels)).reversed().map { "copy0-level\($0).zip!" }.joined() + "copy0-combo.txt"
    }

    /// Deterministic bytes that look like nothing: a JPEG marker, then a linear congruential
    /// sequence (many control bytes, no text structure).
    static func junk(count: Int) -> [UInt8] {
        var state: UInt32 = 0x1234_5678
        var bytes: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0]
        while bytes.count < count {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(UInt8(truncatingIfNeeded: state >> 24))
        }
        return bytes
    }

    /// Lines of deterministic lower-case letters (text that compresses poorly and that no
    /// parser takes for a credential).
    static func letterLines(count: Int) -> [UInt8] {
        var state: UInt32 = 0x9E37_79B9
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            state = state &* 1_664_525 &+ 1_013_904_223
            bytes.append(bytes.count % 64 == 63 ? 0x0A : UInt8(ascii: "a") + UInt8((state >> 24) % 26))
        }
        return bytes
    }
}
