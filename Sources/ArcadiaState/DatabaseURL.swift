import Foundation

/// Where the state lives: `sqlite:PATH` (the default, `.arcadia/state.sqlite`) or, later, `postgres://…`.
public enum DatabaseURL: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)

    public static let defaultURL = "sqlite:.arcadia/state.sqlite"

    /// Parses `--database` / `ARCADIA_DATABASE_URL`.
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite://") {
            self = .sqlite(path: String(text.dropFirst("sqlite://".count)))
        } else if text.hasPrefix("sqlite:") {
            self = .sqlite(path: String(text.dropFirst("sqlite:".count)))
        } else if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            throw StoreError("PostgreSQL state is not available in this version; use sqlite:PATH (the default is \(Self.defaultURL))")
        } else {
            throw StoreError("unrecognised database URL; use sqlite:PATH, e.g. \(Self.defaultURL)")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw StoreError("the sqlite: URL names no file; use e.g. \(Self.defaultURL)")
        }
    }

    /// Never includes credentials.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        }
    }
}
