import Foundation

/// Headless Chromium (Debian `chromium`, installed by `make test-deps`), driven over the DevTools
/// protocol on a pipe (`--remote-debugging-pipe`: commands on its descriptor 3, replies and
/// events on its descriptor 4, each a JSON text ended by a NUL byte), as a user's browser would
/// open a page: every request the page makes is reported by the protocol's `Network` domain,
/// and name resolution and any proxy are blackholed, so nothing could leave the machine anyway.
final class Chromium {
    /// The launcher a user runs (`chromium`), when installed.
    static let executable: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// CI must open the page: a missing browser there is a failure, never a skipped test.
    static let isRequired = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "false" } ?? false

    enum DriverError: Error, CustomStringConvertible {
        case missing
        case failed(String)

        var description: String {
            switch self {
            case .missing: "chromium is not installed: `make test-deps` installs it"
            case .failed(let reason): "chromium: \(reason)"
            }
        }
    }

    private let process: pid_t
    private let commands: Int32
    private let replies: Int32
    private var buffer: [UInt8] = []
    private var lastId = 0
    /// Every event received so far, in order (`method`, `params`, `sessionId`).
    private(set) var events: [[String: Any]] = []
    let profile: URL
    private var closed = false

    init() throws {
        guard let executable = Self.executable else { throw DriverError.missing }
        profile = try CLI.temporaryDirectory()
        // Every end close-on-exec and above 4, so that the dup2 below always makes a new
        // descriptor (without close-on-exec) and nothing else leaks into the browser.
        func pipeEnds() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard pipe(&ends) == 0 else { throw DriverError.failed("pipe: \(String(cString: strerror(errno)))") }
            let high = (fcntl(ends[0], F_DUPFD_CLOEXEC, 10), fcntl(ends[1], F_DUPFD_CLOEXEC, 10))
            Foundation.close(ends[0])
            Foundation.close(ends[1])
            return high
        }
        let toBrowser = try pipeEnds()
        let fromBrowser = try pipeEnds()
        let browserReads = toBrowser.read
        let browserWrites = fromBrowser.write
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, browserReads, 3)
        posix_spawn_file_actions_adddup2(&actions, browserWrites, 4)
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(
            &actions,
            2,
            profile.appendingPathComponent("chromium.log").path,
            O_WRONLY | O_CREAT | O_TRUNC,
            0o600
        )
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
            "--user-data-dir=\(profile.appendingPathComponent("profile").path)", "--no-first-run",
            "--no-default-browser-check", "--disable-extensions", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps",
            // Blackholes: no name resolves, and every connection goes to a closed local port.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
            "about:blank",
        ]
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = profile.path
        var envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0)=\($1)") } + [nil]
        defer { for pointer in envp { free(pointer) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, nil, &argv, &envp)
        Foundation.close(browserReads)
        Foundation.close(browserWrites)
        guard status == 0 else {
            Foundation.close(toBrowser.write)
            Foundation.close(fromBrowser.read)
            throw DriverError.failed("cannot start \(executable): \(String(cString: strerror(status)))")
        }
        process = pid
        commands = toBrowser.write
        replies = fromBrowser.read
    }

    deinit { shutDown() }

    /// Asks the browser to close, then makes sure it has (SIGKILL after 5 s).
    func shutDown() {
        guard !closed else { return }
        closed = true
        _ = try? send("Browser.close", timeout: 5)
        Foundation.close(commands)
        let deadline = Date(timeIntervalSinceNow: 5)
        var status: Int32 = 0
        while waitpid(process, &status, WNOHANG) == 0 {
            if Date() > deadline {
                kill(process, SIGKILL)
                waitpid(process, &status, 0)
                break
            }
            usleep(20_000)
        }
        Foundation.close(replies)
    }

    /// Sends one command and returns its result (events that arrive meanwhile are kept).
    @discardableResult
    func send(
        _ method: String,
        _ parameters: [String: Any] = [:],
        session: String? = nil,
        timeout: TimeInterval = 20
    ) throws -> [String: Any] {
        lastId += 1
        let id = lastId
        var message: [String: Any] = ["id": id, "method": method, "params": parameters]
        if let session { message["sessionId"] = session }
        var bytes = [UInt8](try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else {
                throw DriverError.failed("cannot send \(method): \(String(cString: strerror(errno)))")
            }
            written += count
        }
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            let reply = try nextMessage(until: deadline, waitingFor: method)
            guard reply["id"] as? Int == id else {
                events.append(reply)
                continue
            }
            if let error = reply["error"] { throw DriverError.failed("\(method): \(error)") }
            return reply["result"] as? [String: Any] ?? [:]
        }
    }

    /// Waits for the first event `method` of `session` received after `index` events.
    @discardableResult
    func waitForEvent(_ method: String, session: String, after index: Int, timeout: TimeInterval = 20) throws
        -> [String: Any]
    {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var seen = index
        while true {
            while seen < events.count {
                let event = events[seen]
                seen += 1
                if event["method"] as? String == method && event["sessionId"] as? String == session { return event }
            }
            events.append(try nextMessage(until: deadline, waitingFor: method))
        }
    }

    /// A page of its own, with the domains the tests read enabled: its session id.
    func openPage(width: Int = 1280, height: Int = 900) throws -> String {
        let target = try send("Target.createTarget", ["url": "about:blank"])
        guard let targetId = target["targetId"] as? String else { throw DriverError.failed("no target") }
        let attached = try send("Target.attachToTarget", ["targetId": targetId, "flatten": true])
        guard let session = attached["sessionId"] as? String else { throw DriverError.failed("no session") }
        for domain in ["Network.enable", "Page.enable", "Runtime.enable", "Log.enable"] {
            try send(domain, session: session)
        }
        try send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false],
            session: session
        )
        return session
    }

    /// Loads `url` in the page and waits for its load event; returns the index of the first
    /// event of this navigation.
    @discardableResult
    func navigate(_ session: String, to url: String) throws -> Int {
        let start = events.count
        try send("Page.navigate", ["url": url], session: session)
        try waitForEvent("Page.loadEventFired", session: session, after: start)
        return start
    }

    /// The URL of every request the page made since event `index`.
    func requests(_ session: String, since index: Int) -> [String] {
        events[index...].compactMap { event in
            guard event["method"] as? String == "Network.requestWillBeSent", event["sessionId"] as? String == session,
                let parameters = event["params"] as? [String: Any],
                let request = parameters["request"] as? [String: Any]
            else { return nil }
            return request["url"] as? String
        }
    }

    /// What the page logged as an error (a refused load, a script error) since event `index`.
    func errors(_ session: String, since index: Int) -> [String] {
        events[index...].compactMap { event in
            guard event["sessionId"] as? String == session, let parameters = event["params"] as? [String: Any] else {
                return nil
            }
            switch event["method"] as? String {
            case "Log.entryAdded":
                guard let entry = parameters["entry"] as? [String: Any], entry["level"] as? String == "error" else {
                    return nil
                }
                return entry["text"] as? String ?? "\(entry)"
            case "Runtime.exceptionThrown": return "\(parameters)"
            case "Runtime.consoleAPICalled" where parameters["type"] as? String == "error": return "\(parameters)"
            default: return nil
            }
        }
    }

    /// `expression` evaluated in the page, its value returned as JSON would give it.
    func evaluate(_ expression: String, session: String) throws -> Any? {
        let result = try send(
            "Runtime.evaluate",
            ["expression": expression, "returnByValue": true, "awaitPromise": true],
            session: session
        )
        if let exception = result["exceptionDetails"] { throw DriverError.failed("\(expression): \(exception)") }
        return (result["result"] as? [String: Any])?["value"]
    }

    private func nextMessage(until deadline: Date, waitingFor method: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let object = try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                    throw DriverError.failed("a message that is not a JSON object")
                }
                return object
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw DriverError.failed("no reply to \(method) in time") }
            var descriptor = pollfd(fd: replies, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, Int32(min(remaining * 1000, 1000)) + 1)
            guard ready > 0 else { continue }
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let count = chunk.withUnsafeMutableBytes { read(replies, $0.baseAddress, $0.count) }
            guard count > 0 else {
                let log =
                    (try? String(contentsOf: profile.appendingPathComponent("chromium.log"), encoding: .utf8)) ?? ""
                throw DriverError.failed(
                    "the browser closed its pipe while waiting for \(method); its log:\n\(log.suffix(2000))"
                )
            }
            buffer += chunk[..<count]
        }
    }
}
