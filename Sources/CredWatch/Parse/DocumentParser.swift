/// Parses text chunks into records for a `RecordSink`. One per worker thread; reuses its
/// scratch buffers.
///
/// The document's role picks the parser: combolist lines (the hot path, bytes only), stealer
/// credential files (label records), system information, Netscape cookies, JSON credentials
/// and JSON system information. Records are views valid only during the sink's call.
public struct DocumentParser: Sendable {
    private var scratch = ScratchBuffer()

    public init() {}

    public mutating func parse<Sink: RecordSink>(_ chunk: TextChunk, into sink: inout Sink) {
        let document = chunk.document
        let firstLine = chunk.firstLine
        let offsets = chunk.offsets
        chunk.text.withUnsafeBytes { text in
            switch document.role {
            case .combolist:
                ComboListParser.parse(text, firstLine: firstLine, offsets: offsets, into: &sink)
            case .credentials:
                CredentialFileParser.parse(
                    text,
                    firstLine: firstLine,
                    offsets: offsets,
                    locator: document.locator,
                    scratch: &scratch,
                    into: &sink
                )
            case .systemInfo:
                SystemInfoParser.parse(text, firstLine: firstLine, offsets: offsets, into: &sink)
            case .cookies:
                CookieFileParser.parse(text, firstLine: firstLine, offsets: offsets, into: &sink)
            case .credentialsJSON:
                JSONCredentialParser.parse(
                    text,
                    firstLine: firstLine,
                    offsets: offsets,
                    scratch: &scratch,
                    into: &sink
                )
            case .systemInfoJSON:
                JSONSystemInfoParser.parse(
                    text,
                    firstLine: firstLine,
                    offsets: offsets,
                    scratch: &scratch,
                    into: &sink
                )
            case .ignored:
                break
            }
        }
    }
}

/// Reads combolist (ULP) text line by line: `memchr` for line ends, `ComboLineParser` for the
/// fields, one `skippedLines` call per chunk. Candidate-first: when the sink filters, a line of
/// the plain shape (`PlainComboLine`) that it turns away is only counted.
enum ComboListParser {
    static func parse<Sink: RecordSink>(
        _ text: UnsafeRawBufferPointer,
        firstLine: Int,
        offsets: LineOffsets,
        into sink: inout Sink
    ) {
        var skipped = 0
        var turnedAway = 0
        var unescaped: [UInt8] = []  // allocated only for a password with a doubled quote
        let filters = sink.filtersCandidates
        var lines = LineScanner(text, firstLine: firstLine, offsets: offsets)
        defer {
            if turnedAway > 0 { sink.recordsTurnedAway(turnedAway) }
            if skipped > 0 { sink.skippedLines(skipped) }
        }
        while let (line, number) = lines.next() {
            if filters, let plain = PlainComboLine(line), !sink.isCandidate(plain) {
                turnedAway += 1
                continue
            }
            guard let fields = ComboLineParser.parse(line), !isKeyValueRow(fields) else {
                skipped += 1
                continue
            }
            fields.withPassword(scratch: &unescaped) { password in
                sink.credential(
                    RawCredential(
                        url: fields.url,
                        login: fields.login,
                        password: password,
                        line: number,
                        offset: lines.offset,
                        family: .ulp,
                        isAmbiguous: fields.isAmbiguous
                    )
                )
            }
        }
    }

    /// `key<TAB>value` with neither a URL nor an e-mail: a row of a table or of a configuration
    /// file (Steam's `"AccountName"\t\t"alice"`), not a credential. A line is a credential by its
    /// structure, never only because it holds a TAB.
    @inline(__always)
    static func isKeyValueRow(_ fields: ComboFields) -> Bool {
        fields.separator == ParseText.tab && fields.url.isEmpty
            && Bytes.index(of: ParseText.at, in: fields.login) == nil
    }
}
