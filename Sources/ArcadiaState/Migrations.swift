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

    /// Runs the migrations not yet applied, on one connection, in one transaction: a migration that
    /// fails leaves the schema as it was. Processes opening a new database together migrate one at a
    /// time (SQLite: the write lock taken at BEGIN; PostgreSQL: an advisory lock held to COMMIT), and
    /// the second finds the work done.
    @discardableResult
    static func run(on database: any SQLDatabase, engine: DatabaseEngine, logger: Logger) async throws -> [String] {
        let migrations = try load(engine: engine)
        // The common case, every migration applied, takes no write lock.
        if let applied = try? await appliedVersions(database), migrations.allSatisfy({ applied.contains($0.version) }) {
            return []
        }
        let begin: SQLQueryString = engine == .sqlite ? "BEGIN IMMEDIATE" : "BEGIN"
        let ran = try await Store.transaction(on: database, begin: begin) { database -> [String] in
            if engine == .postgres {
                try await database.raw("SELECT pg_advisory_xact_lock(\(unsafeRaw: String(migrationLockKey)))").run()
            }
            try await database.raw(
                "CREATE TABLE IF NOT EXISTS arcadia_migrations (version TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
            ).run()
            let applied = try await appliedVersions(database)
            var ran: [String] = []
            for migration in migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await database.raw(SQLQueryString(statement)).run()
                }
                try await database.raw(
                    "INSERT INTO arcadia_migrations (version, applied_at) VALUES (\(bind: migration.version), \(bind: Store.timestamp()))"
                ).run()
                ran.append(migration.version)
            }
            return ran
        }
        for version in ran {
            logger.debug("applied migration", metadata: ["arcadia.migration": "\(version)"])
        }
        return ran
    }

    private static func appliedVersions(_ database: any SQLDatabase) async throws -> Set<String> {
        Set(try await database.raw("SELECT version FROM arcadia_migrations").all().map {
            try $0.decode(column: "version", as: String.self)
        })
    }

    /// Advisory lock keys are arbitrary 64-bit numbers; these spell "ARCADIA" + a purpose.
    static let migrationLockKey: Int64 = 0x4152_4341_4449_4101
}
