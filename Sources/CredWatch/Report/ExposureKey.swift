/// The stable identity of an exposure, which decides what merges into one finding and what the
/// state store remembers (`text`: `kind|who|platform|detail`).
///
/// Hashed by its parts while sightings arrive (no string is built per sighting); the text is
/// built once per finding, with each part percent-escaped (`%`, `|`, `;`) so that hostile
/// logins or cookie names cannot make two different exposures share a key. No part is ever a
/// secret: passwords and cookie values enter only as keyed fingerprints, and the logins and
/// names are the redacted ones (`SecretValues`).
struct ExposureKey: Hashable {
    let kind: FindingKind
    /// The account identifier, or the case-folded login when there is no account; for a
    /// cookie, the victim machine's identity (`ExposureKey.machineIdentity`, "" when unknown),
    /// which the aggregator sets once the machines are known.
    private(set) var who: String
    let platform: String
    /// The password fingerprint, or the cookie's case-folded domain.
    let what: String
    /// The cookie's name ("" for credentials).
    let name: String
    /// The keyed fingerprint of the cookie's value ("" for credentials).
    let valueFingerprint: String
    /// For a cookie until its machine is known: the folder of the file it was read in (every
    /// cookie file of one folder belongs to one machine). "" once `who` holds the machine.
    private(set) var folder: String

    /// Credential and reuse: the account (or, without one, the case-folded login), the
    /// platform and the password fingerprint. Unknown accounts: the case-folded login.
    /// Cookies: the platform, the cookie's domain, its name, the fingerprint of its value, and
    /// (see `onMachine`) the victim machine.
    init(_ sighting: Sighting, account: Account?) {
        kind = sighting.kind
        platform = sighting.platform?.id ?? ""
        switch sighting.kind {
        case .cookie:
            who = ""
            what = sighting.cookie?.domain.lowercased() ?? ""
            name = sighting.cookie?.name ?? ""
            valueFingerprint = sighting.cookie?.valueFingerprint ?? ""
            folder = Locator.parent(of: sighting.source.path)
        case .credential, .reuse, .unknownAccount, .infectedMachine:
            if sighting.kind != .unknownAccount, let account {
                who = account.identifier
            } else {
                who = (sighting.login ?? "").lowercased()
            }
            what = sighting.password?.fingerprint ?? ""
            name = ""
            valueFingerprint = ""
            folder = ""
        }
    }

    /// The key of a cookie once the machine of its folder is known: the same session cookie
    /// read in several folders of one machine is one exposure; on another machine, another.
    func onMachine(_ identity: String) -> ExposureKey {
        var key = self
        key.who = identity
        key.folder = ""
        return key
    }

    var text: String {
        let detail =
            kind == .cookie
            ? Self.escape(what) + ";" + Self.escape(name) + ";" + Self.escape(valueFingerprint) : Self.escape(what)
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
        guard
            component.utf8.contains(where: {
                $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "|") || $0 == UInt8(ascii: ";")
            })
        else { return component }
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
