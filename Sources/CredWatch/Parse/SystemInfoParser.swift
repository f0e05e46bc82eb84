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

    /// Every template of the reference's §2 table (lower-case, without filler).
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
        let rank = meaning.rank
        switch meaning.form {
        case .plain:
            self[field].offer(value, rank: rank)
        case .computerAndDomain:
            if let open = value.lastIndex(of: 0x5B), let last = value.last, last == 0x5D, open > 0 {
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
            let separator: UInt8 = meaning.form == .guidAndUser ? ParseText.pipe : 0x5F
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
            if value.count > 3, value[2] == 0x2C, ParseText.isLetter(value[0]), ParseText.isLetter(value[1]) {
                country.offer(Bytes.slice(value, 0..<2), rank: rank)
            }
        case .productVersion:
            if !Self.isPlaceholder(value) { productVersion = value }
        }
        return true
    }

    /// Reads a line that is not a label: banners name the family.
    mutating func readBanner(_ trimmed: UnsafeRawBufferPointer) {
        guard banner == nil && bannerLinesSearched < BannerFamily.linesToSearch else { return }
        bannerLinesSearched += 1
        banner = BannerFamily.detect(trimmed)
    }

    /// The victim's information; nil when nothing was found. `defaultFamily` names the format
    /// when no template or banner does.
    func victimInfo(defaultFamily: Family) -> VictimInfo? {
        var info = VictimInfo()
        info.family = family ?? defaultFamily
        info.hostname = hostname.value.map(Text.string)
        if let value = user.value {
            // Phemedrone's `MACHINE\user`.
            if let cut = value.lastIndex(of: 0x5C), cut > 0, cut + 1 < value.count {
                info.user = Text.string(Bytes.slice(value, (cut + 1)..<value.count))
                if info.hostname == nil { info.hostname = Text.string(Bytes.slice(value, 0..<cut)) }
            } else {
                info.user = Text.string(value)
            }
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

    /// `user (HOST)`, `user [HOST]`, or `user   HOST`.
    private static func splitUserAndComputer(
        _ value: UnsafeRawBufferPointer
    ) -> (UnsafeRawBufferPointer, UnsafeRawBufferPointer?) {
        if let last = value.last, last == 0x29 || last == 0x5D,
            let open = value.lastIndex(of: last == 0x29 ? 0x28 : 0x5B), open > 0
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

    /// `Colombia [CO]` or `Colombia (CO)` → `CO`; anything else as written.
    private static func countryCode(_ value: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let count = value.count
        if count >= 4, value[count - 1] == 0x5D || value[count - 1] == 0x29,
            value[count - 4] == 0x5B || value[count - 4] == 0x28
        {
            return Bytes.slice(value, (count - 3)..<(count - 1))
        }
        return value
    }
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
        var lines = LineScanner(text, firstLine: firstLine, offsets: offsets)
        while let (line, number) = lines.next() {
            forEachSegment(of: line) { segment in
                let trimmed = Bytes.trimmed(segment)
                guard !trimmed.isEmpty else { return }
                if let split = LabelText.split(trimmed) {
                    if LabelText.isAdvertLabel(split.label) {
                        skipped += 1
                    } else if !collector.read(
                        label: split.label,
                        value: split.value,
                        line: number,
                        offset: lines.offset
                    )
                        && ParseText.isAdvert(trimmed)
                    {
                        skipped += 1
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
                if next < line.count && line[next] == 0x2D && !Bytes.trimmed(Bytes.slice(line, start..<index)).isEmpty {
                    body(Bytes.slice(line, start..<index))
                    start = index
                }
            }
            index += 1
        }
        body(Bytes.slice(line, start..<line.count))
    }
}
