import Crypto

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The password hashes of the organisation's accounts, loaded from Active Directory and
/// Mediboard exports, telling whether a leaked password is still an account's current one.
///
/// Hashes are keyed by the case-folded name the export uses. An account is looked up by its
/// exact identifiers only: sAMAccountName, UPN, mail and `smtp:` aliases. Local parts of
/// addresses are deliberately not tried: a Mediboard user `jean.dupont` could be another
/// person than the account whose UPN is `jean.dupont@…`, and a wrong pairing would report a
/// still-valid password as "already changed", which makes a SOC skip the reset. An
/// unmatched account yields nil ("unknown"), which keeps the reset.
public final class HashDirectory: PasswordChecking {
    private let hashes: [String: [StoredHash]]
    /// Password hashes loaded, over all files.
    public let count: Int
    /// Lines of the exports that were neither a hash nor deliberately ignored.
    public let skippedLines: Int

    private init(_ table: HashTableBuilder) {
        hashes = table.hashes
        count = table.count
        skippedLines = table.skippedLines
    }

    /// Loads password-hash exports, streamed line by line (never copied, never written anywhere).
    /// Refuses a file readable by group or others unless `allowInsecure`, and a file that holds
    /// no hash at all (most likely the wrong file).
    public static func load(paths: [String], allowInsecure: Bool) throws(ConfigurationError) -> HashDirectory {
        var table = HashTableBuilder()
        for path in paths {
            try load(path: path, allowInsecure: allowInsecure, into: &table)
        }
        return HashDirectory(table)
    }

    private static func load(
        path: String,
        allowInsecure: Bool,
        into table: inout HashTableBuilder
    ) throws(ConfigurationError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ConfigurationError(
                file: path,
                message: "cannot open hash export: \(SystemError.last)"
            )
        }
        defer { close(descriptor) }
        guard let access = FileAccess(descriptor: descriptor), access.isRegularFile else {
            throw ConfigurationError(file: path, message: "hash export is not a regular file")
        }
        if access.isReadableByOthers && !allowInsecure {
            throw ConfigurationError(
                file: path,
                message: "password-hash export is readable by group or others (\(access.modeText)); "
                    + "it is as sensitive as the passwords: run `chmod 600 \(path)`, or pass --allow-insecure-hashes"
            )
        }

        let before = table.count
        var format: ExportFormat?
        var mediboard: MediboardUsersExport?
        var failure: ConfigurationError?
        let overlong = try SecretFileLines.forEach(in: descriptor, path: path) { line, lineNumber in
            guard failure == nil else { return }
            if format == nil {
                if Bytes.trimmed(line).isEmpty { return }
                if MediboardUsersExport.isHeader(line) {
                    mediboard = MediboardUsersExport(header: line)
                    if mediboard == nil {
                        failure = ConfigurationError(
                            file: path,
                            line: lineNumber,
                            message: "Mediboard users header without both user_username and user_password columns"
                        )
                    }
                    format = .mediboard
                    return
                }
                format = .activeDirectory
            }
            table.add(format == .mediboard ? mediboard?.parse(line) : ActiveDirectoryHashLine.parse(line))
        }
        if let failure { throw failure }
        table.add(mediboard?.finish())
        table.skippedLines += overlong
        guard table.count > before else {
            throw ConfigurationError(
                file: path,
                message: "no password hash found: expected secretsdump/DSInternals lines (user:rid:lmhash:nthash:::, "
                    + "user:nthash) or a Mediboard users CSV with user_username and user_password columns"
            )
        }
    }

    private enum ExportFormat {
        case activeDirectory
        case mediboard
    }

    /// Whether `password` is one of `account`'s stored hashes; nil when no hash is known for it.
    ///
    /// Every encoding the storing system could have hashed is tried (`PasswordEncodings`):
    /// NT hashes over the text in UTF-16LE; Mediboard hashes over the bytes as found, the text
    /// in UTF-8, and in Windows-1252 or ISO-8859-1. Not current only when none matches.
    public func check(account: Account, password: UnsafeRawBufferPointer) -> PasswordCheck? {
        let stored = storedHashes(of: account)
        guard !stored.isEmpty else { return nil }
        var encodings = PasswordEncodings(password)
        var ntHash: [UInt8]?
        func lastChange(_ hash: StoredHash) -> Timestamp? {
            hash.lastChange ?? (hash.scheme == .nt ? account.passwordLastSet : nil)
        }
        for hash in stored where Self.matches(hash, &encodings, ntHash: &ntHash) {
            return PasswordCheck(isCurrent: true, lastChange: lastChange(hash))
        }
        return PasswordCheck(isCurrent: false, lastChange: stored.compactMap(lastChange).max())
    }

    /// Whether one of the password's encodings hashes to `stored`; the NT hash is computed
    /// once per check, whatever the number of NT hashes the account has.
    private static func matches(
        _ stored: StoredHash,
        _ encodings: inout PasswordEncodings,
        ntHash: inout [UInt8]?
    ) -> Bool {
        switch stored.scheme {
        case .nt:
            if ntHash == nil { ntHash = encodings.withUTF16LittleEndian { MD4.hash($0) } }
            return ntHash == stored.digest
        case .saltedSHA256(let salt):
            var salted = SHA256()
            salted.update(data: salt)
            return encodings.anyByteCandidate { bytes in
                var hasher = salted
                hasher.update(bufferPointer: bytes)
                return hasher.finalize().elementsEqual(stored.digest)
            }
        case .md5:
            return encodings.anyByteCandidate { bytes in
                var hasher = Insecure.MD5()
                hasher.update(bufferPointer: bytes)
                return hasher.finalize().elementsEqual(stored.digest)
            }
        }
    }

    private func storedHashes(of account: Account) -> [StoredHash] {
        var names: [String] = []
        for identifier in [account.sam, account.upn, account.mail].compactMap({ $0 }) + account.aliases {
            let name = identifier.lowercased()
            if !name.isEmpty && !names.contains(name) { names.append(name) }
        }
        return names.flatMap { hashes[$0] ?? [] }
    }
}
