import Foundation
import SQLKit

/// What Arcadia last applied to one resource: the third side of the three-way diff.
public struct ProvisionedRecord: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var resourceID: String
    /// The applied spec and policy as JSON.
    public var spec: String
    /// Starts at 1 and grows with every apply that changes the spec.
    public var specVersion: Int

    public init(kind: String, name: String, resourceID: String, spec: String, specVersion: Int) {
        self.kind = kind
        self.name = name
        self.resourceID = resourceID
        self.spec = spec
        self.specVersion = specVersion
    }
}

extension Store {
    /// The records of one kind, or of every kind (by kind, then name).
    public func provisioned(kind: String? = nil) async throws -> [ProvisionedRecord] {
        let query: SQLQueryString = kind.map {
            "SELECT kind, name, resource_id, spec, spec_version FROM provisioned WHERE kind = \(bind: $0) ORDER BY name"
        } ?? "SELECT kind, name, resource_id, spec, spec_version FROM provisioned ORDER BY kind, name"
        return try await rows(query).map { row in
            ProvisionedRecord(
                kind: try row.decode(column: "kind", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                resourceID: try row.decode(column: "resource_id", as: String.self),
                spec: try row.decode(column: "spec", as: String.self),
                specVersion: try row.decode(column: "spec_version", as: Int.self)
            )
        }
    }

    /// Records an apply; the version grows when the spec or the resource changed.
    public func recordApplied(kind: String, name: String, resourceID: String, spec: String, sagaID: String) async throws {
        try await withDatabase { try await Self.insertApplied($0, kind: kind, name: name, resourceID: resourceID, spec: spec, sagaID: sagaID) }
    }

    /// One resource `arcadia import` takes under management: its record and the event that says so.
    public struct ImportedResource: Sendable {
        public var kind: String, name: String, resourceID: String, spec: String, detail: String

        public init(kind: String, name: String, resourceID: String, spec: String, detail: String) {
            (self.kind, self.name, self.resourceID, self.spec, self.detail) = (kind, name, resourceID, spec, detail)
        }
    }

    /// Records every imported resource as applied, each with a `resource_imported` event, in one
    /// transaction: an import that fails part way records none.
    public func recordImported(_ resources: [ImportedResource]) async throws {
        let (actor, now) = (self.actor, Store.timestamp())
        try await withTransaction { database in
            for resource in resources {
                try await Self.insertApplied(
                    database, kind: resource.kind, name: resource.name, resourceID: resource.resourceID, spec: resource.spec, sagaID: "import"
                )
                try await Store.insertEvent(
                    database, at: now, kind: resource.kind, name: resource.name, type: "resource_imported", sagaID: nil, detail: resource.detail, actor: actor
                )
            }
        }
    }

    private static func insertApplied(
        _ database: any SQLDatabase, kind: String, name: String, resourceID: String, spec: String, sagaID: String
    ) async throws {
        let now = Store.timestamp()
        try await database.raw("""
            INSERT INTO provisioned (kind, name, resource_id, spec, spec_version, applied_at, saga_id)
            VALUES (\(bind: kind), \(bind: name), \(bind: resourceID), \(bind: spec), 1, \(bind: now), \(bind: sagaID))
            ON CONFLICT (kind, name) DO UPDATE SET
                spec_version = provisioned.spec_version
                    + CASE WHEN provisioned.spec = excluded.spec AND provisioned.resource_id = excluded.resource_id THEN 0 ELSE 1 END,
                resource_id = excluded.resource_id, spec = excluded.spec,
                applied_at = excluded.applied_at, saga_id = excluded.saga_id
            """).run()
    }

    /// The saga that last wrote the resource's record, if there is a record.
    public func provisionedSagaID(kind: String, name: String) async throws -> String? {
        try await rows("SELECT saga_id FROM provisioned WHERE kind = \(bind: kind) AND name = \(bind: name)").first?
            .decode(column: "saga_id", as: String?.self)
    }

    public func forgetProvisioned(kind: String, name: String) async throws {
        try await run("DELETE FROM provisioned WHERE kind = \(bind: kind) AND name = \(bind: name)")
    }
}
