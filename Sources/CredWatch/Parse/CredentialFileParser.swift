/// One line of a stealer credential file, classified.
enum CredentialLine {
    case blank
    case separator(SeparatorKind)
    /// Decorations alone (`┃`, `•`, `*`, `»`, `┗━━━━`, `[01]`): no value goes on over it.
    case decoration
    /// A label of the vocabulary and its value.
    case field(CredentialWord, LabelSplit)
    /// A label outside the vocabulary (`Created:`), or an advert label (`Seller:`).
    case ignoredLabel
    case advert(UnsafeRawBufferPointer)
    /// Anything else (trimmed): a banner, a continuation line, a tab- or pipe-separated row.
    case text(UnsafeRawBufferPointer)

    init(_ line: UnsafeRawBufferPointer) {
        let trimmed = Bytes.trimmed(line)
        // A line of `|` decorations alone (Collector's spacer) is a blank line.
        if trimmed.allSatisfy({ $0 == ParseText.pipe || Bytes.isSpace($0) }) {
            self = .blank
        } else if let kind = ParseText.separatorKind(trimmed) {
            self = .separator(kind)
        } else if LabelText.isDecorationOnly(trimmed) {
            self = .decoration
        } else if let split = LabelText.split(trimmed) {
            if let word = LabelText.lookup(split.label, in: CredentialWord.table) {
                self = .field(word, split)
            } else if LabelText.isAdvertLabel(split.label) {
                self = .advert(trimmed)
            } else if split.isColon && split.isSpaced {
                self = .ignoredLabel
            } else {
                self = .text(trimmed)
            }
        } else if ParseText.isAdvert(trimmed) {
            self = .advert(trimmed)
        } else {
            self = .text(trimmed)
        }
    }
}

/// The generic label-driven parser of stealer credential files (`Passwords.txt` and its
/// relatives) for every family: RedLine/META, Vidar, StealC, Lumma, Raccoon, Atomic,
/// 44CALIBER, Collector, DCRat, BRADMAX re-packs and unknown layouts.
///
/// A first pass reads the file's banner, separators and label spellings to name the family
/// and the label that opens a record; the second pass assembles records. A record ends at a
/// separator line, a blank line, a repeated label or the label that opens records. Values
/// are split at the first colon; a value continues on the following lines until the next
/// label (multi-line passwords, joined with LF), a line of decorations alone or a label outside
/// the vocabulary. Lines outside records that hold a URL then
/// a login, or an e-mail then a password (Raccoon's tab- or pipe-separated rows, combolist
/// lines in a misnamed file), are read as combolist lines.
struct CredentialFileParser {
    /// A value spreads over at most this many extra lines, and this many bytes: beyond that
    /// the lines are junk, not a password.
    static let maximumContinuationLines = 16
    static let maximumValueLength = 4096

    private let family: Family
    private let banner: Family?
    private let leadingField: CredentialField?
    private var record = PendingRecord()
    private var skipped = 0

    private init(evidence: CredentialFileEvidence, locator: String) {
        family = evidence.family(locator: locator)
        banner = evidence.banner
        leadingField = evidence.leadingField
    }

    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        locator: String,
        scratch: inout ScratchBuffer,
        into sink: inout Sink
    ) {
        var evidence = CredentialFileEvidence()
        var survey = LineScanner(text, firstLine: firstLine, offsets: offsets)
        while let (line, _) = survey.next() { evidence.observe(CredentialLine(line)) }

        var parser = CredentialFileParser(evidence: evidence, locator: locator)
        scratch.reset()
        var lines = LineScanner(text, firstLine: firstLine, offsets: offsets)
        while let (line, number) = lines.next() {
            parser.read(line, number: number, offset: lines.offset, scratch: &scratch, into: &sink)
        }
        parser.closeRecord(scratch: &scratch, into: &sink)
        if parser.skipped > 0 { sink.skippedLines(parser.skipped) }
    }

    private mutating func read<Sink: RecordSink>(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        offset: Int64,
        scratch: inout ScratchBuffer,
        into sink: inout Sink
    ) {
        switch CredentialLine(line) {
        case .blank, .separator:
            closeRecord(scratch: &scratch, into: &sink)
        case .field(let word, let split):
            let field = word.field
            if record.startsAnother(field, leadingField: leadingField) { closeRecord(scratch: &scratch, into: &sink) }
            let value = LabelText.isPlaceholder(split.value) ? nil : split.value
            if field == .profile {
                record.setProfile(value, scratch: &scratch)
            } else {
                record.set(field, value.map(FieldValue.chunk) ?? .absent)
            }
            record.open(at: number, offset: offset)
        case .decoration:
            record.endContinuation()
        case .ignoredLabel, .advert:
            record.endContinuation()
            skipped += 1
        case .text(let trimmed):
            if record.extend(with: line, scratch: &scratch) { return }
            if let row = ComboLineParser.parse(trimmed), !row.login.isEmpty,
                !row.url.isEmpty || Bytes.index(of: ParseText.at, in: row.login) != nil
            {
                closeRecord(scratch: &scratch, into: &sink)
                let isTabular = row.separator == ParseText.tab || row.separator == ParseText.pipe
                var unescaped: [UInt8] = []  // allocated only for a password with a doubled quote
                row.withPassword(scratch: &unescaped) { password in
                    sink.credential(
                        RawCredential(
                            url: row.url,
                            login: row.login,
                            password: password,
                            line: number,
                            offset: offset,
                            family: banner ?? (isTabular ? .raccoon : .ulp),
                            isAmbiguous: row.isAmbiguous
                        )
                    )
                }
            } else {
                skipped += 1
            }
        }
    }

    /// Emits the pending record when it holds a login, or a host and a password, or a URL that
    /// may carry credentials itself (userinfo, Mediboard's `login=`); otherwise its lines are
    /// counted as skipped.
    private mutating func closeRecord<Sink: RecordSink>(scratch: inout ScratchBuffer, into sink: inout Sink) {
        guard record.isOpen else { return }
        let pending = record
        let family = self.family
        let emitted = scratch.bytes.withUnsafeBytes { storage in
            let url = pending.host.view(scratch: storage)
            let mayCarryCredentials =
                Bytes.index(of: ParseText.at, in: url) != nil || Bytes.index(of: UInt8(ascii: "="), in: url) != nil
            guard
                pending.login.isPresent
                    || (pending.host.isPresent && (pending.password.isPresent || mayCarryCredentials))
            else { return false }
            sink.credential(
                RawCredential(
                    url: url,
                    login: pending.login.view(scratch: storage),
                    password: pending.password.view(scratch: storage),
                    software: pending.software.view(scratch: storage),
                    line: pending.firstLine,
                    offset: pending.firstOffset,
                    family: family
                )
            )
            return true
        }
        if !emitted { skipped += pending.lineCount }
        record = PendingRecord()
        scratch.reset()
    }
}

