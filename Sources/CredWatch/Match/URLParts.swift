/// A URL as written, cut into its parts: offsets into the caller's bytes, nothing copied.
///
/// This is the one reader of URLs: its authority reader (`URLSyntax.authority`) is the one the
/// combolist splitter uses to find where a line's URL ends, so both read a host alike. It
/// takes what stealer logs and combolists hold:
/// `scheme://user:pass@host:port/path?query#fragment`, the same without a scheme
/// (`host/path`, `host:port/path`), IPv4 and `[IPv6]` hosts, and Chrome's Android form
/// `android://<certificate hash>@<package>/`. Following the WHATWG URL standard the host is
/// what follows the *last* `@` of the authority, and `\` ends the authority like `/`, so
/// `https://mediboard.example@evil.example/` is a URL of `evil.example`.
struct URLParts {
    /// The URL as written; valid only as long as the caller's bytes.
    let bytes: UnsafeRawBufferPointer
    /// Without `://`; nil when the URL was written without one.
    var scheme: Range<Int>?
    var userinfo: Range<Int>?
    /// Without trailing dots; `[…]` kept around IPv6. Empty when the URL has none.
    var host: Range<Int>
    /// Digits only; nil when absent or not numeric.
    var port: Range<Int>?
    /// From the first `/` (or `\`) after the authority, up to `?` or `#`; may be empty.
    var path: Range<Int>
    /// Without `?`, up to `#`; nil when absent.
    var query: Range<Int>?
    /// The host is an IPv4 or IPv6 literal: it has no parent domains.
    var isIPLiteral: Bool
    var isAndroid: Bool
    /// A scheme that names no server (`javascript:`, `data:`, `mailto:`, `about:`, `blob:`…,
    /// see `opaqueSchemes`), with or without `//`: no host, no port, no userinfo, and the URL
    /// matches no platform (what follows the scheme is the path, written as it is).
    var isOpaque = false

    init(parsing url: UnsafeRawBufferPointer) {
        if let end = Self.opaqueSchemeLength(url) {
            self.init(opaque: url, schemeEnd: end)
            return
        }
        var cursor = 0
        var schemeRange: Range<Int>?
        if let end = URLSyntax.schemeLength(url) {
            schemeRange = 0..<end
            cursor = end + 3
        } else if url.count > 2 && url[0] == UInt8(ascii: "/") && url[1] == UInt8(ascii: "/") {
            cursor = 2  // protocol-relative: `//host/path`
        }
        self.init(url, scheme: schemeRange, authority: URLSyntax.authority(url, from: cursor, inLine: false))
    }

    /// A URL of an opaque scheme: what follows the scheme is the path (and query), no host.
    private init(opaque url: UnsafeRawBufferPointer, schemeEnd end: Int) {
        bytes = url
        let count = url.count
        isOpaque = true
        isAndroid = false
        isIPLiteral = false
        scheme = 0..<end
        userinfo = nil
        port = nil
        host = end + 1..<end + 1
        let questionMark = Bytes.index(of: UInt8(ascii: "?"), in: url, from: end + 1) ?? count
        let hashMark = Bytes.index(of: UInt8(ascii: "#"), in: url, from: end + 1) ?? count
        path = end + 1..<min(questionMark, hashMark)
        query = questionMark < hashMark ? questionMark + 1..<hashMark : nil
    }

