/// The fields of one combolist line, as views into the line.
struct ComboFields {
    /// Empty for `email:password` and `login:password` lines.
    var url: UnsafeRawBufferPointer
    var login: UnsafeRawBufferPointer
    var password: UnsafeRawBufferPointer
    /// `host:port:login:password` was read with the second field as a port.
    var isAmbiguous: Bool
    /// The byte that separated the URL from the login (`:`, `|`, TAB, `;`, space).
    var separator: UInt8
    /// The quote the password was written in when it holds that quote doubled (CSV's `"P""w"`
    /// for `P"w`); 0 otherwise.
    var doubledQuote: UInt8 = 0

    /// Calls `body` with the password as meant: a doubled quote turned into one (into `scratch`,
    /// only for such passwords).
    func withPassword<Result>(
        scratch: inout [UInt8],
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        guard doubledQuote != 0 else { return body(password) }
        scratch.removeAll(keepingCapacity: true)
        var index = 0
        while index < password.count {
            scratch.append(password[index])
            let isPair =
                password[index] == doubledQuote && index + 1 < password.count
                && password[index + 1] == doubledQuote
            index += isPair ? 2 : 1
        }
        return scratch.withUnsafeBytes(body)
    }
}

/// Splits one `url:login:password` line (and its `|`, TAB, `;` and space variants, `email:pass`,
/// `login:pass`, quoted URLs) on bytes, without allocating.
///
/// The URL is taken first by its syntax (scheme, authority with userinfo, port or Android
/// `hash@package`, then the path up to a separator, skipping the `://` and ports of URLs inside
/// a query); the rest is split at its first separator, so the password keeps every further
/// separator. `host:10443:user:pass` reads 10443 as a port when two fields follow it, and says
/// so in `isAmbiguous`.
enum ComboLineParser {
    /// Nil for blank, comment, advert and junk lines.
    static func parse(_ rawLine: UnsafeRawBufferPointer) -> ComboFields? {
        let line = Bytes.trimmed(rawLine)
        let count = line.count
        guard count >= 3 else { return nil }
        let first = line[0]
        if first == UInt8(ascii: "#") { return nil }
        let isProtocolRelative = first == ParseText.slash && line[1] == ParseText.slash
        // `//user:password@host/` is read like `https://user:password@host/`.
        let hasProtocolRelativeUserinfo = isProtocolRelative && startsWithUserinfo(line, authorityStart: 2)
        // `// comment` is a comment; `//host/path` a protocol-relative URL.
        if isProtocolRelative && !hasProtocolRelativeUserinfo && !startsWithHost(Bytes.slice(line, 2..<count)) {
            return nil
        }

        let fields: ComboFields?
        if first == ParseText.quote || first == apostrophe,
            let closing = Bytes.index(of: first, in: line, from: 1),
            closing + 1 < count, isSeparator(line[closing + 1]),
            schemeEnd(Bytes.slice(line, 1..<closing)) != nil || startsWithHost(Bytes.slice(line, 1..<closing))
        {
            fields = splitRest(
                of: line,
                url: Bytes.slice(line, 1..<closing),
                separatorAt: closing + 1,
                isAmbiguous: false,
                quote: first
            )
        } else if let authority = schemeEnd(line) {
            fields = urlLine(line, authorityStart: authority, hasScheme: true)
        } else if isProtocolRelative {
            fields = urlLine(line, authorityStart: 2, hasScheme: hasProtocolRelativeUserinfo)
        } else if startsWithHost(line) {
            fields = urlLine(line, authorityStart: 0, hasScheme: false)
        } else {
            fields = loginLine(line)
        }
        guard let fields, !isAdvert(login: fields.login, password: fields.password) else { return nil }
        return fields
    }

    private static let apostrophe: UInt8 = UInt8(ascii: "'")

    // MARK: Lines with a URL

