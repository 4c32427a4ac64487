import Foundation
import SQLKit

/// An API token of the controller, as the state keeps it: its SHA-256, never the token.
public struct APITokenRecord: Sendable, Hashable {
    /// The token's public part (it is also written inside the token), shown by `arcadia tokens list`.
    public var id: String
    /// Who or what holds it (`ci`, `alice`): the actor of the events its requests write.
    public var name: String
    /// `viewer`, `operator` or `platform_admin` (the controller's `Role`).
    public var role: String
    /// Lower-case hex SHA-256 of the whole token.
    public var tokenHash: String
    public var createdAt: Date
    /// Who created it: `$USER@host` for the CLI.
    public var createdBy: String
    public var expiresAt: Date?
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    public init(
        id: String, name: String, role: String, tokenHash: String, createdAt: Date, createdBy: String,
        expiresAt: Date? = nil, revokedAt: Date? = nil, lastUsedAt: Date? = nil
    ) {
        self.id = id
        self.name = name
        self.role = role
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.lastUsedAt = lastUsedAt
    }

    /// Neither revoked nor expired at `now`.
    public func isActive(at now: Date) -> Bool {
        revokedAt == nil && (expiresAt.map { $0 > now } ?? true)
    }
}

/// What inserting a token found.
public enum TokenInsertion: Sendable, Equatable {
    case inserted
    /// An active token (neither revoked nor expired) already has this name: events name tokens by it,
    /// so two active ones could not be told apart.
    case nameInUse(id: String)
}

/// What revoking a token found.
public enum TokenRevocation: Sendable, Equatable {
    case revoked
    case alreadyRevoked(at: Date)
    case notFound
}

extension Store {
    /// The time this store measures token expiry and webhook retries by: the database server's clock
    /// on PostgreSQL, this machine's on SQLite (see ``leaseClock(_:)``), moved by ``clock``.
    public func currentTime() async throws -> Date {
        try await withDatabase { try await self.leaseClock($0) }
    }

    /// Inserts `record` unless an active token already has its name (a revoked or expired token's name
    /// may be used again).
    public func insertToken(_ record: APITokenRecord) async throws -> TokenInsertion {
        try await withTransaction { database in
            let now = Store.timestamp(try await self.leaseClock(database))
            if let holder = try await database.raw("""
                SELECT id FROM api_tokens WHERE name = \(bind: record.name) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > \(bind: now))
                """).first() {
                return .nameInUse(id: try holder.decode(column: "id", as: String.self))
            }
            try await database.raw("""
                INSERT INTO api_tokens (id, name, role, token_hash, created_at, created_by, expires_at)
                VALUES (\(bind: record.id), \(bind: record.name), \(bind: record.role), \(bind: record.tokenHash),
                    \(bind: Store.timestamp(record.createdAt)), \(bind: record.createdBy), \(bind: record.expiresAt.map { Store.timestamp($0) }))
                """).run()
            return .inserted
        }
    }

    /// Every token, oldest first, revoked and expired ones included.
    public func tokens() async throws -> [APITokenRecord] {
        try await rows("SELECT * FROM api_tokens ORDER BY created_at, id").map(Self.tokenRecord)
    }

    public func token(id: String) async throws -> APITokenRecord? {
        try await rows("SELECT * FROM api_tokens WHERE id = \(bind: id)").first.map(Self.tokenRecord)
    }

    /// Revokes the token at once: its next request is refused. A revoked token stays listed.
    public func revokeToken(id: String) async throws -> TokenRevocation {
        try await withTransaction { database in
            guard let row = try await database.raw("SELECT revoked_at FROM api_tokens WHERE id = \(bind: id)").first() else { return .notFound }
            if let revokedAt = try Store.optionalDate(row, "revoked_at") { return .alreadyRevoked(at: revokedAt) }
            let now = try await self.leaseClock(database)
            try await database.raw("UPDATE api_tokens SET revoked_at = \(bind: Store.timestamp(now)) WHERE id = \(bind: id)").run()
            return .revoked
        }
    }

    /// Records that the token was just used, unless that was already recorded within `interval`
    /// (a busy client's requests then cost no write each).
    public func touchToken(id: String, at now: Date, unlessWithin interval: TimeInterval = 60) async throws {
        try await run("""
            UPDATE api_tokens SET last_used_at = \(bind: Store.timestamp(now))
            WHERE id = \(bind: id) AND (last_used_at IS NULL OR last_used_at < \(bind: Store.timestamp(now.addingTimeInterval(-interval))))
            """)
    }

    private static func tokenRecord(_ row: any SQLRow) throws -> APITokenRecord {
        APITokenRecord(
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            role: try row.decode(column: "role", as: String.self),
            tokenHash: try row.decode(column: "token_hash", as: String.self),
            createdAt: try date(row, "created_at"),
            createdBy: try row.decode(column: "created_by", as: String.self),
            expiresAt: try optionalDate(row, "expires_at"),
            revokedAt: try optionalDate(row, "revoked_at"),
            lastUsedAt: try optionalDate(row, "last_used_at")
        )
    }
}
