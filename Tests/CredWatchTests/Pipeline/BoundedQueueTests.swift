import Foundation
import Synchronization
import Testing

@testable import CredWatch

@Suite("Pipeline: bounded queue")
struct BoundedQueueTests {
    @Test func elementsComeOutInOrderThenNilOnceClosed() {
        let queue = BoundedQueue<Int>(capacity: 3)
        for value in 1...3 { #expect(queue.push(value)) }
        queue.close()
        #expect(!queue.push(4))
        #expect([queue.pop(), queue.pop(), queue.pop(), queue.pop()] == [1, 2, 3, nil])
    }

    /// A full queue holds its producer until a consumer takes an element: the memory bound.
    @Test func aFullQueueHoldsItsProducer() {
        let queue = BoundedQueue<Int>(capacity: 2)
        queue.push(1)
        queue.push(2)
        let pushed = Atomic<Bool>(false)
        let producer = startThreads(count: 1, name: "producer") { _ in
            queue.push(3)
            pushed.store(true, ordering: .sequentiallyConsistent)
        }
        #expect(!producer.wait(seconds: 0.2))
        let pushedEarly = pushed.load(ordering: .sequentiallyConsistent)
        #expect(!pushedEarly)
        #expect(queue.pop() == 1)
        #expect(producer.wait(seconds: 10))
        #expect([queue.pop(), queue.pop()] == [2, 3])
    }

    /// Closing wakes consumers waiting on an empty queue.
    @Test func closingReleasesWaitingConsumers() {
        let queue = BoundedQueue<Int>(capacity: 1)
        let consumers = startThreads(count: 3, name: "consumer") { _ in _ = queue.pop() }
        #expect(!consumers.wait(seconds: 0.1))
        queue.close()
        #expect(consumers.wait(seconds: 10))
    }

    /// Several producers and consumers through a small queue: every element arrives once.
    @Test func everyElementArrivesOnceAcrossThreads() {
        let queue = BoundedQueue<Int>(capacity: 4)
        let total = Atomic<Int>(0)
        let count = Atomic<Int>(0)
        let producers = startThreads(count: 3, name: "producer") { index in
            for value in 0..<2_000 { queue.push(index * 10_000 + value) }
        }
        let consumers = startThreads(count: 2, name: "consumer") { _ in
            while let value = queue.pop() {
                total.add(value, ordering: .relaxed)
                count.add(1, ordering: .relaxed)
            }
        }
        producers.wait()
        queue.close()
        consumers.wait()
        let arrived = count.load(ordering: .relaxed)
        let sum = total.load(ordering: .relaxed)
        #expect(arrived == 6_000)
        let expected = (0..<3).reduce(0) { sum, index in sum + (0..<2_000).reduce(0) { $0 + index * 10_000 + $1 } }
        #expect(sum == expected)
    }

    /// Producers are woken only once the queue is half empty: with more producers waiting than
    /// that leaves room for, none is left waiting for ever.
    @Test func moreWaitingProducersThanHalfTheCapacityAllFinish() {
        let queue = BoundedQueue<Int>(capacity: 6)
        let count = Atomic<Int>(0)
        let producers = startThreads(count: 8, name: "producer") { _ in
            for value in 0..<500 { queue.push(value) }
        }
        let consumer = startThreads(count: 1, name: "consumer") { _ in
            while queue.pop() != nil { count.add(1, ordering: .relaxed) }
        }
        #expect(producers.wait(seconds: 60))
        queue.close()
        #expect(consumer.wait(seconds: 60))
        #expect(count.load(ordering: .relaxed) == 4_000)
    }
}
