/// The stable identity of an exposure, which decides what merges into one finding and what the
/// state store remembers (`text`: `kind|account-or-login|platform|fingerprint-or-cookie`).
///
/// Hashed by its parts while sightings arrive (no string is built per sighting); the text is
/// built once per finding, with each part percent-escaped (`%`, `|`, `;`) so that hostile
/// logins or cookie names cannot make two different exposures share a key.
struct ExposureKey: Hashable {
    let kind: FindingKind
    /// The account identifier, or the case-folded login when there is no account.
    let who: String
    let platform: String
    /// The password fingerprint, or the cookie's case-folded domain.
    let what: String
    /// The cookie's name ("" for credentials).
    let name: String

    /// Credential and reuse: the account (or, without one, the case-folded login), the
    /// platform and the password fingerprint. Unknown accounts: the case-folded login.
    /// Cookies: the platform, the cookie's domain and its name.
    init(_ sighting: Sighting, account: Account?) {
        kind = sighting.kind
        platform = sighting.platform?.id ?? ""
        switch sighting.kind {
        case .cookie:
            who = ""
            what = sighting.cookie?.domain.lowercased() ?? ""
            name = sighting.cookie?.name ?? ""
        case .credential, .reuse, .unknownAccount, .infectedMachine:
            if sighting.kind != .unknownAccount, let account {
                who = account.identifier
            } else {
                who = (sighting.login ?? "").lowercased()
            }
            what = sighting.password?.fingerprint ?? ""
            name = ""
        }
    }

    var text: String {
        let detail = kind == .cookie ? Self.escape(what) + ";" + Self.escape(name) : Self.escape(what)
        return Self.compose(kind, who, platform, detail)
    }

    /// An infected machine's key, from its identity (whose parts are already escaped).
    static func text(machineIdentity: String) -> String {
        compose(.infectedMachine, "", "", machineIdentity)
    }

    /// How a victim machine is told apart: the hardware id, else host name and user, else
    /// the folder that holds its system information. Case-folded: Windows names are not
    /// case-sensitive and families disagree on the case of hardware ids.
    static func machineIdentity(of info: VictimInfo, folder: String) -> String {
        if let hwid = info.hwid, !hwid.isEmpty { return "hwid:" + escape(hwid.lowercased()) }
        if let host = info.hostname, !host.isEmpty {
            return "host:" + escape(host.lowercased()) + ";" + escape((info.user ?? "").lowercased())
        }
        return "folder:" + escape(folder)
    }

    private static func compose(_ kind: FindingKind, _ who: String, _ platform: String, _ detail: String) -> String {
        kind.rawValue + "|" + escape(who) + "|" + escape(platform) + "|" + detail
    }

    /// Percent-escapes the characters the key uses as separators.
    static func escape(_ component: String) -> String {
        guard component.utf8.contains(where: { $0 == 0x25 || $0 == 0x7C || $0 == 0x3B }) else { return component }
        var escaped = ""
        for character in component.unicodeScalars {
            switch character {
            case "%": escaped += "%25"
            case "|": escaped += "%7C"
            case ";": escaped += "%3B"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
