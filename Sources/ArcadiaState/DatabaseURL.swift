import Foundation

/// Where the state lives: `sqlite:PATH` (the default, `.arcadia/state.sqlite`) or
/// `postgres://USER:PASSWORD@HOST:PORT/DATABASE` for a team's shared state.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public static let defaultURL = "sqlite:.arcadia/state.sqlite"

    /// Parses `--database` / `ARCADIA_DATABASE_URL`.
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            guard let components = URLComponents(string: text), components.host?.isEmpty == false, components.path.count > 1 else {
                throw StoreError("a PostgreSQL URL needs a host and a database, e.g. postgres://arcadia:PASSWORD@db.internal:5432/arcadia")
            }
            self = .postgres(url: text)
        } else {
            throw StoreError("unrecognised database URL; use sqlite:PATH (e.g. \(Self.defaultURL)) or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw StoreError("the sqlite: URL names no file; use e.g. \(Self.defaultURL)")
        }
    }

    public var engine: DatabaseEngine {
        switch self {
        case .sqlite: .sqlite
        case .postgres: .postgres
        }
    }

    /// Never includes the password.
    public var description: String {
        switch self {
        case .sqlite(let path):
            return "sqlite:\(path)"
        case .postgres(let url):
            guard var components = URLComponents(string: url) else { return "postgres://…" }
            components.password = nil
            components.query = nil
            return components.string ?? "postgres://…"
        }
    }
}

/// The database engines Arcadia keeps its state in; the raw value names the migrations folder.
public enum DatabaseEngine: String, Sendable, Hashable, CaseIterable {
    case sqlite, postgres
}
