import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresKit
import SQLKit
import SQLiteKit

/// Arcadia's persistent state through SQLKit, on SQLite or PostgreSQL. Open it with
/// ``withStore(_:logger:busyTimeout:clock:actor:_:)``; migrations run on open.
///
/// SQLite: one connection per store, its transactions serialised in-process; several processes share
/// the file through SQLite's own locking. PostgreSQL: a pool of connections (PostgresNIO's
/// `PostgresClient`, run as a service for the store's lifetime), so a lease heartbeat never waits
/// behind the writes of other sagas.
public final class Store: Sendable {
    private let backend: Backend
    /// Which engine: the migrations folder, and the few statements that differ.
    public let engine: DatabaseEngine
    /// Where it lives, without credentials (for messages).
    public let location: String
    /// What leases and locks are measured by (see ``leaseClock(_:)``); tests move it forward.
    public let clock: StoreClock
    /// Who the events and hand-closed drift records written through this store are by: `$USER@host`
    /// for the CLI.
    public let actor: String

    enum Backend: Sendable {
        case single(any SQLDatabase, AsyncSerialLock)
        case pool(PostgresClient)
    }

    init(backend: Backend, engine: DatabaseEngine, location: String, clock: StoreClock, actor: String) {
        self.backend = backend
        self.engine = engine
        self.location = location
        self.clock = clock
        self.actor = actor
    }

    /// The same store, on the same connections, writing its events and hand-closed records as
    /// `actor` (the controller's API: a token's name).
    public func acting(as actor: String) -> Store {
        Store(backend: backend, engine: engine, location: location, clock: clock, actor: actor)
    }

    /// The most PostgreSQL connections one process holds: enough for parallel sagas and their
    /// heartbeats, few enough that a fleet of workers stays under the server's `max_connections`.
    public static let maximumPostgresConnections = 8

