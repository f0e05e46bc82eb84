import CSQLite
import Foundation
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#endif

/// The state kept between scheduled runs: which exposures were already reported (and when
/// first), and which inputs were already scanned.
///
/// It never holds a cleartext password or cookie value: only exposure keys, account and
/// platform ids, HMAC fingerprints, source locators and dates. The SQLite file is created
/// 0600 and kept in rollback-journal mode (the journal inherits the file's mode; no WAL
/// files). A scan changes it once, in one transaction (`commit`), after its outputs were
/// delivered: a run that fails or is killed before then leaves the state as it was. Entries past
/// the retention are read as absent from the start of a run and deleted by its commit.
/// and an exclusive lock on `<path>.lock` is held from `open` to `close`, so a second run
/// waits for the first instead of interleaving with it.
///
/// Reads (`firstSeen`, `hasSeenInput`, `summary`) do not throw: a failure reads as "not
/// seen", which over-reports rather than hides an exposure.
public final class StateStore: Sendable {
    public let path: String
    /// Exposures unseen for more than `retentionDays` when the state was opened: read as absent
    /// by this run, deleted by its `commit`.
    public let purgedFindings: Int
    /// Entries last seen before this (ISO 8601) are expired; nil for a maintenance open.
    private let cutoff: String?
    /// The retention of this open, for the summary when the state records none.
    private let retentionDays: Int
    /// The connection and the run lock, nil once closed. One caller at a time: input skipping
    /// asks from several reader threads.
    private let connection: Mutex<Connection?>

    private struct Connection {
        let database: SQLiteDatabase
        let lock: StateLock
    }

    private init(
        path: String,
        purgedFindings: Int,
        cutoff: String?,
        retentionDays: Int,
        connection: sending Connection
    ) {
        self.path = path
        self.purgedFindings = purgedFindings
        self.cutoff = cutoff
        self.retentionDays = retentionDays
        self.connection = Mutex(connection)
    }

    deinit { close() }

