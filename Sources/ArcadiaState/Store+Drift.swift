import Foundation
import SQLKit

/// A live value that changed outside Arcadia.
public struct DriftRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Codable, CaseIterable {
        case open, accepted, reverted, stale, ignored
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
    /// The last plan that still found it (the detection time until then).
    public var lastSeenAt: Date
    public var resolvedAt: Date?
    /// Who closed it by hand (`accept`, `revert`, `ignore`): `$USER@host` for the CLI.
    public var resolvedBy: String?
    /// The DigitalOcean action that made the change, when its history shows one no saga started.
    public var cause: DriftCause?
}

/// A DigitalOcean action on the resource, not started by any saga, that explains a drift.
public struct DriftCause: Sendable, Hashable, Codable {
    public var type: String
    public var actionID: Int
    public var startedAt: String?

    public init(type: String, actionID: Int, startedAt: String?) {
        self.type = type
        self.actionID = actionID
        self.startedAt = startedAt
    }

    enum CodingKeys: String, CodingKey {
        case type
        case actionID = "action_id"
        case startedAt = "started_at"
    }
}

/// Which drift records to list.
public struct DriftFilter: Sendable {
    public var status: DriftRecord.Status?
    public var kind: String?
    public var name: String?

    public init(status: DriftRecord.Status? = nil, kind: String? = nil, name: String? = nil) {
        self.status = status
        self.kind = kind
        self.name = name
    }
}

extension Store {
    /// Opens a drift record unless one is already open for this resource and field (that one's last
    /// sighting and values are brought up to date).
    /// - Returns: true when a new record was opened.
    @discardableResult
    public func openDrift(
        kind: String, name: String, resourceID: String, field: String, expected: String, actual: String, cause: DriftCause? = nil
    ) async throws -> Bool {
        let now = Store.timestamp()
        let causeText = try cause.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
        let actor = self.actor
        return try await withTransaction { database in
            let existing = try await database.raw("""
                SELECT id FROM drift WHERE kind = \(bind: kind) AND name = \(bind: name) AND field = \(bind: field) AND status = 'open'
                """).first()
            if let existing {
                let id = try existing.decode(column: "id", as: Int.self)
                try await database.raw("""
                    UPDATE drift SET actual = \(bind: actual), expected = \(bind: expected), last_seen_at = \(bind: now) WHERE id = \(bind: id)
                    """).run()
                return false
            }
            try await database.raw("""
                INSERT INTO drift (kind, name, resource_id, field, expected, actual, status, detected_at, last_seen_at, cause)
                VALUES (\(bind: kind), \(bind: name), \(bind: resourceID), \(bind: field), \(bind: expected), \(bind: actual), 'open',
                        \(bind: now), \(bind: now), \(bind: causeText))
                """).run()
            try await Store.insertEvent(
                database, at: now, kind: kind, name: name, type: "drift_detected", sagaID: nil,
                detail: "\(field): expected \(expected), found \(actual)" + (cause.map { " (after a \($0.type) action, \($0.actionID))" } ?? ""),
                actor: actor
            )
            return true
        }
    }

    /// Closes the open record for a field with a final status, and logs it (`drift_<status>`); a record
    /// closed by someone's doing (reverted by their apply, accepted in the spec) names them.
    public func resolveDrift(kind: String, name: String, field: String, as status: DriftRecord.Status, sagaID: String? = nil) async throws {
        let now = Store.timestamp()
        let actor = self.actor
        try await withTransaction { database in
            let closed = try await database.raw("""
                UPDATE drift SET status = \(bind: status.rawValue), resolved_at = \(bind: now), saga_id = \(bind: sagaID),
                    resolved_by = \(bind: status == .stale ? nil : actor)
                WHERE kind = \(bind: kind) AND name = \(bind: name) AND field = \(bind: field) AND status = 'open'
                RETURNING id
                """).all()
            guard !closed.isEmpty else { return }
            try await Store.insertEvent(
                database, at: now, kind: kind, name: name, type: "drift_\(status.rawValue)", sagaID: sagaID, detail: field, actor: actor
            )
        }
    }