    /// Opens the store (creating the SQLite file and its directory on demand), migrates it, runs `body`, closes it.
    ///
    /// SQLite runs in WAL mode, so a reader (another `arcadia sagas list`, a backup) never blocks the
    /// ledger's writes, and a write waits up to `busyTimeout` for another writer before it fails.
    public static func withStore<T: Sendable>(
        _ url: DatabaseURL,
        logger: Logger,
        busyTimeout: Duration = Store.defaultBusyTimeout,
        clock: StoreClock = StoreClock(),
        actor: String = "arcadia",
        mustExist: Bool = false,
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        switch url {
        case .sqlite(let path):
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let connection: SQLiteConnection
            do {
                connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
            } catch {
                throw StoreError("cannot open the state database at \(path): \(error)")
            }
            do {
                let database = connection.sql()
                try await Self.describingFailures(at: path) {
                    try await Self.prepareSQLite(database, busyTimeout: busyTimeout, logger: logger)
                }
                let store = Store(backend: .single(database, AsyncSerialLock()), engine: .sqlite, location: url.description, clock: clock, actor: actor)
                let result = try await body(store)
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        case .postgres(let text):
            let configuration: PostgresConnection.Configuration
            do {
                configuration = try SQLPostgresConfiguration(url: text).coreConfiguration
            } catch {
                throw StoreError("cannot connect to the state database at \(url): \(String(reflecting: error))")
            }
            // Migrate on one connection of its own first: a server that is down or refuses the
            // credentials fails here at once, with its own words, not after the pool's retries.
            try await migrate(configuration, url: url, mustExist: mustExist, logger: logger)
            var quiet = logger
            // The pool warns when a lease is asked for in the instant before its run() has started; it
            // waits for run(), so the warning is noise.
            quiet.logLevel = max(logger.logLevel, .error)
            let client = PostgresClient(configuration: poolConfiguration(configuration), backgroundLogger: quiet)
            let store = Store(backend: .pool(client), engine: .postgres, location: url.description, clock: clock, actor: actor)
            return try await withThrowingTaskGroup(of: Void.self, returning: T.self) { group in
                group.addTask { await client.run() }
                defer { group.cancelAll() }
                return try await body(store)
            }
        }
    }

    private static func prepareSQLite(_ database: any SQLDatabase, busyTimeout: Duration, logger: Logger) async throws {
        let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
        try await database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
        try await database.raw("PRAGMA journal_mode = WAL").run()
        try await database.raw("PRAGMA foreign_keys = ON").run()
        try await Migrations.run(on: database, engine: .sqlite, logger: logger)
    }

    /// SQLite's errors name no file: say which, and what a read-only one needs.
    private static func describingFailures(at path: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch {
            let text = String(describing: error)
            if text.lowercased().contains("readonly") {
                throw StoreError("the state database at \(path) is read-only for this user (\(text)); Arcadia needs to write it, even to read it "
                    + "(it keeps a write-ahead log beside it): run as its owner, or copy it somewhere writable")
            }
            throw StoreError("cannot use the state database at \(path): \(text)")
        }
    }

    /// - Parameter mustExist: a read-only command's open: a database Arcadia never migrated is an
    ///   error, not a place to create its tables.
    private static func migrate(
        _ configuration: PostgresConnection.Configuration, url: DatabaseURL, mustExist: Bool, logger: Logger
    ) async throws {
        let connection: PostgresConnection
        do {
            connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        } catch {
            throw StoreError("cannot connect to the state database at \(url): \(describe(error))")
        }
        do {
            if mustExist {
                let row = try await connection.sql().raw("SELECT to_regclass('arcadia_migrations') IS NOT NULL AS present").first()
                guard try row?.decode(column: "present", as: Bool.self) == true else {
                    throw StoreError(
                        "no Arcadia state in the PostgreSQL database at \(url) (nothing has been planned or applied against it); "
                            + "run it where you apply, or point at the state with --database or ARCADIA_DATABASE_URL"
                    )
                }
            }
            try await Migrations.run(on: connection.sql(queryLogLevel: .trace), engine: .postgres, logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// `WHERE a AND b …` for a list filter's conditions; nothing when there are none.
    static func whereClause(_ conditions: [SQLQueryString]) -> SQLQueryString {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// A PostgreSQL error in the server's own words, not a dump of the error value.
    static func describe(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            return "\(error.code)" + (error.underlying.map { ": \($0)" } ?? "")
        }
        return String(describing: error)
    }

    private static func poolConfiguration(_ connection: PostgresConnection.Configuration) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = connection.tls.isEnforced ? .require(.makeClientConfiguration())
            : connection.tls.isAllowed ? .prefer(.makeClientConfiguration()) : .disable
        var configuration = PostgresClient.Configuration(
            host: connection.host ?? "localhost", port: connection.port ?? 5432, username: connection.username,
            password: connection.password, database: connection.database, tls: tls
        )
        configuration.options.maximumConnections = maximumPostgresConnections
        // A worker frozen inside a transaction (SIGSTOP, a paused VM) would hold its rows locked, and
        // `SKIP LOCKED` would hide its sagas from every other worker: the server ends such a
        // transaction after 10 s, and the frozen worker's next write then fails and stops it.
        configuration.options.additionalStartupParameters = [("idle_in_transaction_session_timeout", "10s")]
        return configuration
    }

    /// Runs `body` with a connection of its own: SQLite's one connection, taken in turn; a pooled
    /// PostgreSQL connection, leased for the call.
    func withDatabase<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        switch backend {
        case .single(let database, let lock):
            return try await lock.withLock { try await body(database) }
        case .pool(let client):
            return try await withoutActuallyEscaping(body) { body in
                try await Self.leasing(within: Self.connectionWait, where: location) { started in
                    try await client.withConnection { connection in
                        started()
                        return try await body(connection.sql(queryLogLevel: .trace))
                    }
                }
            }
        }
    }

    private enum LeaseOutcome<T: Sendable>: Sendable { case done(T), waited }

    /// How long a call waits for a pooled connection. PostgresNIO's pool waits for one as long as it
    /// keeps trying to connect: a database that went away held an API request for over a minute.
    static let connectionWait: Duration = .seconds(10)

    /// Runs `lease`, which calls `started` once it has its connection; if that has not happened within
    /// `wait`, the lease is cancelled and the call fails as the database not answering. A call that
    /// has its connection is never cut short.
    private static func leasing<T: Sendable>(
        within wait: Duration, where location: String, _ lease: @escaping @Sendable (@escaping @Sendable () -> Void) async throws -> T
    ) async throws -> T {
        let started = NIOLockedValueBox(false)
        return try await withThrowingTaskGroup(of: LeaseOutcome<T>.self) { group in
            group.addTask { .done(try await lease { started.withLockedValue { $0 = true } }) }
            group.addTask {
                try await Task.sleep(for: wait)
                return .waited
            }
            while let outcome = try await group.next() {
                switch outcome {
                case .done(let value):
                    group.cancelAll()
                    return value
                case .waited where !started.withLockedValue({ $0 }):
                    group.cancelAll()
                    throw StoreError("the state database (\(location)) gave no connection within \(wait): is it up, and does it exist?")
                case .waited:
                    continue
                }
            }
            throw CancellationError()
        }
    }

    /// Runs one statement alone on a connection: never inside another caller's transaction.
    func run(_ statement: SQLQueryString) async throws {
        try await withDatabase { try await $0.raw(statement).run() }
    }

    /// The rows of one query (or of a statement with `RETURNING`), run alone on a connection.
    func rows(_ query: SQLQueryString) async throws -> [any SQLRow] {
        try await withDatabase { try await $0.raw(query).all() }
    }

    /// Runs `body` inside one transaction: all of its writes land, or none do.
    public func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        let begin: SQLQueryString = engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        return try await withDatabase { database in try await Self.transaction(on: database, begin: begin, body) }
    }

    /// BEGIN, `body`, COMMIT; ROLLBACK when `body` throws. SQLite takes the write lock at BEGIN, so
    /// two processes never deadlock upgrading read locks.
    static func transaction<T: Sendable>(
        on database: any SQLDatabase, begin: SQLQueryString, _ body: @Sendable (any SQLDatabase) async throws -> T
    ) async throws -> T {
        do {
            try await database.raw(begin).run()
        } catch where "\(error)".contains("within a transaction") {
            // SQLite's one connection, under the serial lock, was left inside a transaction whose
            // owner already failed (its ROLLBACK did not get through): end it, and begin ours.
            try await database.raw("ROLLBACK").run()
            try await database.raw(begin).run()
        }
        do {
            let result = try await body(database)
            try await database.raw("COMMIT").run()
            return result
        } catch {
            // In a task of its own, so a cancelled caller (whose own requests now fail at once) still
            // ends the transaction instead of leaving the connection inside it.
            _ = await Task { try? await database.raw("ROLLBACK").run() }.value
            throw error
        }
    }

    /// How long an SQLite write waits for another process's write before it fails: the ledger's
    /// writes are small, so only a stuck writer makes one wait this long.
    public static let defaultBusyTimeout: Duration = .seconds(30)

    /// The time leases and locks are measured by: the database server's clock on PostgreSQL, so workers
    /// on hosts whose clocks disagree still agree on when a lease runs out; this machine's for SQLite,
    /// whose file only this machine's processes share.
    func leaseClock(_ database: any SQLDatabase) async throws -> Date {
        guard engine == .postgres else { return clock.now(from: Date()) }
        let row = try await database.raw("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS now").first()
        guard let seconds = try row?.decode(column: "now", as: Double.self) else { throw StoreError("the database did not say what time it is") }
        return clock.now(from: Date(timeIntervalSince1970: seconds))
    }

    /// The ledger's timestamp form: ISO 8601 with milliseconds, UTC, so text order is time order.
    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }

    /// A timestamp the ledger wrote, read back.
    public static func date(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }

    /// A row's timestamp column; a value that is no timestamp is an error, not a guess.
    static func date(_ row: any SQLRow, _ column: String) throws -> Date {
        let text = try row.decode(column: column, as: String.self)
        guard let date = date(text) else { throw StoreError("the state database holds \(column) = \"\(text)\", which is no timestamp") }
        return date
    }

    static func optionalDate(_ row: any SQLRow, _ column: String) throws -> Date? {
        try row.decode(column: column, as: String?.self) == nil ? nil : try date(row, column)
    }
}