    private static func urlLine(
        _ line: UnsafeRawBufferPointer,
        authorityStart: Int,
        hasScheme: Bool
    ) -> ComboFields? {
        let (end, isAmbiguous, isBareHost) = urlEnd(line, authorityStart: authorityStart, hasScheme: hasScheme)
        if end == line.count { return urlAlone(line) }
        // A bare `host:x` with one field after it is more likely `login:password`.
        if !hasScheme && isBareHost && !hasSecondField(line, from: end + 1, separator: line[end]) {
            return loginLine(line)
        }
        return splitRest(of: line, url: Bytes.slice(line, 0..<end), separatorAt: end, isAmbiguous: isAmbiguous)
    }

    /// Where the URL that starts the line ends (the index of the separator after it, or the
    /// line's length).
    private static func urlEnd(
        _ line: UnsafeRawBufferPointer,
        authorityStart: Int,
        hasScheme: Bool
    ) -> (end: Int, isAmbiguous: Bool, isBareHost: Bool) {
        let count = line.count
        var index = authorityStart
        var userinfoRead = false
        // Authority: userinfo, host, port.
        authority: while index < count {
            while index < count && !isAuthorityDelimiter(line[index]) { index += 1 }
            guard index < count else { break }
            switch line[index] {
            case ParseText.slash, UInt8(ascii: "?"), UInt8(ascii: "#"):  // / ? #
                break authority
            case UInt8(ascii: "["):  // `[` of an IPv6 literal: its colons are not separators
                index = (Bytes.index(of: UInt8(ascii: "]"), in: line, from: index + 1) ?? index) + 1
            case ParseText.colon:
                let (digits, value) = number(line, from: index + 1)
                let afterPort = index + 1 + digits
                if digits > 0 && digits <= 5 && value >= 1 && value <= 65535 {
                    if afterPort == count { return (count, false, false) }
                    let next = line[afterPort]
                    if next == ParseText.slash || next == UInt8(ascii: "?") || next == UInt8(ascii: "#") {
                        index = afterPort
                        break authority
                    }
                    if next == ParseText.colon {
                        // `host:10443:user:pass` (port) or `host:1234:pass` (numeric login).
                        if hasSecondField(line, from: afterPort + 1, separator: ParseText.colon) {
                            return (afterPort, true, false)
                        }
                        return (index, false, true)
                    }
                    if isSeparator(next) { return (afterPort, false, false) }
                }
                // `user:password@host`: the authority, read as `URLParts` reads it (the host
                // follows the last `@`), when a host and port follow the userinfo, so that
                // `https://site:alice@mail.example:pw` keeps its e-mail login.
                if hasScheme && !userinfoRead {
                    userinfoRead = true
                    let authority = URLSyntax.authority(line, from: authorityStart, inLine: true)
                    if authority.userinfo != nil && isHostAndPort(line, authority) {
                        index = authority.host.lowerBound
                        continue authority
                    }
                }
                return (index, false, true)
            case ParseText.pipe, ParseText.tab, ParseText.space:
                return (index, false, true)
            case ParseText.semicolon where Bytes.index(of: ParseText.semicolon, in: line, from: index + 1) != nil:
                return (index, false, true)
            default:
                index += 1
            }
        }
        // Path, query, fragment: up to a separator. `://` and `:port/` belong to URLs nested in
        // the query.
        let pathStart = index
        while index < count {
            while index < count && !isPathDelimiter(line[index]) { index += 1 }
            guard index < count else { break }
            let byte = line[index]
            if byte == ParseText.colon {
                if index + 2 < count && line[index + 1] == ParseText.slash && line[index + 2] == ParseText.slash {
                    index += 3
                    continue
                }
                let (digits, _) = number(line, from: index + 1)
                let afterPort = index + 1 + digits
                if digits > 0 && afterPort < count && line[afterPort] == ParseText.slash {
                    index = afterPort
                    continue
                }
                // A colon inside a query (`?login=user:pw`) of a pipe- or tab-separated line is
                // part of the URL: the line's own separator comes later, with two fields after it.
                if Bytes.index(of: UInt8(ascii: "?"), in: Bytes.slice(line, pathStart..<index)) != nil
                    && hasTwoFieldsAfterSeparator(line, from: index + 1)
                {
                    index += 1
                    continue
                }
                return (colonEnd(line, urlPathStart: pathStart, firstColon: index), false, false)
            }
            if byte == ParseText.pipe || byte == ParseText.tab || byte == ParseText.space {
                return (index, false, false)
            }
            if byte == ParseText.semicolon
                && (Bytes.index(of: ParseText.semicolon, in: line, from: index + 1) != nil
                    || isSemicolonBeforeLogin(line, at: index))
            {
                return (index, false, false)
            }
            index += 1
        }
        return (count, false, false)
    }