    /// The parts of `url` whose authority has been read: only the path and query are left.
    private init(_ url: UnsafeRawBufferPointer, scheme: Range<Int>?, authority: URLAuthority) {
        bytes = url
        let count = url.count
        self.scheme = scheme
        isAndroid = scheme.map { Bytes.equalsLowercased(Bytes.slice(url, $0), "android") } ?? false
        var authority = authority
        if isAndroid, authority.end < count {
            // The certificate hash is base64 and may hold `/`: the package follows the last `@`.
            let start = authority.userinfo?.lowerBound ?? authority.host.lowerBound
            if let at = Bytes.lastIndex(of: UInt8(ascii: "@"), in: Bytes.slice(url, start..<count)) {
                let hostStart = start + at + 1
                let end = Bytes.index(of: UInt8(ascii: "/"), in: url, from: hostStart) ?? count
                authority = URLAuthority(userinfo: start..<hostStart - 1, host: hostStart..<end, colon: nil, end: end)
            }
        }
        userinfo = authority.userinfo
        port = authority.colon.flatMap { Self.digits(url, $0 + 1..<authority.end) }
        var hostEnd = authority.host.upperBound
        let hostStart = authority.host.lowerBound
        while hostEnd > hostStart && url[hostEnd - 1] == UInt8(ascii: ".") { hostEnd -= 1 }
        host = hostStart..<hostEnd
        isIPLiteral = Self.isIPLiteral(url, host)

        let rest = Bytes.slice(url, authority.end..<count)
        let questionMark = Bytes.index(of: UInt8(ascii: "?"), in: rest).map { authority.end + $0 } ?? count
        let hashMark = Bytes.index(of: UInt8(ascii: "#"), in: rest).map { authority.end + $0 } ?? count
        path = authority.end..<min(questionMark, hashMark)
        query = questionMark < hashMark ? questionMark + 1..<hashMark : nil
    }

    /// Schemes whose URLs name no server: a credential a browser saved for one (a script, an
    /// inline document, an address) was typed into no platform, whatever host-like text follows.
    static let opaqueSchemes: [[UInt8]] = [
        "about", "blob", "data", "javascript", "livescript", "mailto", "news", "sms", "tel", "urn", "vbscript",
        "view-source",
    ].map { Array($0.utf8) }

    /// The length of an opaque scheme (`opaqueSchemes`, any case) that starts `url` before a
    /// `:`; nil otherwise.
    static func opaqueSchemeLength(_ url: UnsafeRawBufferPointer) -> Int? {
        guard url.count > 3,
            let colon = Bytes.index(of: UInt8(ascii: ":"), in: Bytes.slice(url, 0..<min(url.count, 12)))
        else { return nil }
        let scheme = Bytes.slice(url, 0..<colon)
        let isOpaque = opaqueSchemes.contains { name in
            name.count == colon && name.indices.allSatisfy { Bytes.lower(scheme[$0]) == name[$0] }
        }
        return isOpaque ? colon : nil
    }

    private static func digits(_ url: UnsafeRawBufferPointer, _ range: Range<Int>) -> Range<Int>? {
        guard !range.isEmpty, range.count <= 5 else { return nil }
        for index in range where url[index] &- UInt8(ascii: "0") >= 10 { return nil }
        return range
    }

    private static func isIPLiteral(_ url: UnsafeRawBufferPointer, _ host: Range<Int>) -> Bool {
        guard !host.isEmpty else { return false }
        if url[host.lowerBound] == UInt8(ascii: "[") { return true }
        for index in host where url[index] != UInt8(ascii: ".") && url[index] &- UInt8(ascii: "0") >= 10 {
            return false
        }
        return true
    }
}

// MARK: - Views, normalisation and redaction

extension URLParts {
    var hostBytes: UnsafeRawBufferPointer { Bytes.slice(bytes, host) }
    var pathBytes: UnsafeRawBufferPointer { Bytes.slice(bytes, path) }

    /// The host as reports show it: lower-cased, without trailing dots.
    var hostString: String {
        Text.string(hostBytes).lowercased()
    }

