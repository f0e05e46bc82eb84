import FuzzSupport

@testable import CredWatch

/// The URL parser and normaliser (`URLParts`): every part must lie inside the URL, every query
/// parameter inside the query; the normalised form, the credentials written into the URL and
/// the platform match must not fail. Oracle for the regex prefilter: when a platform regex
/// matches the normalised subject, the prefilters that would have skipped it must agree.
nonisolated(unsafe) let regexScratch = RegexScratch()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzURL(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    bytes.withUnsafeBytes { raw in
        let url = URLParts(parsing: raw)
        let whole = 0...raw.count
        for range in [url.scheme, url.userinfo, url.host, url.port, url.path, url.query].compactMap({ $0 }) {
            FuzzCheck.require(
                whole.contains(range.lowerBound) && whole.contains(range.upperBound),
                "part \(range) outside a URL of \(raw.count) bytes"
            )
        }
        url.forEachQueryParameter { name, value in
            let query = url.query!
            FuzzCheck.require(
                name.lowerBound >= query.lowerBound && (value ?? name).upperBound <= query.upperBound,
                "query parameter outside the query"
            )
        }
        FuzzCheck.sink &+= UInt64(truncatingIfNeeded: url.normalized.utf8.count &+ url.hostString.utf8.count)
        for credential in url.embeddedCredentials {
            FuzzCheck.require(!credential.login.isEmpty && !credential.password.isEmpty, "empty embedded credential")
        }

        var subject: [UInt8] = []
        url.writeNormalized(into: &subject, lowercasingAll: true)
        let platforms = FuzzContext.shared.platforms
        for rule in platforms.organisationRegexRules + platforms.packRegexRules {
            guard let regex = platforms.regex(of: rule) else { continue }
            let matched = subject.withUnsafeBytes { regexScratch.matches(regex, $0) }
            guard matched else { continue }
            FuzzCheck.require(
                regex.mayMatch(rawURL: raw),
                "the raw-URL prefilter skips a URL that /\(regex.pattern)/ matches"
            )
            FuzzCheck.require(
                subject.withUnsafeBytes { regexScratch.matchesPrefiltered(regex, lowercasedSubject: $0) },
                "the literal prefilter skips a subject that /\(regex.pattern)/ matches"
            )
        }

        let login = Array("jean.dupont@clinique-exemple.fr".utf8)
        let password = Array("Soleil2024!".utf8)
        login.withUnsafeBytes { login in
            password.withUnsafeBytes { password in
                var sink = MatchingSink(firstLine: 1, lineCount: 1)
                sink.credential(
                    RawCredential(url: raw, login: login, password: password, line: 1, offset: 0, family: .ulp)
                )
                sink.finish()
            }
        }
    }
    return 0
}

@main
enum FuzzURLEntry {
    static func main() { runFuzzer(fuzzURL) }
}
