import Testing

@testable import CredWatch

/// One system-information or password-file layout of a stealer family, as a public description
/// shows it, rewritten with synthetic values, and what the parser must extract from it.
struct Layout: CustomTestStringConvertible, Sendable {
    /// The family as the description names it (`"RedLine"`, `"CSWmicDumpStealer"`).
    var family: String
    /// Where the layout is described.
    var source: String
    /// The file's path inside a victim folder (its name decides the parser).
    var path: String
    var text: String
    /// The victim's information the file gives; nil for a password file.
    var machine: ExpectedMachine?
    /// The credentials, in file order (url, login, password).
    var credentials: [ExpectedCredential] = []
    /// The family the parser must name, when it knows it.
    var parsedFamily: Family?

    var testDescription: String { "\(family): \(path)" }
}

/// The fields of `VictimInfo` that tie a victim to the organisation: nil means absent.
struct ExpectedMachine: Equatable, Sendable {
    var hostname: String?
    var user: String?
    var ip: String?
    var country: String?
    /// The log date as written, and as ISO 8601 when the date module reads it.
    var logDateRaw: String?
    var logDate: String?

    init(
        hostname: String? = nil,
        user: String? = nil,
        ip: String? = nil,
        country: String? = nil,
        logDateRaw: String? = nil,
        logDate: String? = nil
    ) {
        self.hostname = hostname
        self.user = user
        self.ip = ip
        self.country = country
        self.logDateRaw = logDateRaw
        self.logDate = logDate
    }

    init(_ info: VictimInfo) {
        self.init(
            hostname: info.hostname,
            user: info.user,
            ip: info.ip,
            country: info.country,
            logDateRaw: info.logDateRaw,
            logDate: info.logDate?.iso8601
        )
    }
}

struct ExpectedCredential: Equatable, Sendable, CustomStringConvertible {
    var url: String
    var login: String
    var password: String

    init(_ url: String, _ login: String, _ password: String) {
        self.url = url
        self.login = login
        self.password = password
    }

    var description: String { "(\(url) | \(login) | \(password))" }
}

/// Every layout of the catalogue.
enum LayoutCatalogue {
    static let all: [Layout] = systemInformation + passwordFiles + repacks
}
