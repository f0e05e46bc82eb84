/// What libarchive 3.6 does not tell about RAR 5 members: whether their data is encrypted. It
/// skips the encryption record and hands out the encrypted bytes as the member's content (nothing
/// would be found in them, and nothing said), so the headers are followed here too, as the bytes
/// pass to libarchive: `encryptedFiles[n]` tells about the n-th file header.
final class RAR5HeaderTracker {
    private static let signature: [UInt8] = [0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00]
    /// The format's bound on a header's size.
    private static let maxHeader = 2 << 20
    private var pending: [UInt8] = []
    private var dataToPass: Int64 = 0
    private var hasSignature = false
    /// Set when the bytes stop making sense as RAR 5 (libarchive says why), or at the end.
    private var isDone = false
    private(set) var encryptedFiles: [Bool] = []

    /// Follows the next bytes of the archive.
    func feed(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count && !isDone {
            if dataToPass > 0 {
                let step = Int(min(dataToPass, Int64(bytes.count - index)))
                dataToPass -= Int64(step)
                index += step
                continue
            }
            pending.append(bytes[index])
            index += 1
            if !hasSignature {
                if pending.count == Self.signature.count {
                    hasSignature = pending == Self.signature
                    isDone = !hasSignature
                    pending.removeAll(keepingCapacity: true)
                }
                continue
            }
            switch Self.parse(pending) {
            case .needMore:
                isDone = pending.count > Self.maxHeader
            case .invalid:
                isDone = true
            case .header(let type, let dataSize, let isEncrypted):
                if type == 2 { encryptedFiles.append(isEncrypted) }
                // 4: the headers themselves are encrypted; 5: the end of the archive.
                isDone = type == 4 || type == 5
                dataToPass = dataSize
                pending.removeAll(keepingCapacity: true)
            }
        }
    }

    /// Bytes passed over unread (libarchive skipping a member's data).
    func skip(_ count: Int64) {
        if dataToPass >= count {
            dataToPass -= count
        } else {
            isDone = true
        }
    }

    private enum Parsed {
        case needMore
        case invalid
        case header(type: Int, dataSize: Int64, isEncrypted: Bool)
    }

    /// A whole header at the start of `header`: CRC-32, size, type, flags, extra area size, data
    /// size, the type's fields, then the extra area, whose records of type 1 (in a file header)
    /// mean encryption.
    private static func parse(_ header: [UInt8]) -> Parsed {
        var cursor = 4
        func vint() -> Int? {
            var value = 0
            var shift = 0
            while cursor < header.count, shift < 63 {
                let byte = header[cursor]
                cursor += 1
                value |= Int(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
            return nil
        }
        guard header.count > 4, let size = vint() else { return header.count > 16 ? .invalid : .needMore }
        let end = cursor + size
        guard end <= header.count else { return .needMore }
        guard let type = vint(), let flags = vint() else { return .invalid }
        let extraSize = flags & 0x01 != 0 ? vint() : 0
        let dataSize = flags & 0x02 != 0 ? vint() : 0
        guard let extraSize, let dataSize else { return .invalid }
        var isEncrypted = false
        if type == 2 && extraSize > 0 {
            cursor = end - extraSize
            while cursor < end {
                guard let recordSize = vint() else { return .invalid }
                let recordEnd = cursor + recordSize
                guard recordSize > 0, recordEnd <= end, let recordType = vint() else { return .invalid }
                if recordType == 0x01 { isEncrypted = true }
                cursor = recordEnd
            }
        }
        return .header(type: type, dataSize: Int64(dataSize), isEncrypted: isEncrypted)
    }
}