    /// The URL as reports show it: `scheme://host[:port]/path?query`, scheme and host
    /// lower-cased, userinfo and fragment dropped, default ports (80, 443) dropped, every
    /// credential in the query redacted. A URL written without a scheme is read as `https://`,
    /// the scheme a browser tries first.
    var normalized: String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 16)
        writeNormalized(into: &out, lowercasingAll: false)
        return Text.string(out)
    }

    /// Appends the normalised URL (see `normalized`) to `out`; with `lowercasingAll` the path
    /// and query are lower-cased too (the subject regexes and literals are matched against).
    func writeNormalized(into out: inout [UInt8], lowercasingAll: Bool) {
        out.reserveCapacity(out.count + bytes.count + 16)
        if let scheme {
            Self.append(Bytes.slice(bytes, scheme), to: &out, lowercasing: true)
        } else {
            Self.append("https", to: &out)
        }
        if isOpaque {
            // `javascript:…`, `data:…`: what follows the scheme, as written (the query redacted).
            out.append(UInt8(ascii: ":"))
            Self.append(pathBytes, to: &out, lowercasing: lowercasingAll)
        } else {
            Self.append("://", to: &out)
            Self.append(hostBytes, to: &out, lowercasing: true)
            if let port, !isDefaultPort(port) {
                out.append(UInt8(ascii: ":"))
                out.append(contentsOf: Bytes.slice(bytes, port))
            }
            if path.isEmpty { out.append(UInt8(ascii: "/")) }
            Self.append(pathBytes, to: &out, lowercasing: lowercasingAll, slashingBackslashes: true)
        }
        guard let query, !query.isEmpty else { return }
        out.append(UInt8(ascii: "?"))
        var first = true
        forEachQueryParameter { name, value in
            if !first { out.append(UInt8(ascii: "&")) }
            first = false
            Self.append(Bytes.slice(bytes, name), to: &out, lowercasing: lowercasingAll)
            guard let value else { return }
            out.append(UInt8(ascii: "="))
            let valueBytes = Bytes.slice(bytes, value)
            switch QuerySecret(name: Bytes.slice(bytes, name), value: valueBytes) {
            case .none:
                Self.append(valueBytes, to: &out, lowercasing: lowercasingAll)
            case .whole:
                if !valueBytes.isEmpty { Self.append(lowercasingAll ? "[redacted]" : "[REDACTED]", to: &out) }
            case .afterSeparator(let separator):
                Self.append(Bytes.slice(valueBytes, 0..<separator.lowerBound), to: &out, lowercasing: lowercasingAll)
                Self.append(lowercasingAll ? ":[redacted]" : ":[REDACTED]", to: &out)
            }
        }
    }

    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeRawBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    /// Appends `view` in one copy, then lower-cases (and turns `\` into `/`) in place.
    @inline(__always)
    private static func append(
        _ view: UnsafeRawBufferPointer,
        to out: inout [UInt8],
        lowercasing: Bool,
        slashingBackslashes: Bool = false
    ) {
        let start = out.count
        out.append(contentsOf: view)
        let hasBackslash = slashingBackslashes && Bytes.index(of: UInt8(ascii: "\\"), in: view) != nil
        guard lowercasing || hasBackslash else { return }
        out.withUnsafeMutableBufferPointer { buffer in
            for index in start..<buffer.count {
                let byte = buffer[index] == UInt8(ascii: "\\") && hasBackslash ? UInt8(ascii: "/") : buffer[index]
                buffer[index] = lowercasing ? Bytes.lower(byte) : byte
            }
        }
    }

    private func isDefaultPort(_ port: Range<Int>) -> Bool {
        let digits = Bytes.slice(bytes, port)
        guard let scheme else { return Bytes.equalsLowercased(digits, "443") }
        let name = Bytes.slice(bytes, scheme)
        if Bytes.equalsLowercased(name, "https") { return Bytes.equalsLowercased(digits, "443") }
        if Bytes.equalsLowercased(name, "http") { return Bytes.equalsLowercased(digits, "80") }
        return false
    }

    /// Calls `body` with each `name[=value]` of the query, in order (`&`-separated).
    func forEachQueryParameter(_ body: (_ name: Range<Int>, _ value: Range<Int>?) -> Void) {
        guard let query else { return }
        var start = query.lowerBound
        while start <= query.upperBound {
            let end =
                Bytes.index(of: UInt8(ascii: "&"), in: Bytes.slice(bytes, start..<query.upperBound)).map { start + $0 }
                ?? query.upperBound
            if end > start {
                if let equals = Bytes.index(of: UInt8(ascii: "="), in: Bytes.slice(bytes, start..<end)) {
                    body(start..<start + equals, start + equals + 1..<end)
                } else {
                    body(start..<end, nil)
                }
            }
            start = end + 1
        }
    }
}

