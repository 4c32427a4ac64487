import Foundation
import Logging
import NIOConcurrencyHelpers
import SQLKit
import SQLiteKit

/// Arcadia's persistent state through SQLKit. Open it with ``withStore(_:logger:_:)``; migrations run on open.
public final class Store: Sendable {
    let database: any SQLDatabase
    private let transactionLock = AsyncSerialLock()

    init(database: any SQLDatabase) {
        self.database = database
    }

    /// Opens the store (creating the SQLite file and its directory on demand), migrates it, runs `body`, closes it.
    public static func withStore<T: Sendable>(
        _ url: DatabaseURL,
        logger: Logger,
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
            let store = Store(database: connection.sql())
            do {
                try await store.database.raw("PRAGMA foreign_keys = ON").run()
                try await store.database.raw("PRAGMA busy_timeout = 5000").run()
                _ = try await Migrations.run(on: store, engine: "sqlite", logger: logger)
                let result = try await body(store)
                try await connection.close()
                return result
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    /// Runs `body` inside one transaction: all of its writes land, or none do.
    public func withTransaction<T: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> T) async throws -> T {
        try await transactionLock.withLock {
            try await database.raw("BEGIN IMMEDIATE").run()
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

    static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
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
