import CSQLite

/// One SQLite connection through the C API. Every failing return code becomes a
/// `ConfigurationError` naming the state file and carrying `sqlite3_errmsg`.
final class SQLiteDatabase {
    let path: String
    private var handle: OpaquePointer?

    /// Opens an existing database file (the caller creates it, with the permissions it wants).
    init(path: String, busyTimeoutMilliseconds: Int32) throws(ConfigurationError) {
        self.path = path
        var connection: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX | SQLITE_OPEN_NOFOLLOW
        let code = sqlite3_open_v2(path, &connection, flags, nil)
        guard code == SQLITE_OK, let connection else {
            let message =
                connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close_v2(connection)
            throw ConfigurationError(file: path, message: "cannot open state database: \(message)")
        }
        handle = connection
        sqlite3_extended_result_codes(connection, 1)
        try check(sqlite3_busy_timeout(connection, busyTimeoutMilliseconds), "setting the busy timeout")
    }

    deinit { close() }

    func close() {
        guard let handle else { return }
        sqlite3_close_v2(handle)
        self.handle = nil
    }

    var isOpen: Bool { handle != nil }

    /// Runs SQL that returns no rows (several statements allowed).
    func execute(_ sql: String) throws(ConfigurationError) {
        let connection = try connected()
        var message: UnsafeMutablePointer<CChar>?
        let code = sqlite3_exec(connection, sql, nil, nil, &message)
        defer { sqlite3_free(message) }
        guard code == SQLITE_OK else {
            let detail = message.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(code))
            throw ConfigurationError(file: path, message: "state database error: \(detail)")
        }
    }

    func prepare(_ sql: String) throws(ConfigurationError) -> SQLiteStatement {
        let connection = try connected()
        var statement: OpaquePointer?
        try check(sqlite3_prepare_v2(connection, sql, -1, &statement, nil), "preparing a statement")
        guard let statement else {
            throw ConfigurationError(file: path, message: "state database error: empty statement")
        }
        return SQLiteStatement(statement, database: self)
    }

    /// Runs `body` inside `BEGIN IMMEDIATE … COMMIT` (the write lock is taken up front, so two
    /// writers never deadlock halfway); rolls back when it throws.
    func transaction<Result>(
        _ body: () throws(ConfigurationError) -> Result
    ) throws(ConfigurationError) -> Result {
        try execute("BEGIN IMMEDIATE")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            if let connection = handle, sqlite3_get_autocommit(connection) == 0 {
                sqlite3_exec(connection, "ROLLBACK", nil, nil, nil)
            }
            throw error
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int {
        guard let handle else { return 0 }
        return Int(sqlite3_changes(handle))
    }

    /// Throws with SQLite's message unless `code` is one of the `accepted` codes.
    func check(_ code: Int32, _ action: String, accepted: Set<Int32> = [SQLITE_OK]) throws(ConfigurationError) {
        guard !accepted.contains(code) else { return }
        let detail = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
        throw ConfigurationError(file: path, message: "state database error while \(action): \(detail)")
    }

    private func connected() throws(ConfigurationError) -> OpaquePointer {
        guard let handle else { throw ConfigurationError(file: path, message: "state database is closed") }
        return handle
    }
}

/// A prepared statement, finalized when it goes out of scope.
struct SQLiteStatement: ~Copyable {
    private let statement: OpaquePointer
    private let database: SQLiteDatabase

    fileprivate init(_ statement: OpaquePointer, database: SQLiteDatabase) {
        self.statement = statement
        self.database = database
    }

    deinit { sqlite3_finalize(statement) }

    /// Binds text to the 1-based parameter `index` (SQLite copies it).
    func bind(_ index: Int32, _ text: String) throws(ConfigurationError) {
        let length = text.utf8.count
        guard length <= Int(Int32.max) else {
            throw ConfigurationError(file: database.path, message: "state database error: value too large to store")
        }
        // Explicit length: a NUL inside the text does not cut it short.
        let code = text.withCString { sqlite3_bind_text(statement, index, $0, Int32(length), csqlite_transient()) }
        try database.check(code, "binding a value")
    }

    func bind(_ index: Int32, _ value: Int64) throws(ConfigurationError) {
        try database.check(sqlite3_bind_int64(statement, index, value), "binding a value")
    }

    /// Advances to the next row: true when there is one, false when the statement is done.
    func step() throws(ConfigurationError) -> Bool {
        let code = sqlite3_step(statement)
        try database.check(code, "running a statement", accepted: [SQLITE_ROW, SQLITE_DONE])
        return code == SQLITE_ROW
    }

    /// Runs a statement that returns no rows.
    func run() throws(ConfigurationError) {
        _ = try step()
    }

    /// Makes the statement ready to run again with new bindings.
    func reset() {
        sqlite3_reset(statement)
        sqlite3_clear_bindings(statement)
    }

    func text(_ column: Int32) -> String? {
        guard let pointer = sqlite3_column_text(statement, column) else { return nil }
        return String(cString: pointer)
    }

    func int64(_ column: Int32) -> Int64 {
        sqlite3_column_int64(statement, column)
    }
}
