/// The plain shapes most combolist lines have, read in one pass: the fields `ComboLineParser`
/// would give, and the URL's host and path, which `URLParts` would give.
///
/// It exists for the candidate-first scan (see `RecordSink.isCandidate`): almost no line of a
/// dump belongs to the organisation, and for these shapes a few hash probes on the host, the
/// first path segment and the login tell so without the full parser. The shapes:
/// - `scheme://host[:port]/path` or `host[:port]/path` (no scheme), then `:login:password`,
///   `|login|password`, or `login password` after spaces or TABs (not `| login | password`,
///   whose spaces surround another separator);
/// - `host:login:password` and `host|login|password` (no scheme, no path).
///
/// A line takes one only when nothing in it needs the full parser's judgement: a scheme of up
/// to five letters (not `android`), a host of ASCII letters, digits, `.`, `-` and `_` (no
/// userinfo, no IP literal, no empty label, no trailing dot; with a dot when there is no
/// scheme), a port of one to five digits in 1...65535, a path of printable ASCII without query,
/// fragment, `;` or backslash, not ending in `://` or `:port/`, a login field that does not
/// continue the URL (`/`, `?`, `&`, `=`, `#` after a `:`) and does not start with `"`, a second
/// separator of the same kind, and no advert. Any other line is nil, and goes through the full parser.
/// `Fuzz/Sources/FuzzCandidates` checks that a line read here splits exactly as the full
/// readers split it.
public struct PlainComboLine {
    /// The URL as the full parser cuts it, its host and its path (from the `/`; empty without
    /// one), all views into the line.
    var url: UnsafeRawBufferPointer
    var host: UnsafeRawBufferPointer
    var path: UnsafeRawBufferPointer
    var login: UnsafeRawBufferPointer
    var password: UnsafeRawBufferPointer

