import Foundation
import SQLKit

/// What a claim found.
public enum SagaClaim: Sendable, Equatable {
    case claimed
    /// Another live worker holds the lease until `until`.
    case held(by: String, until: String)
    case finished(SagaStatus)
    case notFound
}

/// What asking to cancel a saga found.
public enum CancelRequest: Sendable, Equatable {
    /// Recorded: the saga's worker (or the caller) compensates it before its point of no return.
    case requested
    /// Refused: `step`, a point of no return, has started or finished, so the saga can only go forward.
    case pastPointOfNoReturn(step: String)
    case finished(SagaStatus)
    case notFound
}

extension Store {

    /// Claims one saga for `owner`: free, already `owner`'s, its lease run out, or its holder known dead.
    public func claimSaga(id: String, owner: String, leaseSeconds: Double) async throws -> SagaClaim {
        let lockClause = engine == .postgres ? " FOR UPDATE" : ""
        return try await withTransaction { database in
            let now = try await self.leaseClock(database)
            guard let row = try await database.raw("""
                SELECT status, owner, lease_expires_at FROM sagas WHERE id = \(bind: id)\(unsafeRaw: lockClause)
                """).first()
            else { return .notFound }
            let status = try Self.decodeStatus(SagaStatus.self, row, "status")
            guard !status.isFinal else { return .finished(status) }
            let holder = try row.decode(column: "owner", as: String?.self)
            let expires = try row.decode(column: "lease_expires_at", as: String?.self)
            if let holder, holder != owner, let expires, expires > Store.timestamp(now), !WorkerIdentity.isDead(holder, seenBy: owner) {
                return .held(by: holder, until: expires)
            }
            try await Self.takeLease(database, id: id, owner: owner, now: now, leaseSeconds: leaseSeconds)
            return .claimed
        }
    }

    /// Claims the oldest runnable saga no live lease holds. PostgreSQL skips rows other workers have
    /// locked (`FOR UPDATE SKIP LOCKED`); SQLite's write lock serialises claims. Sagas in `excluding`
    /// (those this worker already tried in this pass) are passed over.
    public func claimNextRunnable(owner: String, leaseSeconds: Double, excluding: Set<String> = []) async throws -> String? {
        let lockClause = engine == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        return try await withTransaction { database in
            let now = try await self.leaseClock(database)
            let rows = try await database.raw("""
                SELECT id, owner, lease_expires_at FROM sagas WHERE status IN (\(unsafeRaw: Self.unfinishedStatuses))
                ORDER BY created_at, id\(unsafeRaw: lockClause)
                """).all()
            for row in rows {
                let holder = try row.decode(column: "owner", as: String?.self)
                let expires = try row.decode(column: "lease_expires_at", as: String?.self)
                // Leased, even to this worker (another of its tasks runs it): not claimable.
                if let holder, let expires, expires > Store.timestamp(now), !WorkerIdentity.isDead(holder, seenBy: owner) { continue }
                let id = try row.decode(column: "id", as: String.self)
                if excluding.contains(id) { continue }
                try await Self.takeLease(database, id: id, owner: owner, now: now, leaseSeconds: leaseSeconds)
                return id
            }
            return nil
        }
    }

    private static func takeLease(_ database: any SQLDatabase, id: String, owner: String, now: Date, leaseSeconds: Double) async throws {
        try await database.raw("""
            UPDATE sagas SET owner = \(bind: owner), lease_expires_at = \(bind: Store.timestamp(now.addingTimeInterval(leaseSeconds))),
                heartbeat_at = \(bind: Store.timestamp(now))
            WHERE id = \(bind: id)
            """).run()
    }

    /// Extends `owner`'s lease; false when the lease is no longer `owner`'s.
    public func renewLease(id: String, owner: String, leaseSeconds: Double) async throws -> Bool {
        try await withTransaction { database in
            let now = try await self.leaseClock(database)
            return try await database.raw("""
                UPDATE sagas SET lease_expires_at = \(bind: Store.timestamp(now.addingTimeInterval(leaseSeconds))), heartbeat_at = \(bind: Store.timestamp(now))
                WHERE id = \(bind: id) AND owner = \(bind: owner) RETURNING id
                """).first() != nil
        }
    }

    /// Gives the saga up, so another worker may take it at once.
    public func releaseLease(id: String, owner: String) async throws {
        try await run("UPDATE sagas SET owner = NULL, lease_expires_at = NULL WHERE id = \(bind: id) AND owner = \(bind: owner)")
    }

    /// Asks for the saga to be cancelled, unless one of `pivotSteps` (its points of no return) has
    /// started: then the saga can only finish, and nothing is recorded. The saga's row is locked first,
    /// as ``beginPivotStep(sagaID:step:context:owner:)`` locks it, so the two never both succeed.
    public func requestCancel(id: String, pivotSteps: Set<String>) async throws -> CancelRequest {
        let lockClause = engine == .postgres ? " FOR UPDATE" : ""
        return try await withTransaction { database in
            guard let row = try await database.raw("SELECT id, status FROM sagas WHERE id = \(bind: id)\(unsafeRaw: lockClause)").first() else {
                return .notFound
            }
            let status = try Self.decodeStatus(SagaStatus.self, row, "status")
            guard !status.isFinal else { return .finished(status) }
            for step in try await database.raw("SELECT name, status FROM saga_steps WHERE saga_id = \(bind: id) ORDER BY position").all() {
                let name = try step.decode(column: "name", as: String.self)
                let stepStatus = try Self.decodeStatus(StepStatus.self, step, "status")
                if pivotSteps.contains(name), [.running, .completed].contains(stepStatus) { return .pastPointOfNoReturn(step: name) }
            }
            try await database.raw("UPDATE sagas SET cancel_requested = 1, updated_at = \(bind: Store.timestamp()) WHERE id = \(bind: id)").run()
            return .requested
        }
    }

    public func isCancelRequested(id: String) async throws -> Bool {
        try await rows("SELECT cancel_requested FROM sagas WHERE id = \(bind: id)").first?.decode(column: "cancel_requested", as: Int.self) == 1
    }
}
