import FuzzSupport

@testable import CredWatch

/// The organisation profile loader (TOMLKit, then the profile's own validation: domains,
/// NetBIOS names, the machine-name regex, `[[platform]]` tables) and the match context built
/// from an accepted profile (platform index, regex compilation). A bad profile must be a
/// `ConfigurationError`, never a crash.
let profileFile = ScratchFile()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProfile(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    profileFile.write(FuzzInput.bytes(data, size))
    guard let profile = try? OrganisationProfile.load(path: profileFile.path) else { return 0 }
    fuzzMatchContext(profile: profile, patternPaths: [])
    return 0
}

@main
enum FuzzProfileEntry {
    static func main() { runFuzzer(fuzzProfile) }
}
