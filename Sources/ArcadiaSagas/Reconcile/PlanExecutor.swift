import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// Turns a plan into persisted sagas and runs them: every saga is written to the ledger before any
/// runs (so a crash leaves them for `arcadia sagas resume`), then independent sagas run concurrently,
/// `parallelism` at a time, creates, replacements and updates before destroys, and each only once the
/// sagas the plan orders it after (``PlannedChange/after``) have finished.
public struct PlanExecutor: Sendable {
    public let runner: SagaRunner
    public let parallelism: Int
    /// The apply lock's holder: sagas are written only while it holds the lock.
    public let applyLockOwner: String?

    public init(runner: SagaRunner, parallelism: Int = 10, applyLockOwner: String? = nil) {
        self.runner = runner
        self.parallelism = max(1, parallelism)
        self.applyLockOwner = applyLockOwner
    }

    public struct Outcome: Sendable {
        public var sagas: [(id: String, kind: String, name: String, status: SagaStatus)]
        public var isSuccess: Bool { sagas.allSatisfy { $0.status == .completed } }
    }

    public func apply(_ plan: Plan) async throws -> Outcome {
        try await run(try await insert(plan))
    }

    /// A plan's sagas, written to the ledger and not yet run.
    public struct Inserted: Sendable {
        fileprivate var queued: [(saga: SagaRecord, name: String, isDestroy: Bool, after: Set<String>)]

        /// The sagas' ids, in the plan's order, with the resource each changes.
        public var sagas: [(id: String, kind: String, name: String)] {
            queued.map { ($0.saga.id, $0.saga.resourceKind, $0.name) }
        }
    }

    /// Writes the plan's sagas to the ledger (under the apply lock, when ``applyLockOwner`` is set),
    /// so they are there for `sagas resume` even if nothing runs them now.
    public func insert(_ plan: Plan) async throws -> Inserted {
        let ids = Dictionary(plan.changes.map { ($0.change.key, UUID().uuidString.lowercased()) }, uniquingKeysWith: { first, _ in first })
        var queued: [(saga: SagaRecord, name: String, isDestroy: Bool, after: Set<String>)] = []
        for planned in plan.changes {
            let after = planned.after.compactMap { ids[$0] }
            let saga = try Self.makeSaga(for: planned, id: ids[planned.change.key]!, after: after)
            queued.append((saga, planned.change.name, planned.change.action == .destroy, Set(after)))
        }
        try Task.checkCancellation()
        try await runner.environment.store.insertSagas(queued.map(\.saga), applyLockOwner: applyLockOwner)
        return Inserted(queued: queued)
    }

    /// Runs sagas ``insert(_:)`` wrote: creates, replacements and updates, then destroys.
    public func run(_ inserted: Inserted) async throws -> Outcome {
        let queued = inserted.queued
        var statuses: [String: SagaStatus] = [:]
        for wave in [queued.filter { !$0.isDestroy }, queued.filter(\.isDestroy)] {
            let order = wave.map { (id: $0.saga.id, after: $0.after) }
            for (id, status) in try await run(order, finished: statuses) { statuses[id] = status }
        }
        // A saga this apply could not run itself may have been run by another worker meanwhile (a
        // `sagas resume` started beside it): the ledger's status is the one to report.
        for (id, status) in statuses where !status.isFinal {
            if let current = try? await runner.environment.store.saga(id: id)?.status, current.isFinal { statuses[id] = current }
        }
        return Outcome(sagas: queued.map { ($0.saga.id, $0.saga.resourceKind, $0.name, statuses[$0.saga.id] ?? .pending) })
    }

    /// Runs the sagas, at most `parallelism` at once, each once every saga it follows has stopped (the
    /// runner itself cancels one whose predecessor did not complete, and leaves one whose predecessor
    /// halted pending).
    private func run(_ sagas: [(id: String, after: Set<String>)], finished earlier: [String: SagaStatus]) async throws -> [(String, SagaStatus)] {
        try await withThrowingTaskGroup(of: (String, SagaStatus).self) { group in
            var results: [(String, SagaStatus)] = []
            var stopped = Set(earlier.keys)
            let inWave = Set(sagas.map(\.id))
            var pending = sagas
            var running = 0
            while true {
                while running < parallelism,
                      let index = pending.firstIndex(where: { $0.after.allSatisfy { stopped.contains($0) || !inWave.contains($0) } }) {
                    let id = pending.remove(at: index).id
                    group.addTask { (id, try await runner.runContained(sagaID: id) { try await runner.run(sagaID: id) }) }
                    running += 1
                }
                guard let result = try await group.next() else { return results }
                results.append(result)
                stopped.insert(result.0)
                running -= 1
            }
        }
    }

    /// The saga record for one planned change: its steps, pending, and the input they start from.
    public static func makeSaga(for planned: PlannedChange, id: String = UUID().uuidString.lowercased(), after: [String] = []) throws -> SagaRecord {
        let change = planned.change
        let sagaTag = Ownership.sagaTag(forSagaID: id)
        var input = SagaInput(
            kind: change.kind, name: change.name, sagaID: id, sagaTag: sagaTag, desired: change.desired, fields: change.fields, after: after
        )
        if let applied = change.applied, let resourceID = change.resourceID {
            input.previous = applied
            input.previousResourceID = resourceID
        }
        switch change.action {
        case .create:
            break
        case .replace, .destroy:
            input.destroyID = change.resourceID
            input.dependents = change.dependents
        case .update:
            input.resourceID = change.resourceID
        }
        if planned.steps.contains(where: { $0.hasPrefix("Snapshot") }) {
            input.snapshotName = "\(change.name)-arcadia-\(sagaTag.dropFirst(Ownership.sagaTagPrefix.count))"
        }
        return SagaRecord(
            id: id, kind: planned.sagaKind, resourceKind: change.kind.rawValue, resourceName: change.name,
            context: SagaContext(input).encoded(),
            steps: planned.steps.enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element) }
        )
    }
}