/// Which part of a query parameter's value is a secret.
enum QuerySecret: Equatable {
    case none
    /// `password=…`, `pwd=…`, tokens: the whole value.
    case whole
    /// Mediboard's `login=user:password`: what follows the separator (`:` or `%3A`).
    case afterSeparator(Range<Int>)

    init(name: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) {
        if Bytes.equalsLowercased(name, "login"), let separator = Self.separator(in: value) {
            self = .afterSeparator(separator)
        } else if Self.isSecretName(name) {
            self = .whole
        } else {
            self = .none
        }
    }

    /// Parameter names whose value is a password or a bearer secret.
    static func isSecretName(_ name: UnsafeRawBufferPointer) -> Bool {
        switch name.count {
        case 3:
            Bytes.equalsLowercased(name, "pwd") || Bytes.equalsLowercased(name, "mdp")
                || Bytes.equalsLowercased(name, "sid")
        // `code`: an OAuth authorisation code; `ticket`: a CAS service ticket (both bearer secrets).
        case 4: Bytes.equalsLowercased(name, "pass") || Bytes.equalsLowercased(name, "code")
        case 5: Bytes.equalsLowercased(name, "token")
        case 6:
            Bytes.equalsLowercased(name, "passwd") || Bytes.equalsLowercased(name, "secret")
                || Bytes.equalsLowercased(name, "apikey") || Bytes.equalsLowercased(name, "ticket")
                || Bytes.equalsLowercased(name, "sessid")
        case 7: Bytes.equalsLowercased(name, "api_key") || Bytes.equalsLowercased(name, "session")
        case 8: Bytes.equalsLowercased(name, "password") || Bytes.equalsLowercased(name, "id_token")
        case 9:
            Bytes.equalsLowercased(name, "phpsessid") || Bytes.equalsLowercased(name, "sessionid")
                || Bytes.equalsLowercased(name, "authtoken")
        case 10:
            Bytes.equalsLowercased(name, "motdepasse") || Bytes.equalsLowercased(name, "jsessionid")
                || Bytes.equalsLowercased(name, "auth_token")
        case 12: Bytes.equalsLowercased(name, "mot_de_passe") || Bytes.equalsLowercased(name, "access_token")
        case 13: Bytes.equalsLowercased(name, "user_password") || Bytes.equalsLowercased(name, "refresh_token")
        default: false
        }
    }

    /// The first `:` or `%3A` in `value`.
    static func separator(in value: UnsafeRawBufferPointer) -> Range<Int>? {
        var index = 0
        while index < value.count {
            if value[index] == UInt8(ascii: ":") { return index..<index + 1 }
            if value[index] == UInt8(ascii: "%") && index + 2 < value.count && value[index + 1] == UInt8(ascii: "3")
                && Bytes.lower(value[index + 2]) == UInt8(ascii: "a")
            {
                return index..<index + 3
            }
            index += 1
        }
        return nil
    }
}

// MARK: - Credentials written into URLs

/// A login and password found inside a URL, percent-decoded.
struct EmbeddedCredential: Equatable {
    var login: [UInt8]
    var password: [UInt8]
}

