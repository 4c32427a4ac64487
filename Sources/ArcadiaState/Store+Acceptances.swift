import Foundation
import SQLKit

/// An acceptance (or ignore) the controller recorded without writing the spec file, because its
/// checkout is a git work tree it does not push from: the field stays settled at the accepted value
/// until the spec file says it too, or says something else.
public struct PendingAcceptance: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Codable { case accept, ignore }

    public var driftID: Int
    public var kind: String
    public var name: String
    public var field: String
    public var action: Action
    /// The spec's value when it was accepted (canonical JSON of a `SpecValue`; nil when the spec left
    /// the field out): while the file still says this, the acceptance stands.
    public var specValue: String?
    /// The value taken (canonical JSON), for `accept`.
    public var acceptedValue: String?
    /// The one-value edit, as a unified diff.
    public var patch: String
    public var file: String
    public var acceptedBy: String
    public var acceptedAt: Date

    public init(
        driftID: Int = 0, kind: String, name: String, field: String, action: Action, specValue: String?, acceptedValue: String?,
        patch: String, file: String, acceptedBy: String = "", acceptedAt: Date = Date()
    ) {
        self.driftID = driftID
        self.kind = kind
        self.name = name
        self.field = field
        self.action = action
        self.specValue = specValue
        self.acceptedValue = acceptedValue
        self.patch = patch
        self.file = file
        self.acceptedBy = acceptedBy
        self.acceptedAt = acceptedAt
    }
}

/// A field the controller keeps reverting: how many times in a row, and until when the next revert waits.
public struct RevertHold: Sendable, Hashable {
    public var kind: String
    public var name: String
    public var field: String
    public var count: Int
    public var lastRevertedAt: Date
    public var holdUntil: Date

    public var key: String { "\(kind)/\(name)/\(field)" }
}

extension Store {
    static func insertAcceptance(_ database: any SQLDatabase, _ pending: PendingAcceptance, driftID: Int, at: String, by actor: String) async throws {
        try await database.raw("""
            INSERT INTO drift_acceptances (drift_id, kind, name, field, action, spec_value, accepted_value, patch, file, accepted_by, accepted_at)
            VALUES (\(bind: driftID), \(bind: pending.kind), \(bind: pending.name), \(bind: pending.field), \(bind: pending.action.rawValue),
                    \(bind: pending.specValue), \(bind: pending.acceptedValue), \(bind: pending.patch), \(bind: pending.file), \(bind: actor), \(bind: at))
            """).run()
    }

    /// Oldest first.
    public func pendingAcceptances() async throws -> [PendingAcceptance] {
        try await rows("SELECT * FROM drift_acceptances ORDER BY accepted_at, drift_id").map { row in
            PendingAcceptance(
                driftID: try row.decode(column: "drift_id", as: Int.self), kind: try row.decode(column: "kind", as: String.self),
                name: try row.decode(column: "name", as: String.self), field: try row.decode(column: "field", as: String.self),
                action: PendingAcceptance.Action(rawValue: try row.decode(column: "action", as: String.self)) ?? .accept,
                specValue: try row.decode(column: "spec_value", as: String?.self),
                acceptedValue: try row.decode(column: "accepted_value", as: String?.self),
                patch: try row.decode(column: "patch", as: String.self), file: try row.decode(column: "file", as: String.self),
                acceptedBy: try row.decode(column: "accepted_by", as: String.self), acceptedAt: try Self.date(row, "accepted_at")
            )
        }
    }

    /// The spec file caught up with (or overruled) these acceptances.
    public func settleAcceptances(driftIDs: [Int]) async throws {
        for id in driftIDs { try await run("DELETE FROM drift_acceptances WHERE drift_id = \(bind: id)") }
    }

    public func revertHolds() async throws -> [RevertHold] {
        try await rows("SELECT * FROM drift_reverts ORDER BY kind, name, field").map { row in
            RevertHold(
                kind: try row.decode(column: "kind", as: String.self), name: try row.decode(column: "name", as: String.self),
                field: try row.decode(column: "field", as: String.self), count: try row.decode(column: "count", as: Int.self),
                lastRevertedAt: try Self.date(row, "last_reverted_at"), holdUntil: try Self.date(row, "hold_until")
            )
        }
    }

    /// Notes one more revert of the field in a row; returns the hold now in force.
    public func recordRevert(kind: String, name: String, field: String, at now: Date, hold: (_ count: Int) -> TimeInterval) async throws -> RevertHold {
        let existing = try await revertHolds().first { $0.kind == kind && $0.name == name && $0.field == field }
        let count = (existing?.count ?? 0) + 1
        let until = now.addingTimeInterval(hold(count))
        try await run("""
            INSERT INTO drift_reverts (kind, name, field, count, last_reverted_at, hold_until)
            VALUES (\(bind: kind), \(bind: name), \(bind: field), \(bind: count), \(bind: Store.timestamp(now)), \(bind: Store.timestamp(until)))
            ON CONFLICT (kind, name, field) DO UPDATE SET count = excluded.count, last_reverted_at = excluded.last_reverted_at,
                hold_until = excluded.hold_until
            """)
        return RevertHold(kind: kind, name: name, field: field, count: count, lastRevertedAt: now, holdUntil: until)
    }

    /// The field stayed put since its last revert: the count starts again.
    public func clearRevertHold(kind: String, name: String, field: String) async throws {
        try await run("DELETE FROM drift_reverts WHERE kind = \(bind: kind) AND name = \(bind: name) AND field = \(bind: field)")
    }
}
