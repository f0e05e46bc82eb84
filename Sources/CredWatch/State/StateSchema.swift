#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The state's tables, and the migrations that bring an older state up to date.
enum StateSchema {
    /// Marks the SQLite file as a credwatch state ("CWST"), so that a state path pointing at
    /// another application's database is refused instead of modified.
    static let applicationID: Int32 = 0x4357_5354

    /// Migration `n` (1-based) brings a state from schema `n - 1` to `n`. Append, never edit.
    static let migrations: [String] = [
        """
        CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE exposures (
            key TEXT PRIMARY KEY,
            account TEXT NOT NULL,
            platform TEXT NOT NULL,
            fingerprint TEXT NOT NULL,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL
        ) WITHOUT ROWID;
        CREATE INDEX exposures_by_account ON exposures(account COLLATE NOCASE);
        CREATE INDEX exposures_by_last_seen ON exposures(last_seen);
        CREATE TABLE exposure_sources (
            key TEXT NOT NULL REFERENCES exposures(key) ON DELETE CASCADE,
            source TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            PRIMARY KEY (key, source)
        ) WITHOUT ROWID;
        CREATE INDEX exposure_sources_by_last_seen ON exposure_sources(last_seen);
        CREATE TABLE inputs (
            path TEXT PRIMARY KEY,
            size INTEGER NOT NULL,
            mtime INTEGER NOT NULL,
            digest TEXT NOT NULL,
            last_seen TEXT NOT NULL
        ) WITHOUT ROWID;
        PRAGMA application_id = \(applicationID);
        """,
        // 2: each exposure's kind (read back from its key for older rows), and the identities
        // of its account, so that `forget --account` finds it by any of them.
        """
        ALTER TABLE exposures ADD COLUMN kind TEXT NOT NULL DEFAULT '';
        UPDATE exposures SET kind = substr(key, 1, instr(key, '|') - 1) WHERE instr(key, '|') > 1;
        CREATE TABLE exposure_identities (
            key TEXT NOT NULL REFERENCES exposures(key) ON DELETE CASCADE,
            identity TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (key, identity)
        ) WITHOUT ROWID;
        CREATE INDEX exposure_identities_by_identity ON exposure_identities(identity COLLATE NOCASE);
        """,
    ]

    /// Refuses a file that is not a credwatch state by its first 100 bytes, before SQLite opens
    /// it: opening is not read-only (switching the journal mode, or merely closing, would fold
    /// another application's write-ahead log into its database). An empty file is a new state.
    static func checkHeader(_ path: String) throws(ConfigurationError) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }  // SQLite names the failure
        defer { close(descriptor) }
        var header = [UInt8](repeating: 0, count: 100)
        let count = header.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 100) }
        guard count > 0 else { return }
        let magic = Array("SQLite format 3".utf8) + [0]
        guard count == 100, Array(header[0..<16]) == magic else {
            throw ConfigurationError(
                file: path,
                message: "not a credwatch state file (not an SQLite database); refusing to modify it"
            )
        }
        let application = header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard application == UInt32(bitPattern: applicationID) else {
            throw ConfigurationError(
                file: path,
                message: "not a credwatch state file (another SQLite database?); refusing to modify it"
            )
        }
    }

    /// Inside the open transaction: refuses a database that is not a credwatch state, then
    /// applies the migrations it lacks, recording each in `schema_version`.
    static func prepare(_ database: SQLiteDatabase, now: String) throws(ConfigurationError) {
        let identity = try database.prepare(
            "SELECT (SELECT application_id FROM pragma_application_id), (SELECT count(*) FROM sqlite_master)"
        )
        guard try identity.step() else {
            throw ConfigurationError(file: database.path, message: "cannot read the state file's header")
        }
        let application = identity.int64(0)
        let objects = identity.int64(1)
        identity.reset()
        guard application == Int64(applicationID) || (application == 0 && objects == 0) else {
            throw ConfigurationError(
                file: database.path,
                message: "not a credwatch state file (another SQLite database?); refusing to modify it"
            )
        }

        try database.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        let current = try database.prepare("SELECT coalesce(max(version), 0) FROM schema_version")
        let version = try current.step() ? Int(current.int64(0)) : 0
        current.reset()
        guard version <= migrations.count else {
            throw ConfigurationError(
                file: database.path,
                message: "state schema version \(version) was written by a newer credwatch "
                    + "(this one knows up to \(migrations.count)); upgrade credwatch"
            )
        }
        let record = try database.prepare("INSERT INTO schema_version(version, applied_at) VALUES (?1, ?2)")
        for next in (version + 1)..<(migrations.count + 1) {
            try database.execute(migrations[next - 1])
            try record.bind(1, Int64(next))
            try record.bind(2, now)
            try record.run()
            record.reset()
        }
    }
}
