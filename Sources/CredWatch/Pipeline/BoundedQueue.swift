import Foundation

/// A blocking first-in first-out queue with a fixed capacity, shared by dedicated threads.
///
/// `push` waits while the queue is full, which is what keeps memory flat: a fast reader can
/// never run further ahead of the workers than `capacity` chunks. Producers and consumers wait
/// on conditions of their own and are woken one at a time, only when one is waiting (producers
/// only once there is room for several): waking every thread at every hand-over cost a seventh
/// of a stealer-tree scan in context switches.
final class BoundedQueue<Element: Sendable>: @unchecked Sendable {
    // @unchecked: every access to the stored state happens with `mutex` locked.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let notEmpty = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private let notFull = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var items: [Element?]
    private var head = 0
    private var count = 0
    private var isClosed = false
    private var waitingConsumers = 0
    private var waitingProducers = 0

    init(capacity: Int) {
        items = Array(repeating: nil, count: max(1, capacity))
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(notEmpty, nil)
        pthread_cond_init(notFull, nil)
    }

    deinit {
        pthread_cond_destroy(notFull)
        pthread_cond_destroy(notEmpty)
        pthread_mutex_destroy(mutex)
        notFull.deallocate()
        notEmpty.deallocate()
        mutex.deallocate()
    }

    /// Adds `element`, waiting for room. Returns false if the queue was closed.
    @discardableResult
    func push(_ element: Element) -> Bool {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == items.count && !isClosed {
            waitingProducers += 1
            pthread_cond_wait(notFull, mutex)
            waitingProducers -= 1
        }
        if isClosed { return false }
        items[(head + count) % items.count] = element
        count += 1
        if waitingConsumers > 0 { pthread_cond_signal(notEmpty) }
        return true
    }

    /// Takes the oldest element, waiting for one; nil once the queue is closed and drained.
    func pop() -> Element? {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        while count == 0 && !isClosed {
            waitingConsumers += 1
            pthread_cond_wait(notEmpty, mutex)
            waitingConsumers -= 1
        }
        if count == 0 { return nil }
        let element = items[head]
        items[head] = nil
        head = (head + 1) % items.count
        count -= 1
        // A waiting producer is woken once the queue is half empty, not at every pop: the
        // walker, ahead of the readers, would otherwise be woken for each file to push one more.
        if waitingProducers > 0 && count <= items.count / 2 { pthread_cond_signal(notFull) }
        return element
    }

    /// No more elements will be pushed; waiting consumers drain what is left, then get nil.
    func close() {
        pthread_mutex_lock(mutex)
        isClosed = true
        pthread_cond_broadcast(notEmpty)
        pthread_cond_broadcast(notFull)
        pthread_mutex_unlock(mutex)
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