    /// Opens or creates the state (created 0600). Refuses a state built under another
    /// fingerprint key (compared by `keyID`), a file that is not a credwatch state, and one
    /// accessible by group or others. Purges entries not seen for more than `retentionDays`.
    /// Waits up to `lockTimeout` seconds for a run that holds the state, then fails.
    ///
    /// A nil `keyID` opens for maintenance (`credwatch state show/forget`): the key is neither
    /// checked nor bound, and nothing is expired (the scheduled runs' retention may be longer
    /// than this open's default).
    ///
    /// A new state is created here (bound to the key, holding nothing); an existing one is only
    /// read until `commit`.
    public static func open(
        path: String,
        keyID: String?,
        options: StateOptions,
        now: Date
    ) throws(ConfigurationError) -> StateStore {
        guard StateOptions.retentionRange.contains(options.retentionDays) else {
            throw ConfigurationError(
                file: path,
                message: "state retention must be between \(StateOptions.retentionRange.lowerBound) and "
                    + "\(StateOptions.retentionRange.upperBound) days"
            )
        }
        let timeout = options.lockTimeout.isFinite ? min(max(options.lockTimeout, 0), 86_400) : 0
        let lock = try StateLock.acquire(statePath: path, timeout: timeout)
        try PrivateFile.create(path)
        try StateSchema.checkHeader(path)
        let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: Int32(timeout * 1000))
        try database.execute(
            """
            PRAGMA journal_mode = DELETE;
            PRAGMA synchronous = FULL;
            PRAGMA secure_delete = ON;
            PRAGMA foreign_keys = ON;
            """
        )
        let cutoff = Timestamp(now.addingTimeInterval(-Double(options.retentionDays) * 86_400)).iso8601
        let expired = try database.transaction { () throws(ConfigurationError) -> Int in
            try StateSchema.prepare(database, now: Timestamp(now).iso8601)
            guard let keyID else { return 0 }
            try checkKey(database, keyID: keyID, now: now)
            let count = try database.prepare("SELECT count(*) FROM exposures WHERE last_seen < ?1")
            try count.bind(1, cutoff)
            return try count.step() ? Int(count.int64(0)) : 0
        }
        return StateStore(
            path: path,
            purgedFindings: expired,
            cutoff: keyID == nil ? nil : cutoff,
            retentionDays: options.retentionDays,
            connection: Connection(database: database, lock: lock)
        )
    }

    /// The files a state at `path` consists of: the database, the journals SQLite may create
    /// beside it (beside the file a symbolic link leads to as well), and the run lock. No output
    /// of a run may be one of them.
    public static func files(path: String) -> [String] {
        var bases = [path]
        if let real = realpath(path, nil) {
            bases.append(String(cString: real))
            free(real)
        }
        return bases.flatMap { base in ["", "-journal", "-wal", "-shm"].map { base + $0 } } + [path + ".lock"]
    }

    /// Binds a new state to `keyID`, or refuses one bound to another key.
    private static func checkKey(_ database: SQLiteDatabase, keyID: String, now: Date) throws(ConfigurationError) {
        guard let stored = try meta(database, "key_id") else {
            try setMeta(database, "key_id", keyID)
            try setMeta(database, "created", Timestamp(now).iso8601)
            return
        }
        guard stored == keyID else {
            throw ConfigurationError(
                file: database.path,
                message: "state was built under another fingerprint key (key id \(stored); this run's is \(keyID)): "
                    + "its fingerprints would not compare with this run's and every finding would look new. "
                    + "Run with the key this state was built with, or use a new state file to start afresh"
            )
        }
    }

    private static func meta(_ database: SQLiteDatabase, _ name: String) throws(ConfigurationError) -> String? {
        let select = try database.prepare("SELECT value FROM meta WHERE name = ?1")
        try select.bind(1, name)
        return try select.step() ? select.text(0) : nil
    }

    private static func setMeta(_ database: SQLiteDatabase, _ name: String, _ value: String) throws(ConfigurationError)
    {
        let upsert = try database.prepare(
            "INSERT INTO meta(name, value) VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = excluded.value"
        )
        try upsert.bind(1, name)
        try upsert.bind(2, value)
        try upsert.run()
    }

    /// Deletes entries last seen before `cutoff`; returns the number of exposures removed.
    private static func purge(_ database: SQLiteDatabase, before cutoff: String) throws(ConfigurationError) -> Int {
        var purged = 0
        for table in ["exposures", "exposure_sources", "inputs"] {
            let delete = try database.prepare("DELETE FROM \(table) WHERE last_seen < ?1")
            try delete.bind(1, cutoff)
            try delete.run()
            if table == "exposures" { purged = database.changes }
        }
        return purged
    }

    /// Runs `body` with the open connection, one caller at a time.
    private func withDatabase<Result: Sendable>(
        _ body: (SQLiteDatabase) throws(ConfigurationError) -> Result
    ) throws(ConfigurationError) -> Result {
        try connection.withLock { (held: inout Connection?) throws(ConfigurationError) -> Result in
            guard let held else { throw ConfigurationError(file: path, message: "the state is closed") }
            return try body(held.database)
        }
    }

    /// For each exposure key, the first date it was reported (ISO 8601), if the state has seen it.
    public func firstSeen(_ exposureKeys: [String]) -> [String: String] {
        // What cannot be read counts as new.
        (try? withDatabase { (database) throws(ConfigurationError) -> [String: String] in
            var result: [String: String] = [:]
            let select = try database.prepare(
                "SELECT first_seen FROM exposures WHERE key = ?1 AND last_seen >= ?2"
            )
            for key in Set(exposureKeys) {
                // `reset` clears the bindings: both are bound for every key.
                try select.bind(1, key)
                try select.bind(2, cutoff ?? "")
                if try select.step(), let date = select.text(0) { result[key] = date }
                select.reset()
            }
            return result
        }) ?? [:]
    }

    /// Everything a run changes, in one transaction, once its outputs were delivered: deletes
    /// what expired, records the run's exposures (`record`) and the inputs it read completely or
    /// skipped as already read (`recordInputs`: a skipped input stays remembered instead of
    /// expiring). Returns the exposures deleted as expired.
    @discardableResult
    public func commit(exposures: [StateExposure], inputs: [InputFingerprint], now: Date) throws(ConfigurationError)
        -> Int
    {
        try withDatabase { (database) throws(ConfigurationError) -> Int in
            try database.transaction { () throws(ConfigurationError) -> Int in
                var purged = 0
                if let cutoff {
                    purged = try Self.purge(database, before: cutoff)
                    try Self.setMeta(database, "retention_days", String(retentionDays))
                }
                try Self.insert(exposures, into: database, now: now)
                try Self.insert(inputs, into: database, now: now)
                return purged
            }
        }
    }

    /// Records exposures in a transaction of their own (`commit` is what a scan uses).
    public func record(_ exposures: [StateExposure], now: Date) throws(ConfigurationError) {
        try commit(exposures: exposures, inputs: [], now: now)
    }

    /// Remembers inputs in a transaction of their own (`commit` is what a scan uses).
    public func recordInputs(_ inputs: [InputFingerprint], now: Date) throws(ConfigurationError) {
        try commit(exposures: [], inputs: inputs, now: now)
    }

    /// New exposures are inserted with `now` as first and last sighting; known ones get `now` as
    /// last sighting and any new sources.
    private static func insert(_ exposures: [StateExposure], into database: SQLiteDatabase, now: Date)
        throws(ConfigurationError)
    {
        let seen = Timestamp(now).iso8601
        let upsert = try database.prepare(
            """
            INSERT INTO exposures(key, account, platform, fingerprint, first_seen, last_seen, kind)
            VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6)
            ON CONFLICT(key) DO UPDATE SET
                account = excluded.account, platform = excluded.platform,
                fingerprint = excluded.fingerprint, first_seen = min(first_seen, excluded.first_seen),
                last_seen = max(last_seen, excluded.last_seen),
                kind = CASE WHEN excluded.kind = '' THEN kind ELSE excluded.kind END
            """
        )
        let addIdentity = try database.prepare(
            "INSERT INTO exposure_identities(key, identity) VALUES (?1, ?2) ON CONFLICT DO NOTHING"
        )
        let addSource = try database.prepare(
            """
            INSERT INTO exposure_sources(key, source, last_seen) VALUES (?1, ?2, ?3)
            ON CONFLICT(key, source) DO UPDATE SET last_seen = max(last_seen, excluded.last_seen)
            """
        )
        for exposure in exposures {
            try upsert.bind(1, exposure.key)
            try upsert.bind(2, exposure.account)
            try upsert.bind(3, exposure.platform)
            try upsert.bind(4, exposure.fingerprint)
            try upsert.bind(5, seen)
            try upsert.bind(6, exposure.kind)
            try upsert.run()
            upsert.reset()
            for identity in Set(exposure.identities) where !identity.isEmpty {
                try addIdentity.bind(1, exposure.key)
                try addIdentity.bind(2, identity)
                try addIdentity.run()
                addIdentity.reset()
            }
            for source in Set(exposure.sources) {
                try addSource.bind(1, exposure.key)
                try addSource.bind(2, source)
                try addSource.bind(3, seen)
                try addSource.run()
                addSource.reset()
            }
        }
    }

    /// True when `input` was recorded with the same path, size, modification time and digest
    /// (false when the state cannot be read: the input is scanned again).
    public func hasSeenInput(_ input: InputFingerprint) -> Bool {
        (try? withDatabase { (database) throws(ConfigurationError) -> Bool in
            let select = try database.prepare(
                "SELECT 1 FROM inputs WHERE path = ?1 AND size = ?2 AND mtime = ?3 AND digest = ?4 AND last_seen >= ?5"
            )
            try select.bind(5, cutoff ?? "")
            try select.bind(1, input.path)
            try select.bind(2, input.size)
            try select.bind(3, input.mtime)
            try select.bind(4, input.digest)
            return try select.step()
        }) ?? false
    }

    /// Remembers inputs read completely (or skipped as read before) with `now` as last sighting.
    private static func insert(_ inputs: [InputFingerprint], into database: SQLiteDatabase, now: Date)
        throws(ConfigurationError)
    {
        let seen = Timestamp(now).iso8601
        let upsert = try database.prepare(
            """
            INSERT INTO inputs(path, size, mtime, digest, last_seen) VALUES (?1, ?2, ?3, ?4, ?5)
            ON CONFLICT(path) DO UPDATE SET
                size = excluded.size, mtime = excluded.mtime, digest = excluded.digest,
                last_seen = excluded.last_seen
            """
        )
        for input in inputs {
            try upsert.bind(1, input.path)
            try upsert.bind(2, input.size)
            try upsert.bind(3, input.mtime)
            try upsert.bind(4, input.digest)
            try upsert.bind(5, seen)
            try upsert.run()
            upsert.reset()
        }
    }

    /// Counts, dates, file size, and the retention the scheduled runs apply.
    public func summary() -> StateSummary {
        var summary = StateSummary(
            path: path,
            findings: 0,
            accounts: 0,
            inputs: 0,
            oldestFirstSeen: nil,
            newestLastSeen: nil,
            fileSize: 0,
            retentionDays: retentionDays
        )
        var status = stat()
        if stat(path, &status) == 0 { summary.fileSize = Int64(status.st_size) }
        // Counts that cannot be read stay at zero.
        return
            (try? withDatabase { (database) throws(ConfigurationError) -> StateSummary in
                // Unknown accounts keep their login as the account, and cookies none: neither is
                // an account of the organisation.
                let exposures = try database.prepare(
                    """
                    SELECT count(*),
                        count(DISTINCT CASE WHEN account <> '' AND kind NOT IN ('unknown_account', 'cookie')
                            THEN lower(account) END),
                        min(first_seen), max(last_seen)
                    FROM exposures
                    """
                )
                if try exposures.step() {
                    summary.findings = Int(exposures.int64(0))
                    summary.accounts = Int(exposures.int64(1))
                    summary.oldestFirstSeen = exposures.text(2)
                    summary.newestLastSeen = exposures.text(3)
                }
                let inputs = try database.prepare("SELECT count(*) FROM inputs")
                if try inputs.step() { summary.inputs = Int(inputs.int64(0)) }
                if let stored = try Self.meta(database, "retention_days").flatMap({ Int($0) }) {
                    summary.retentionDays = stored
                }
                return summary
            }) ?? summary
    }

    /// The exposures grouped by account, platform and kind, in that order (accounts
    /// case-insensitively), each with its count and dates; empty when it cannot be read.
    public func groups() -> [StateGroup] {
        (try? withDatabase { (database) throws(ConfigurationError) -> [StateGroup] in
            let select = try database.prepare(
                """
                SELECT min(account), platform, kind, count(*), min(first_seen), max(last_seen) FROM exposures
                GROUP BY lower(account), platform, kind
                ORDER BY lower(account), platform, kind
                """
            )
            var groups: [StateGroup] = []
            while try select.step() {
                groups.append(
                    StateGroup(
                        account: select.text(0) ?? "",
                        platform: select.text(1) ?? "",
                        kind: select.text(2) ?? "",
                        exposures: Int(select.int64(3)),
                        firstSeen: select.text(4) ?? "",
                        lastSeen: select.text(5) ?? ""
                    )
                )
            }
            return groups
        }) ?? []
    }

    /// Removes every exposure of `account` (case-insensitive): the account as reported, or any
    /// identity (sAMAccountName, UPN, mail, alias) the state recorded for it. Returns how many
    /// were removed.
    public func forget(account: String) throws(ConfigurationError) -> Int {
        try withDatabase { (database) throws(ConfigurationError) -> Int in
            try database.transaction { () throws(ConfigurationError) -> Int in
                let delete = try database.prepare(
                    """
                    DELETE FROM exposures WHERE account = ?1 COLLATE NOCASE
                        OR key IN (SELECT key FROM exposure_identities WHERE identity = ?1 COLLATE NOCASE)
                    """
                )
                try delete.bind(1, account)
                try delete.run()
                return database.changes
            }
        }
    }

    /// Removes every exposure and input; the state stays bound to its key.
    public func forgetAll() throws(ConfigurationError) {
        try withDatabase { (database) throws(ConfigurationError) in
            try database.transaction { () throws(ConfigurationError) in
                try database.execute(
                    "DELETE FROM exposure_sources; DELETE FROM exposure_identities; DELETE FROM exposures; DELETE FROM inputs;"
                )
            }
        }
    }

    /// Closes the database and releases the lock (also done when the store is released).
    public func close() {
        connection.withLock { held in
            held?.database.close()
            held?.lock.release()
            held = nil
        }
    }
}