    /// Closes one open record by hand (accept, ignore), with who did it; `applied` (the new applied
    /// spec JSON) replaces the resource's record in the same transaction and bumps its `spec_version`.
    /// - Throws: ``DriftNotOpen`` when the record is missing or already closed.
    /// - Parameter pending: an acceptance the spec file does not say yet (the controller's, without
    ///   `--git-push`), kept in the same transaction; its patch goes into the event too.
    public func closeDrift(id: Int, as status: DriftRecord.Status, applied: String? = nil, pending: PendingAcceptance? = nil) async throws {
        let now = Store.timestamp()
        let actor = self.actor
        // The row is locked first (SQLite: the write lock taken at BEGIN), so two closings race to one winner.
        let lockClause: SQLQueryString = engine == .postgres ? " FOR UPDATE" : ""
        try await withTransaction { database in
            guard let row = try await database.raw("SELECT kind, name, field, status FROM drift WHERE id = \(bind: id)\(lockClause)").first() else {
                throw DriftNotOpen(id: id, status: nil)
            }
            let current = try DriftRecord.Status.decoded(try row.decode(column: "status", as: String.self))
            guard current == .open else { throw DriftNotOpen(id: id, status: current) }
            let (kind, name, field) = (try row.decode(column: "kind", as: String.self), try row.decode(column: "name", as: String.self),
                                       try row.decode(column: "field", as: String.self))
            if let applied {
                try await database.raw("""
                    UPDATE provisioned SET spec = \(bind: applied), spec_version = spec_version + 1, applied_at = \(bind: now)
                    WHERE kind = \(bind: kind) AND name = \(bind: name)
                    """).run()
            }
            try await database.raw("""
                UPDATE drift SET status = \(bind: status.rawValue), resolved_at = \(bind: now), resolved_by = \(bind: actor)
                WHERE id = \(bind: id) AND status = 'open'
                """).run()
            if let pending { try await Store.insertAcceptance(database, pending, driftID: id, at: now, by: actor) }
            let detail = pending.map { "\(field)\n\($0.patch)" } ?? field
            try await Store.insertEvent(database, at: now, kind: kind, name: name, type: "drift_\(status.rawValue)", sagaID: nil, detail: detail, actor: actor)
        }
    }

    public func drift(status: DriftRecord.Status? = nil) async throws -> [DriftRecord] {
        try await drift(DriftFilter(status: status))
    }

    public func drift(_ filter: DriftFilter) async throws -> [DriftRecord] {
        var conditions: [SQLQueryString] = []
        if let status = filter.status { conditions.append("status = \(bind: status.rawValue)") }
        if let kind = filter.kind { conditions.append("kind = \(bind: kind)") }
        if let name = filter.name { conditions.append("name = \(bind: name)") }
        let clause = Store.whereClause(conditions)
        return try await rows("SELECT * FROM drift \(clause) ORDER BY id").map(Self.driftRecord)
    }

    public func driftRecord(id: Int) async throws -> DriftRecord? {
        try await rows("SELECT * FROM drift WHERE id = \(bind: id)").first.map(Self.driftRecord)
    }

    private static func driftRecord(_ row: any SQLRow) throws -> DriftRecord {
        let cause = try row.decode(column: "cause", as: String?.self)
        return DriftRecord(
            id: try row.decode(column: "id", as: Int.self),
            kind: try row.decode(column: "kind", as: String.self),
            name: try row.decode(column: "name", as: String.self),
            resourceID: try row.decode(column: "resource_id", as: String.self),
            field: try row.decode(column: "field", as: String.self),
            expected: try row.decode(column: "expected", as: String.self),
            actual: try row.decode(column: "actual", as: String.self),
            status: try DriftRecord.Status.decoded(try row.decode(column: "status", as: String.self)),
            detectedAt: try Store.date(row, "detected_at"),
            lastSeenAt: try Store.optionalDate(row, "last_seen_at") ?? Store.date(row, "detected_at"),
            resolvedAt: try Store.optionalDate(row, "resolved_at"),
            resolvedBy: try row.decode(column: "resolved_by", as: String?.self),
            cause: try cause.map { try JSONDecoder().decode(DriftCause.self, from: Data($0.utf8)) }
        )
    }
}

extension DriftRecord.Status {
    /// A stored status; an unknown one is an error, not a guess.
    static func decoded(_ text: String) throws -> Self {
        guard let status = Self(rawValue: text) else { throw StoreError("the state database holds drift status \"\(text)\", which this Arcadia does not know") }
        return status
    }
}

/// `drift accept|ignore` of a record that is not open.
public struct DriftNotOpen: Error, CustomStringConvertible {
    public let id: Int
    /// nil: no such record.
    public let status: DriftRecord.Status?

    public init(id: Int, status: DriftRecord.Status?) {
        self.id = id
        self.status = status
    }

    public var description: String {
        status.map { "drift \(id) is already \($0.rawValue)" } ?? "there is no drift record \(id); `arcadia drift list --all` lists them"
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
