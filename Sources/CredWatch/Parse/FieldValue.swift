/// Where a parsed value's bytes live: in the chunk being parsed, or in the parser's scratch
/// buffer when they had to be rebuilt (multi-line values, joined labels, JSON escapes).
enum FieldValue {
    case absent
    case chunk(UnsafeRawBufferPointer)
    case scratch(Range<Int>)

    var isPresent: Bool {
        if case .absent = self { return false }
        return true
    }

    /// Length in bytes.
    var count: Int {
        switch self {
        case .absent: 0
        case .chunk(let view): view.count
        case .scratch(let range): range.count
        }
    }

    /// The bytes, given the scratch buffer's storage; empty when absent.
    @inline(__always)
    func view(scratch: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        switch self {
        case .absent: UnsafeRawBufferPointer(start: nil, count: 0)
        case .chunk(let view): view
        case .scratch(let range): Bytes.slice(scratch, range)
        }
    }
}

/// A per-parser byte buffer, reused from record to record (no allocation once it has grown).
struct ScratchBuffer {
    private(set) var bytes: [UInt8] = []

    /// Forgets every value (keeps the capacity).
    mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
    }

    /// Copies `view` to the end of the buffer.
    mutating func append(_ view: UnsafeRawBufferPointer) -> FieldValue {
        let start = bytes.count
        bytes.append(contentsOf: view)
        return .scratch(start..<bytes.count)
    }

    /// `value`, `separator`, `tail` and `suffix`, as one value in the buffer.
    mutating func join(
        _ value: FieldValue,
        _ separator: StaticString,
        _ tail: UnsafeRawBufferPointer,
        suffix: StaticString = ""
    ) -> FieldValue {
        var start = bytes.count
        switch value {
        case .absent:
            break
        case .chunk(let view):
            bytes.append(contentsOf: view)
        case .scratch(let range):
            if range.upperBound == bytes.count {
                start = range.lowerBound
            } else {
                bytes.append(contentsOf: bytes[range])
            }
        }
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: separator.utf8Start, count: separator.utf8CodeUnitCount))
        bytes.append(contentsOf: tail)
        bytes.append(contentsOf: UnsafeRawBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount))
        return .scratch(start..<bytes.count)
    }
}
