import Foundation
import Synchronization

/// `body` of consecutive parts of `0..<count`, each at least `minimumPart` long (one part
/// below that), on up to `threads` threads (at most the cores), in the parts' order.
func inParallel<Result: Sendable>(
    _ count: Int,
    threads: Int,
    minimumPart: Int,
    _ body: @Sendable (Range<Int>) -> Result
) -> [Result] {
    let parts = max(1, min(threads, ProcessInfo.processInfo.activeProcessorCount, count / max(1, minimumPart)))
    guard parts > 1 else { return [body(0..<count)] }
    let results = Mutex([Result?](repeating: nil, count: parts))
    DispatchQueue.concurrentPerform(iterations: parts) { part in
        let result = body(count * part / parts..<count * (part + 1) / parts)
        results.withLock { $0[part] = result }
    }
    return results.withLock { $0.map { $0! } }
}
