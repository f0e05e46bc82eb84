import Foundation
import Testing

@testable import CredWatch

@Suite struct StateCleartextTests {
    /// A password and a cookie value that exist only here and reach the state only as HMAC
    /// fingerprints: neither may appear in any file the state leaves on disk.
    @Test func theStateHoldsNoCleartext() throws {
        let password = "Zèbre-Planté-7431!"
        let cookieValue = "sess-9f8e7d6c5b4a3928-planted"
        let fingerprinter = PasswordFingerprinter(keyBytes: Array("clinique-exemple.fr test key".utf8))
        let passwordPrint = Array(password.utf8).withUnsafeBytes { fingerprinter.fingerprint($0) }
        let cookiePrint = Array(cookieValue.utf8).withUnsafeBytes { fingerprinter.fingerprint($0) }

        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let store = try StateStore.open(
            path: path,
            keyID: fingerprinter.keyID,
            options: StateOptions(),
            now: StateStoreTests.dayZero
        )
        try store.record(
            [
                StateExposure(
                    key: "credential|jdupont|mediboard|\(passwordPrint)",
                    account: "jdupont",
                    platform: "mediboard",
                    fingerprint: passwordPrint,
                    sources: ["dump.zip!victim/Passwords.txt"]
                ),
                StateExposure(
                    key: "cookie|jdupont|mediboard|MBSESSID",
                    account: "jdupont",
                    platform: "mediboard",
                    fingerprint: cookiePrint,
                    sources: ["dump.zip!victim/Cookies/Chrome.txt"]
                ),
            ],
            now: StateStoreTests.dayZero
        )
        store.close()

        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.sorted() == ["state.db", "state.db.lock"])
        var everything = Data()
        for name in files { everything += try Data(contentsOf: URL(fileURLWithPath: folder.path + "/" + name)) }
        // The fingerprints are there (so this is the right file, read whole)…
        #expect(everything.range(of: Data(passwordPrint.utf8)) != nil)
        #expect(everything.range(of: Data(cookiePrint.utf8)) != nil)
        // …the secrets are not, in any common encoding.
        for secret in [password, cookieValue] {
            #expect(everything.range(of: Data(secret.utf8)) == nil)
            #expect(everything.range(of: secret.data(using: .utf16LittleEndian)!) == nil)
            if let latin1 = secret.data(using: .isoLatin1) { #expect(everything.range(of: latin1) == nil) }
        }
    }
}
