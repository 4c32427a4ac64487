import ArcadiaState
import Foundation
import Logging
import PostgresKit
import NIOConcurrencyHelpers
import Testing

/// The store engines every store and saga test runs on.
public enum StoreEngine: String, Sendable, CaseIterable, CustomStringConvertible {
    case sqlite, postgres

    public var description: String { rawValue }
}

/// A fresh, migrated store for `body`: a real SQLite file in a temporary directory, or a new database
/// on the PostgreSQL server `ARCADIA_TEST_POSTGRES_URL` names (scripts/test starts a throwaway one),
/// dropped afterwards. `body` also gets a temporary directory.
public func withTemporaryStore<T: Sendable>(
    engine: StoreEngine = .sqlite,
    _ body: @Sendable (Store, URL) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory { directory in
        var quiet = Logger(label: "test.store")
        quiet.logLevel = .warning
        let logger = quiet
        switch engine {
        case .sqlite:
            let path = directory.appendingPathComponent("state.sqlite").path
            return try await Store.withStore(.sqlite(path: path), logger: logger) { store in try await body(store, directory) }
        case .postgres:
            return try await withTemporaryPostgresDatabase { url in
                try await Store.withStore(.postgres(url: url), logger: logger) { store in try await body(store, directory) }
            }
        }
    }
}

private let skipNoticePrinted = NIOLockedValueBox(false)

/// A database URL for `body` on the test server, created empty and dropped afterwards.
public func withTemporaryPostgresDatabase<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
    guard let server = ProcessInfo.processInfo.environment["ARCADIA_TEST_POSTGRES_URL"], var components = URLComponents(string: server) else {
        // A plain `swift test` on a machine without PostgreSQL: this case is skipped, and says why.
        let reason = "ARCADIA_TEST_POSTGRES_URL is not set (scripts/test starts a throwaway server and runs every case)"
        if skipNoticePrinted.withLockedValue({ printed in defer { printed = true }; return !printed }) {
            FileHandle.standardError.write(Data("note: PostgreSQL test cases are skipped: \(reason)\n".utf8))
        }
        try Test.cancel(Comment(rawValue: "skipped on PostgreSQL: \(reason)"))
    }
    let name = "arcadia_test_\(UUID().uuidString.prefix(8).lowercased())"
    try await administer(server, "CREATE DATABASE \(name)")
    components.path = "/\(name)"
    let url = components.string ?? server
    do {
        let result = try await body(url)
        try await administer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        return result
    } catch {
        try? await administer(server, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        throw error
    }
}

/// Drops a database made by ``withTemporaryPostgresDatabase`` while something still uses it, as an
/// outage or an operator's mistake would: its connections are ended and new ones refused.
public func dropTemporaryPostgresDatabase(_ url: String) async throws {
    guard let server = ProcessInfo.processInfo.environment["ARCADIA_TEST_POSTGRES_URL"], let name = URLComponents(string: url)?.path.dropFirst(),
          name.hasPrefix("arcadia_test_") else { return }
    try await administer(server, "DROP DATABASE \(name) WITH (FORCE)")
}

private func administer(_ server: String, _ statement: String) async throws {
    var logger = Logger(label: "test.postgres")
    logger.logLevel = .warning
    let configuration = try SQLPostgresConfiguration(url: server)
    let connection = try await PostgresConnection.connect(configuration: configuration.coreConfiguration, id: 0, logger: logger)
    do {
        _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        try await connection.close()
    } catch {
        try? await connection.close()
        throw error
    }
}
