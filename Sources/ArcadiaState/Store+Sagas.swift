import Foundation
import SQLKit

extension Store {
    /// Persists a new saga and its steps, as given, in one transaction.
    public func insertSaga(_ saga: SagaRecord) async throws {
        try await insertSagas([saga])
    }

    /// Persists sagas and their steps in one transaction: all or none. With `applyLockOwner`, only
    /// while that owner still holds the PostgreSQL apply lock: an apply whose lease ran out (its
    /// process was stopped, its laptop slept at the prompt) and was taken over writes nothing.
    public func insertSagas(_ sagas: [SagaRecord], applyLockOwner: String? = nil) async throws {
        let now = Store.timestamp()
        try await withTransaction { database in
            if let applyLockOwner, self.engine == .postgres {
                try await self.requireApplyLock(database, owner: applyLockOwner)
            }
            for saga in sagas {
                try await database.raw("""
                    INSERT INTO sagas (id, kind, resource_kind, resource_name, status, context, created_at, updated_at)
                    VALUES (\(bind: saga.id), \(bind: saga.kind), \(bind: saga.resourceKind), \(bind: saga.resourceName),
                            \(bind: saga.status.rawValue), \(bind: saga.context), \(bind: now), \(bind: now))
                    """).run()
                for step in saga.steps {
                    try await database.raw("""
                        INSERT INTO saga_steps (saga_id, position, name, status, attempts, error, started_at, finished_at, attempt_started_at)
                        VALUES (\(bind: saga.id), \(bind: step.position), \(bind: step.name), \(bind: step.status.rawValue),
                                \(bind: step.attempts), \(bind: step.error), \(bind: step.startedAt.map(Store.timestamp)), \(bind: step.finishedAt.map(Store.timestamp)),
                                \(bind: step.attemptStartedAt.map(Store.timestamp)))
                        """).run()
                }
            }
        }
    }

    /// Writes a step's status and the saga's context together, so the ledger never shows a step done
    /// without the outputs later steps need. With `owner`, the write happens only while `owner` holds
    /// the saga's lease; otherwise it throws ``StoreError/isLeaseLost`` and changes nothing.
    public func recordStep(sagaID: String, step: SagaStepRecord, sagaStatus: SagaStatus, context: String, error: String? = nil, owner: String? = nil) async throws {
        let now = Store.timestamp()
        try await withTransaction { database in
            try await Self.updateSaga(database, id: sagaID, status: sagaStatus, context: context, error: error, owner: owner, now: now)
            try await Self.updateStep(database, sagaID: sagaID, step: step)
        }
    }

    /// Marks a point-of-no-return step `running`, unless an operator asked for the saga to be
    /// cancelled: returns false then, and writes nothing. Atomic with ``requestCancel(id:pivotSteps:)``
    /// (both lock the saga's row first), so a cancel either lands before the step starts, and the
    /// saga is compensated, or is refused because the step has started.
    public func beginPivotStep(sagaID: String, step: SagaStepRecord, context: String, owner: String) async throws -> Bool {
        let now = Store.timestamp()
        return try await withTransaction { database in
            let updated = try await database.raw("""
                UPDATE sagas SET status = \(bind: SagaStatus.running.rawValue), context = \(bind: context), error = NULL, updated_at = \(bind: now)
                WHERE id = \(bind: sagaID) AND owner = \(bind: owner) AND cancel_requested = 0 RETURNING id
                """).first()
            guard updated != nil else {
                let row = try await database.raw("SELECT owner, cancel_requested FROM sagas WHERE id = \(bind: sagaID)").first()
                guard try row?.decode(column: "owner", as: String?.self) == owner else { throw StoreError.leaseLost(sagaID: sagaID, owner: owner) }
                return false
            }
            try await Self.updateStep(database, sagaID: sagaID, step: step)
            return true
        }
    }

    private static func updateStep(_ database: any SQLDatabase, sagaID: String, step: SagaStepRecord) async throws {
        try await database.raw("""
            UPDATE saga_steps SET status = \(bind: step.status.rawValue), attempts = \(bind: step.attempts),
                error = \(bind: step.error), started_at = \(bind: step.startedAt.map(Store.timestamp)), finished_at = \(bind: step.finishedAt.map(Store.timestamp)),
                attempt_started_at = \(bind: step.attemptStartedAt.map(Store.timestamp))
            WHERE saga_id = \(bind: sagaID) AND position = \(bind: step.position)
            """).run()
    }

    /// Sets the saga's status and context; fenced by `owner`'s lease as ``recordStep(sagaID:step:sagaStatus:context:error:owner:)`` is.
    /// A final or halted (`failed`) status releases the lease.
    public func updateSaga(id: String, status: SagaStatus, context: String, error: String? = nil, owner: String? = nil) async throws {
        let now = Store.timestamp()
        try await withTransaction { database in
            try await Self.updateSaga(database, id: id, status: status, context: context, error: error, owner: owner, now: now)
        }
    }

