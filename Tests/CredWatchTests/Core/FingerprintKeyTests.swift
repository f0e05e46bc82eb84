import Foundation
import Testing

@testable import CredWatch

@Suite("fingerprint key loading")
struct FingerprintKeyTests {
    static let key = "0123456789abcdef0123456789abcdef"

    /// A file holding `bytes` with `mode`, in a folder of its own.
    static func keyFile(_ bytes: [UInt8], mode: mode_t = 0o600) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fpkey-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("key").path
        #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        #expect(chmod(path, mode) == 0)
        return path
    }

    static func load(
        file: String?,
        environment: String? = nil,
        requiredBy: String? = nil,
        diagnostics: Diagnostics = Diagnostics(output: nil)
    ) -> Result<PasswordFingerprinter, FingerprintKeyError> {
        Result { () throws(FingerprintKeyError) in
            try PasswordFingerprinter.load(
                keyFile: file,
                environmentValue: environment,
                requiredBy: requiredBy,
                diagnostics: diagnostics
            )
        }
    }

    static func error(_ result: Result<PasswordFingerprinter, FingerprintKeyError>) -> String? {
        if case .failure(let error) = result { return error.description }
        return nil
    }

    @Test("a key file: its trailing line break dropped, preferred to the environment, quiet when owner-only")
    func keyFileIsRead() throws {
        let expected = PasswordFingerprinter(keyBytes: Array(Self.key.utf8)).keyID
        let diagnostics = Diagnostics(output: nil)
        let path = try Self.keyFile(Array((Self.key + "\r\n").utf8))
        let loaded = try Self.load(file: path, environment: "another-key-0123456789", diagnostics: diagnostics).get()
        #expect(loaded.keyID == expected)
        #expect(!loaded.isEphemeral)
        #expect(diagnostics.allMessages.isEmpty)
    }

    // Changed on purpose (issue 19 probe): a key others may read was only a warning, while hash
    // exports and archive passwords were refused; anyone who can read the key can test password
    // guesses against a report's fingerprints, so it is refused too.
    @Test("a key file group or others may read is refused, naming it and the fix")
    func keyFileOpenToOthersIsRefused() throws {
        for mode: mode_t in [0o640, 0o644, 0o604] {
            let diagnostics = Diagnostics(output: nil)
            let path = try Self.keyFile(Array(Self.key.utf8), mode: mode)
            let message = Self.error(Self.load(file: path, diagnostics: diagnostics))
            #expect(
                message
                    == "\(path): the fingerprint key is readable by group or others (mode 0\(String(mode, radix: 8))); "
                    + "anyone who can read it can test password guesses against a report: run `chmod 600 \(path)`"
            )
            #expect(diagnostics.allMessages.isEmpty)
        }
        // Group write alone does not let anyone read the key.
        let writable = try Self.keyFile(Array(Self.key.utf8), mode: 0o620)
        #expect((try? Self.load(file: writable).get()) != nil)
    }

    @Test("a key file that is missing, a folder, too short or too long is refused, naming it")
    func keyFileErrors() throws {
        let short = try Self.keyFile(Array("0123456789abcde\n".utf8))
        #expect(Self.error(Self.load(file: short)) == "\(short): the fingerprint key must be at least 16 bytes")
        let long = try Self.keyFile([UInt8](repeating: 0x41, count: PasswordFingerprinter.maximumKeyBytes + 1))
        #expect(
            Self.error(Self.load(file: long))?.hasPrefix("\(long): the fingerprint key must be at most 4096 bytes")
                == true
        )
        // A device that never ends is cut off at the limit, not read for ever.
        #expect(Self.error(Self.load(file: "/dev/zero"))?.contains("at most 4096 bytes") == true)
        let missing = short + "-missing"
        #expect(
            Self.error(Self.load(file: missing))
                == "\(missing): cannot read the fingerprint key file: No such file or directory"
        )
        let folder = URL(fileURLWithPath: short).deletingLastPathComponent().path
        #expect(Self.error(Self.load(file: folder)) == "\(folder): is a directory, not a fingerprint key file")
        let longest = try Self.keyFile([UInt8](repeating: 0x41, count: PasswordFingerprinter.maximumKeyBytes))
        #expect((try? Self.load(file: longest).get()) != nil)
    }

    @Test("the environment's value: used without a key file, refused when too short or too long")
    func environmentValue() throws {
        let loaded = try Self.load(file: nil, environment: Self.key).get()
        #expect(loaded.keyID == PasswordFingerprinter(keyBytes: Array(Self.key.utf8)).keyID)
        #expect(
            Self.error(Self.load(file: nil, environment: "short"))
                == "CREDWATCH_FINGERPRINT_KEY must be at least 16 bytes"
        )
        let huge = String(repeating: "k", count: 4097)
        #expect(
            Self.error(Self.load(file: nil, environment: huge))
                == "CREDWATCH_FINGERPRINT_KEY must be at most 4096 bytes"
        )
    }

    @Test("no key: a random one with a warning, or an error naming the option that needs a stable one")
    func noKey() throws {
        let diagnostics = Diagnostics(output: nil)
        let random = try Self.load(file: nil, environment: "", diagnostics: diagnostics).get()
        #expect(random.isEphemeral)
        #expect(diagnostics.allMessages.count == 1)
        #expect(diagnostics.allMessages.first?.contains("using a random key") == true)
        let refused = Diagnostics(output: nil)
        #expect(
            Self.error(Self.load(file: nil, requiredBy: "--state", diagnostics: refused))
                == "--state needs a stable fingerprint key: give --fingerprint-key-file or set CREDWATCH_FINGERPRINT_KEY"
        )
        #expect(refused.allMessages.isEmpty)
    }
}
