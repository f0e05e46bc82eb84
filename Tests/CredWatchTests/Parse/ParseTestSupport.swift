@testable import CredWatch

/// Fixtures and a recording sink for the parse stage's tests.
enum ParseFixture {
    /// A credential as the tests compare it: the views copied into Strings.
    struct Credential: Equatable, CustomStringConvertible {
        var url: String
        var login: String
        var password: String
        var software: String = ""
        var line: Int
        var family: Family
        var isAmbiguous = false

        var description: String {
            "(\(url) | \(login) | \(password) | \(software) | line \(line) | \(family)\(isAmbiguous ? " | ambiguous" : ""))"
        }
    }

    struct Cookie: Equatable {
        var domain: String
        var includeSubdomains: Bool
        var path: String
        var isSecure: Bool
        var expiry: Int64
        var name: String
        var isHTTPOnly: Bool
        var line: Int
    }

    /// Records everything a parser emits, copying the views (valid only during each call).
    struct Sink: RecordSink {
        var credentials: [Credential] = []
        /// The raw bytes of each password, to check that bytes are passed on untouched.
        var passwordBytes: [[UInt8]] = []
        var cookies: [Cookie] = []
        /// Each cookie's value as handed on (for the match stage to fingerprint).
        var cookieValues: [String] = []
        var machines: [(info: VictimInfo, line: Int)] = []
        /// The member offsets of the credentials', cookies' and machines' lines, in order.
        var credentialOffsets: [Int64] = []
        var cookieOffsets: [Int64] = []
        var machineOffsets: [Int64] = []
        var skipped = 0

        mutating func credential(_ record: RawCredential) {
            credentials.append(
                Credential(
                    url: Text.string(record.url),
                    login: Text.string(record.login),
                    password: Text.string(record.password),
                    software: Text.string(record.software),
                    line: record.line,
                    family: record.family,
                    isAmbiguous: record.isAmbiguous
                )
            )
            passwordBytes.append(Array(record.password))
            credentialOffsets.append(record.offset)
        }

        mutating func cookie(_ record: RawCookie) {
            cookies.append(
                Cookie(
                    domain: Text.string(record.domain),
                    includeSubdomains: record.includeSubdomains,
                    path: Text.string(record.path),
                    isSecure: record.isSecure,
                    expiry: record.expiry,
                    name: Text.string(record.name),
                    isHTTPOnly: record.isHTTPOnly,
                    line: record.line
                )
            )
            cookieValues.append(Text.string(record.value))
            cookieOffsets.append(record.offset)
        }

        mutating func machine(_ info: VictimInfo, line: Int, offset: Int64) {
            machines.append((info, line))
            machineOffsets.append(offset)
        }

        mutating func skippedLines(_ count: Int) {
            skipped += count
        }
    }

    /// Parses `bytes` as the whole document at `locator` (its role from the classifier).
    static func parse(bytes: [UInt8], locator: String, firstLine: Int = 1) -> Sink {
        let document = Document(locator: locator, role: DocumentClassifier.role(forLocator: locator))
        let chunk = TextChunk(document: document, firstLine: firstLine, text: bytes, isWholeDocument: true)
        var parser = DocumentParser()
        var sink = Sink()
        parser.parse(chunk, into: &sink)
        return sink
    }

    /// Parses UTF-8 `text` as the whole document at `locator`.
    static func parse(_ text: String, locator: String, firstLine: Int = 1) -> Sink {
        parse(bytes: Array(text.utf8), locator: locator, firstLine: firstLine)
    }

    /// A machine record with the given fields, for exact comparisons.
    static func victim(
        hostname: String? = nil,
        user: String? = nil,
        domain: String? = nil,
        ip: String? = nil,
        country: String? = nil,
        hwid: String? = nil,
        os: String? = nil,
        logDateRaw: String? = nil,
        logDate: Timestamp? = nil,
        build: String? = nil,
        family: Family?
    ) -> VictimInfo {
        var info = VictimInfo()
        info.hostname = hostname
        info.user = user
        info.domain = domain
        info.ip = ip
        info.country = country
        info.hwid = hwid
        info.os = os
        info.logDateRaw = logDateRaw
        info.logDate = logDate
        info.build = build
        info.family = family
        return info
    }
}
