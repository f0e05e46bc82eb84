import Foundation
import Synchronization

/// Collects the run's problems and counters from every thread.
///
/// Every unreadable input or member is named on stderr with its locator and the reason; the
/// counters feed the end-of-run summary and the exit status.
public final class Diagnostics: Sendable {
    /// Where warnings and errors go (stderr in the CLI; a buffer in tests).
    private let output: Mutex<(any TextOutputStream & Sendable)?>
    private let messages: Mutex<[String]>
    /// The inputs and members not read completely, with the reason (the first
    /// `maxListedUnread`; the rest are counted in `errors`).
    private let unreadList = Mutex<[UnreadInput]>([])

    /// How many unread inputs the run summary lists by name: a hostile archive can hold millions.
    static let maxListedUnread = 1000
    /// How many messages `allMessages` keeps (all are written to the output).
    static let maxKeptMessages = 10_000
    /// Inputs given (files, stdin) or found while walking directories.
    let inputs = Atomic<Int>(0)
    /// Paths that led to a file or folder already read (links, repeated arguments): not read again.
    let duplicates = Atomic<Int>(0)
    /// Documents not read because their name says they hold nothing of ours (a stealer's
    /// browser history, screenshots, wallets…).
    let skippedByName = Atomic<Int>(0)
    /// Archive members (zip, tar) opened.
    let members = Atomic<Int>(0)
    /// Bytes read from the file system or stdin, before decompression.
    let bytesRead = Atomic<Int>(0)
    /// Bytes of text handed to the parsers, after decompression and transcoding.
    let bytesDecoded = Atomic<Int>(0)
    /// Lines handed to the parsers.
    let lines = Atomic<Int>(0)
    /// Records (credentials, cookies, machines) parsed.
    let records = Atomic<Int>(0)
    /// Lines skipped: longer than the limit, junk, adverts, comments.
    let skippedLines = Atomic<Int>(0)
    /// Inputs or members that could not be read completely.
    let errors = Atomic<Int>(0)
    /// Non-fatal remarks (skipped encrypted members, unsupported methods…).
    public let warnings = Atomic<Int>(0)
    /// Regex matches given up at PCRE2's match or depth limit (counted as no match).
    let regexLimitHits = Atomic<Int>(0)

    /// Creates a collector that writes messages to `output` (nil: keep them only in memory).
    public init(output: (any TextOutputStream & Sendable)? = StandardError()) {
        self.output = Mutex(output)
        self.messages = Mutex([])
    }

    /// An input or member could not be read completely: counted as an error (exit status 3).
    func error(_ locator: String, _ reason: String) {
        errors.add(1, ordering: .relaxed)
        unreadList.withLock { list in
            if list.count < Self.maxListedUnread { list.append(UnreadInput(locator: locator, reason: reason)) }
        }
        emit("error: \(locator): \(reason)")
    }

    /// Something was skipped on purpose (an encrypted member, an unsupported method).
    public func warning(_ locator: String, _ reason: String) {
        warnings.add(1, ordering: .relaxed)
        emit("warning: \(locator): \(reason)")
    }

    /// A message that is neither an input's error nor a warning about one.
    public func note(_ text: String) {
        emit(text)
    }

    /// The inputs and members not read completely, in the order they were met (at most
    /// `maxListedUnread`; `errors` counts them all).
    public var unread: [UnreadInput] { unreadList.withLock { $0 } }

    /// The messages emitted so far, in order (the first `maxKeptMessages`).
    var allMessages: [String] { messages.withLock { $0 } }

    /// Every message passes here: names in it come from the dump, so they are escaped
    /// (`DisplayText.escaped`, its backslashes kept: the names are in its notation already) and a
    /// message is always exactly one line.
    private func emit(_ line: String) {
        let text = "credwatch: " + DisplayText.escaped(line, backslashes: false)
        // Kept for `allMessages` up to a bound: a hostile archive can produce millions of them.
        messages.withLock { if $0.count < Self.maxKeptMessages { $0.append(text) } }
        output.withLock { stream in
            if stream != nil { stream!.write(text + "\n") }
        }
    }
}

/// An input or archive member that could not be read completely, and why.
public struct UnreadInput: Sendable, Equatable {
    var locator: String
    var reason: String
}

/// Unbuffered writes to file descriptor 2.
public struct StandardError: TextOutputStream, Sendable {
    public init() {}
    public mutating func write(_ string: String) {
        var text = string
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let n = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                if n <= 0 { return }
                offset += n
            }
        }
    }
}
