import Foundation
import Logging
import SQLKit

/// Applies the SQL files of `migrations/<engine>/` in name order, once each, recording them in `arcadia_migrations`.
enum Migrations {
    struct Migration {
        var version: String
        var statements: [String]
    }

    static func load(engine: DatabaseEngine) throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil)?.appendingPathComponent(engine.rawValue) else {
            throw StoreError("the \(engine) migrations are missing from this build")
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
            .sorted()
        return try files.map { file in
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            return Migration(version: String(file.dropLast(4)), statements: split(text))
        }
    }

    /// Splits a file into statements at semicolons that end a line; comments are dropped.
    static func split(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
        var statements: [String] = []
        var current = ""
        for line in lines {
            current += line + "\n"
            if line.trimmingCharacters(in: .whitespaces).hasSuffix(";") {
                statements.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
        }
        let rest = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { statements.append(rest) }
        return statements
    }

    /// Runs the migrations not yet applied; each in its own transaction.
    static func run(on store: Store, engine: DatabaseEngine, logger: Logger) async throws -> [String] {
        // PostgreSQL: processes starting together migrate one at a time.
        guard engine == .postgres else { return try await runUnlocked(on: store, engine: engine, logger: logger) }
        try await store.database.raw("SELECT pg_advisory_lock(\(unsafeRaw: String(migrationLockKey)))").run()
        do {
            let ran = try await runUnlocked(on: store, engine: engine, logger: logger)
            try await store.database.raw("SELECT pg_advisory_unlock(\(unsafeRaw: String(migrationLockKey)))").run()
            return ran
        } catch {
            try? await store.database.raw("SELECT pg_advisory_unlock(\(unsafeRaw: String(migrationLockKey)))").run()
            throw error
        }
    }

    /// Advisory lock keys are arbitrary 64-bit numbers; these spell "ARCADIA" + a purpose.
    static let migrationLockKey: Int64 = 0x4152_4341_4449_4101

    private static func runUnlocked(on store: Store, engine: DatabaseEngine, logger: Logger) async throws -> [String] {
        try await store.database.raw(
            "CREATE TABLE IF NOT EXISTS arcadia_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        ).run()
        let applied = Set(try await store.database.raw("SELECT version FROM arcadia_migrations").all().map {
            try $0.decode(column: "version", as: String.self)
        })
        var ran: [String] = []
        for migration in try load(engine: engine) where !applied.contains(migration.version) {
            let didRun = try await store.withTransaction { database -> Bool in
                // Another process opening the same new database may have run it meanwhile: on SQLite
                // the transaction holds the write lock, so this second look is the one that counts.
                let done = try await database.raw("SELECT version FROM arcadia_migrations WHERE version = \(bind: migration.version)").first()
                guard done == nil else { return false }
                for statement in migration.statements {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await database.raw(
                    "INSERT INTO arcadia_migrations (version, applied_at) VALUES (\(bind: migration.version), \(bind: Store.timestamp()))"
                ).run()
                return true
            }
            guard didRun else { continue }
            logger.debug("applied migration", metadata: ["arcadia.migration": "\(migration.version)"])
            ran.append(migration.version)
        }
        return ran
    }
}
