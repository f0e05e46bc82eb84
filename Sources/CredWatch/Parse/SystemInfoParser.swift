/// A field of `VictimInfo`.
enum MachineField {
    case hostname, user, domain, ip, country, hwid, os, logDate, build
}

/// How a system-information value is written when it carries more than one field.
enum MachineValueForm {
    case plain
    /// RisePro's `NAME [DOMAIN]` (`[WORKGROUP]`: no domain).
    case computerAndDomain
    /// CryptBot's `user (HOST)`, `user [HOST]` or `user   HOST`.
    case userAndComputer
    /// Raccoon v2's `User ID: <GUID>|<user>`.
    case guidAndUser
    /// Raccoon v1's `Bot_ID: <uuid>_<user>`.
    case uuidAndUser
    /// Raccoon v2's `IP info: CC 1.2.3.4`.
    case countryAndIP
    /// RisePro's `Location: CC, City` (other families write a city there: ignored).
    case countryFirst
    /// Atomic's `ProductVersion:`, appended to `ProductName:`.
    case productVersion
    /// RL Stealer's `IP Geolocation: 203.0.113.7 [France]`.
    case ipAndCountry
    /// WMI's `Name:`: the machine's name inside a `Computer System` section only (elsewhere the
    /// name of a CPU, a disk, an account or a process).
    case computerSystemName
}

/// What a system-information label means: a field with a rank (lower wins when several
/// labels give the same field), the value's form, and the family the label betrays.
struct MachineLabel {
    var field: MachineField?
    var rank: Int
    var form: MachineValueForm
    var marker: Family?

    init(_ field: MachineField?, _ rank: Int = 0, _ form: MachineValueForm = .plain, marks marker: Family? = nil) {
        self.field = field
        self.rank = rank
        self.form = form
        self.marker = marker
    }

