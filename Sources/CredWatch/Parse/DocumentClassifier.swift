/// Decides what a document holds from its locator, the way every stealer-log peer does: by
/// file and folder names, case-insensitively, wherever they sit in the victim folder.
public enum DocumentClassifier {
    /// Role of a document from its locator (`dump.zip!FR[HWID]/Chrome/Default/Passwords.txt`).
    /// Case-insensitive names; the locator's components are separated by "/" or "!".
    ///
    /// A file named as credentials or system information is that, in whatever folder: the
    /// folders that mark a stealer's other grabs (`Cookies/`, `Autofill/`, `Downloads/`) say
    /// what an unremarkable name holds, but the folders above a dump are the user's
    /// (`~/Downloads/dump/…`), and a victim's own `passwords.txt` grabbed is credentials too.
    public static func role(forLocator locator: String) -> DocumentRole {
        if locator == "-" { return .combolist }
        let components = components(of: locator)
        guard let name = components.last, !name.isEmpty else { return .combolist }
        let folders = components.dropLast()
        let (stem, fileExtension) = splitExtension(name)
        let key = normalized(stem)

        if binaryExtensions.contains(fileExtension) { return .ignored }
        // Steam's `ssfn…` sentry files have no extension.
        if ignoredNames.contains(key) || key.hasPrefix("screenshot") || key.hasPrefix("ssfn") { return .ignored }
        if fileExtension == "json" {
            if key.contains("password") { return .credentialsJSON }
            if isSystemInfoName(stem) { return .systemInfoJSON }
            return .ignored  // autofills, cookies, wallets, tokens: no credential of ours
        }
        // `Passwords.txt`, `All Passwords.txt`, `_AllPasswords_list.txt`, `Password.txt`, DCRat's
        // `Browsers/…Passwords…`. A combolist misnamed so is still read: the credential parser
        // reads URL lines outside label records as combolist lines.
        if key.contains("password") && (fileExtension == "txt" || fileExtension.isEmpty) { return .credentials }
        if fileExtension == "txt" && isSystemInfoName(stem) { return .systemInfo }
        if folders.contains("cookies") { return .cookies }
        if folders.contains(where: { ignoredFolders.contains(normalized($0)) }) { return .ignored }
        if key.contains("cookies") && fileExtension == "txt" { return .cookies }
        return .combolist
    }

    /// Whether a folder's name is one of a stealer's grabs of other things than credentials
    /// (`Autofill`, `FileGrabber`, `Downloads`, any case).
    static func isGrabFolder(_ name: String) -> Bool {
        ignoredFolders.contains(normalized(name.lowercased()))
    }