    private static func updateSaga(
        _ database: any SQLDatabase, id: String, status: SagaStatus, context: String, error: String?, owner: String?, now: String
    ) async throws {
        let release: SQLQueryString = status.releasesLease ? ", owner = NULL, lease_expires_at = NULL" : ""
        let fence: SQLQueryString = owner.map { " AND owner = \(bind: $0)" } ?? ""
        let updated = try await database.raw("""
            UPDATE sagas SET status = \(bind: status.rawValue), context = \(bind: context), error = \(bind: error),
                updated_at = \(bind: now)\(release)
            WHERE id = \(bind: id)\(fence) RETURNING id
            """).first()
        if let owner, updated == nil { throw StoreError.leaseLost(sagaID: id, owner: owner) }
    }

    /// One saga with its steps; an unambiguous id prefix (as `sagas list` prints) is enough.
    public func saga(id: String) async throws -> SagaRecord? {
        // Ids are hex and dashes; anything else would be a LIKE pattern, not a prefix.
        guard !id.isEmpty, id.allSatisfy({ $0.isHexDigit || $0 == "-" }) else { return nil }
        let matches = try await rows("SELECT * FROM sagas WHERE id LIKE \(bind: id.lowercased() + "%") ORDER BY created_at LIMIT 2")
        guard matches.count == 1, let row = matches.first else {
            if matches.count > 1 { throw StoreError("saga id '\(id)' is ambiguous; give more characters") }
            return nil
        }
        var saga = try Self.saga(row)
        saga.steps = try await rows("SELECT * FROM saga_steps WHERE saga_id = \(bind: saga.id) ORDER BY position").map { row in
            SagaStepRecord(
                position: try row.decode(column: "position", as: Int.self),
                name: try row.decode(column: "name", as: String.self),
                status: try Self.decodeStatus(StepStatus.self, row, "status"),
                attempts: try row.decode(column: "attempts", as: Int.self),
                error: try row.decode(column: "error", as: String?.self),
                startedAt: try Store.optionalDate(row, "started_at"),
                finishedAt: try Store.optionalDate(row, "finished_at"),
                attemptStartedAt: try Store.optionalDate(row, "attempt_started_at")
            )
        }
        return saga
    }

    /// Sagas newest first, without their steps.
    public func sagas(status: SagaStatus? = nil) async throws -> [SagaRecord] {
        let filter: SQLQueryString = status.map { "WHERE status = \(bind: $0.rawValue)" } ?? ""
        return try await rows("SELECT * FROM sagas \(filter) ORDER BY created_at DESC, id").map(Self.saga)
    }

    /// The ids of every saga this state ran on one resource, final or not.
    public func sagaIDs(resourceKind: String, resourceName: String) async throws -> [String] {
        try await rows("SELECT id FROM sagas WHERE resource_kind = \(bind: resourceKind) AND resource_name = \(bind: resourceName)").map {
            try $0.decode(column: "id", as: String.self)
        }
    }

    /// Sagas that never reached a final status (pending, running, compensating, or halted `failed`),
    /// without their steps, oldest first.
    public func unfinishedSagas() async throws -> [SagaRecord] {
        try await rows("SELECT * FROM sagas WHERE status IN (\(unsafeRaw: Self.unfinishedStatuses)) ORDER BY created_at").map(Self.saga)
    }

    /// The statuses a saga can still leave (and a worker can claim it in), as an SQL list.
    static let unfinishedStatuses = SagaStatus.allCases.filter { !$0.isFinal }.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    /// A status column's value; one this Arcadia does not know is an error, never a guess.
    static func decodeStatus<S: RawRepresentable<String>>(_ type: S.Type, _ row: any SQLRow, _ column: String) throws -> S {
        let text = try row.decode(column: column, as: String.self)
        guard let status = S(rawValue: text) else {
            throw StoreError("the state holds the \(column) '\(text)', which this Arcadia does not know; was it written by a newer Arcadia?")
        }
        return status
    }

    private static func saga(_ row: any SQLRow) throws -> SagaRecord {
        SagaRecord(
            id: try row.decode(column: "id", as: String.self),
            kind: try row.decode(column: "kind", as: String.self),
            resourceKind: try row.decode(column: "resource_kind", as: String.self),
            resourceName: try row.decode(column: "resource_name", as: String.self),
            status: try decodeStatus(SagaStatus.self, row, "status"),
            context: try row.decode(column: "context", as: String.self),
            error: try row.decode(column: "error", as: String?.self),
            createdAt: try Store.date(row, "created_at"),
            updatedAt: try Store.date(row, "updated_at"),
            steps: [],
            owner: try row.decode(column: "owner", as: String?.self),
            leaseExpiresAt: try Store.optionalDate(row, "lease_expires_at"),
            cancelRequested: (try row.decode(column: "cancel_requested", as: Int.self)) != 0
        )
    }
}