    /// Every template of the reference's §2 table and of the long tail (lower-case, without
    /// filler), with the synonyms re-packs and smaller families use in English, French,
    /// Russian, Portuguese and Spanish. One vocabulary: a family is never a branch of its own.
    static let table: [(StaticString, MachineLabel)] = [
        ("machinename", MachineLabel(.hostname, marks: .redline)),
        ("computername", MachineLabel(.hostname, 0, .computerAndDomain)),
        ("hostname", MachineLabel(.hostname, 1)),
        ("computer", MachineLabel(.hostname, 1)),
        ("pc", MachineLabel(.hostname, 1)),
        ("pcname", MachineLabel(.hostname, 1)),
        ("netbios", MachineLabel(.hostname, 2, marks: .lumma)),
        ("devicename", MachineLabel(.hostname, 2)),
        ("username", MachineLabel(.user)),
        ("user", MachineLabel(.user, 1)),
        ("registeredowner", MachineLabel(.user, 2, marks: .systeminfo)),
        ("usernamecomputername", MachineLabel(.user, 0, .userAndComputer, marks: .cryptbot)),
        ("userid", MachineLabel(.user, 0, .guidAndUser, marks: .raccoon)),
        ("botid", MachineLabel(.user, 1, .uuidAndUser, marks: .raccoon)),
        ("domain", MachineLabel(.domain)),
        ("domainname", MachineLabel(.domain, 0, marks: .rhadamanthys)),
        ("userdomain", MachineLabel(.domain, 1)),
        ("ip", MachineLabel(.ip)),
        ("ipaddress", MachineLabel(.ip)),
        ("ipv4", MachineLabel(.ip, 1)),
        ("externalip", MachineLabel(.ip, 1)),
        ("publicip", MachineLabel(.ip, 1)),
        ("ipinfo", MachineLabel(.ip, 0, .countryAndIP, marks: .raccoon)),
        ("country", MachineLabel(.country)),
        ("countrycode", MachineLabel(.country, 0, marks: .meduza)),
        ("location", MachineLabel(.country, 2, .countryFirst)),
        ("hwid", MachineLabel(.hwid)),
        ("hardwareid", MachineLabel(.hwid, 0, marks: .phemedrone)),
        ("machineid", MachineLabel(.hwid, 1)),
        ("hardwareuuid", MachineLabel(.hwid, 1, marks: .atomic)),
        ("uuid", MachineLabel(.hwid, 2)),
        ("guid", MachineLabel(.hwid, 2)),
        ("operationsystem", MachineLabel(.os)),
        ("operatingsystem", MachineLabel(.os)),
        ("os", MachineLabel(.os)),
        ("osversion", MachineLabel(.os)),
        ("osname", MachineLabel(.os, 0, marks: .systeminfo)),
        ("windows", MachineLabel(.os, 1)),
        ("windowsname", MachineLabel(.os, 1, marks: .phemedrone)),
        ("productname", MachineLabel(.os, 1, marks: .atomic)),
        ("productversion", MachineLabel(.os, 1, .productVersion)),
        ("computeros", MachineLabel(.os, 1)),
        ("system", MachineLabel(.os, 2)),
        ("windowsversion", MachineLabel(.os, 3)),
        ("logdate", MachineLabel(.logDate)),
        ("date", MachineLabel(.logDate)),
        ("lastseen", MachineLabel(.logDate, 0, marks: .raccoon)),
        ("launchedat", MachineLabel(.logDate, 0, marks: .raccoon)),
        ("localdateandtime", MachineLabel(.logDate, 0, marks: .cryptbot)),
        ("datatime", MachineLabel(.logDate, 0, marks: .cryptbot)),
        ("localdate", MachineLabel(.logDate, 1)),
        ("systemtime", MachineLabel(.logDate, 1, marks: .whitesnake)),
        ("localtime", MachineLabel(.logDate, 2)),
        ("installdate", MachineLabel(.logDate, 4)),
        ("buildid", MachineLabel(.build, 0, marks: .redline)),
        ("build", MachineLabel(.build)),
        ("buildname", MachineLabel(.build, 0, marks: .meduza)),
        ("lummac2build", MachineLabel(.build, 0, marks: .lumma)),
        ("trafficname", MachineLabel(.build, 1, marks: .rhadamanthys)),
        ("traffic", MachineLabel(.build, 1, marks: .rhadamanthys)),
        ("version", MachineLabel(.build, 1, marks: .vidar)),
        ("lid", MachineLabel(.build, 2, marks: .lumma)),
        // The long tail: machine.
        ("compname", MachineLabel(.hostname, 1)),
        ("clientname", MachineLabel(.hostname, 1)),
        ("dnshostname", MachineLabel(.hostname, 1)),
        ("machine", MachineLabel(.hostname, 1)),
        ("workstation", MachineLabel(.hostname, 1)),
        ("workstationname", MachineLabel(.hostname, 1)),
        ("device", MachineLabel(.hostname, 2)),
        ("host", MachineLabel(.hostname, 2)),
        ("name", MachineLabel(.hostname, 3, .computerSystemName)),
        ("nomdelordinateur", MachineLabel(.hostname)),
        ("nomdelamachine", MachineLabel(.hostname)),
        ("nomduposte", MachineLabel(.hostname)),
        ("ordinateur", MachineLabel(.hostname, 1)),
        ("postedetravail", MachineLabel(.hostname, 1)),
        ("nomdhôte", MachineLabel(.hostname, 1)),
        ("nomdelappareil", MachineLabel(.hostname, 1)),
        ("poste", MachineLabel(.hostname, 2)),
        ("appareil", MachineLabel(.hostname, 2)),
        ("имякомпьютера", MachineLabel(.hostname)),
        ("имямашины", MachineLabel(.hostname)),
        ("компьютер", MachineLabel(.hostname, 1)),
        ("имяпк", MachineLabel(.hostname, 1)),
        ("пк", MachineLabel(.hostname, 1)),
        ("имяхоста", MachineLabel(.hostname, 1)),
        ("машина", MachineLabel(.hostname, 1)),
        ("рабочаястанция", MachineLabel(.hostname, 1)),
        ("хост", MachineLabel(.hostname, 2)),
        ("устройство", MachineLabel(.hostname, 2)),
        ("nomedocomputador", MachineLabel(.hostname)),
        ("nomedamáquina", MachineLabel(.hostname)),
        ("nomedamaquina", MachineLabel(.hostname)),
        ("computador", MachineLabel(.hostname, 1)),
        ("máquina", MachineLabel(.hostname, 1)),
        ("maquina", MachineLabel(.hostname, 1)),
        ("nomedohost", MachineLabel(.hostname, 1)),
        ("nomedodispositivo", MachineLabel(.hostname, 1)),
        ("estaçãodetrabalho", MachineLabel(.hostname, 1)),
        ("dispositivo", MachineLabel(.hostname, 2)),
        ("nombredelequipo", MachineLabel(.hostname)),
        ("nombredelordenador", MachineLabel(.hostname)),
        ("nombredelacomputadora", MachineLabel(.hostname)),
        ("nombredelamáquina", MachineLabel(.hostname)),
        ("equipo", MachineLabel(.hostname, 1)),
        ("ordenador", MachineLabel(.hostname, 1)),
        ("computadora", MachineLabel(.hostname, 1)),
        ("nombredehost", MachineLabel(.hostname, 1)),
        ("nombredeldispositivo", MachineLabel(.hostname, 1)),
        ("estacióndetrabajo", MachineLabel(.hostname, 1)),
        // User.
        ("pcusername", MachineLabel(.user)),
        ("pcuser", MachineLabel(.user)),
        ("windowsusername", MachineLabel(.user)),
        ("windowsuser", MachineLabel(.user, 1)),
        ("currentuser", MachineLabel(.user, 1)),
        ("loginname", MachineLabel(.user, 1)),
        ("login", MachineLabel(.user, 2)),
        ("userinfo", MachineLabel(.user, 2)),
        ("accountname", MachineLabel(.user, 2)),
        ("nomdutilisateur", MachineLabel(.user)),
        ("nomdelutilisateur", MachineLabel(.user)),
        ("utilisateur", MachineLabel(.user, 1)),
        ("identifiant", MachineLabel(.user, 2)),
        ("имяпользователя", MachineLabel(.user)),
        ("пользователь", MachineLabel(.user, 1)),
        ("юзер", MachineLabel(.user, 1)),
        ("логин", MachineLabel(.user, 2)),
        ("учетнаязапись", MachineLabel(.user, 2)),
        ("nomedousuário", MachineLabel(.user)),
        ("nomedeusuário", MachineLabel(.user)),
        ("nomedousuario", MachineLabel(.user)),
        ("nomedeusuario", MachineLabel(.user)),
        ("nomedeutilizador", MachineLabel(.user)),
        ("usuário", MachineLabel(.user, 1)),
        ("usuario", MachineLabel(.user, 1)),
        ("utilizador", MachineLabel(.user, 1)),
        ("nombredeusuario", MachineLabel(.user)),
        ("nombredelusuario", MachineLabel(.user)),
        // IP.
        ("publicipaddress", MachineLabel(.ip, 1)),
        ("externalipaddress", MachineLabel(.ip, 1)),
        ("wanip", MachineLabel(.ip, 1)),
        ("ipgeolocation", MachineLabel(.ip, 1, .ipAndCountry)),
        ("adresseip", MachineLabel(.ip)),
        ("ipexterne", MachineLabel(.ip, 1)),
        ("ippublique", MachineLabel(.ip, 1)),
        ("adresseippublique", MachineLabel(.ip, 1)),
        ("ipадрес", MachineLabel(.ip)),
        ("адресip", MachineLabel(.ip)),
        ("внешнийip", MachineLabel(.ip, 1)),
        ("айпи", MachineLabel(.ip, 1)),
        ("endereçoip", MachineLabel(.ip)),
        ("enderecoip", MachineLabel(.ip)),
        ("ippúblico", MachineLabel(.ip, 1)),
        ("ippublico", MachineLabel(.ip, 1)),
        ("direcciónip", MachineLabel(.ip)),
        ("direccionip", MachineLabel(.ip)),
        ("ippública", MachineLabel(.ip, 1)),
        ("ippublica", MachineLabel(.ip, 1)),
        // Country.
        ("countryname", MachineLabel(.country, 1)),
        ("pays", MachineLabel(.country)),
        ("codepays", MachineLabel(.country)),
        ("страна", MachineLabel(.country)),
        ("país", MachineLabel(.country)),
        ("pais", MachineLabel(.country)),
        // Log date.
        ("fulldate", MachineLabel(.logDate, 1)),
        ("datetime", MachineLabel(.logDate, 1)),
        ("logtime", MachineLabel(.logDate, 1)),
        ("savetime", MachineLabel(.logDate, 1)),
        ("launchtime", MachineLabel(.logDate, 1)),
        ("currenttime", MachineLabel(.logDate, 2)),
        ("systemdate", MachineLabel(.logDate, 2)),
        ("datedulog", MachineLabel(.logDate)),
        ("dateheure", MachineLabel(.logDate, 1)),
        ("дата", MachineLabel(.logDate, 1)),
        ("data", MachineLabel(.logDate, 1)),
        ("fecha", MachineLabel(.logDate, 1)),
        ("networkinfo", MachineLabel(nil, marks: .stealc)),
        ("systemsummary", MachineLabel(nil, marks: .stealc)),
        ("wallpaperhash", MachineLabel(nil, marks: .rhadamanthys)),
        ("filelocation", MachineLabel(nil, marks: .redline)),
        ("logonserver", MachineLabel(nil, marks: .systeminfo)),
        ("workdir", MachineLabel(nil, marks: .vidar)),
    ]

