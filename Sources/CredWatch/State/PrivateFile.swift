#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The state file's permissions: only its owner may read it.
enum PrivateFile {
    /// Creates the file 0600 when missing (before SQLite does, with the process umask), and
    /// refuses an existing one that group or others can access.
    static func create(_ path: String) throws(ConfigurationError) {
        var descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        if descriptor >= 0 {
            defer { close(descriptor) }
            guard fchmod(descriptor, 0o600) == 0 else {
                throw ConfigurationError(file: path, message: "cannot restrict the state file: \(lastError())")
            }
            return
        }
        guard errno == EEXIST else {
            throw ConfigurationError(file: path, message: "cannot create the state file: \(lastError())")
        }
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw ConfigurationError(file: path, message: "cannot open the state file: \(lastError())")
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            throw ConfigurationError(file: path, message: "the state is not a regular file")
        }
        let mode = status.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw ConfigurationError(
                file: path,
                message: "the state file is accessible by group or others (mode 0\(String(mode, radix: 8))); "
                    + "run `chmod 600 \(path)`"
            )
        }
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
