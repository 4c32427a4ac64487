import Foundation
import SQLKit

/// One line of a resource's history: `drift_detected`, `drift_accepted`, `drift_reverted`,
/// `drift_ignored`, `drift_stale`, `saga_started`, `saga_completed`, `saga_rolled_back`, `saga_failed`,
/// `saga_step_completed`, `resource_created`, `resource_destroyed`, `snapshot_created`; with who did it.
public struct EventRecord: Sendable, Hashable, Codable {
    public var id: Int
    public var at: Date
    public var kind: String
    public var name: String
    public var type: String
    public var sagaID: String?
    public var detail: String
    /// `$USER@host` for the CLI; nil for events written before actors were kept.
    public var actor: String?
}

/// Which events to list.
public struct EventFilter: Sendable {
    public var kind: String?
    public var name: String?
    public var since: Date?
    /// The newest this many, when set.
    public var limit: Int?

    public init(kind: String? = nil, name: String? = nil, since: Date? = nil, limit: Int? = nil) {
        self.kind = kind
        self.name = name
        self.since = since
        self.limit = limit
    }
}

extension Store {
    public func appendEvent(kind: String, name: String, type: String, sagaID: String? = nil, detail: String) async throws {
        let actor = self.actor
        try await withDatabase { database in
            try await Store.insertEvent(database, at: Store.timestamp(), kind: kind, name: name, type: type, sagaID: sagaID, detail: detail, actor: actor)
        }
    }

    /// An event a saga step writes once however often the step runs (a step re-run after a kill): none
    /// is written when the saga already has one of this type.
    public func appendSagaEventOnce(kind: String, name: String, type: String, sagaID: String, detail: String) async throws {
        let actor = self.actor
        try await withDatabase { database in
            try await database.raw("""
                INSERT INTO events (at, kind, name, type, saga_id, detail, actor)
                SELECT \(bind: Store.timestamp()), \(bind: kind), \(bind: name), \(bind: type), \(bind: sagaID), \(bind: detail), \(bind: actor)
                WHERE NOT EXISTS (SELECT 1 FROM events WHERE saga_id = \(bind: sagaID) AND type = \(bind: type))
                """).run()
        }
    }

    static func insertEvent(
        _ database: any SQLDatabase, at: String, kind: String, name: String, type: String, sagaID: String?, detail: String, actor: String
    ) async throws {
        try await database.raw("""
            INSERT INTO events (at, kind, name, type, saga_id, detail, actor)
            VALUES (\(bind: at), \(bind: kind), \(bind: name), \(bind: type), \(bind: sagaID), \(bind: detail), \(bind: actor))
            """).run()
    }

    public func events(kind: String, name: String) async throws -> [EventRecord] {
        try await events(EventFilter(kind: kind, name: name))
    }

    /// Oldest first (the newest `limit`, when set).
    public func events(_ filter: EventFilter) async throws -> [EventRecord] {
        var conditions: [SQLQueryString] = []
        if let kind = filter.kind { conditions.append("kind = \(bind: kind)") }
        if let name = filter.name { conditions.append("name = \(bind: name)") }
        if let since = filter.since { conditions.append("at >= \(bind: Store.timestamp(since))") }
        let clause = Store.whereClause(conditions)
        let limit: SQLQueryString = filter.limit.map { "LIMIT \(unsafeRaw: String(max(0, $0)))" } ?? ""
        let newestFirst = try await rows("SELECT * FROM events \(clause) ORDER BY id DESC \(limit)").map { row in
            EventRecord(
                id: try row.decode(column: "id", as: Int.self),
                at: try Store.date(row, "at"),
                kind: try row.decode(column: "kind", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                type: try row.decode(column: "type", as: String.self),
                sagaID: try row.decode(column: "saga_id", as: String?.self),
                detail: try row.decode(column: "detail", as: String.self),
                actor: try row.decode(column: "actor", as: String?.self)
            )
        }
        return newestFirst.reversed()
    }
}