    /// When labels betray several families, the most specific wins.
    static let familyPrecedence: [Family] = [
        .lumma, .raccoon, .rhadamanthys, .meduza, .phemedrone, .cryptbot, .whitesnake, .risepro, .systeminfo,
        .stealc, .vidar, .redline, .atomic,
    ]
}

/// Gathers a victim's system information from labelled values (text or JSON) and banners.
/// Holds views into the document: use it within one parse call.
struct MachineInfoCollector {
    private struct Ranked {
        var value: UnsafeRawBufferPointer?
        var rank = Int.max

        mutating func offer(_ candidate: UnsafeRawBufferPointer, rank: Int) {
            guard rank < self.rank, !MachineInfoCollector.isPlaceholder(candidate) else { return }
            value = candidate
            self.rank = rank
        }
    }

    private var hostname = Ranked()
    private var user = Ranked()
    private var domain = Ranked()
    private var ip = Ranked()
    private var country = Ranked()
    private var hwid = Ranked()
    private var os = Ranked()
    private var logDate = Ranked()
    private var build = Ranked()
    private var productVersion: UnsafeRawBufferPointer?
    private var markers: [Family] = []
    private var banner: Family?
    private var bannerLinesSearched = 0
    /// Inside a WMI or `systeminfo` `Computer System` section, where `Name:` is the machine's.
    var isInComputerSystem = false
    /// Line of the first recognised label, and that line's offset in the member.
    private(set) var firstLine: Int?
    private(set) var firstOffset: Int64?

