import Foundation

/// A fresh 0700 directory for one test's files, removed when the value is released.
final class PrivateTestDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "/credwatch-test-" + UUID().uuidString
        mkdir(path, 0o700)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes `bytes` to `name` with `mode` and returns the file's path.
    @discardableResult
    func file(_ name: String, bytes: [UInt8], mode: mode_t = 0o600) -> String {
        let filePath = path + "/" + name
        _ = FileManager.default.createFile(atPath: filePath, contents: Data(bytes))
        chmod(filePath, mode)
        return filePath
    }

    @discardableResult
    func file(_ name: String, text: String, mode: mode_t = 0o600) -> String {
        file(name, bytes: Array(text.utf8), mode: mode)
    }

    /// The permission bits of `filePath`.
    static func mode(of filePath: String) -> mode_t? {
        var status = stat()
        guard stat(filePath, &status) == 0 else { return nil }
        return status.st_mode & 0o777
    }
}
