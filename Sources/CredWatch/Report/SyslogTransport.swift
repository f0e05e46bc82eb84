import COpenSSL

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// Sends syslog messages to a `SyslogDestination`, every one or an error.
///
/// Streams (`tcp`, `tls`, a stream socket) carry RFC 6587 octet-counted frames; the messages
/// count as delivered once the receiver's side has acknowledged every byte (the socket's
/// unacknowledged queue is empty after the connection is half-closed), not merely once they
/// are handed to the kernel. Datagrams (`udp`, `/dev/log`) have no acknowledgement: a refusing
/// port on the way (ICMP port unreachable) is caught, a lost datagram is not, so use `tcp://`
/// or `tls://` where delivery matters.
public enum SyslogTransport {
    /// Seconds a connection, a write, or the receiver's acknowledgement may take.
    static let timeoutSeconds = 10

    public static func send(_ messages: [[UInt8]], to destination: SyslogDestination) throws(SyslogError) {
        let connection = try SyslogConnection(destination)
        defer { connection.close() }
        for message in messages {
            try connection.write(connection.isStream ? Array("\(message.count) ".utf8) + message : message)
        }
        try connection.finish()
    }

    /// What can be checked before a run scans anything: the CA file of a `tls` destination.
    public static func check(_ destination: SyslogDestination) throws(SyslogError) {
        guard let caFile = destination.caFile else { return }
        SSL_CTX_free(try TLSContext.make(caFile: caFile))
    }
}

private enum TLSContext {
    /// A client context that requires TLS 1.2 or later and a server certificate that chains to
    /// `caFile`.
    static func make(caFile: String) throws(SyslogError) -> OpaquePointer {
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw SyslogError("cannot set up TLS: \(openSSLError())")
        }
        guard copenssl_require_tls12(context) == 1 else {
            SSL_CTX_free(context)
            throw SyslogError("cannot set up TLS: \(openSSLError())")
        }
        guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
            SSL_CTX_free(context)
            throw SyslogError("--syslog-ca \(caFile): cannot read CA certificates from it: \(openSSLError())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        return context
    }
}