    /// Where a URL ends that meets a `:` in its path, query or fragment (`firstColon`), on a
    /// colon-separated line. Usually that colon is the line's separator. But a URL may hold colons
    /// of its own (Mediboard's `?login=user:password&m=…`, times, `/a:b/`): a split there leaves a
    /// "login" such as `Qry170&m=dPpatients`, which is the URL going on (and the password of the
    /// query put where a login is shown). So the URL ends at the first colon after which the line
    /// still reads `login:password` with a plausible login (no `/`, `?`, `&` or `=`, which continue
    /// a URL), and never past a field with a space, TAB or `|` (which no URL holds); when the URL
    /// has a query or fragment, a colon whose login the URL itself names (`=login` followed by
    /// `:`, `&`, `#` or its end) wins over an earlier one. With no such colon, the first one. The
    /// colons of a credential's value in the query (`CredentialColon`) never end the URL but by
    /// that rule.
    ///
    /// Costs one scan of the login field on the common line (`https://host/path:login:password`).
    private static func colonEnd(_ line: UnsafeRawBufferPointer, urlPathStart: Int, firstColon: Int) -> Int {
        let count = line.count
        var hasQuery = false
        var hasQuestionMark = false
        for index in urlPathStart..<firstColon
        where line[index] == UInt8(ascii: "?") || line[index] == UInt8(ascii: "#") {
            hasQuery = true
            if line[index] == UInt8(ascii: "?") {
                hasQuestionMark = true
                break
            }
        }
        // A query's values hold colons (times, Mediboard's `m=a:b`, `login=user:password`): after
        // a `?` the login is the last plausible field, so that the line's own `:login:password`
        // (at its end) is what is split off.
        let fromTheRight =
            hasQuestionMark || (hasQuery && isInCredentialValue(line, colon: firstColon, from: urlPathStart))
        var candidate = firstColon
        var firstPlausible: Int?
        var lastPlausible: Int?
        var isFirstInCredential = false
        candidates: while true {
            // The colons of a credential's value in the query are the URL's own (see
            // `CredentialColon`): the line is split only after them.
            if hasQuery, let inValue = credentialColon(line, colon: candidate, from: urlPathStart) {
                if candidate == firstColon { isFirstInCredential = true }
                let next: Int?
                switch inValue {
                case .bounded(let valueEnd): next = Bytes.index(of: ParseText.colon, in: line, from: valueEnd)
                case .loginSeparator: next = Bytes.index(of: ParseText.colon, in: line, from: candidate + 1)
                case .lastValue: next = candidate
                }
                guard let next else { break candidates }
                if next != candidate {
                    candidate = next
                    continue candidates
                }
            }
            // A login and a password must follow this colon for it to end the URL.
            guard let loginEnd = Bytes.index(of: ParseText.colon, in: line, from: candidate + 1),
                loginEnd > candidate + 1, loginEnd + 1 < count
            else { break }
            let login = Bytes.slice(line, (candidate + 1)..<loginEnd)
            switch loginShape(login) {
            case .plausible:
                if !hasQuery { return candidate }
                if firstPlausible == nil { firstPlausible = candidate }
                lastPlausible = candidate
                if urlNames(login, in: Bytes.slice(line, 0..<candidate)) { return candidate }
            case .continuesURL:
                break
            case .notInURL:
                // No URL goes on past this colon: it is the last one that can end it.
                return (fromTheRight ? lastPlausible : firstPlausible) ?? candidate
            }
            candidate = loginEnd
        }
        // A first colon inside a credential parameter's value (`login=alice:secret`) is the URL's
        // own: the login is the last plausible field. With no plausible field at all, what follows the URL's
        // colons stays in the URL rather than become a "login" (which would show a password).
        if let chosen = fromTheRight ? lastPlausible : firstPlausible { return chosen }
        // `?login=1&username=alice&password=a:b`: no `:login:password` after the credential's
        // colons, so they all belong to it.
        if isFirstInCredential { return count }
        // `?login=alice:secret&m=x` and nothing after it: the URL runs to the line's end (a URL
        // alone, whose credential is its own), never `secret&m=x` shown as a login.
        let field = Bytes.slice(
            line,
            (firstColon + 1)..<(Bytes.index(of: ParseText.colon, in: line, from: firstColon + 1) ?? count)
        )
        if hasQuery && loginShape(field) == .continuesURL { return count }
        return candidate
    }