    /// Lower-case components of a locator, split at `/`, `\` and `!`.
    static func components(of locator: String) -> [String] {
        // On UTF-8 bytes: splitting by Character costs more than reading a small member.
        locator.lowercased().utf8.split(whereSeparator: {
            $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "!") || $0 == UInt8(ascii: "\\")
        }).map {
            String(Substring($0))
        }
    }

    /// `All Passwords.txt` → (`all passwords`, `txt`); a leading dot is not an extension.
    private static func splitExtension(_ name: String) -> (stem: String, fileExtension: String) {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return (name, "") }
        return (String(name[..<dot]), String(name[name.index(after: dot)...]))
    }

    /// Without spaces, `_`, `-` and `.`: `System Info` and `system_info` both give `systeminfo`.
    private static func normalized(_ text: String) -> String {
        String(
            decoding: text.utf8.filter {
                $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "_") && $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: ".")
            },
            as: UTF8.self
        )
    }

    /// Whether a stem names a system-information file, with the locale, place or copy number
    /// re-packs add (`Information [pt-BR]`, `Information [US, North Charleston]`, `System_Info
    /// (2)`, `information_fr`), in any word order (`info_system`).
    static func isSystemInfoName(_ stem: String) -> Bool {
        stem.utf8.allSatisfy({ $0 < 0x80 }) ? isSystemInfoName(ascii: stem) : isSystemInfoName(characters: stem)
    }

    /// `isSystemInfoName` by `Character`s (letters and numbers of any script).
    static func isSystemInfoName(characters stem: String) -> Bool {
        var words: [Substring] = []
        var depth = 0
        var wordStart: String.Index?
        for index in stem.indices {
            let character = stem[index]
            if character == "[" || character == "(" {
                depth += 1
            } else if character == "]" || character == ")" {
                depth = max(0, depth - 1)
            }
            let isWordCharacter = depth == 0 && (character.isLetter || character.isNumber)
            if isWordCharacter {
                if wordStart == nil { wordStart = index }
            } else if let start = wordStart {
                words.append(stem[start..<index])
                wordStart = nil
            }
        }
        if let start = wordStart { words.append(stem[start...]) }
        // Copy numbers and locales (`2`, `fr`, `pt`, `br`, `en`, `us`) at the end.
        while words.count > 1, let last = words.last, last.allSatisfy(\.isNumber) || last.count == 2 {
            words.removeLast()
        }
        return systemInfoNames.contains(words.joined())
    }

    /// `isSystemInfoName` of an ASCII stem, on its bytes (letters and digits are the ASCII
    /// ones there): it runs for every member and every victim folder.
    static func isSystemInfoName(ascii stem: String) -> Bool {
        var words: [Range<Int>] = []
        var joined: [UInt8] = []
        let bytes = Array(stem.utf8)
        var depth = 0
        var wordStart: Int?
        for (index, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "(") {
                depth += 1
            } else if byte == UInt8(ascii: "]") || byte == UInt8(ascii: ")") {
                depth = max(0, depth - 1)
            }
            let isLetterOrDigit = (byte | 0x20) &- UInt8(ascii: "a") < 26 || byte &- UInt8(ascii: "0") < 10
            if depth == 0 && isLetterOrDigit {
                if wordStart == nil { wordStart = index }
            } else if let start = wordStart {
                words.append(start..<index)
                wordStart = nil
            }
        }
        if let start = wordStart { words.append(start..<bytes.count) }
        // Copy numbers and locales at the end, as above.
        while words.count > 1, let last = words.last,
            bytes[last].allSatisfy({ $0 &- UInt8(ascii: "0") < 10 }) || last.count == 2
        {
            words.removeLast()
        }
        for word in words { joined += bytes[word] }
        return systemInfoNames.contains(String(decoding: joined, as: UTF8.self))
    }

    /// System-information files of every family (lower-case words joined).
    private static let systemInfoNames: Set<String> = [
        "userinformation", "information", "informations", "systeminfo", "system", "systeminformation",
        "userinfo", "pcinfo", "info", "infosystem", "informationsystem", "sysinfo", "infosys", "machineinfo",
        "computerinfo", "deviceinfo", "victiminfo", "identification", "systemsummary", "pcinformation",
        "informationssysteme", "informationssystème", "infossysteme", "infossystème", "informação", "informações",
        "informacoes", "informacion", "información", "informacióndelsistema", "informaciondelsistema",
        "informaçõesdosistema", "informacoesdosistema", "информация", "системнаяинформация", "информацияосистеме",
    ]

    /// Siblings that hold nothing credwatch needs (normalized stems). `.log` files are read:
    /// combolists are often named so.
    private static let ignoredNames: Set<String> = [
        "processlist", "processes", "installedsoftware", "software", "installedbrowsers", "importantautofills",
        "domaindetects", "clipboard", "copyright", "credits", "cookielist", "brute", "debug", "autofill",
        "autofills", "history", "installedapps",
    ]

    /// Folders of stealer siblings without credentials (normalized).
    private static let ignoredFolders: Set<String> = [
        "autofill", "autofills", "history", "wallets", "filegrabber", "grabber", "telegram", "discord", "cc",
        "creditcards", "plugins", "downloads", "screenshots",
    ]

    /// Binary files, and applications' own configuration and data formats (Steam's `.vdf` and
    /// `.acf` key-value files that StealC copies to `soft/Steam/`): none is a list of
    /// credentials, whatever TABs or colons their lines hold.
    private static let binaryExtensions: Set<String> = [
        "jpg", "jpeg", "png", "bmp", "gif", "webp", "ico", "exe", "dll", "db", "sqlite", "sqlite3", "ldb",
        "sys", "lnk", "pdf", "dat", "wallet", "vdf", "acf",
    ]
}