    /// Reads one `label: value` pair; false when the label means nothing here.
    @discardableResult
    mutating func read(
        label: UnsafeRawBufferPointer,
        value: UnsafeRawBufferPointer,
        line: Int,
        offset: Int64
    ) -> Bool {
        guard let meaning = LabelText.lookup(label, in: MachineLabel.table) else { return false }
        if let marker = meaning.marker { markers.append(marker) }
        if firstLine == nil {
            firstLine = line
            firstOffset = offset
        }
        guard let field = meaning.field else { return true }
        var rank = meaning.rank
        // A dotted name is a DNS name (ipinfo's reverse-DNS `hostname`), not the Windows
        // machine name every other label gives.
        if field == .hostname && Bytes.index(of: UInt8(ascii: "."), in: value) != nil {
            rank += Self.dottedHostnamePenalty
        }
        switch meaning.form {
        case .plain:
            self[field].offer(value, rank: rank)
        case .computerSystemName:
            if isInComputerSystem { hostname.offer(value, rank: rank) }
        case .ipAndCountry:
            ip.offer(value, rank: rank)
            if let open = Bytes.index(of: UInt8(ascii: "["), in: value), let last = value.last,
                last == UInt8(ascii: "]"),
                open + 1 < value.count - 1
            {
                country.offer(Bytes.trimmed(Bytes.slice(value, (open + 1)..<(value.count - 1))), rank: 1)
            }
        case .computerAndDomain:
            if let open = value.lastIndex(of: UInt8(ascii: "[")), let last = value.last, last == UInt8(ascii: "]"),
                open > 0
            {
                markers.append(.risepro)
                hostname.offer(Bytes.trimmed(Bytes.slice(value, 0..<open)), rank: rank)
                domain.offer(Bytes.trimmed(Bytes.slice(value, (open + 1)..<(value.count - 1))), rank: 0)
            } else {
                hostname.offer(value, rank: rank)
            }
        case .userAndComputer:
            let (name, computer) = Self.splitUserAndComputer(value)
            user.offer(name, rank: rank)
            if let computer { hostname.offer(computer, rank: 0) }
        case .guidAndUser, .uuidAndUser:
            let separator: UInt8 = meaning.form == .guidAndUser ? ParseText.pipe : UInt8(ascii: "_")
            if let cut = Bytes.index(of: separator, in: value) {
                hwid.offer(Bytes.trimmed(Bytes.slice(value, 0..<cut)), rank: 1)
                user.offer(Bytes.trimmed(Bytes.slice(value, (cut + 1)..<value.count)), rank: rank)
            } else {
                hwid.offer(value, rank: 1)
            }
        case .countryAndIP:
            if let space = Bytes.index(of: ParseText.space, in: value), space == 2 {
                country.offer(Bytes.slice(value, 0..<2), rank: 1)
                ip.offer(Bytes.trimmed(Bytes.slice(value, 3..<value.count)), rank: rank)
            } else {
                ip.offer(value, rank: rank)
            }
        case .countryFirst:
            if value.count > 3, value[2] == UInt8(ascii: ","), ParseText.isLetter(value[0]),
                ParseText.isLetter(value[1])
            {
                country.offer(Bytes.slice(value, 0..<2), rank: rank)
            }
        case .productVersion:
            if !Self.isPlaceholder(value) { productVersion = value }
        }
        return true
    }

