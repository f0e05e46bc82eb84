import CLibArchive

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The formats read through libarchive: those credwatch has no reader of its own for.
enum LibArchiveFormat: Equatable {
    case sevenZip
    /// RAR 4 and RAR 5.
    case rar
    case bzip2
    case xz
    /// The "LZMA alone" stream of `lzma`/`xz --format=lzma`.
    case lzma
    case zstd
    /// One zip member handed over by the zip reader (an encrypted one: libarchive decrypts
    /// ZipCrypto and WinZip AES as it streams).
    case zipMember

    var name: String {
        switch self {
        case .sevenZip: "7z archive"
        case .rar: "rar archive"
        case .bzip2: "bzip2 stream"
        case .xz: "xz stream"
        case .lzma: "lzma stream"
        case .zstd: "zstd stream"
        case .zipMember: "zip member"
        }
    }

    /// One compressed stream (its content is read like any stream), not an archive of members.
    var isCompression: Bool {
        switch self {
        case .bzip2, .xz, .lzma, .zstd: true
        case .sevenZip, .rar, .zipMember: false
        }
    }

    /// 7z keeps its directory at its end: libarchive reads it at random, never as a stream.
    var needsSeeking: Bool { self == .sevenZip }

    /// Switches on exactly this format in a new libarchive reader: nothing else is guessed.
    fileprivate func enable(in handle: OpaquePointer) {
        switch self {
        case .sevenZip: archive_read_support_format_7zip(handle)
        case .rar:
            archive_read_support_format_rar(handle)
            archive_read_support_format_rar5(handle)
        case .zipMember: archive_read_support_format_zip_streamable(handle)
        case .bzip2, .xz, .lzma, .zstd:
            archive_read_support_format_raw(handle)
            switch self {
            case .bzip2: archive_read_support_filter_bzip2(handle)
            case .xz: archive_read_support_filter_xz(handle)
            case .lzma: archive_read_support_filter_lzma(handle)
            default: archive_read_support_filter_zstd(handle)
            }
        }
    }
}

/// Where a libarchive reader's bytes come from: a stream read forward (its buffered bytes are
/// handed to libarchive without a copy), or a window of a file read at random (7z).
final class LibArchiveInput {
    private enum Origin {
        case stream(ByteReader)
        case window(FileWindow, UnsafeMutableRawBufferPointer, BufferPool)
    }

    private let origin: Origin
    /// Bytes of the reader's buffer handed to libarchive: consumed at its next call.
    private var handedOut = 0
    /// The read position in a window.
    private var offset: Int64 = 0
    /// Bytes handed to libarchive so far: the compressed side of its output.
    private(set) var bytesRead: Int64 = 0
    /// The fault the source raised: the real cause of libarchive's next error.
    private(set) var fault: DecodeFault?
    /// Follows RAR 5 headers as their bytes pass (see `RAR5HeaderTracker`).
    let rar5 = RAR5HeaderTracker()

    init(stream: ByteReader) {
        origin = .stream(stream)
    }

    init(window: FileWindow, pool: BufferPool) {
        origin = .window(window, pool.acquire(), pool)
    }

    deinit {
        if case .window(_, let buffer, let pool) = origin { pool.release(buffer) }
    }

    fileprivate func read(_ target: UnsafeMutablePointer<UnsafeRawPointer?>) -> Int {
        do throws(DecodeFault) {
            switch origin {
            case .stream(let reader):
                reader.consume(handedOut)
                let view = try reader.available()
                handedOut = view.count
                rar5.feed(view)
                target.pointee = view.baseAddress
                bytesRead += Int64(view.count)
                return view.count
            case .window(let window, let buffer, _):
                let wanted = Int(min(Int64(buffer.count), max(0, window.length - offset)))
                guard wanted > 0 else { return 0 }
                let count = try window.file.read(
                    into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<wanted]),
                    at: window.start + offset
                )
                rar5.feed(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
                offset += Int64(count)
                bytesRead += Int64(count)
                target.pointee = UnsafeRawPointer(buffer.baseAddress)
                return count
            }
        } catch {
            fault = error
            return -1
        }
    }

    fileprivate func skip(_ count: Int64) -> Int64 {
        do throws(DecodeFault) {
            switch origin {
            case .stream(let reader):
                reader.consume(handedOut)
                handedOut = 0
                let skipped = try reader.skip(count)
                bytesRead += skipped
                rar5.skip(skipped)
                return skipped
            case .window(let window, _, _):
                let step = min(max(0, count), window.length - offset)
                offset += step
                rar5.skip(step)
                return step
            }
        } catch {
            fault = error
            return -1
        }
    }

    fileprivate func seek(_ target: Int64, whence: Int32) -> Int64 {
        guard case .window(let window, _, _) = origin else { return -1 }
        let base: Int64 =
            switch whence {
            case SEEK_CUR: offset
            case SEEK_END: window.length
            default: 0
            }
        let (position, overflow) = base.addingReportingOverflow(target)
        guard !overflow, position >= 0 else { return -1 }
        offset = min(position, window.length)
        return offset
    }

    /// Gives back to the stream what libarchive was handed but did not use up to now.
    func finish() {
        if case .stream(let reader) = origin, handedOut > 0 {
            reader.consume(handedOut)
            handedOut = 0
        }
    }
}

