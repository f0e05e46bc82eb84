/// The format a record came from: the stealer family when a banner, layout or file name
/// identifies it, else the generic format's name.
public enum Family: String, Sendable, CaseIterable, Comparable {
    case redline
    case meta
    case vidar
    case stealc
    case lumma
    case raccoon
    case atomic
    case caliber44 = "44caliber"
    case collector
    case dcrat
    case bradmax
    case rhadamanthys
    case risepro
    case meduza
    case whitesnake
    case phemedrone
    case cryptbot
    case systeminfo
    /// Label-driven stealer records whose family nothing identified.
    case labels
    /// JSON stealer logs (`Passwords.json`, `Info.json`).
    case json
    /// A line of a combolist (`url:login:password`, `email:password`, `login:password`).
    case ulp
    /// Netscape cookie file.
    case cookies
    /// Credential carried inside a URL (userinfo, Mediboard `login=`).
    case url

    public static func < (lhs: Family, rhs: Family) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// What a text document holds, judged from its name; it decides which parser reads it.
public enum DocumentRole: Sendable, Equatable {
    /// A stealer credential file (`Passwords.txt`, `All Passwords.txt`…).
    case credentials
    /// A stealer system-information file (`UserInformation.txt`, `System.txt`…).
    case systemInfo
    /// A Netscape cookie file.
    case cookies
    /// A JSON credential file (`Passwords.json`).
    case credentialsJSON
    /// A JSON system-information file (`Info.json`).
    case systemInfoJSON
    /// Anything else that is text: read as a combolist.
    case combolist
    /// A known stealer sibling that holds nothing credwatch needs (history, autofill,
    /// screenshots…): not read at all.
    case ignored

    /// Structured documents are parsed whole, so that records and labels keep their context.
    public var isStructured: Bool {
        switch self {
        case .credentials, .systemInfo, .credentialsJSON, .systemInfoJSON: true
        case .cookies, .combolist, .ignored: false
        }
    }
}

/// A view of a run of bytes inside the chunk being parsed; valid only during the callback
/// that receives it.
public typealias ByteView = UnsafeRawBufferPointer

/// A credential while its bytes still live in the chunk being parsed (no allocation).
public struct RawCredential {
    /// The URL, host or application as written (empty for `email:password` lines).
    public var url: ByteView
    public var login: ByteView
    public var password: ByteView
    /// Browser or application label (`Google_[Chrome]_Default`), when the format has one.
    public var software: ByteView
    /// 1-based line number of the record's first line in its document.
    public var line: Int
    /// Byte offset of that line's start in the member as stored (`LineOffsets`).
    public var offset: Int64
    public var family: Family
    /// `host:port:login:password` was read with the second field as a port.
    public var isAmbiguous: Bool

    public init(
        url: ByteView,
        login: ByteView,
        password: ByteView,
        software: ByteView = ByteView(start: nil, count: 0),
        line: Int,
        offset: Int64,
        family: Family,
        isAmbiguous: Bool = false
    ) {
        self.url = url
        self.login = login
        self.password = password
        self.software = software
        self.line = line
        self.offset = offset
        self.family = family
        self.isAmbiguous = isAmbiguous
    }
}

/// One line of a Netscape cookie file. The cookie's value is never kept past parsing: the
/// match stage keeps only its keyed fingerprint.
public struct RawCookie {
    public var domain: ByteView
    public var includeSubdomains: Bool
    public var path: ByteView
    public var isSecure: Bool
    /// Unix seconds; 0 for a session cookie.
    public var expiry: Int64
    public var name: ByteView
    /// The session secret itself (empty when the line has none): fingerprinted, never kept.
    public var value: ByteView
    public var isHTTPOnly: Bool
    public var line: Int
    /// Byte offset of the line's start in the member as stored.
    public var offset: Int64

    public init(
        domain: ByteView,
        includeSubdomains: Bool,
        path: ByteView,
        isSecure: Bool,
        expiry: Int64,
        name: ByteView,
        value: ByteView = ByteView(start: nil, count: 0),
        isHTTPOnly: Bool,
        line: Int,
        offset: Int64
    ) {
        self.domain = domain
        self.includeSubdomains = includeSubdomains
        self.path = path
        self.isSecure = isSecure
        self.expiry = expiry
        self.name = name
        self.value = value
        self.isHTTPOnly = isHTTPOnly
        self.line = line
        self.offset = offset
    }
}

/// What a stealer's system-information file says about the infected machine.
public struct VictimInfo: Sendable, Equatable, Hashable {
    public var hostname: String?
    public var user: String?
    /// Active Directory domain, when the family records one (nil for workgroup machines).
    public var domain: String?
    public var ip: String?
    public var country: String?
    public var hwid: String?
    public var os: String?
    /// The log date as written.
    public var logDateRaw: String?
    /// The log date parsed leniently: a UTC date-time (`2024-11-03T10:22:14Z`), or a date alone.
    public var logDate: Timestamp?
    /// Build id, build name, affiliate or traffic tag.
    public var build: String?
    public var family: Family?

    public init() {}

    /// True when no field was found.
    public var isEmpty: Bool {
        hostname == nil && user == nil && domain == nil && ip == nil && country == nil && hwid == nil
            && os == nil && logDateRaw == nil && build == nil
    }
}

/// Receives what a parser reads, record by record, without allocation.
public protocol RecordSink {
    mutating func credential(_ record: RawCredential)
    mutating func cookie(_ record: RawCookie)
    /// System information of the victim whose folder holds the document; `line` is where the
    /// block starts, `offset` that line's byte offset in the member.
    mutating func machine(_ info: VictimInfo, line: Int, offset: Int64)
    /// Lines that were read but held nothing: comments, adverts, banners, junk.
    mutating func skippedLines(_ count: Int)

    /// Whether the sink answers `isCandidate` (checked once per chunk).
    var filtersCandidates: Bool { get }
    /// Candidate-first scanning: false when the credential of this combolist line cannot yield
    /// anything for the sink. The line is then counted with `recordsTurnedAway` instead of being
    /// handed over, and never reaches the full parser. The default takes every line.
    mutating func isCandidate(_ line: PlainComboLine) -> Bool
    /// Records read but not handed over, as `isCandidate` said they yield nothing.
    mutating func recordsTurnedAway(_ count: Int)
}

extension RecordSink {
    public var filtersCandidates: Bool { false }
    public mutating func isCandidate(_ line: PlainComboLine) -> Bool { true }
    public mutating func recordsTurnedAway(_ count: Int) {}
}