    /// Ranks below every label: what a banner or a DNS name says is a last resort.
    private static let bannerRank = 8
    private static let dottedHostnamePenalty = 10

    /// Reads a line that is not a label of the vocabulary: banners name the family, and some
    /// name the victim only there (`New log: jdupont@CLIN-PC0042`, `CLIN-PC0042\jdupont`).
    mutating func readBanner(_ trimmed: UnsafeRawBufferPointer) {
        guard bannerLinesSearched < BannerFamily.linesToSearch else { return }
        bannerLinesSearched += 1
        if banner == nil { banner = BannerFamily.detect(trimmed) }
        guard user.value == nil, !ParseText.isAdvert(trimmed),
            let (name, computer) = BannerVictim.find(in: trimmed)
        else { return }
        user.offer(name, rank: Self.bannerRank)
        hostname.offer(computer, rank: Self.bannerRank)
    }

    /// The victim's information; nil when nothing was found. `defaultFamily` names the format
    /// when no template or banner does.
    func victimInfo(defaultFamily: Family) -> VictimInfo? {
        var info = VictimInfo()
        info.family = family ?? defaultFamily
        info.hostname = hostname.value.map(Text.string)
        if let value = user.value {
            let (name, computer) = Self.splitUser(value)
            info.user = Text.string(name)
            if info.hostname == nil, let computer { info.hostname = Text.string(computer) }
        }
        if let value = domain.value, !Bytes.equalsLowercased(value, "workgroup") { info.domain = Text.string(value) }
        info.ip = ip.value.map { Text.string(Self.leadingAddress($0)) }
        info.country = country.value.map { Text.string(Self.countryCode($0)) }
        info.hwid = hwid.value.map(Text.string)
        if let value = os.value {
            info.os = Text.string(value)
            // Atomic's `ProductName: macOS` + `ProductVersion: 13.6`.
            if let productVersion { info.os = Text.string(value) + " " + Text.string(productVersion) }
        }
        if let value = logDate.value {
            info.logDateRaw = Text.string(value)
            info.logDate = LogDate.read(value, dayFirst: family != .redline && family != .meta)
        }
        info.build = build.value.map(Text.string)
        return info.isEmpty ? nil : info
    }

    /// The template's family; META is told from RedLine by its banner only.
    var family: Family? {
        let template = MachineLabel.familyPrecedence.first(where: markers.contains)
        if template == .redline && banner == .meta { return .meta }
        return template ?? banner
    }

