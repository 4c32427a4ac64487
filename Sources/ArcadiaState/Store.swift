import Foundation
import Logging
import NIOConcurrencyHelpers
import PostgresKit
import SQLKit
import SQLiteKit

/// Arcadia's persistent state through SQLKit, on SQLite or PostgreSQL. Open it with
/// ``withStore(_:logger:_:)``; migrations run on open. One connection per store: its transactions
/// are serialised in-process, and several processes share the database through its own locking.
public final class Store: Sendable {
    let database: any SQLDatabase
    /// Which engine: the migrations folder, and the few statements that differ.
    public let engine: DatabaseEngine
    /// Where it lives, without credentials (for messages).
    public let location: String
    private let transactionLock = AsyncSerialLock()

    init(database: any SQLDatabase, engine: DatabaseEngine, location: String) {
        self.database = database
        self.engine = engine
        self.location = location
    }

    /// Opens the store (creating the SQLite file and its directory on demand), migrates it, runs `body`, closes it.
    ///
    /// SQLite runs in WAL mode, so a reader (another `arcadia sagas list`, a backup) never blocks the
    /// ledger's writes, and a write waits up to `busyTimeout` for another writer before it fails.
    public static func withStore<T: Sendable>(
        _ url: DatabaseURL,
        logger: Logger,
        busyTimeout: Duration = Store.defaultBusyTimeout,
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
            let store = Store(database: connection.sql(), engine: .sqlite, location: url.description)
            let milliseconds = busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000
            let prepare: @Sendable (Store) async throws -> Void = { store in
                try await store.database.raw("PRAGMA busy_timeout = \(unsafeRaw: String(milliseconds))").run()
                try await store.database.raw("PRAGMA journal_mode = WAL").run()
                try await store.database.raw("PRAGMA foreign_keys = ON").run()
            }
            return try await store.serve(logger: logger, prepare: prepare, close: { try await connection.close() }, body)
        case .postgres(let text):
            let connection: PostgresConnection
            do {
                let configuration = try SQLPostgresConfiguration(url: text)
                connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 1, logger: logger)
            } catch {
                throw StoreError("cannot connect to the state database at \(url): \(String(reflecting: error))")
            }
            let store = Store(database: connection.sql(queryLogLevel: .trace), engine: .postgres, location: url.description)
            // A worker frozen inside a transaction (SIGSTOP, a paused VM) would hold its rows locked, and
            // `SKIP LOCKED` would hide its sagas from every other worker: the server ends such a
            // transaction after 10 s, and the frozen worker's next write then fails and stops it.
            let prepare: @Sendable (Store) async throws -> Void = { store in
                try await store.database.raw("SET idle_in_transaction_session_timeout = '10s'").run()
            }
            return try await store.serve(logger: logger, prepare: prepare, close: { try await connection.close() }, body)
        }
    }

    /// Prepares the connection, migrates, runs `body`, and closes the connection whatever happens.
    private func serve<T: Sendable>(
        logger: Logger, prepare: (Store) async throws -> Void, close: () async throws -> Void,
        _ body: @Sendable (Store) async throws -> T
    ) async throws -> T {
        do {
            try await prepare(self)
            _ = try await Migrations.run(on: self, engine: engine, logger: logger)
            let result = try await body(self)
            try await close()
            return result
        } catch {
            try? await close()
            throw error
        }
    }

    /// Runs one statement alone on the connection: never inside another caller's transaction, which
    /// on one shared connection would make it part of that transaction.
    func run(_ statement: SQLQueryString) async throws {
        try await transactionLock.withLock { try await database.raw(statement).run() }
    }

    /// The rows of one query (or of a statement with `RETURNING`), run alone on the connection.
    func rows(_ query: SQLQueryString) async throws -> [any SQLRow] {
        try await transactionLock.withLock { try await database.raw(query).all() }
    }

    /// Runs `body` inside one transaction: all of its writes land, or none do.
    public func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transactionLock.withLock {
            // SQLite: take the write lock at BEGIN, so two processes never deadlock upgrading read locks.
            try await database.raw(engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN").run()
            do {
                let result = try await body(database)
                try await database.raw("COMMIT").run()
                return result
            } catch {
                try? await database.raw("ROLLBACK").run()
                throw error
            }
        }
    }

    /// How long an SQLite write waits for another process's write before it fails: the ledger's
    /// writes are small, so only a stuck writer makes one wait this long.
    public static let defaultBusyTimeout: Duration = .seconds(30)

    /// The time leases and locks are measured by: the database server's clock on PostgreSQL, so workers
    /// on hosts whose clocks disagree still agree on when a lease runs out; this machine's for SQLite,
    /// whose file only this machine's processes share.
    func leaseClock(_ database: any SQLDatabase) async throws -> Date {
        guard engine == .postgres else { return Date() }
        let row = try await database.raw("SELECT EXTRACT(EPOCH FROM clock_timestamp())::float8 AS now").first()
        guard let seconds = try row?.decode(column: "now", as: Double.self) else { throw StoreError("the database did not say what time it is") }
        return Date(timeIntervalSince1970: seconds)
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
}

/// Serialises transactions on the single connection, so two callers never interleave inside one.
final class AsyncSerialLock: Sendable {
    private let state = NIOLockedValueBox<(busy: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func withLock<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLockedValue { state -> Bool in
                if state.busy {
                    state.waiters.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if resumeNow { continuation.resume() }
        }
    }

    private func release() {
        let next = state.withLockedValue { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.busy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
