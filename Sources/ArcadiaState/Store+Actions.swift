import Foundation
import SQLKit

/// A DigitalOcean action a saga started or adopted, as the ledger keeps it.
public struct SagaActionRecord: Sendable, Hashable, Codable {
    /// `execute` or `compensate`.
    public enum Phase: String, Sendable, Codable { case execute, compensate }

    public var position: Int
    public var phase: Phase
    /// DigitalOcean's action id; negative for a request that has no action, recorded before it is
    /// sent (a droplet's `DELETE`, as minus the droplet's id).
    public var actionID: Int
    public var actionType: String
    public var resourceID: String

    public init(position: Int, phase: Phase, actionID: Int, actionType: String, resourceID: String) {
        self.position = position
        self.phase = phase
        self.actionID = actionID
        self.actionType = actionType
        self.resourceID = resourceID
    }
}

extension Store {
    /// Records that the saga started (or adopted) an action, as soon as its id is known; fenced by
    /// `owner`'s lease. Recording the same action twice changes nothing.
    public func recordAction(sagaID: String, _ action: SagaActionRecord, owner: String) async throws {
        let now = Store.timestamp()
        try await withTransaction { database in
            guard try await database.raw("SELECT id FROM sagas WHERE id = \(bind: sagaID) AND owner = \(bind: owner)").first() != nil else {
                throw StoreError.leaseLost(sagaID: sagaID, owner: owner)
            }
            try await database.raw("""
                INSERT INTO saga_actions (saga_id, position, phase, action_id, action_type, resource_id, recorded_at)
                VALUES (\(bind: sagaID), \(bind: action.position), \(bind: action.phase.rawValue), \(bind: action.actionID),
                        \(bind: action.actionType), \(bind: action.resourceID), \(bind: now))
                ON CONFLICT (saga_id, action_id) DO NOTHING
                """).run()
        }
    }

    /// Every action the saga has started or adopted, oldest first.
    public func actions(sagaID: String) async throws -> [SagaActionRecord] {
        try await rows("SELECT * FROM saga_actions WHERE saga_id = \(bind: sagaID) ORDER BY recorded_at, action_id").map { row in
            SagaActionRecord(
                position: try row.decode(column: "position", as: Int.self),
                phase: try Self.decodeStatus(SagaActionRecord.Phase.self, row, "phase"),
                actionID: try row.decode(column: "action_id", as: Int.self),
                actionType: try row.decode(column: "action_type", as: String.self),
                resourceID: try row.decode(column: "resource_id", as: String.self)
            )
        }
    }

    /// Ids of the DigitalOcean actions any saga of this state has started or adopted on a resource.
    /// DigitalOcean's action ids grow, so an action older than the newest of these is never the
    /// answer to a POST made now.
    public func recordedActionIDs(resourceID: String) async throws -> [Int] {
        try await rows("SELECT action_id FROM saga_actions WHERE resource_id = \(bind: resourceID) AND action_id > 0").map {
            try $0.decode(column: "action_id", as: Int.self)
        }
    }
}