    private subscript(field: MachineField) -> Ranked {
        get {
            switch field {
            case .hostname: hostname
            case .user: user
            case .domain: domain
            case .ip: ip
            case .country: country
            case .hwid: hwid
            case .os: os
            case .logDate: logDate
            case .build: build
            }
        }
        set {
            switch field {
            case .hostname: hostname = newValue
            case .user: user = newValue
            case .domain: domain = newValue
            case .ip: ip = newValue
            case .country: country = newValue
            case .hwid: hwid = newValue
            case .os: os = newValue
            case .logDate: logDate = newValue
            case .build: build = newValue
            }
        }
    }

    /// `UNKNOWN`, `Unknown`, `Disabled`, `N/A`, `None`, `null`, `-` and empty values.
    static func isPlaceholder(_ value: UnsafeRawBufferPointer) -> Bool {
        LabelText.isPlaceholder(value) || Bytes.equalsLowercased(value, "disabled")
            || Bytes.equalsLowercased(value, "none") || Bytes.equalsLowercased(value, "null")
            || Bytes.equalsLowercased(value, "-")
    }

    /// A user value that carries more: Phemedrone's `MACHINE\user`, RL Stealer's
    /// `MACHINE/user`, PXA's `user[MACHINE]`, and macOS's `Full Name (short)`, whose short name
    /// is the account.
    private static func splitUser(
        _ value: UnsafeRawBufferPointer
    ) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer?) {
        let count = value.count
        if Bytes.index(of: ParseText.space, in: value) == nil,
            let cut = value.lastIndex(where: { $0 == UInt8(ascii: "\\") || $0 == ParseText.slash }), cut > 0,
            cut + 1 < count
        {
            return (Bytes.slice(value, (cut + 1)..<count), Bytes.slice(value, 0..<cut))
        }
        if let last = value.last, last == UInt8(ascii: "]"), let open = value.lastIndex(of: UInt8(ascii: "[")),
            open > 0, open + 1 < count - 1
        {
            return (
                Bytes.trimmed(Bytes.slice(value, 0..<open)), Bytes.trimmed(Bytes.slice(value, (open + 1)..<(count - 1)))
            )
        }
        if let last = value.last, last == UInt8(ascii: ")"), let open = value.lastIndex(of: UInt8(ascii: "(")),
            open > 0, open + 1 < count - 1,
            value[open - 1] == ParseText.space
        {
            return (Bytes.trimmed(Bytes.slice(value, (open + 1)..<(count - 1))), nil)
        }
        return (value, nil)
    }

    /// `user (HOST)`, `user [HOST]`, or `user   HOST`.
    private static func splitUserAndComputer(
        _ value: UnsafeRawBufferPointer
    ) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer?) {
        if let last = value.last, last == UInt8(ascii: ")") || last == UInt8(ascii: "]"),
            let open = value.lastIndex(of: last == UInt8(ascii: ")") ? UInt8(ascii: "(") : UInt8(ascii: "[")), open > 0
        {
            return (Bytes.trimmed(Bytes.slice(value, 0..<open)), Bytes.slice(value, (open + 1)..<(value.count - 1)))
        }
        if let space = value.lastIndex(of: ParseText.space) {
            return (Bytes.trimmed(Bytes.slice(value, 0..<space)), Bytes.slice(value, (space + 1)..<value.count))
        }
        return (value, nil)
    }

    /// `203.0.113.7/…` → `203.0.113.7`: the leading IPv4 or IPv6 address, else the value.
    private static func leadingAddress(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var end = 0
        while end < value.count {
            let byte = value[end]
            guard ParseText.isDigit(byte) || byte == 0x2E || byte == ParseText.colon || (byte | 0x20) &- 0x61 < 6
            else { break }
            end += 1
        }
        return end >= 3 ? Bytes.slice(value, 0..<end) : value
    }

    /// `Colombia [CO]`, `Colombia (CO)`, `US (United States)`, `BR - Brazil`, `US / United
    /// States`, `🇧🇷 BR - Brazil` → the ISO code; anything else as written (without a flag).
    private static func countryCode(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        while start + 3 < value.count && value[start] == 0xF0 { start += 4 }  // flag emoji
        let view = Bytes.trimmed(Bytes.slice(value, start..<value.count))
        let count = view.count
        if count >= 4, view[count - 1] == UInt8(ascii: "]") || view[count - 1] == UInt8(ascii: ")"),
            view[count - 4] == UInt8(ascii: "[") || view[count - 4] == UInt8(ascii: "("),
            isUpper(view[count - 3]), isUpper(view[count - 2])
        {
            return Bytes.slice(view, (count - 3)..<(count - 1))
        }
        if count >= 4, isUpper(view[0]), isUpper(view[1]), view[2] == ParseText.space || view[2] == UInt8(ascii: ",") {
            var next = 2
            while next < count && view[next] == ParseText.space { next += 1 }
            if next < count
                && (view[next] == UInt8(ascii: "-") || view[next] == ParseText.slash || view[next] == UInt8(ascii: "(")
                    || view[2] == UInt8(ascii: ","))
            {
                return Bytes.slice(view, 0..<2)
            }
        }
        return view
    }

    @inline(__always)
    private static func isUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }
}

