import Foundation
import Synchronization
import Testing

@testable import CredWatch

@Suite struct StateStoreTests {
    static let keyID = "0123456789abcdef"
    /// 2024-06-01T00:00:00Z.
    static let dayZero = Date(timeIntervalSince1970: 1_717_200_000)

    static func day(_ number: Int) -> Date { dayZero.addingTimeInterval(Double(number) * 86_400) }

    static func exposure(_ key: String, account: String = "jdupont", sources: [String] = ["dump.zip!a/Passwords.txt"])
        -> StateExposure
    {
        StateExposure(key: key, account: account, platform: "mediboard", fingerprint: "fp-" + key, sources: sources)
    }

    static func openState(
        _ path: String,
        keyID: String = keyID,
        at now: Date = dayZero,
        options: StateOptions = StateOptions()
    )
        throws -> StateStore
    {
        try StateStore.open(path: path, keyID: keyID, options: options, now: now)
    }

    /// One integer from a raw SQL query on a closed state.
    static func scalar(_ path: String, _ sql: String) throws -> Int64 {
        let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 1000)
        let statement = try database.prepare(sql)
        _ = try statement.step()
        return statement.int64(0)
    }

    @Test func theSecondRunSeesTheFirstRunsExposuresAsKnown() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"

        let first = try Self.openState(path, at: Self.day(0))
        #expect(first.firstSeen(["a", "b"]).isEmpty)
        try first.record([Self.exposure("a"), Self.exposure("b")], now: Self.day(0))
        first.close()

        let second = try Self.openState(path, at: Self.day(1))
        #expect(second.firstSeen(["a", "b", "c"]) == ["a": "2024-06-01T00:00:00Z", "b": "2024-06-01T00:00:00Z"])
        try second.record(
            [Self.exposure("a", sources: ["dump2.txt"]), Self.exposure("b"), Self.exposure("c")],
            now: Self.day(1)
        )
        // The first report date is kept; the new exposure is dated by this run.
        #expect(
            second.firstSeen(["a", "c"]) == ["a": "2024-06-01T00:00:00Z", "c": "2024-06-02T00:00:00Z"]
        )
        #expect(second.summary().newestLastSeen == "2024-06-02T00:00:00Z")
        second.close()
        // Sources accumulate: "a" was read from two dumps.
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposure_sources WHERE key = 'a'") == 2)
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposures") == 3)
    }

    @Test func entriesUnseenForLongerThanTheRetentionArePurged() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let input = InputFingerprint(path: "/dumps/old.txt", size: 10, mtime: 1, digest: "d")
        do {
            let store = try Self.openState(path, at: Self.day(0))
            try store.record([Self.exposure("old"), Self.exposure("kept")], now: Self.day(0))
            try store.recordInputs([input], now: Self.day(0))
            store.close()
        }
        do {
            let store = try Self.openState(path, at: Self.day(50))
            try store.record([Self.exposure("kept")], now: Self.day(50))
            #expect(store.purgedFindings == 0)
            store.close()
        }
        let store = try Self.openState(path, at: Self.day(100))
        #expect(store.purgedFindings == 1)
        // Expired entries read as absent at once; the run's commit deletes them.
        #expect(store.firstSeen(["old", "kept"]) == ["kept": "2024-06-01T00:00:00Z"])
        #expect(!store.hasSeenInput(input))
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposures") == 2)
        #expect(try store.commit(exposures: [], inputs: [], now: Self.day(100)) == 1)
        #expect(store.summary().inputs == 0)
        store.close()
        // The purged exposure's sources went with it.
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposure_sources") == 1)

        var shortRetention = StateOptions()
        shortRetention.retentionDays = 0
        #expect(throws: ConfigurationError.self) { try Self.openState(path, options: shortRetention) }
        var endlessRetention = StateOptions()
        endlessRetention.retentionDays = 36_501
        #expect(throws: ConfigurationError.self) { try Self.openState(path, options: endlessRetention) }
    }

    @Test func aSecondRunWaitsForTheLockThenFailsClearly() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let running = try Self.openState(path)
        var impatient = StateOptions()
        impatient.lockTimeout = 0.2
        let error = #expect(throws: ConfigurationError.self) { try Self.openState(path, options: impatient) }
        #expect(error?.message.contains("state \(path) is in use by another credwatch run (waited 0.2 s)") == true)
        running.close()
        try Self.openState(path, options: impatient).close()
    }

    @Test func aWaitingRunProceedsOnceTheOtherReleasesTheLock() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        // Another run's lock, released from another thread shortly after.
        let other = open(path + ".lock", O_RDWR | O_CREAT, 0o600)
        #expect(flock(other, LOCK_EX) == 0)
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { close(other) }
        let store = try Self.openState(path)
        try store.record([Self.exposure("a")], now: Self.dayZero)
        store.close()
    }

    @Test func aRunKilledInTheMiddleOfRecordLeavesTheStateWhole() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let batchSize = 5_000
        func batch(_ round: Int) -> [StateExposure] {
            (0..<batchSize).map { Self.exposure("run\(round)-\($0)", sources: ["dump\(round).txt", "other.txt"]) }
        }
        let firstBatch = batch(0)
        let store = try Self.openState(path)
        try store.record(firstBatch, now: Self.day(0))
        store.close()

        var channel: [Int32] = [0, 0]
        #expect(pipe(&channel) == 0)
        let child = fork()
        if child == 0 {
            // The child: batch after batch, each in its own transaction, until killed. It first
            // drops the descriptors inherited from tests running in parallel (a state lock among
            // them would otherwise stay held until this child dies).
            Self.closeInheritedDescriptors(keeping: channel[1])
            guard let running = try? Self.openState(path, at: Self.day(1)) else { _exit(1) }
            var ready: UInt8 = 1
            _ = write(channel[1], &ready, 1)
            var round = 1
            while true {
                try? running.record(batch(round), now: Self.day(1))
                round += 1
            }
        }
        close(channel[1])
        // Wait until the child holds the state (bounded, in case it never gets there), let it
        // write for a moment, then kill it without warning.
        var readiness = pollfd(fd: channel[0], events: Int16(POLLIN), revents: 0)
        _ = poll(&readiness, 1, 20_000)
        close(channel[0])
        usleep(300_000)
        kill(child, SIGKILL)
        var status: Int32 = 0
        waitpid(child, &status, 0)

        // Reopening rolls back whatever transaction the child had open: only whole batches.
        let reopened = try Self.openState(path, at: Self.day(2))
        let findings = reopened.summary().findings
        #expect(findings >= batchSize)
        #expect(findings % batchSize == 0)
        #expect(reopened.firstSeen([firstBatch[0].key, firstBatch[batchSize - 1].key]).count == 2)
        reopened.close()
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposure_sources") == Int64(findings * 2))
        let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 1000)
        let check = try database.prepare("PRAGMA integrity_check")
        #expect(try check.step())
        #expect(check.text(0) == "ok")
    }

    /// Closes every descriptor above stderr except `kept` (in a forked child).
    static func closeInheritedDescriptors(keeping kept: Int32) {
        var open: [Int32] = []
        if let directory = opendir("/proc/self/fd") {
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) {
                    String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
                }
                if let descriptor = Int32(name) { open.append(descriptor) }
            }
            closedir(directory)
        }
        for descriptor in open where descriptor > 2 && descriptor != kept { close(descriptor) }
    }

    @Test func aStateBuiltUnderAnotherKeyIsRefused() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let store = try Self.openState(path, keyID: "aaaaaaaaaaaaaaaa")
        try store.record([Self.exposure("a")], now: Self.dayZero)
        store.close()

        let error = #expect(throws: ConfigurationError.self) { try Self.openState(path, keyID: "bbbbbbbbbbbbbbbb") }
        #expect(error?.file == path)
        #expect(error?.message.contains("another fingerprint key") == true)
        #expect(error?.message.contains("would not compare") == true)
        #expect(error?.message.contains("new state file") == true)
        // Refusing changed nothing.
        let again = try Self.openState(path, keyID: "aaaaaaaaaaaaaaaa")
        #expect(again.firstSeen(["a"]).count == 1)
        again.close()
    }

    @Test func theStateAndItsLockAreCreatedOwnerOnly() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let store = try Self.openState(path)
        try store.record([Self.exposure("a")], now: Self.dayZero)
        store.close()
        #expect(PrivateTestDirectory.mode(of: path) == 0o600)
        #expect(PrivateTestDirectory.mode(of: path + ".lock") == 0o600)
        // Rollback journal, deleted at each commit: no WAL or journal file is left behind.
        #expect(!FileManager.default.fileExists(atPath: path + "-wal"))
        #expect(!FileManager.default.fileExists(atPath: path + "-journal"))
        let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 1000)
        let mode = try database.prepare("PRAGMA journal_mode")
        #expect(try mode.step())
        #expect(mode.text(0) == "delete")

        chmod(path, 0o644)
        let error = #expect(throws: ConfigurationError.self) { try Self.openState(path) }
        #expect(error?.message.contains("chmod 600") == true)
    }

    @Test func otherFilesAreNeverTakenForAState() throws {
        let folder = PrivateTestDirectory()
        let text = folder.file("notes.txt", text: "not a database, but long enough to have a header page\n")
        #expect(throws: ConfigurationError.self) { try Self.openState(text) }

        let other = folder.path + "/other.db"
        do {
            _ = folder.file("other.db", bytes: [])
            let database = try SQLiteDatabase(path: other, busyTimeoutMilliseconds: 1000)
            try database.execute("CREATE TABLE patients (id INTEGER PRIMARY KEY)")
        }
        let error = #expect(throws: ConfigurationError.self) { try Self.openState(other) }
        #expect(error?.message.contains("not a credwatch state") == true)
        #expect(try Self.scalar(other, "SELECT count(*) FROM sqlite_master WHERE name = 'exposures'") == 0)

        // Another application's database in write-ahead-log mode, with a log not yet folded in:
        // refused from its header, before SQLite opens it (which would fold the log in).
        let wal = folder.path + "/wal.db"
        do {
            _ = folder.file("wal.db", bytes: [])
            let database = try SQLiteDatabase(path: wal, busyTimeoutMilliseconds: 1000)
            try database.execute("PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)")
            let before = FileManager.default.contents(atPath: wal)
            let logBefore = FileManager.default.contents(atPath: wal + "-wal")
            #expect(throws: ConfigurationError.self) { try Self.openState(wal) }
            #expect(FileManager.default.contents(atPath: wal) == before)
            #expect(FileManager.default.contents(atPath: wal + "-wal") == logBefore)
        }
    }

    @Test func theSchemaVersionIsRecordedAndANewerOneRefused() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        try Self.openState(path).close()
        #expect(try Self.scalar(path, "SELECT max(version) FROM schema_version") == Int64(StateSchema.migrations.count))
        try Self.openState(path).close()
        #expect(try Self.scalar(path, "SELECT count(*) FROM schema_version") == Int64(StateSchema.migrations.count))

        do {
            let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 1000)
            try database.execute("INSERT INTO schema_version VALUES (99, '2030-01-01T00:00:00Z')")
        }
        let error = #expect(throws: ConfigurationError.self) { try Self.openState(path) }
        #expect(error?.message.contains("newer credwatch") == true)
    }

    @Test func forgettingAnAccountOrEverything() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let store = try Self.openState(path)
        try store.record(
            [
                Self.exposure("a", account: "jdupont"), Self.exposure("b", account: "JDupont"),
                Self.exposure("c", account: "mmartin"),
            ],
            now: Self.dayZero
        )
        try store.recordInputs(
            [InputFingerprint(path: "/dumps/a.txt", size: 1, mtime: 2, digest: "d")],
            now: Self.dayZero
        )
        #expect(try store.forget(account: "JDUPONT") == 2)
        #expect(try store.forget(account: "inconnu") == 0)
        #expect(store.firstSeen(["a", "b", "c"]).keys.sorted() == ["c"])

        try store.forgetAll()
        let summary = store.summary()
        #expect(summary.findings == 0)
        #expect(summary.inputs == 0)
        store.close()
        #expect(try Self.scalar(path, "SELECT count(*) FROM exposure_sources") == 0)
        // Still bound to its key.
        #expect(throws: ConfigurationError.self) { try Self.openState(path, keyID: "ffffffffffffffff") }
    }

    /// `forget --account` finds an account by any identity the state recorded for it, as its
    /// help says (issue 15).
    @Test func forgettingAnAccountByAnyOfItsIdentities() throws {
        let folder = PrivateTestDirectory()
        let store = try Self.openState(folder.path + "/state.db")
        defer { store.close() }
        let identities = ["jdupont", "jean.dupont@ad.example.test", "jean.dupont@example.test", "jd@example.test"]
        try store.record(
            [
                StateExposure(
                    key: "credential|jdupont|mediboard|f1",
                    account: "jdupont",
                    platform: "mediboard",
                    fingerprint: "f1",
                    sources: ["a.txt:1"],
                    kind: "credential",
                    identities: identities
                ),
                StateExposure(
                    key: "reuse|jdupont||f2",
                    account: "jdupont",
                    platform: "",
                    fingerprint: "f2",
                    sources: ["a.txt:2"],
                    kind: "reuse",
                    identities: identities
                ),
                StateExposure(
                    key: "credential|bleroy|mediboard|f3",
                    account: "bleroy",
                    platform: "mediboard",
                    fingerprint: "f3",
                    sources: ["a.txt:3"],
                    kind: "credential",
                    identities: ["bleroy"]
                ),
            ],
            now: Self.dayZero
        )
        #expect(try store.forget(account: "nobody@example.test") == 0)
        #expect(try store.forget(account: "JD@Example.test") == 2)
        #expect(store.firstSeen(["credential|jdupont|mediboard|f1", "credential|bleroy|mediboard|f3"]).count == 1)
        #expect(try store.forget(account: "bleroy") == 1)
        #expect(store.summary().findings == 0)
    }

    /// Unknown accounts keep their login, cookies no account: neither counts as an account.
    @Test func summaryCountsOnlyAccountsAndShowGroupsByAccountPlatformAndKind() throws {
        let folder = PrivateTestDirectory()
        let store = try Self.openState(folder.path + "/state.db")
        defer { store.close() }
        func exposure(_ key: String, _ account: String, _ platform: String, _ kind: String) -> StateExposure {
            StateExposure(key: key, account: account, platform: platform, fingerprint: "f", sources: [], kind: kind)
        }
        try store.record(
            [
                exposure("1", "jdupont", "mediboard", "credential"),
                exposure("2", "JDupont", "mediboard", "credential"),
                exposure("3", "jdupont", "", "reuse"),
                exposure("4", "interne.urgences", "mediboard", "unknown_account"),
                exposure("5", "", "mediboard", "cookie"), exposure("6", "", "mediboard", "cookie"),
            ],
            now: Self.day(0)
        )
        try store.record([exposure("7", "bleroy", "dpi", "credential")], now: Self.day(2))
        let summary = store.summary()
        #expect(summary.findings == 7)
        #expect(summary.accounts == 2)
        let groups = store.groups().map { "\($0.account)|\($0.platform)|\($0.kind)|\($0.exposures)|\($0.lastSeen)" }
        #expect(
            groups == [
                "|mediboard|cookie|2|2024-06-01T00:00:00Z",
                "bleroy|dpi|credential|1|2024-06-03T00:00:00Z",
                "interne.urgences|mediboard|unknown_account|1|2024-06-01T00:00:00Z",
                "jdupont||reuse|1|2024-06-01T00:00:00Z",
                "JDupont|mediboard|credential|2|2024-06-01T00:00:00Z",
            ]
        )
    }

    /// A state written before kinds and identities were kept: migrated, kinds read back from the
    /// keys, counts right, and forgetting by the reported account still works.
    @Test func aFirstVersionStateIsMigrated() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        try PrivateFile.create(path)
        do {
            let database = try SQLiteDatabase(path: path, busyTimeoutMilliseconds: 1000)
            try database.execute(StateSchema.migrations[0])
            try database.execute(
                """
                CREATE TABLE schema_version (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL);
                INSERT INTO schema_version VALUES (1, '2024-01-01T00:00:00Z');
                INSERT INTO meta VALUES ('key_id', '\(Self.keyID)');
                INSERT INTO exposures VALUES ('credential|jdupont|mediboard|f', 'jdupont', 'mediboard', 'f', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z');
                INSERT INTO exposures VALUES ('unknown_account|intern|mediboard|f', 'intern', 'mediboard', 'f', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z');
                INSERT INTO exposures VALUES ('cookie||mediboard|d;n', '', 'mediboard', '', '2024-06-01T00:00:00Z', '2024-06-01T00:00:00Z');
                """
            )
            database.close()
        }
        let store = try Self.openState(path)
        defer { store.close() }
        #expect(store.summary().findings == 3)
        #expect(store.summary().accounts == 1)
        #expect(store.groups().map(\.kind) == ["cookie", "unknown_account", "credential"])
        #expect(try store.forget(account: "JDUPONT") == 1)
    }

    @Test func summaryCountsAndDates() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        let store = try Self.openState(path)
        let empty = store.summary()
        #expect(empty.findings == 0)
        #expect(empty.oldestFirstSeen == nil)

        try store.record(
            [Self.exposure("a", account: "jdupont"), Self.exposure("b", account: "mmartin")],
            now: Self.day(0)
        )
        try store.record([Self.exposure("c", account: "JDUPONT")], now: Self.day(3))
        try store.recordInputs(
            [InputFingerprint(path: "/dumps/a.txt", size: 1, mtime: 2, digest: "d")],
            now: Self.day(3)
        )
        let summary = store.summary()
        #expect(summary.findings == 3)
        #expect(summary.accounts == 2)
        #expect(summary.inputs == 1)
        #expect(summary.oldestFirstSeen == "2024-06-01T00:00:00Z")
        #expect(summary.newestLastSeen == "2024-06-04T00:00:00Z")
        #expect(summary.fileSize > 0)
        #expect(summary.retentionDays == 90)
        #expect(summary.description.contains("3 findings for 2 accounts, 1 input"))
        store.close()
        #expect(throws: ConfigurationError.self) { try store.record([Self.exposure("d")], now: Self.day(4)) }
        #expect(store.firstSeen(["a"]).isEmpty)
    }
}

