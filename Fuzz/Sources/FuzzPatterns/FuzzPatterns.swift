import FuzzSupport

@testable import CredWatch

/// The pattern-pack loader (`[[platform]]` tables, match entries, regexes) and the regex
/// literal analysis behind the prefilter. Oracle: whenever a pack's regex matches a subject,
/// one of the literals `RequiredLiterals` claims every match contains occurs in it — else the
/// prefilter would drop a real finding.
let packFile = ScratchFile()
nonisolated(unsafe) let regexScratch = RegexScratch()

/// Subjects for every regex: normalised URLs of the shapes the matcher builds.
let subjects: [[UInt8]] = [
    "https://mediboard.clinique-exemple.fr/mediboard/index.php?m=dpi",
    "https://intranet2.example.test/rh/conges",
    "https://vpn.clinique-exemple.fr:8443/remote/login?lang=fr",
    "https://citrix.groupe-exemple.fr/citrix/storeweb/",
    "android://com.example.pro/",
    "https://aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab.example.test/",
].map { Array($0.utf8) }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPatterns(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    // The pack as a regex source too: the literal analysis must hold for any pattern PCRE2 takes.
    let pattern = String(decoding: bytes.prefix(256), as: UTF8.self)
    if let regex = try? CompiledRegex(pattern) {
        checkLiterals(regex, subjects + [Array(pattern.lowercased().utf8)])
    }

    packFile.write(bytes)
    guard let context = fuzzMatchContext(profile: .empty, patternPaths: [packFile.path]) else { return 0 }
    let platforms = context.platforms
    for rule in platforms.packRegexRules {
        if let regex = platforms.regex(of: rule) { checkLiterals(regex, subjects) }
    }
    return 0
}

func checkLiterals(_ regex: CompiledRegex, _ subjects: [[UInt8]]) {
    for subject in subjects {
        subject.withUnsafeBytes { subject in
            guard regexScratch.matches(regex, subject) else { return }
            FuzzCheck.require(
                regex.requiredLiterals.isEmpty || regex.requiredLiterals.contains { $0.occurs(in: subject) },
                "/\(regex.pattern)/ matches '\(String(decoding: subject, as: UTF8.self))' without a required literal"
            )
        }
    }
}

@main
enum FuzzPatternsEntry {
    static func main() { runFuzzer(fuzzPatterns) }
}
