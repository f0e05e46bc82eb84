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
