import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// An exclusive advisory lock (`flock`) on `<state>.lock`, held from open to close so that
/// two runs on one state wait for each other instead of interleaving their reads and writes.
///
/// The lock file is created 0600 and never deleted (deleting a lock file lets a third run
/// lock a fresh inode while the second still holds the old one). The kernel drops the lock
/// when the process dies, so a killed run never leaves the state locked.
final class StateLock {
    private var descriptor: Int32

    private init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Waits up to `timeout` seconds for the lock, polling, then fails with a message that
    /// says another run holds it.
    static func acquire(statePath: String, timeout: Double) throws(ConfigurationError) -> StateLock {
        let lockPath = statePath + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw ConfigurationError(
                file: lockPath,
                message: "cannot create the state lock file: \(SystemError.last)"
            )
        }
        let lock = StateLock(descriptor: descriptor)
        let deadline = monotonicSeconds() + timeout
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            let failure = errno
            if failure == EINTR { continue }
            guard failure == EWOULDBLOCK else {
                throw ConfigurationError(
                    file: lockPath,
                    message: "cannot lock the state: \(SystemError.describe(failure))"
                )
            }
            guard monotonicSeconds() < deadline else {
                throw ConfigurationError(
                    file: statePath,
                    message: "state \(statePath) is in use by another credwatch run (waited "
                        + String(format: "%g", timeout) + " s); run again when it has finished"
                )
            }
            usleep(50_000)
        }
        return lock
    }

    func release() {
        guard descriptor >= 0 else { return }
        close(descriptor)  // closing the only descriptor releases the flock
        descriptor = -1
    }

    private static func monotonicSeconds() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