    /// Whether the colon at `colon` lies inside the value of a query parameter that carries
    /// credentials (`?login=alice:secret`, Mediboard's form; `user=`, `pass=`…): such a colon is
    /// the URL's own, whatever follows it.
    private static func isInCredentialValue(_ line: UnsafeRawBufferPointer, colon: Int, from start: Int) -> Bool {
        var index = colon - 1
        while index >= start {
            switch line[index] {
            case UInt8(ascii: "="):
                var nameStart = index
                while nameStart > start && ![0x26, 0x3F, 0x23, 0x3B].contains(line[nameStart - 1]) { nameStart -= 1 }
                let name = Bytes.slice(line, nameStart..<index)
                return credentialParameters.contains { known in
                    known.withUnsafeBytes { Bytes.equalsIgnoringASCIICase(name, $0) }
                }
            case UInt8(ascii: "&"), UInt8(ascii: "?"), UInt8(ascii: "#"), ParseText.slash: return false
            default: index -= 1
            }
        }
        return false
    }

    /// Where a colon lies in the value of a query parameter that holds a credential: Mediboard's
    /// `login=user:password` or a password parameter (`password=a:b`, names as in
    /// `URLParts.embeddedCredentials`). Such a value runs to the next `&` or `#` (or the URL's
    /// end), and its colons are part of the credential.
    private enum CredentialColon {
        /// The value ends at `&` or `#` at `valueEnd`: the URL goes on past it, so no colon
        /// inside it ends the URL (`login=alice:Pw:with:colons&m=x`).
        case bounded(valueEnd: Int)
        /// The `:` between Mediboard's user and password, in the query's last value.
        case loginSeparator
        /// A later colon of the query's last value: it ends the URL only when `:login:password`
        /// follows it (`login=alice:pw:bob:pw2`).
        case lastValue
    }

    /// Nil when the colon at `colon` is in no credential's value (see `CredentialColon`).
    private static func credentialColon(
        _ line: UnsafeRawBufferPointer,
        colon: Int,
        from start: Int
    ) -> CredentialColon? {
        var equals = colon - 1
        while equals >= start && line[equals] != UInt8(ascii: "=") {
            switch line[equals] {
            case UInt8(ascii: "&"), UInt8(ascii: "?"), UInt8(ascii: "#"), ParseText.slash: return nil
            default: equals -= 1
            }
        }
        guard equals > start else { return nil }
        var nameStart = equals
        while nameStart > start && line[nameStart - 1] != UInt8(ascii: "&") && line[nameStart - 1] != UInt8(ascii: "?")
        { nameStart -= 1 }
        let name = Bytes.slice(line, nameStart..<equals)
        let isLogin = Bytes.equalsLowercased(name, "login")
        guard isLogin || URLParts.isPasswordParameter(name) else { return nil }
        var valueEnd = colon + 1
        while valueEnd < line.count {
            let byte = line[valueEnd]
            if byte == UInt8(ascii: "&") || byte == UInt8(ascii: "#") { return .bounded(valueEnd: valueEnd) }
            if byte == ParseText.space || byte == ParseText.tab || byte == ParseText.pipe { break }
            valueEnd += 1
        }
        let value = Bytes.slice(line, (equals + 1)..<valueEnd)
        if isLogin, QuerySecret.separator(in: value)?.lowerBound == colon - equals - 1 { return .loginSeparator }
        return .lastValue
    }

    private static let credentialParameters: [[UInt8]] = [
        "login", "user", "username", "usr", "email", "mail", "pass", "password", "passwd", "pwd", "mdp",
    ].map { Array($0.utf8) }