/// Reads a stealer's system-information file into one `VictimInfo`.
enum SystemInfoParser {
    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        into sink: inout Sink
    ) {
        var collector = MachineInfoCollector()
        var skipped = 0
        /// A section opened by a `Computer System:` label line ends at a blank line; one opened
        /// by a ruled title (`=== Computer System ===`, `[Computer System]`) at the next title.
        var sectionEndsAtBlank = false
        var lines = LineScanner(text, firstLine: firstLine, offsets: offsets)
        while let (line, number) = lines.next() {
            forEachSegment(of: line) { segment in
                let trimmed = Bytes.trimmed(segment)
                guard !trimmed.isEmpty else {
                    if sectionEndsAtBlank { collector.isInComputerSystem = false }
                    return
                }
                let split = LabelText.split(trimmed)
                if let title = SectionTitle.read(trimmed, split: split) {
                    if title.isRuled || title.isComputerSystem {
                        collector.isInComputerSystem = title.isComputerSystem
                        sectionEndsAtBlank = !title.isRuled
                    }
                    if title.isRuled {
                        collector.readBanner(trimmed)
                        if ParseText.isAdvert(trimmed) { skipped += 1 }
                        return
                    }
                }
                if let split {
                    if LabelText.isAdvertLabel(split.label) {
                        skipped += 1
                    } else if !collector.read(
                        label: split.label,
                        value: split.value,
                        line: number,
                        offset: lines.offset
                    ) {
                        collector.readBanner(trimmed)
                        if ParseText.isAdvert(trimmed) { skipped += 1 }
                    }
                } else {
                    collector.readBanner(trimmed)
                    if ParseText.isAdvert(trimmed) { skipped += 1 }
                }
            }
        }
        if let info = collector.victimInfo(defaultFamily: .labels) {
            sink.machine(
                info,
                line: collector.firstLine ?? firstLine,
                offset: collector.firstOffset ?? offsets.first
            )
        }
        if skipped > 0 { sink.skippedLines(skipped) }
    }

    /// Raccoon writes some labels on one line (`- Time zone: \t- OS: Windows 10 Pro`): a TAB
    /// followed by a `-` bullet starts another label.
    private static func forEachSegment(of line: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        var start = 0
        var index = 1
        while index < line.count {
            if line[index] == ParseText.tab && line[index - 1] != ParseText.tab {
                var next = index + 1
                while next < line.count && (line[next] == ParseText.tab || line[next] == ParseText.space) { next += 1 }
                if next < line.count && line[next] == UInt8(ascii: "-")
                    && !Bytes.trimmed(Bytes.slice(line, start..<index)).isEmpty
                {
                    body(Bytes.slice(line, start..<index))
                    start = index
                }
            }
            index += 1
        }
        body(Bytes.slice(line, start..<line.count))
    }
}

/// A section title of a system-information file: ruled (`=== Computer System Information ===`,
/// `--- [ Hardware ] ---`, `[Machine]`, `*NETWORK INFORMATION*`) or a label without a value
/// (`Computer System:`). It tells whether WMI's `Name:` lines that follow name the machine.
struct SectionTitle {
    /// Set off by rules or brackets on both sides.
    var isRuled: Bool
    var isComputerSystem: Bool

