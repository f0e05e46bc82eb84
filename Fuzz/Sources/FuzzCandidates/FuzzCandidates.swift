import FuzzSupport

@testable import CredWatch

/// Candidate-first scanning against the full path, line by line (each line as given and
/// behind `https://`): a line read as a `PlainComboLine` must split exactly as `ComboLineParser`
/// splits it, with the host and path `URLParts` finds; and when the match worker turns it away
/// (`isCandidate` false), the full matcher must report nothing for its credential.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCandidates(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    var worker = MatchWorker(context: FuzzContext.shared)
    worker.begin(Document(locator: "combo.txt", role: .combolist))
    bytes.withUnsafeBytes { text in
        var lines = LineScanner(text, firstLine: 1, offsets: LineOffsets(first: 0))
        while let (line, _) = lines.next() {
            check(line, &worker)
            let prefixed = Array("https://".utf8) + Array(line)
            prefixed.withUnsafeBytes { check($0, &worker) }
        }
    }
    return 0
}

private func check(_ line: UnsafeRawBufferPointer, _ worker: inout MatchWorker) {
    guard let plain = PlainComboLine(line) else { return }
    guard let fields = ComboLineParser.parse(line) else {
        FuzzCheck.require(false, "a plain line the full parser skips: \(Array(line))")
        return
    }
    FuzzCheck.require(same(plain.url, fields.url), "URL \(Array(plain.url)) split as \(Array(fields.url))")
    FuzzCheck.require(same(plain.login, fields.login), "login \(Array(plain.login)) split as \(Array(fields.login))")
    FuzzCheck.require(
        same(plain.password, fields.password),
        "password \(Array(plain.password)) split as \(Array(fields.password))"
    )
    let url = URLParts(parsing: Bytes.trimmed(fields.url))
    FuzzCheck.require(
        same(plain.host, url.hostBytes) && same(plain.path, url.pathBytes) && url.userinfo == nil && url.query == nil
            && !url.isAndroid && !url.isIPLiteral,
        "host \(Array(plain.host)) and path \(Array(plain.path)) read otherwise by URLParts"
    )
    guard !worker.isCandidate(plain) else { return }
    worker.credential(
        RawCredential(
            url: fields.url,
            login: fields.login,
            password: fields.password,
            line: 1,
            offset: 0,
            family: .ulp,
            isAmbiguous: fields.isAmbiguous
        )
    )
    let sightings = worker.takeSightings()
    FuzzCheck.require(sightings.isEmpty, "a line turned away yields \(sightings.count) sightings: \(Array(line))")
}

/// The same bytes of the same line (both are views into it).
private func same(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
    a.count == b.count && (a.isEmpty || a.baseAddress == b.baseAddress)
}

@main
enum FuzzCandidatesEntry {
    static func main() { runFuzzer(fuzzCandidates) }
}