extension URLParts {
    /// Credentials the URL itself carries: userinfo `user:password@host` (not Android's
    /// certificate hash), Mediboard's `login=user:password`, and a user parameter
    /// (`username`, `user`, `email`, or `login` when it is not Mediboard's `login=1` flag)
    /// paired with a password parameter (`password`, `passwd`, `pass`, `pwd`), in any order.
    /// Empty (and allocation-free) for the URLs that carry none.
    var embeddedCredentials: [EmbeddedCredential] {
        var found: [EmbeddedCredential] = []
        if !isAndroid, let userinfo, let colon = Bytes.index(of: UInt8(ascii: ":"), in: Bytes.slice(bytes, userinfo)) {
            let user = Bytes.slice(bytes, userinfo.lowerBound..<userinfo.lowerBound + colon)
            let password = Bytes.slice(bytes, userinfo.lowerBound + colon + 1..<userinfo.upperBound)
            appendCredential(user, password, to: &found, plusIsSpace: false)
        }
        guard query != nil else { return found }
        var userValue: Range<Int>?
        var passwordValue: Range<Int>?
        forEachQueryParameter { nameRange, valueRange in
            guard let valueRange, !valueRange.isEmpty else { return }
            let name = Bytes.slice(bytes, nameRange)
            let value = Bytes.slice(bytes, valueRange)
            if Bytes.equalsLowercased(name, "login") {
                if let separator = QuerySecret.separator(in: value) {
                    appendCredential(
                        Bytes.slice(value, 0..<separator.lowerBound),
                        Bytes.slice(value, separator.upperBound..<value.count),
                        to: &found,
                        plusIsSpace: true
                    )
                } else if !Self.isFlag(value) && userValue == nil {
                    userValue = valueRange
                }
            } else if Bytes.equalsLowercased(name, "username") || Bytes.equalsLowercased(name, "user")
                || Bytes.equalsLowercased(name, "email")
            {
                if userValue == nil { userValue = valueRange }
            } else if Self.isPasswordParameter(name) {
                if passwordValue == nil { passwordValue = valueRange }
            }
        }
        if let userValue, let passwordValue {
            appendCredential(
                Bytes.slice(bytes, userValue),
                Bytes.slice(bytes, passwordValue),
                to: &found,
                plusIsSpace: true
            )
        }
        return found
    }

    private func appendCredential(
        _ login: UnsafeRawBufferPointer,
        _ password: UnsafeRawBufferPointer,
        to found: inout [EmbeddedCredential],
        plusIsSpace: Bool
    ) {
        let credential = EmbeddedCredential(
            login: Self.percentDecoded(login, plusIsSpace: plusIsSpace),
            password: Self.percentDecoded(password, plusIsSpace: plusIsSpace)
        )
        guard !credential.login.isEmpty, !credential.password.isEmpty, !found.contains(credential) else { return }
        found.append(credential)
    }

    /// `password`, `passwd`, `pass`, `pwd`: the parameters whose value is the password paired
    /// with a user parameter.
    static func isPasswordParameter(_ name: UnsafeRawBufferPointer) -> Bool {
        Bytes.equalsLowercased(name, "password") || Bytes.equalsLowercased(name, "passwd")
            || Bytes.equalsLowercased(name, "pass") || Bytes.equalsLowercased(name, "pwd")
    }

    /// Mediboard's `login=1` and similar switches, which are not logins.
    private static func isFlag(_ value: UnsafeRawBufferPointer) -> Bool {
        Bytes.equalsLowercased(value, "1") || Bytes.equalsLowercased(value, "0")
            || Bytes.equalsLowercased(value, "true") || Bytes.equalsLowercased(value, "yes")
    }

    /// `%XX` decoded (a malformed escape is kept as written); `+` is a space in query values.
    static func percentDecoded(_ view: UnsafeRawBufferPointer, plusIsSpace: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(view.count)
        var index = 0
        while index < view.count {
            let byte = view[index]
            if byte == UInt8(ascii: "%"), index + 2 < view.count, let high = hexValue(view[index + 1]),
                let low = hexValue(view[index + 2])
            {
                out.append(high << 4 | low)
                index += 3
                continue
            }
            out.append(plusIsSpace && byte == UInt8(ascii: "+") ? UInt8(ascii: " ") : byte)
            index += 1
        }
        return out
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        if byte &- UInt8(ascii: "0") < 10 { return byte - UInt8(ascii: "0") }
        let lower = Bytes.lower(byte)
        if lower &- UInt8(ascii: "a") < 6 { return lower - UInt8(ascii: "a") + 10 }
        return nil
    }
}