/// libarchive converts member names (7z and RAR keep them in UTF-16) into the thread's
/// locale: under the C locale, a name with one character outside ASCII is dropped whole. Its
/// readers run with the thread in a UTF-8 locale (the process's locale is left alone).
enum NameLocale {
    nonisolated(unsafe) private static let utf8: locale_t? =
        newlocale(LC_CTYPE_MASK, "C.UTF-8", nil) ?? newlocale(LC_CTYPE_MASK, "en_US.UTF-8", nil)

    /// Switches this thread to the UTF-8 locale; returns the locale to give back to `leave`.
    static func enter() -> locale_t? {
        guard let utf8 else { return nil }
        return uselocale(utf8)
    }

    static func leave(_ previous: locale_t?) {
        if let previous { uselocale(previous) }
    }
}

/// One libarchive reader, open on `input` for exactly `format`, with the archive passwords to
/// try on encrypted entries.
final class LibArchive {
    let handle: OpaquePointer
    let input: LibArchiveInput
    let format: LibArchiveFormat

    init(format: LibArchiveFormat, input: LibArchiveInput, passwords: ArchivePasswords, locator: String)
        throws(DecodeFault)
    {
        guard let handle = archive_read_new() else {
            throw DecodeFault(locator: locator, reason: "\(format.name): libarchive could not start")
        }
        self.handle = handle
        self.input = input
        self.format = format
        format.enable(in: handle)
        passwords.withEach { archive_read_add_passphrase(handle, $0) }
        archive_read_set_read_callback(handle) { _, context, buffer in
            guard let context, let buffer else { return -1 }
            return Unmanaged<LibArchiveInput>.fromOpaque(context).takeUnretainedValue().read(buffer)
        }
        archive_read_set_skip_callback(handle) { _, context, count in
            guard let context else { return -1 }
            return Unmanaged<LibArchiveInput>.fromOpaque(context).takeUnretainedValue().skip(count)
        }
        if format.needsSeeking {
            archive_read_set_seek_callback(handle) { _, context, offset, whence in
                guard let context else { return -1 }
                return Unmanaged<LibArchiveInput>.fromOpaque(context).takeUnretainedValue().seek(offset, whence: whence)
            }
        }
        archive_read_set_callback_data(handle, Unmanaged.passUnretained(input).toOpaque())
        if archive_read_open1(handle) != ARCHIVE_OK {
            throw fault(locator: locator, doing: "cannot be opened")
        }
    }

    deinit {
        archive_read_free(handle)
        input.finish()
    }

    /// libarchive's last error, or the fault of the source under it that caused it.
    func fault(locator: String, doing what: String) -> DecodeFault {
        if let cause = input.fault { return cause }
        return DecodeFault(locator: locator, reason: "corrupt \(format.name): \(what): \(errorText)")
    }

    /// libarchive's last error message.
    var errorText: String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown error"
    }

    /// The next entry, nil at the end of the archive; `isFatal` tells whether the archive can be
    /// read any further after a fault.
    func nextEntry(locator: String) -> Result<OpaquePointer?, LibArchiveFault> {
        var entry: OpaquePointer?
        var status = archive_read_next_header(handle, &entry)
        var retries = 0
        while status == ARCHIVE_RETRY && retries < 3 {
            retries += 1
            status = archive_read_next_header(handle, &entry)
        }
        switch status {
        case ARCHIVE_EOF: return .success(nil)
        case ARCHIVE_OK, ARCHIVE_WARN: return .success(entry)
        default:
            return .failure(
                LibArchiveFault(
                    fault: fault(locator: locator, doing: "bad entry header"),
                    isFatal: status == ARCHIVE_FATAL || status == ARCHIVE_RETRY
                )
            )
        }
    }

    /// Whether an entry has data of its own to read: anything but a folder, a symbolic link or
    /// a hard link without data, whatever its other type bits say (`7zz a -si` stores what it
    /// read from a pipe with a FIFO's mode).
    static func holdsData(_ entry: OpaquePointer) -> Bool {
        let type = archive_entry_filetype(entry)
        if type == UInt32(Glibc.S_IFDIR) || type == UInt32(Glibc.S_IFLNK) { return false }
        return archive_entry_hardlink(entry) == nil || archive_entry_size(entry) > 0
    }

    /// An entry's name: UTF-8 where libarchive can convert it, else its bytes as found.
    static func name(of entry: OpaquePointer) -> String {
        if let utf8 = archive_entry_pathname_utf8(entry) { return String(cString: utf8) }
        guard let raw = archive_entry_pathname(entry) else { return "" }
        return Text.string(UnsafeRawBufferPointer(start: raw, count: strlen(raw)))
    }
}

struct LibArchiveFault: Error {
    var fault: DecodeFault
    var isFatal: Bool
}