    @inline(__always)
    init?(_ rawLine: UnsafeRawBufferPointer) {
        let line = Bytes.trimmed(rawLine)
        let count = line.count
        guard count >= 7 else { return nil }
        var hostStart = 0
        if let schemeLength = URLSyntax.schemeLength(line) {
            guard schemeLength <= 5 else { return nil }
            hostStart = schemeLength + 3
        }
        let hasScheme = hostStart > 0

        // Host: labels of letters, digits, `-` and `_`, separated by single dots. One table load
        // a byte; the classes seen are or-ed together and judged once the host ends.
        let classes = ByteClass.table
        var index = hostStart
        var seen: UInt8 = 0
        var previous = ByteClass.dot  // no leading dot
        var doubleDot: UInt8 = 0
        while index < count {
            let byteClass = classes[Int(line[index])]
            guard byteClass & ByteClass.host != 0 else { break }
            seen |= byteClass
            doubleDot |= byteClass & previous
            previous = byteClass
            index += 1
        }
        guard index < count, doubleDot & ByteClass.dot == 0, seen & ByteClass.name != 0,
            previous & ByteClass.dot == 0, hasScheme || seen & ByteClass.dot != 0
        else { return nil }
        let hostEnd = index

        // Port: `:digits/`.
        if line[index] == ParseText.colon, index + 1 < count, ParseText.isDigit(line[index + 1]) {
            var value = 0
            index += 1
            while index < count && ParseText.isDigit(line[index]) && index - hostEnd <= 6 {
                value = value * 10 + Int(line[index] &- UInt8(ascii: "0"))
                index += 1
            }
            guard index < count, line[index] == ParseText.slash, index - hostEnd <= 6, value >= 1, value <= 65535
            else { return nil }
        }

        let separator: Int
        let pathStart = index
        if line[index] == ParseText.slash {
            while index < count && classes[Int(line[index])] & ByteClass.path != 0 { index += 1 }
            guard index < count else { return nil }
            let stop = line[index]
            guard stop == ParseText.colon || stop == ParseText.pipe || stop == ParseText.space || stop == ParseText.tab
            else { return nil }
            separator = index
            if line[index] == ParseText.colon {
                // `://` and `:port/` go on with a URL nested in the path.
                guard index + 2 >= count || line[index + 1] != ParseText.slash || line[index + 2] != ParseText.slash
                else { return nil }
                var digitsEnd = index + 1
                while digitsEnd < count && ParseText.isDigit(line[digitsEnd]) { digitsEnd += 1 }
                guard digitsEnd == index + 1 || digitsEnd == count || line[digitsEnd] != ParseText.slash else {
                    return nil
                }
            }
        } else if !hasScheme && pathStart == hostEnd
            && (line[index] == ParseText.colon || line[index] == ParseText.pipe)
        {
            separator = index  // `host:login:password`, `host|login|password`
        } else {
            return nil
        }

        // The login runs to the next separator of the same kind; spaces and TABs are one kind.
        let byte = line[separator]
        var loginStart = separator + 1
        var loginEnd = loginStart
        if byte == ParseText.space || byte == ParseText.tab {
            while loginStart < count && (line[loginStart] == ParseText.space || line[loginStart] == ParseText.tab) {
                loginStart += 1
            }
            // `url | login | password`: spaces around another separator.
            guard loginStart < count, line[loginStart] != ParseText.pipe, line[loginStart] != ParseText.colon,
                line[loginStart] != ParseText.semicolon
            else { return nil }
            loginEnd = loginStart
            while loginEnd < count && line[loginEnd] != ParseText.space && line[loginEnd] != ParseText.tab {
                loginEnd += 1
            }
        } else if byte == ParseText.colon && pathStart != separator {
            // After a path, a field holding `/`, `?`, `&`, `=` or `#` may be the URL going on.
            while loginEnd < count {
                let byteClass = classes[Int(line[loginEnd])]
                if byteClass & (ByteClass.colon | ByteClass.continuesURL) != 0 {
                    guard byteClass & ByteClass.continuesURL == 0 else { return nil }
                    break
                }
                loginEnd += 1
            }
        } else {
            guard let next = Bytes.index(of: byte, in: line, from: loginStart) else { return nil }
            loginEnd = next
            // Without a path the full parser wants a login and a password around it.
            guard pathStart != separator || (loginEnd > loginStart && loginEnd + 1 < count) else { return nil }
        }
        guard loginEnd < count else { return nil }
        let login = Bytes.trimmed(Bytes.slice(line, loginStart..<loginEnd))
        let password = Bytes.trimmed(Bytes.slice(line, loginEnd + 1..<count))
        // A login in double quotes loses them in the full parser.
        guard !login.isEmpty, login[0] != ParseText.quote,
            !ComboLineParser.isAdvert(login: login, password: password)
        else { return nil }
        url = Bytes.slice(line, 0..<separator)
        host = Bytes.slice(line, hostStart..<hostEnd)
        path = Bytes.slice(line, pathStart..<separator)
        self.login = login
        self.password = password
    }

    /// The classes of bytes the scans above test, one table load a byte (`UnsafePointer`: made
    /// once, never freed, so that a lookup is a plain load).
    private enum ByteClass {
        /// ASCII letters, digits, `.`, `-` and `_`.
        static let host: UInt8 = 1
        /// A host byte that makes the host a name rather than an address: letters, `-`, `_`.
        static let name: UInt8 = 2
        static let dot: UInt8 = 4
        /// Printable ASCII but for the bytes that end a path or need the full readers: `:`, `;`,
        /// `|`, `?`, `#` and `\` (space and TAB end it too).
        static let path: UInt8 = 8
        /// `/`, `?`, `&`, `=`, `#`: a field holding one may be the URL going on.
        static let continuesURL: UInt8 = 16
        static let colon: UInt8 = 32

        nonisolated(unsafe) static let table: UnsafePointer<UInt8> = {
            let table = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
            table.initialize(repeating: 0, count: 256)
            for byte in UInt8(ascii: "!")...UInt8(ascii: "~") where !"#:;?\\|".utf8.contains(byte) {
                table[Int(byte)] |= path
            }
            for byte in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_".utf8 {
                table[Int(byte)] |= host | name
            }
            for byte in "0123456789".utf8 { table[Int(byte)] |= host }
            table[Int(UInt8(ascii: "."))] |= host | dot
            for byte in "/?&=#".utf8 { table[Int(byte)] |= continuesURL }
            table[Int(UInt8(ascii: ":"))] |= colon
            return UnsafePointer(table)
        }()
    }
}
