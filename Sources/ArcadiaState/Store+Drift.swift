import Foundation
import SQLKit

/// A live value that changed outside Arcadia.
public struct DriftRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, accepted, reverted, stale
    }

    public var id: Int
    public var kind: String
    public var name: String
    public var resourceID: String
    public var field: String
    public var expected: String
    public var actual: String
    public var status: Status
    public var detectedAt: Date
    public var resolvedAt: Date?
}

extension Store {
    /// Opens a drift record unless one is already open for this resource and field.
    /// - Returns: true when a new record was opened.
    @discardableResult
    public func openDrift(kind: String, name: String, resourceID: String, field: String, expected: String, actual: String) async throws -> Bool {
        let now = Store.timestamp()
        return try await withTransaction { database in
            let existing = try await database.raw("""
                SELECT id FROM drift WHERE kind = \(bind: kind) AND name = \(bind: name) AND field = \(bind: field) AND status = 'open'
                """).first()
            if let existing {
                let id = try existing.decode(column: "id", as: Int.self)
                try await database.raw("UPDATE drift SET actual = \(bind: actual), expected = \(bind: expected) WHERE id = \(bind: id)").run()
                return false
            }
            try await database.raw("""
                INSERT INTO drift (kind, name, resource_id, field, expected, actual, status, detected_at)
                VALUES (\(bind: kind), \(bind: name), \(bind: resourceID), \(bind: field), \(bind: expected), \(bind: actual), 'open', \(bind: now))
                """).run()
            try await database.raw("""
                INSERT INTO events (at, kind, name, type, detail)
                VALUES (\(bind: now), \(bind: kind), \(bind: name), 'drift_detected', \(bind: "\(field): expected \(expected), found \(actual)"))
                """).run()
            return true
        }
    }

    /// Closes the open record for a field with a final status.
    public func resolveDrift(kind: String, name: String, field: String, as status: DriftRecord.Status, sagaID: String? = nil) async throws {
        try await run("""
            UPDATE drift SET status = \(bind: status.rawValue), resolved_at = \(bind: Store.timestamp()), saga_id = \(bind: sagaID)
            WHERE kind = \(bind: kind) AND name = \(bind: name) AND field = \(bind: field) AND status = 'open'
            """)
    }

    public func drift(status: DriftRecord.Status? = nil) async throws -> [DriftRecord] {
        let filter: SQLQueryString = status.map { "WHERE status = \(bind: $0.rawValue)" } ?? ""
        return try await rows("SELECT * FROM drift \(filter) ORDER BY id").map { row in
            DriftRecord(
                id: try row.decode(column: "id", as: Int.self),
                kind: try row.decode(column: "kind", as: String.self),
                name: try row.decode(column: "name", as: String.self),
                resourceID: try row.decode(column: "resource_id", as: String.self),
                field: try row.decode(column: "field", as: String.self),
                expected: try row.decode(column: "expected", as: String.self),
                actual: try row.decode(column: "actual", as: String.self),
                status: DriftRecord.Status(rawValue: try row.decode(column: "status", as: String.self)) ?? .open,
                detectedAt: try Store.date(row, "detected_at"),
                resolvedAt: try Store.optionalDate(row, "resolved_at")
            )
        }
    }
}

extension Store {
    /// Notes that drift was checked now: inventory synced and diffed against the specs.
    public func recordDriftCheck() async throws {
        let now = Store.timestamp()
        try await run("""
            INSERT INTO drift_checks (id, checked_at) VALUES (1, \(bind: now))
            ON CONFLICT (id) DO UPDATE SET checked_at = \(bind: now)
            """)
    }

    /// When drift was last checked (by plan, apply or `drift list --refresh`); nil if never.
    public func lastDriftCheck() async throws -> Date? {
        guard let row = try await rows("SELECT checked_at FROM drift_checks WHERE id = 1").first else { return nil }
        return try Store.date(row, "checked_at")
    }
}
