import Foundation

/// A blocking first-in first-out queue with a fixed capacity, shared by dedicated threads.
///
/// `push` waits while the queue is full, which is what keeps memory flat: a fast reader can
/// never run further ahead of the workers than `capacity` chunks.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every access to the stored state happens with `condition` locked.
    private let condition = NSCondition()
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var isClosed = false

    init(capacity: Int) {
        items = Array(repeating: nil, count: max(1, capacity))
    }

    /// Adds `element`, waiting for room. Returns false if the queue was closed.
    @discardableResult
    func push(_ element: Element) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while count == items.count && !isClosed { condition.wait() }
        if isClosed { return false }
        items[(head + count) % items.count] = element
        count += 1
        condition.broadcast()
        return true
    }

    /// Takes the oldest element, waiting for one; nil once the queue is closed and drained.
    func pop() -> Element? {
        condition.lock()
        defer { condition.unlock() }
        while count == 0 && !isClosed { condition.wait() }
        if count == 0 { return nil }
        let element = items[head]
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        condition.broadcast()
        return element
    }

    /// No more elements will be pushed; waiting consumers drain what is left, then get nil.
    func close() {
        condition.lock()
        isClosed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// Starts `count` dedicated threads (not Swift concurrency's cooperative pool, which must not
/// be blocked by reads, inflate calls or queue waits) and returns a way to wait for them.
func startThreads(
    count: Int,
    name: String,
    stackSize: Int = 4 << 20,
    _ body: @escaping @Sendable (Int) -> Void
) -> ThreadGroup {
    let group = ThreadGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.name = "\(name)-\(index)"
        thread.stackSize = stackSize
        thread.start()
    }
    return group
}

/// Waits for threads started by `startThreads`.
final class ThreadGroup: Sendable {
    private let group = DispatchGroup()

    func enter() { group.enter() }
    func leave() { group.leave() }
    func wait() { group.wait() }

    /// Waits up to `seconds`; true when every thread has finished.
    func wait(seconds: Double) -> Bool { group.wait(timeout: .now() + seconds) == .success }
}
