import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// Turns a plan into persisted sagas and runs them: every saga is written to the ledger before any
/// runs (so a crash leaves them for `arcadia sagas resume`), then independent sagas run concurrently,
/// `parallelism` at a time, creates, replacements and updates before destroys.
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
        public var sagas: [(id: String, name: String, status: SagaStatus)]
        public var isSuccess: Bool { sagas.allSatisfy { $0.status == .completed } }
    }

    public func apply(_ plan: Plan) async throws -> Outcome {
        var queued: [(saga: SagaRecord, name: String, isDestroy: Bool)] = []
        for planned in plan.changes {
            queued.append((try Self.makeSaga(for: planned), planned.change.name, planned.change.action == .destroy))
        }
        try Task.checkCancellation()
        try await runner.environment.store.insertSagas(queued.map(\.saga), applyLockOwner: applyLockOwner)
        var statuses: [String: SagaStatus] = [:]
        for wave in [queued.filter { !$0.isDestroy }, queued.filter(\.isDestroy)] {
            for (id, status) in try await run(wave.map(\.saga.id)) { statuses[id] = status }
        }
        // A saga this apply could not run itself may have been run by another worker meanwhile (a
        // `sagas resume` started beside it): the ledger's status is the one to report.
        for (id, status) in statuses where !status.isFinal {
            if let current = try? await runner.environment.store.saga(id: id)?.status, current.isFinal { statuses[id] = current }
        }
        return Outcome(sagas: queued.map { ($0.saga.id, $0.name, statuses[$0.saga.id] ?? .pending) })
    }

    /// Runs the sagas, at most `parallelism` at once.
    private func run(_ ids: [String]) async throws -> [(String, SagaStatus)] {
        try await withThrowingTaskGroup(of: (String, SagaStatus).self) { group in
            var results: [(String, SagaStatus)] = []
            var pending = ids[...]
            var running = 0
            while true {
                while running < parallelism, let id = pending.popFirst() {
                    group.addTask { (id, try await runner.runContained(sagaID: id) { try await runner.run(sagaID: id) }) }
                    running += 1
                }
                guard let result = try await group.next() else { return results }
                results.append(result)
                running -= 1
            }
        }
    }

    /// The saga record for one planned change: its steps, pending, and the context they start from.
    public static func makeSaga(for planned: PlannedChange) throws -> SagaRecord {
        let change = planned.change
        let id = UUID().uuidString.lowercased()
        let sagaTag = Ownership.sagaTag(forSagaID: id)
        var context = SagaContext([.resourceName: change.name, .sagaID: id, .sagaTag: sagaTag])
        if let desired = change.desired {
            context[.desired] = try CanonicalJSON.string(desired)
        }
        if let applied = change.applied, let resourceID = change.resourceID {
            context[.previousApplied] = try CanonicalJSON.string(applied)
            context[.previousResourceID] = resourceID
        }
        switch change.action {
        case .create:
            break
        case .replace:
            context[.destroyDropletID] = change.resourceID
        case .destroy:
            context[.destroyDropletID] = change.resourceID
        case .update:
            context[.dropletID] = change.resourceID
            if let size = change.fields.first(where: { $0.field == "size" }) {
                context[.originalSize] = size.from
                context[.targetSize] = size.to
                if let desired = change.desired, case .droplet(let spec) = desired.spec, spec.resizeDisk {
                    context[.resizeDisk] = "true"
                }
                context[.snapshotName] = "\(change.name)-arcadia-\(sagaTag.dropFirst(Ownership.sagaTagPrefix.count))"
                if let keep = change.desired?.policy.keepSnapshots { context[.keepSnapshots] = String(keep) }
            }
            let reverts = change.fields.filter(\.isDriftRevert).map(\.field)
            if !reverts.isEmpty { context[.revertsDrift] = reverts.joined(separator: ",") }
        }
        return SagaRecord(
            id: id, kind: planned.sagaKind, resourceKind: change.kind.rawValue, resourceName: change.name,
            context: context.encoded(),
            steps: planned.steps.enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element) }
        )
    }
}
