import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// SIGINT, SIGTERM and SIGHUP end a run cleanly: no temporary file is left behind, the state is
/// not changed, and the exit status is 128 + the signal's number (130, 143, 129), as shells do.
///
/// The signals are blocked in every thread and taken by one thread that waits for them, so
/// the clean-up runs as ordinary code, not in a signal handler. The last step of a delivery
/// (renaming the staged reports into place and committing the state) runs inside `deferring`:
/// a signal arriving then takes effect once that step is done, never halfway through it.
public enum RunInterruption {
    private static let finalStep = Mutex<Void>(())
    private static let installed = Atomic<Bool>(false)
    /// Set once a deferred step completed: the run has delivered and committed, so a signal
    /// that arrives now must not turn its exit status into 128 + N (which says "nothing was
    /// recorded"); the run ends with its own status.
    private static let completed = Atomic<Bool>(false)

    /// The signals that interrupt a run.
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Call first thing in `main`, before any other thread starts (threads inherit the blocked
    /// signals from the thread that creates them).
    public static func install() {
        guard !installed.exchange(true, ordering: .relaxed) else { return }
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let blocked = set
        let waiter = Thread {
            var waited = blocked
            var received: Int32 = 0
            while sigwait(&waited, &received) != 0 {}
            finalStep.withLock { _ in
                guard !completed.load(ordering: .acquiring) else { return }
                SecureFile.removeStaged()
                _exit(128 + received)
            }
        }
        waiter.name = "signals"
        waiter.start()
    }

    /// Runs `body` with interruption deferred until it returns.
    static func deferring<Result, Failure: Error>(_ body: () throws(Failure) -> Result) throws(Failure)
        -> Result
    {
        try finalStep.withLock { (_) throws(Failure) -> Result in
            let result = try body()
            completed.store(true, ordering: .releasing)
            return result
        }
    }
}