    /// Nil when the line is no title.
    static func read(_ trimmed: UnsafeRawBufferPointer, split: LabelSplit?) -> SectionTitle? {
        if let split {
            guard split.value.isEmpty, split.isColon else { return nil }
            return SectionTitle(isRuled: false, isComputerSystem: isComputerSystem(split.label))
        }
        var start = 0
        var end = trimmed.count
        var leading = 0
        var trailing = 0
        while start < end, isRule(trimmed[start]) {
            start += 1
            leading += 1
        }
        while end > start, isRule(trimmed[end - 1]) || trimmed[end - 1] == ParseText.colon {
            if trimmed[end - 1] != ParseText.colon { trailing += 1 }
            end -= 1
        }
        guard leading > 0, trailing > 0, end > start else { return nil }
        let title = Bytes.trimmed(Bytes.slice(trimmed, start..<end))
        guard let first = title.first, ParseText.isLetter(first), title.count <= LabelText.maximumLabelLength else {
            return nil
        }
        return SectionTitle(isRuled: true, isComputerSystem: isComputerSystem(title))
    }

    /// `=`, `-`, `#`, `*`, `[`, `]`, `<`, `>`, `_`, `~` and spaces around a title.
    @inline(__always)
    private static func isRule(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "="), UInt8(ascii: "-"), UInt8(ascii: "#"), UInt8(ascii: "*"), UInt8(ascii: "["),
            UInt8(ascii: "]"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "_"), UInt8(ascii: "~"),
            ParseText.space, ParseText.tab:
            true
        default: false
        }
    }

    private static func isComputerSystem(_ title: UnsafeRawBufferPointer) -> Bool {
        LabelText.lookup(title, in: computerSystemTitles) != nil
    }

    /// Titles of the sections about the machine itself (WMI's `Win32_ComputerSystem`).
    private static let computerSystemTitles: [(StaticString, Bool)] = [
        ("computersystem", true), ("computersysteminformation", true), ("computersysteminfo", true),
        ("win32computersystem", true), ("computer", true), ("computerinfo", true), ("computerinformation", true),
        ("machine", true), ("machineinfo", true), ("machineinformation", true), ("ordinateur", true),
        ("компьютер", true), ("computador", true), ("equipo", true),
    ]
}

/// The victim named in a banner line: `user@MACHINE` (a prompt, not an e-mail: the machine has
/// no dot) or `MACHINE\user`.
enum BannerVictim {
    static func find(in line: UnsafeRawBufferPointer) -> (
        user: UnsafeRawBufferPointer, machine: UnsafeRawBufferPointer
    )? {
        let count = line.count
        var index = 0
        while index < count {
            let byte = line[index]
            if byte == ParseText.at || byte == UInt8(ascii: "\\") {
                var before = index
                while before > 0 && isNameByte(line[before - 1]) { before -= 1 }
                var after = index + 1
                while after < count && isNameByte(line[after]) { after += 1 }
                let left = Bytes.slice(line, before..<index)
                let right = Bytes.slice(line, (index + 1)..<after)
                let endsToken = after == count || !isTokenByte(line[after])
                let startsToken = before == 0 || !isTokenByte(line[before - 1])
                if !left.isEmpty && !right.isEmpty && endsToken && startsToken {
                    let (user, machine) = byte == ParseText.at ? (left, right) : (right, left)
                    if Bytes.index(of: UInt8(ascii: "."), in: machine) == nil
                        && machine.contains(where: ParseText.isLetter)
                    {
                        return (user, machine)
                    }
                }
            }
            index += 1
        }
        return nil
    }

    /// Letters, digits, `-`, `_`, `.` and `$`: what user and machine names are made of.
    @inline(__always)
    private static func isNameByte(_ byte: UInt8) -> Bool {
        ParseText.isLetter(byte) || ParseText.isDigit(byte) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            || byte == UInt8(ascii: ".")
            || byte == UInt8(ascii: "$")
    }

    /// Bytes that would make the name part of something longer (a path, a URL, an address).
    @inline(__always)
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isNameByte(byte) || byte == ParseText.slash || byte == ParseText.at || byte == UInt8(ascii: "\\")
            || byte == ParseText.colon
    }
}