/// The last OpenSSL error of this thread, as text (and the queue emptied).
private func openSSLError() -> String {
    var last: UInt = 0
    while case let code = ERR_get_error(), code != 0 { last = code }
    guard last != 0 else { return "unknown error" }
    var buffer = [CChar](repeating: 0, count: 256)
    ERR_error_string_n(last, &buffer, buffer.count)
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

private func systemError(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

/// One open connection (or connected datagram socket) to the destination.
private final class SyslogConnection {
    let descriptor: Int32
    let isStream: Bool
    /// Names the peer in messages: `127.0.0.1 port 514`, `/dev/log`.
    let peer: String
    private var context: OpaquePointer?
    private var session: OpaquePointer?

    init(_ destination: SyslogDestination) throws(SyslogError) {
        switch destination.transport {
        case .unix:
            (descriptor, isStream) = try Self.connectLocal(destination.host)
            peer = destination.host
        case .udp, .tcp, .tls:
            isStream = destination.isStream
            peer = "\(destination.host) port \(destination.port)"
            descriptor = try Self.connectNetwork(destination, stream: isStream)
        }
        guard destination.transport == .tls, let caFile = destination.caFile else { return }
        do {
            try startTLS(host: destination.host, caFile: caFile)
        } catch {
            close()
            throw error
        }
    }

    func close() {
        if let session { SSL_free(session) }
        if let context { SSL_CTX_free(context) }
        session = nil
        context = nil
        if descriptor >= 0 { _ = Glibc.close(descriptor) }
    }

    func write(_ bytes: [UInt8]) throws(SyslogError) {
        var offset = 0
        while offset < bytes.count {
            let written: Int = bytes.withUnsafeBytes { buffer in
                let start = buffer.baseAddress! + offset
                let count = buffer.count - offset
                if let session { return Int(SSL_write(session, start, Int32(min(count, Int(Int32.max))))) }
                return send(descriptor, start, count, Int32(MSG_NOSIGNAL))
            }
            if written <= 0 {
                if session != nil { throw SyslogError("sending to \(peer) over TLS: \(openSSLError())") }
                let code = errno
                if code == EINTR { continue }
                if code == EMSGSIZE {
                    throw SyslogError(
                        "a message of \(bytes.count) bytes does not fit in a datagram to \(peer): use tcp:// or tls://"
                    )
                }
                let reason = code == EAGAIN ? "timed out after \(SyslogTransport.timeoutSeconds) s" : systemError(code)
                throw SyslogError("sending to \(peer): \(reason)")
            }
            if !isStream && written != bytes.count {
                throw SyslogError("sending to \(peer): a message of \(bytes.count) bytes was cut to \(written)")
            }
            offset += written
        }
    }

    /// Streams: closes the sending side and waits until the receiver has acknowledged every
    /// byte. Datagrams over the network: gives the network a moment to refuse them.
    func finish() throws(SyslogError) {
        if !isStream {
            var status = pollfd(fd: descriptor, events: 0, revents: 0)
            if poll(&status, 1, 100) > 0 && status.revents & Int16(POLLERR) != 0 {
                throw SyslogError("sending to \(peer): \(systemError(pendingError()))")
            }
            // A refusal already reported to an earlier send is pending here too.
            let pending = pendingError()
            if pending != 0 { throw SyslogError("sending to \(peer): \(systemError(pending))") }
            return
        }
        if let session { _ = SSL_shutdown(session) }
        _ = shutdown(descriptor, Int32(SHUT_WR))
        let deadline = SyslogTransport.timeoutSeconds * 100
        for _ in 0..<deadline {
            var unacknowledged: Int32 = 0
            guard ioctl(descriptor, UInt(TIOCOUTQ), &unacknowledged) == 0 else {
                throw SyslogError("waiting for \(peer) to acknowledge: \(systemError())")
            }
            let pending = pendingError()
            if pending != 0 { throw SyslogError("sending to \(peer): \(systemError(pending))") }
            if unacknowledged == 0 { return }
            usleep(10_000)
        }
        throw SyslogError(
            "\(peer) did not acknowledge what was sent within \(SyslogTransport.timeoutSeconds) s"
        )
    }

    private func pendingError() -> Int32 {
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &length)
        return code
    }

    private func startTLS(host: String, caFile: String) throws(SyslogError) {
        let context = try TLSContext.make(caFile: caFile)
        self.context = context
        guard let session = SSL_new(context) else { throw SyslogError("cannot set up TLS: \(openSSLError())") }
        self.session = session
        SSL_set_fd(session, descriptor)
        let parameters = SSL_get0_param(session)
        if SIEMValues.isIPAddress(host) {
            X509_VERIFY_PARAM_set1_ip_asc(parameters, host)
        } else {
            _ = copenssl_set_server_name(session, host)
            SSL_set1_host(session, host)
        }
        guard SSL_connect(session) == 1 else {
            let verdict = SSL_get_verify_result(session)
            if verdict != X509_V_OK {
                throw SyslogError(
                    "TLS with \(peer): the server's certificate was refused: "
                        + String(cString: X509_verify_cert_error_string(verdict))
                )
            }
            throw SyslogError("TLS with \(peer): \(openSSLError())")
        }
    }

    /// A UDP or TCP socket connected to the first address of the destination that answers.
    private static func connectNetwork(_ destination: SyslogDestination, stream: Bool) throws(SyslogError) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(stream ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(destination.host, String(destination.port), &hints, &found)
        guard status == 0 else {
            throw SyslogError("cannot resolve \(destination.host): \(String(cString: gai_strerror(status)))")
        }
        defer { freeaddrinfo(found) }
        var failure = "no address"
        var next = found
        while let address = next?.pointee {
            next = address.ai_next
            let descriptor = socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else {
                failure = systemError()
                continue
            }
            let code = connect(descriptor, address.ai_addr, address.ai_addrlen, stream: stream)
            if code == 0 { return descriptor }
            failure = systemError(code)
            _ = Glibc.close(descriptor)
        }
        throw SyslogError("cannot connect to \(destination.host) port \(destination.port): \(failure)")
    }

    /// Connects with a time limit, then makes reads and writes time out too; 0 or an errno.
    private static func connect(
        _ descriptor: Int32,
        _ address: UnsafePointer<sockaddr>,
        _ length: socklen_t,
        stream: Bool
    ) -> Int32 {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(descriptor, address, length) != 0 {
            guard errno == EINPROGRESS else { return errno }
            var status = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            var ready: Int32
            repeat {
                ready = poll(&status, 1, Int32(SyslogTransport.timeoutSeconds * 1000))
            } while ready < 0
                && errno == EINTR
            guard ready > 0 else { return ETIMEDOUT }
            var code: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            _ = getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &code, &size)
            if code != 0 { return code }
        }
        _ = fcntl(descriptor, F_SETFL, flags)
        setTimeouts(descriptor)
        return 0
    }

    private static func setTimeouts(_ descriptor: Int32) {
        var limit = timeval(tv_sec: SyslogTransport.timeoutSeconds, tv_usec: 0)
        let size = socklen_t(MemoryLayout<timeval>.size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, size)
        _ = setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, size)
    }

    /// A local socket: a datagram socket (`/dev/log`), else a stream socket.
    private static func connectLocal(_ path: String) throws(SyslogError) -> (Int32, Bool) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sockaddr_un>.size)
        var failure: Int32 = 0
        for type in [SOCK_DGRAM, SOCK_STREAM] {
            let descriptor = socket(AF_UNIX, Int32(type.rawValue | SOCK_CLOEXEC.rawValue), 0)
            guard descriptor >= 0 else { throw SyslogError("cannot open a socket: \(systemError())") }
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(descriptor, $0, length) }
            }
            if connected == 0 {
                setTimeouts(descriptor)
                return (descriptor, type == SOCK_STREAM)
            }
            failure = errno
            _ = Glibc.close(descriptor)
            // A socket of the other type answers EPROTOTYPE: try it; anything else is final.
            if failure != EPROTOTYPE { break }
        }
        throw SyslogError("cannot connect to \(path): \(systemError(failure))")
    }
}