/// The record being assembled from label lines.
private struct PendingRecord {
    var software: FieldValue = .absent
    var host: FieldValue = .absent
    var login: FieldValue = .absent
    var password: FieldValue = .absent
    private(set) var firstLine = 0
    private(set) var firstOffset: Int64 = 0
    private(set) var lineCount = 0
    /// Fields whose label was seen, with a value or not (one bit per `CredentialField`).
    private var seen: UInt8 = 0
    /// The field that continuation lines extend (the last one set, when it had a value).
    private var continuing: CredentialField?
    private var continuationLines = 0

    var isOpen: Bool { lineCount > 0 }

    private func hasSeen(_ field: CredentialField) -> Bool { seen & (1 << UInt8(field.rawValue)) != 0 }

    private mutating func markSeen(_ field: CredentialField) { seen |= 1 << UInt8(field.rawValue) }

    /// Whether a label of `field` belongs to a new record: its field was already seen, it is
    /// the label that opens records, or it is a profile after the credential itself.
    func startsAnother(_ field: CredentialField, leadingField: CredentialField?) -> Bool {
        guard isOpen else { return false }
        if field == .profile {
            return hasSeen(.profile) || hasSeen(.host) || hasSeen(.login) || hasSeen(.password)
        }
        return hasSeen(field) || (field == leadingField && seen != 0)
    }

    mutating func open(at line: Int, offset: Int64) {
        if lineCount == 0 {
            firstLine = line
            firstOffset = offset
        }
        lineCount += 1
    }

    mutating func set(_ field: CredentialField, _ value: FieldValue) {
        self[field] = value
        markSeen(field)
        continuing = value.isPresent ? field : nil
        continuationLines = 0
    }

    /// `profile: Default` after `browser: Google Chrome` makes `Google Chrome [Default]`.
    mutating func setProfile(_ value: UnsafeRawBufferPointer?, scratch: inout ScratchBuffer) {
        markSeen(.profile)
        continuing = nil
        guard let value else { return }
        if software.isPresent {
            software = scratch.join(software, " [", value, suffix: "]")
        } else {
            software = .chunk(value)
            markSeen(.software)
        }
    }

    mutating func endContinuation() {
        continuing = nil
    }

    /// Appends `line` to the value being continued; false when no value can take it.
    mutating func extend(with line: UnsafeRawBufferPointer, scratch: inout ScratchBuffer) -> Bool {
        guard let field = continuing, continuationLines < CredentialFileParser.maximumContinuationLines,
            self[field].count + line.count < CredentialFileParser.maximumValueLength
        else { return false }
        self[field] = scratch.join(self[field], "\n", line)
        continuationLines += 1
        lineCount += 1
        return true
    }

    private subscript(field: CredentialField) -> FieldValue {
        get {
            switch field {
            case .software, .profile: software
            case .host: host
            case .login: login
            case .password: password
            }
        }
        set {
            switch field {
            case .software, .profile: software = newValue
            case .host: host = newValue
            case .login: login = newValue
            case .password: password = newValue
            }
        }
    }
}
