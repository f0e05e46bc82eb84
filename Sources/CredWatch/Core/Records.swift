/// The format a record came from: the stealer family when a banner, layout or file name
/// identifies it, else the generic format's name.
enum Family: String, Sendable, CaseIterable, Comparable {
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

    static func < (lhs: Family, rhs: Family) -> Bool { lhs.rawValue < rhs.rawValue }
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
    var isStructured: Bool {
        switch self {
        case .credentials, .systemInfo, .credentialsJSON, .systemInfoJSON: true
        case .cookies, .combolist, .ignored: false
        }
    }
}

/// A view of a run of bytes inside the chunk being parsed; valid only during the callback
/// that receives it.
typealias ByteView = UnsafeRawBufferPointer

/// A credential while its bytes still live in the chunk being parsed (no allocation).
public struct RawCredential {
    /// The URL, host or application as written (empty for `email:password` lines).
    var url: ByteView
    var login: ByteView
    var password: ByteView
    /// Browser or application label (`Google_[Chrome]_Default`), when the format has one.
    var software: ByteView = ByteView(start: nil, count: 0)
    /// 1-based line number of the record's first line in its document.
    var line: Int
    /// Byte offset of that line's start in the member as stored (`LineOffsets`).
    var offset: Int64
    var family: Family
    /// `host:port:login:password` was read with the second field as a port.
    var isAmbiguous: Bool = false

}

/// One line of a Netscape cookie file. The cookie's value is never kept past parsing: the
/// match stage keeps only its keyed fingerprint.
public struct RawCookie {
    var domain: ByteView
    var includeSubdomains: Bool
    var path: ByteView
    var isSecure: Bool
    /// Unix seconds; 0 for a session cookie.
    var expiry: Int64
    var name: ByteView
    /// The session secret itself (empty when the line has none): fingerprinted, never kept.
    var value: ByteView = ByteView(start: nil, count: 0)
    var isHTTPOnly: Bool
    var line: Int
    /// Byte offset of the line's start in the member as stored.
    var offset: Int64

}

/// What a stealer's system-information file says about the infected machine.
public struct VictimInfo: Sendable, Equatable, Hashable {
    var hostname: String?
    var user: String?
    /// Active Directory domain, when the family records one (nil for workgroup machines).
    var domain: String?
    var ip: String?
    var country: String?
    var hwid: String?
    var os: String?
    /// The log date as written.
    var logDateRaw: String?
    /// The log date parsed leniently: a UTC date-time (`2024-11-03T10:22:14Z`), or a date alone.
    var logDate: Timestamp?
    /// Build id, build name, affiliate or traffic tag.
    var build: String?
    var family: Family?

    init() {}

    /// True when no field was found.
    var isEmpty: Bool {
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
    var filtersCandidates: Bool { false }
    mutating func isCandidate(_ line: PlainComboLine) -> Bool { true }
    public mutating func recordsTurnedAway(_ count: Int) {}
}