    private enum LoginShape { case plausible, continuesURL, notInURL }

    /// What a field between two colons looks like: a login, the rest of a URL (`/`, `?`, `&`,
    /// `=`), or text no URL holds (space, TAB, `|`).
    @inline(__always)
    private static func loginShape(_ field: UnsafeRawBufferPointer) -> LoginShape {
        var shape = LoginShape.plausible
        for byte in field {
            switch byte {
            case ParseText.space, ParseText.tab, ParseText.pipe: return .notInURL
            case ParseText.slash, UInt8(ascii: "?"), UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "#"):
                shape = .continuesURL
            default: continue
            }
        }
        return shape
    }

    /// Whether `url` holds `=login` followed by `:`, `&`, `#` or its end: a query parameter whose
    /// value is the login (`user=alice`) or starts with it (Mediboard's `login=alice:password`).
    private static func urlNames(_ login: UnsafeRawBufferPointer, in url: UnsafeRawBufferPointer) -> Bool {
        var from = 0
        while let equals = Bytes.index(of: UInt8(ascii: "="), in: url, from: from) {
            let start = equals + 1
            let end = start + login.count
            if end <= url.count, Bytes.equalsIgnoringASCIICase(Bytes.slice(url, start..<end), login) {
                if end == url.count { return true }
                let next = url[end]
                if next == ParseText.colon || next == UInt8(ascii: "&") || next == UInt8(ascii: "#") { return true }
            }
            from = start
        }
        return false
    }

    /// Whether a pipe or a TAB follows `start` with another of the same after it: the line is
    /// `url|login|password` (or TAB-separated), whatever colons its URL holds.
    private static func hasTwoFieldsAfterSeparator(_ line: UnsafeRawBufferPointer, from start: Int) -> Bool {
        for separator in [ParseText.pipe, ParseText.tab] {
            if let first = Bytes.index(of: separator, in: line, from: start),
                Bytes.index(of: separator, in: line, from: first + 1) != nil
            {
                return true
            }
        }
        return false
    }

    /// Whether the authority at `authorityStart` is `userinfo@host[:port]`, with a host name
    /// after the userinfo.
    private static func startsWithUserinfo(_ line: UnsafeRawBufferPointer, authorityStart: Int) -> Bool {
        let authority = URLSyntax.authority(line, from: authorityStart, inLine: true)
        return authority.userinfo != nil && isHostAndPort(line, authority)
            && startsWithHost(Bytes.slice(line, authority.host.lowerBound..<line.count))
    }

    /// Whether what follows the userinfo of `authority` is a host with at most a port, then a
    /// path, a separator other than `:`, or the line's end: only then is the `@` the URL's.
    private static func isHostAndPort(_ line: UnsafeRawBufferPointer, _ authority: URLAuthority) -> Bool {
        guard !authority.host.isEmpty else { return false }
        for index in authority.host where line[index] == ParseText.semicolon { return false }
        if let colon = authority.colon {
            let (digits, value) = number(line, from: colon + 1)
            guard digits > 0, digits <= 5, value >= 1, value <= 65535, colon + 1 + digits == authority.end else {
                return false
            }
        }
        return authority.end == line.count || line[authority.end] != UInt8(ascii: "\\")
    }

    /// Whether the `;` at `index` separates the URL from `login:password` (`url;alice:secret`)
    /// rather than starting a path parameter (`;jsessionid=A1B2`): a plausible login without
    /// `=` runs to a colon after which only the password follows (or the login is an e-mail).
    private static func isSemicolonBeforeLogin(_ line: UnsafeRawBufferPointer, at index: Int) -> Bool {
        guard let colon = Bytes.index(of: ParseText.colon, in: line, from: index + 1), colon > index + 1,
            colon + 1 < line.count
        else { return false }
        let login = Bytes.slice(line, (index + 1)..<colon)
        guard loginShape(login) == .plausible else { return false }
        return Bytes.index(of: ParseText.colon, in: line, from: colon + 1) == nil
            || Bytes.index(of: ParseText.at, in: login) != nil
    }

    /// A line that is only a URL: a record of its own when the URL carries a credential
    /// (`https://user:pass@host/`, Mediboard's `?login=user:pass`), with an empty login and
    /// password (the match stage judges the URL's credential); otherwise nothing.
    private static func urlAlone(_ line: UnsafeRawBufferPointer) -> ComboFields? {
        guard carriesCredentials(line) else { return nil }
        return ComboFields(
            url: line,
            login: Bytes.slice(line, 0..<0),
            password: Bytes.slice(line, 0..<0),
            isAmbiguous: false,
            separator: 0
        )
    }

    /// Whether the URL carries a credential of its own (see `URLParts.embeddedCredentials`).
    /// Only for lines whose fields are empty: it may allocate.
    private static func carriesCredentials(_ url: UnsafeRawBufferPointer) -> Bool {
        let parts = URLParts(parsing: Bytes.trimmed(url))
        return (parts.userinfo != nil || parts.query != nil) && !parts.embeddedCredentials.isEmpty
    }

    // MARK: Lines without a URL

    /// `email:password` or `login:password`: split at the first separator; both must be there.
    private static func loginLine(_ line: UnsafeRawBufferPointer) -> ComboFields? {
        var separatorIndex: Int?
        for index in 0..<line.count {
            let byte = line[index]
            if byte == ParseText.colon || byte == ParseText.pipe || byte == ParseText.tab || byte == ParseText.semicolon
            {
                separatorIndex = index
                break
            }
            if byte == ParseText.space {
                var next = index + 1
                while next < line.count && line[next] == ParseText.space { next += 1 }
                // `alice : secret`: spaces around a separator.
                if next < line.count && ComboLineParser.isSeparator(line[next]) && line[next] != ParseText.space {
                    continue
                }
                // Otherwise a space separates only an e-mail from its password; anything else is prose.
                if Bytes.index(of: ParseText.at, in: Bytes.slice(line, 0..<index)) != nil { separatorIndex = index }
                break
            }
        }
        guard let separatorIndex else { return nil }
        // `"alice@mail.example":"secret"`: a quoted line's fields lose their quotes.
        let quote = line[0] == ParseText.quote || line[0] == apostrophe ? line[0] : 0
        let login = unquoted(Bytes.trimmed(Bytes.slice(line, 0..<separatorIndex)), quote)
        let password = unquoted(Bytes.trimmed(Bytes.slice(line, (separatorIndex + 1)..<line.count)), quote)
        guard !login.isEmpty, !password.isEmpty, !LabelText.isAdvertLabel(login) else { return nil }
        return ComboFields(
            url: Bytes.slice(line, 0..<0),
            login: login,
            password: password,
            isAmbiguous: false,
            separator: line[separatorIndex]
        )
    }

    // MARK: Splitting what follows the URL

    /// The login and password after the URL: split at the first occurrence of the separator
    /// that ended the URL (any other separator when that one does not recur).
    private static func splitRest(
        of line: UnsafeRawBufferPointer,
        url: UnsafeRawBufferPointer,
        separatorAt: Int,
        isAmbiguous: Bool,
        quote: UInt8 = 0
    ) -> ComboFields? {
        let count = line.count
        var separator = line[separatorAt]
        var start = separatorAt + 1
        var isWhitespace = separator == ParseText.space || separator == ParseText.tab
        if isWhitespace {
            while start < count && (line[start] == ParseText.space || line[start] == ParseText.tab) { start += 1 }
            // `url | login | password`: spaces around the real separator.
            if start + 1 < count,
                line[start] == ParseText.pipe || line[start] == ParseText.semicolon
                    || line[start] == ParseText.colon,
                line[start + 1] == ParseText.space || line[start + 1] == ParseText.tab
            {
                separator = line[start]
                isWhitespace = false
                start += 1
                while start < count && (line[start] == ParseText.space || line[start] == ParseText.tab) { start += 1 }
            }
        }
        let rest = Bytes.slice(line, start..<count)
        var cut = Bytes.index(of: separator, in: rest)
        // `url:"login":password`: a login in double quotes loses them, in a line of any quoting.
        let quote = quote != 0 ? quote : (!rest.isEmpty && rest[0] == ParseText.quote ? ParseText.quote : 0)
        // `"url";"login";"pass;word"`: a quoted login runs to its closing quote, then to the
        // separator after it (`"url" | "login" | "password"`: spaces around it).
        if quote != 0, !rest.isEmpty, rest[0] == quote, let closing = Bytes.index(of: quote, in: rest, from: 1),
            closing + 1 < rest.count, isSeparator(rest[closing + 1])
        {
            var after = closing + 1
            while after < rest.count && (rest[after] == ParseText.space || rest[after] == ParseText.tab) { after += 1 }
            cut = after < rest.count && isSeparator(rest[after]) ? after : closing + 1
        }
        if isWhitespace,
            let tab = Bytes.index(of: separator == ParseText.space ? ParseText.tab : ParseText.space, in: rest)
        {
            cut = min(cut ?? tab, tab)
        }
        if cut == nil { cut = firstSeparator(in: rest, except: separator) }
        let login: UnsafeRawBufferPointer
        let password: UnsafeRawBufferPointer
        var doubledQuote: UInt8 = 0
        if let cut {
            login = unquoted(Bytes.trimmed(Bytes.slice(rest, 0..<cut)), quote)
            let written = Bytes.trimmed(Bytes.slice(rest, (cut + 1)..<rest.count))
            password = unquoted(written, quote)
            if password.count < written.count && holdsPair(of: quote, in: password) { doubledQuote = quote }
        } else {
            login = unquoted(Bytes.trimmed(rest), quote)
            password = Bytes.slice(rest, 0..<0)
        }
        // Nothing after the URL: a record only for the credential the URL itself carries.
        guard !login.isEmpty || !password.isEmpty || carriesCredentials(url) else { return nil }
        return ComboFields(
            url: Bytes.trimmed(url),
            login: login,
            password: password,
            isAmbiguous: isAmbiguous,
            separator: separator,
            doubledQuote: doubledQuote
        )
    }

    private static func holdsPair(of quote: UInt8, in field: UnsafeRawBufferPointer) -> Bool {
        guard let first = Bytes.index(of: quote, in: field) else { return false }
        return first + 1 < field.count && field[first + 1] == quote
    }

    /// `field` without the quotes around it, when the line is quoted with `quote` (0: not).
    @inline(__always)
    private static func unquoted(_ field: UnsafeRawBufferPointer, _ quote: UInt8) -> UnsafeRawBufferPointer {
        guard quote != 0, field.count >= 2, field[0] == quote, field[field.count - 1] == quote else { return field }
        return Bytes.slice(field, 1..<(field.count - 1))
    }

    private static func firstSeparator(in rest: UnsafeRawBufferPointer, except separator: UInt8) -> Int? {
        for index in 0..<rest.count {
            let byte = rest[index]
            if byte != separator
                && (byte == ParseText.colon || byte == ParseText.pipe || byte == ParseText.tab
                    || byte == ParseText.semicolon)
            {
                return index
            }
        }
        return nil
    }

    // MARK: Small syntax tests

    /// TAB, space, `#`, `/`, `:`, `;`, `?`, `[`, `|`: the bytes that end a host or need a look.
    @inline(__always)
    private static func isAuthorityDelimiter(_ byte: UInt8) -> Bool {
        let mask: UInt64 = 1 << 9 | 1 << 32 | 1 << 35 | 1 << 47 | 1 << 58 | 1 << 59 | 1 << 63
        return byte < 64 ? (mask >> UInt64(byte)) & 1 != 0 : byte == UInt8(ascii: "[") || byte == ParseText.pipe
    }

    /// TAB, space, `:`, `;`, `|`: the bytes that may end a path.
    @inline(__always)
    private static func isPathDelimiter(_ byte: UInt8) -> Bool {
        let mask: UInt64 = 1 << 9 | 1 << 32 | 1 << 58 | 1 << 59
        return byte < 64 ? (mask >> UInt64(byte)) & 1 != 0 : byte == ParseText.pipe
    }

    /// `:`, `|`, TAB, `;` or space.
    @inline(__always)
    static func isSeparator(_ byte: UInt8) -> Bool {
        byte == ParseText.colon || byte == ParseText.pipe || byte == ParseText.tab || byte == ParseText.semicolon
            || byte == ParseText.space
    }

    /// The index after `scheme://` when the line starts with one.
    @inline(__always)
    static func schemeEnd(_ line: UnsafeRawBufferPointer) -> Int? {
        URLSyntax.schemeLength(line).map { $0 + 3 }
    }

    /// Whether the line starts with something that looks like a host name or IPv4 address
    /// (letters, digits, `-`, `_`, non-ASCII, with a dot; a trailing dot before `:` or `/`, as
    /// in `host.:login:pw`) or an IPv6 literal (`[2001:db8::1]`), followed by `:`, `/`, a
    /// separator or nothing.
    private static func startsWithHost(_ line: UnsafeRawBufferPointer) -> Bool {
        if !line.isEmpty && line[0] == UInt8(ascii: "[") { return startsWithIPv6Literal(line) }
        var dots = 0
        var index = 0
        while index < line.count {
            let byte = line[index]
            if byte == UInt8(ascii: ".") {
                if index == 0 || line[index - 1] == UInt8(ascii: ".") { return false }
                dots += 1
            } else if !(ParseText.isLetter(byte) || ParseText.isDigit(byte) || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "_")
                || byte >= 0x80)
            {
                guard index > 0, dots > 0 else { return false }
                if line[index - 1] == UInt8(ascii: ".") {  // a trailing dot (the root), then a port or a path
                    return dots > 1 && (byte == ParseText.colon || byte == ParseText.slash)
                }
                return byte == ParseText.colon || byte == ParseText.slash || byte == ParseText.pipe
                    || byte == ParseText.tab || byte == ParseText.semicolon || byte == ParseText.space
            }
            index += 1
        }
        return dots > 0 && line[line.count - 1] != UInt8(ascii: ".")
    }

    /// `[` hex digits, `:` and `.` `]`, then `:`, `/` or nothing.
    private static func startsWithIPv6Literal(_ line: UnsafeRawBufferPointer) -> Bool {
        guard let close = Bytes.index(of: UInt8(ascii: "]"), in: line, from: 1), close > 2 else { return false }
        var colons = 0
        for index in 1..<close {
            let byte = line[index]
            if byte == ParseText.colon {
                colons += 1
            } else if !(ParseText.isDigit(byte) || (byte | 0x20) &- 0x61 < 6 || byte == 0x2E) {
                return false
            }
        }
        return colons >= 2
            && (close + 1 == line.count || line[close + 1] == ParseText.colon || line[close + 1] == ParseText.slash)
    }

    /// Whether, after `from`, the line holds at least one more `separator` with text on both
    /// sides (a login and a password).
    private static func hasSecondField(_ line: UnsafeRawBufferPointer, from: Int, separator: UInt8) -> Bool {
        guard let cut = Bytes.index(of: separator, in: line, from: from) else { return false }
        return cut > from && cut + 1 < line.count
    }

    /// Leading decimal digits from `from`: how many, and their value (capped, never overflows).
    @inline(__always)
    private static func number(_ line: UnsafeRawBufferPointer, from: Int) -> (digits: Int, value: Int) {
        var index = from
        var value = 0
        while index < line.count, ParseText.isDigit(line[index]) {
            if value < 1_000_000 { value = value * 10 + Int(line[index] &- UInt8(ascii: "0")) }
            index += 1
        }
        return (index - from, value)
    }

    // MARK: Adverts

    /// Seller adverts that happen to have the shape of a credential (`Telegram: t.me/x`).
    static func isAdvert(login: UnsafeRawBufferPointer, password: UnsafeRawBufferPointer) -> Bool {
        containsTelegramLink(login) || containsTelegramLink(password)
    }

    @inline(__always)
    private static func containsTelegramLink(_ view: UnsafeRawBufferPointer) -> Bool {
        var from = 0
        while let slash = Bytes.index(of: ParseText.slash, in: view, from: from) {
            if slash >= 4 && Bytes.equalsLowercased(Bytes.slice(view, (slash - 4)..<slash), "t.me") { return true }
            from = slash + 1
        }
        return false
    }
}