/// The data of the current entry of a libarchive reader, within the scan limits: an entry that
/// grows past `maxMemberSize`, or past `maxCompressionRatio` (against what the archive has read
/// so far) once beyond `ratioGrace`, is cut off after what it produced until then.
///
/// Read block by block (`archive_read_data_block`): `archive_read_data` fills the whole buffer
/// asked for and, when the data breaks on the way (a truncated xz), returns the error alone, so
/// that everything decompressed before the damage would be lost.
final class LibArchiveEntryStream: ByteStream {
    private let archive: LibArchive
    private let locator: String
    private let limits: ScanLimits
    private let expansion: ExpansionGuard
    private(set) var produced: Int64 = 0
    /// The archive cannot be read past this fault (libarchive's status was fatal).
    private(set) var isArchiveLost = false
    private var deferredFault: DecodeFault?
    /// How many passwords were tried on the entry when it is encrypted, else nil.
    private let passwordsTried: Int?
    /// What is left of libarchive's last block (valid until its next call).
    private var block = UnsafeRawBufferPointer(start: nil, count: 0)
    /// Zero bytes owed before `block`: a hole of a sparse entry.
    private var hole: Int64 = 0
    private var isEnded = false
    /// What libarchive warned of with the last block (a CRC mismatch): raised once it is read.
    private var warning: DecodeFault?

    init(
        _ archive: LibArchive,
        locator: String,
        limits: ScanLimits,
        expansion: ExpansionGuard,
        encryptedWith passwordsTried: Int? = nil
    ) {
        self.archive = archive
        self.locator = locator
        self.limits = limits
        self.expansion = expansion
        self.passwordsTried = passwordsTried
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(DecodeFault) -> Int {
        if let deferredFault { throw deferredFault }
        guard !buffer.isEmpty else { return 0 }
        while block.isEmpty && hole == 0 {
            if isEnded { return 0 }
            try nextBlock()
        }
        let allowance = limits.maxMemberSize - produced
        // At the size limit with more to come: the entry is too large.
        if allowance <= 0 { throw ExpansionGuard.sizeFault(output: produced, limits: limits, locator: locator) }
        let count: Int
        if hole > 0 {
            count = Int(min(Int64(buffer.count), hole, allowance))
            buffer.baseAddress!.initializeMemory(as: UInt8.self, repeating: 0, count: count)
            hole -= Int64(count)
        } else {
            count = Int(min(Int64(min(buffer.count, block.count)), allowance))
            buffer.baseAddress!.copyMemory(from: block.baseAddress!, byteCount: count)
            block = UnsafeRawBufferPointer(rebasing: block[count...])
        }
        produced += Int64(count)
        deferredFault = expansion.cutOff(
            produced: count,
            output: produced,
            input: archive.input.bytesRead,
            limits: limits,
            locator: locator
        )
        return count
    }

    private func nextBlock() throws(DecodeFault) {
        if let warning { throw warning }
        var pointer: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        let status = archive_read_data_block(archive.handle, &pointer, &size, &offset)
        if status == ARCHIVE_EOF {
            isEnded = true
            return
        }
        if status < ARCHIVE_WARN {
            isArchiveLost = status == ARCHIVE_FATAL
            if let passwordsTried, archive.input.fault == nil, produced == 0,
                archive.errorText.contains("assphrase")
            {
                throw DecodeFault(
                    locator: locator,
                    reason: "encrypted member: none of the \(passwordsTried) archive passwords opens it: not read"
                )
            }
            throw archive.fault(locator: locator, doing: "data unreadable after \(produced) bytes")
        }
        if status == ARCHIVE_WARN {
            warning = archive.fault(
                locator: locator,
                doing: "damaged data after \(produced + hole + Int64(size)) bytes"
            )
        }
        guard let pointer, size > 0 else { return }
        var bytes = UnsafeRawBufferPointer(start: pointer, count: size)
        let position = produced + hole
        if offset > position {
            hole += offset - position
        } else if offset < position {
            // A block that goes back over bytes already delivered: only what is new is read.
            bytes = UnsafeRawBufferPointer(rebasing: bytes[Int(min(Int64(size), position - offset))...])
        }
        block = bytes
    }
}

/// The passwords to try on encrypted archive members, in order. Held as bytes, never
/// written anywhere: not in messages, reports, logs, nor the command line of a subprocess.
public final class ArchivePasswords: Sendable {
    private let passwords: [[UInt8]]

    public init(_ passwords: [[UInt8]] = []) {
        // Each once, in the order given; an empty line is no password.
        var seen: Set<[UInt8]> = []
        self.passwords = passwords.filter { !$0.isEmpty && seen.insert($0).inserted }
    }

    public var isEmpty: Bool { passwords.isEmpty }
    public var count: Int { passwords.count }

    /// Calls `body` with each password as a NUL-terminated C string.
    func withEach(_ body: (UnsafePointer<CChar>) -> Void) {
        for password in passwords {
            (password + [0]).withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { body($0.baseAddress!) }
            }
        }
    }

    /// Each password's bytes.
    var all: [[UInt8]] { passwords }
}
