/// The part of a credential record a label names.
enum CredentialField: Int {
    case software
    /// StealC's `profile:`, joined to the browser as `Browser [Profile]`.
    case profile
    case host
    case login
    case password
}

/// The label words of stealer credential files (lexfo's vocabulary plus kitty's and jesse's
/// host aliases). Their capitalisation tells layouts apart, so they are kept distinct.
enum CredentialWord: Int, CaseIterable {
    case soft, browser, application, storage, profile
    case host, hostname, url, ur1, site, link, domain, location, origin, website
    case userLogin, login, username, user, u53rn4m3, email, mail, account
    case userPassword, password, pass, p455w0rd, pwd, passwords

    var field: CredentialField {
        switch self {
        case .soft, .browser, .application, .storage: .software
        case .profile: .profile
        case .host, .hostname, .url, .ur1, .site, .link, .domain, .location, .origin, .website: .host
        case .userLogin, .login, .username, .user, .u53rn4m3, .email, .mail, .account: .login
        case .userPassword, .password, .pass, .p455w0rd, .pwd, .passwords: .password
        }
    }

    /// Spellings, lower-case and without filler (`User Name` → `username`). Re-packs translate
    /// the labels (French, Russian, Portuguese, Spanish): the translations spell the same words.
    static let table: [(StaticString, CredentialWord)] = [
        ("soft", .soft), ("software", .soft), ("browser", .browser), ("application", .application),
        ("storage", .storage), ("profile", .profile),
        ("host", .host), ("hostname", .hostname), ("url", .url), ("ur1", .ur1), ("site", .site), ("link", .link),
        ("domain", .domain), ("location", .location), ("origin", .origin), ("website", .website),
        ("userlogin", .userLogin), ("login", .login), ("username", .username), ("user", .user),
        ("u53rn4m3", .u53rn4m3), ("email", .email), ("mail", .mail), ("account", .account),
        ("userpassword", .userPassword), ("password", .password), ("pass", .pass), ("p455w0rd", .p455w0rd),
        ("pwd", .pwd), ("passwords", .passwords),
        // Translations.
        ("navigateur", .browser), ("браузер", .browser), ("navegador", .browser),
        ("siteweb", .site), ("сайт", .site), ("ссылка", .link), ("адрес", .url), ("endereço", .url),
        ("sitio", .site), ("identifiant", .login), ("utilisateur", .user), ("nomdutilisateur", .username),
        ("логин", .login), ("пользователь", .user), ("имяпользователя", .username), ("usuário", .user),
        ("usuario", .user), ("utilizador", .user), ("nomedeusuário", .username), ("nombredeusuario", .username),
        ("correo", .email), ("courriel", .email), ("почта", .mail), ("motdepasse", .password),
        ("пароль", .password), ("senha", .password), ("contraseña", .password), ("contrasena", .password),
    ]
}

/// Which label spellings a file used (word × capitalisation), as a bit set.
struct LabelSignature {
    private var low: UInt64 = 0
    private var high: UInt64 = 0

    mutating func insert(_ word: CredentialWord, _ capitalisation: Capitalisation) {
        let bit = word.rawValue * Capitalisation.allCases.count + capitalisation.rawValue
        if bit < 64 { low |= 1 << UInt64(bit) } else { high |= 1 << UInt64(bit - 64) }
    }

    func contains(_ word: CredentialWord, _ capitalisation: Capitalisation) -> Bool {
        let bit = word.rawValue * Capitalisation.allCases.count + capitalisation.rawValue
        return bit < 64 ? low & (1 << UInt64(bit)) != 0 : high & (1 << UInt64(bit - 64)) != 0
    }
}

/// What a credential file reveals about the stealer that wrote it: its banner, its separators
/// and the spelling of its labels.
struct CredentialFileEvidence {
    var banner: Family?
    var signature = LabelSignature()
    var sawHeavyRule = false
    var sawDashRule64 = false
    var sawPipeDecoratedSite = false
    /// The field whose label opens a record (the first label of the file): a new label of
    /// that field starts a new record even without a separator (Lumma, Atomic).
    var leadingField: CredentialField?
    private var bannerLinesSearched = 0

    mutating func observe(_ line: CredentialLine) {
        switch line {
        case .separator(let kind):
            if kind == .heavyRule { sawHeavyRule = true }
            if kind == .dashRule64 { sawDashRule64 = true }
        case .field(let word, let split):
            signature.insert(word, LabelText.capitalisation(split.label))
            if leadingField == nil { leadingField = word.field == .profile ? .software : word.field }
            if word == .site && split.isPipeDecorated { sawPipeDecoratedSite = true }
        case .advert(let trimmed), .text(let trimmed):
            if banner == nil && bannerLinesSearched < BannerFamily.linesToSearch {
                bannerLinesSearched += 1
                banner = BannerFamily.detect(trimmed)
            }
        case .blank, .decoration, .ignoredLabel:
            break
        }
    }

    /// The family: banner first, then the file name, the separators, the label layout.
    func family(locator: String) -> Family {
        if let banner { return banner }
        let components = DocumentClassifier.components(of: locator)
        if components.last == "_allpasswords_list.txt" { return .caliber44 }
        if sawHeavyRule { return .bradmax }
        if sawPipeDecoratedSite { return .collector }
        let has = signature.contains
        if has(.soft, .upper) && has(.pass, .upper) { return .lumma }
        if has(.host, .upper) && has(.user, .upper) && has(.pass, .upper) { return .raccoon }
        if has(.browser, .lower) || has(.profile, .lower) { return .stealc }
        if has(.soft, .mixed) && has(.host, .mixed) { return .vidar }
        if components.dropLast().contains("browsers") && has(.url, .upper) && has(.login, .mixed) { return .dcrat }
        if has(.url, .upper) && has(.username, .mixed) { return .redline }
        if has(.url, .upper) && has(.login, .upper) && has(.password, .upper) { return .atomic }
        if sawDashRule64 { return .stealc }
        return .labels
    }
}

/// Family names in banners and adverts (`Racc0_0n`, `LummaC2`, ASCII-art `RedLine`…).
enum BannerFamily {
    /// Banners sit among a file's first lines: a huge file is not searched past this many
    /// lines that are not labels.
    static let linesToSearch = 200

    private static let keywords: [(StaticString, Family)] = [
        ("racc0_0n", .raccoon), ("raccoon", .raccoon), ("redline", .redline), ("lummac2", .lumma),
        ("lumma", .lumma), ("stealc", .stealc), ("vidar", .vidar), ("rhadamanthys", .rhadamanthys),
        ("risepro", .risepro), ("meduza", .meduza), ("whitesnake", .whitesnake), ("phemedrone", .phemedrone),
        ("cryptbot", .cryptbot), ("atomic mac stealer", .atomic), ("atomic stealer", .atomic),
        ("bradmax", .bradmax), ("44caliber", .caliber44), ("dcrat", .dcrat), ("metastealer", .meta),
    ]

    static func detect(_ line: UnsafeRawBufferPointer) -> Family? {
        for (keyword, family) in keywords where ParseText.containsLowercased(line, keyword) { return family }
        // META's banner says `META` alone, a word too short to search inside other words.
        if ParseText.containsWord(line, "meta") { return .meta }
        return nil
    }
}
