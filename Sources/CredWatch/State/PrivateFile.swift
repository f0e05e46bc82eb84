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
                throw ConfigurationError(file: path, message: "cannot restrict the state file: \(SystemError.last)")
            }
            return
        }
        guard errno == EEXIST else {
            throw ConfigurationError(file: path, message: "cannot create the state file: \(SystemError.last)")
        }
        descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            throw ConfigurationError(file: path, message: "cannot open the state file: \(SystemError.last)")
        }
        defer { close(descriptor) }
        guard let access = FileAccess(descriptor: descriptor), access.isRegularFile else {
            throw ConfigurationError(file: path, message: "the state is not a regular file")
        }
        guard !access.isOpenToOthers else {
            throw ConfigurationError(
                file: path,
                message: "the state file is accessible by group or others (\(access.modeText)); run `chmod 600 \(path)`"
            )
        }
    }
}