@Suite struct StateMaintenanceTests {
    @Test func aMaintenanceOpenNeitherPurgesNorBindsAKey() throws {
        let folder = PrivateTestDirectory()
        let path = folder.path + "/state.db"
        var yearLong = StateOptions()
        yearLong.retentionDays = 365
        let run = try StateStoreTests.openState(path, at: StateStoreTests.day(0), options: yearLong)
        try run.record([StateStoreTests.exposure("a")], now: StateStoreTests.day(0))
        run.close()

        // `credwatch state show` months later, with the default 90-day options.
        let maintenance = try StateStore.open(
            path: path,
            keyID: nil,
            options: StateOptions(),
            now: StateStoreTests.day(200)
        )
        #expect(maintenance.purgedFindings == 0)
        let summary = maintenance.summary()
        #expect(summary.findings == 1)
        #expect(summary.retentionDays == 365)
        maintenance.close()
        // The key stays the runs' key.
        #expect(throws: ConfigurationError.self) { try StateStoreTests.openState(path, keyID: "another-key") }
    }

    @Test func readsFromSeveralThreadsShareOneStore() throws {
        let folder = PrivateTestDirectory()
        let store = try StateStoreTests.openState(folder.path + "/state.db")
        defer { store.close() }
        let inputs = (0..<64).map { InputFingerprint(path: "/dumps/\($0).txt", size: Int64($0), mtime: 1, digest: "d") }
        try store.recordInputs(inputs.filter { $0.size % 2 == 0 }, now: StateStoreTests.dayZero)
        let seen = Mutex([Bool](repeating: false, count: inputs.count))
        DispatchQueue.concurrentPerform(iterations: inputs.count) { index in
            let answer = store.hasSeenInput(inputs[index])
            seen.withLock { $0[index] = answer }
        }
        #expect(seen.withLock { $0 } == inputs.map { $0.size % 2 == 0 })
    }
}
