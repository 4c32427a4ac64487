import Foundation
import SQLKit

/// One resource as the last inventory sync saw it; `attributes` is the normalised JSON document.
public struct ResourceRecord: Sendable, Hashable {
    public var kind: String
    public var id: String
    public var name: String
    public var managed: Bool
    public var attributes: String
    public var isDeleted: Bool

    public init(kind: String, id: String, name: String, managed: Bool, attributes: String, isDeleted: Bool = false) {
        self.kind = kind
        self.id = id
        self.name = name
        self.managed = managed
        self.attributes = attributes
        self.isDeleted = isDeleted
    }
}

extension Store {
    /// Replaces the inventory of one kind in a single transaction: upserts what was seen,
    /// marks what was not seen as deleted. Returns how many rows were newly marked deleted.
    @discardableResult
    public func syncResources(kind: String, seen records: [ResourceRecord]) async throws -> Int {
        let now = Store.timestamp()
        let syncID = UUID().uuidString
        return try await withTransaction { database in
            for batch in stride(from: 0, to: records.count, by: 200).map({ Array(records[$0..<min($0 + 200, records.count)]) }) {
                var insert = database.insert(into: "resources")
                    .columns("kind", "id", "name", "managed", "attributes", "status", "first_seen_at", "synced_at", "sync_id")
                for record in batch {
                    insert = insert.values(
                        SQLBind(kind), SQLBind(record.id), SQLBind(record.name), SQLBind(record.managed ? 1 : 0),
                        SQLBind(record.attributes), SQLBind("present"), SQLBind(now), SQLBind(now), SQLBind(syncID)
                    )
                }
                try await insert.onConflict(with: ["kind", "id"]) { conflict in
                    conflict.set(excludedValueOf: "name").set(excludedValueOf: "managed")
                        .set(excludedValueOf: "attributes").set(excludedValueOf: "status")
                        .set(excludedValueOf: "synced_at").set(excludedValueOf: "sync_id").set("deleted_at", to: SQLLiteral.null)
                }.run()
            }
            let vanished = try await database.raw("""
                SELECT COUNT(*) AS n FROM resources WHERE kind = \(bind: kind) AND status = 'present' AND sync_id <> \(bind: syncID)
                """).first()?.decode(column: "n", as: Int.self) ?? 0
            try await database.raw("""
                UPDATE resources SET status = 'deleted', deleted_at = \(bind: now)
                WHERE kind = \(bind: kind) AND status = 'present' AND sync_id <> \(bind: syncID)
                """).run()
            return vanished
        }
    }

    /// Resources of a kind that were present at the last sync.
    public func presentResources(kind: String) async throws -> [ResourceRecord] {
        try await rows("""
            SELECT kind, id, name, managed, attributes, status FROM resources
            WHERE kind = \(bind: kind) AND status = 'present' ORDER BY name, id
            """).map(Self.resource)
    }

    /// The kinds of which the last sync saw a resource Arcadia manages, still present.
    public func kindsWithManagedResources() async throws -> Set<String> {
        Set(try await rows("SELECT DISTINCT kind FROM resources WHERE managed = 1 AND status = 'present'").map {
            try $0.decode(column: "kind", as: String.self)
        })
    }

    static func resource(_ row: any SQLRow) throws -> ResourceRecord {
        ResourceRecord(
            kind: try row.decode(column: "kind", as: String.self),
            id: try row.decode(column: "id", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            managed: try row.decode(column: "managed", as: Int.self) != 0,
            attributes: try row.decode(column: "attributes", as: String.self),
            isDeleted: try row.decode(column: "status", as: String.self) == "deleted"
        )
    }
}
