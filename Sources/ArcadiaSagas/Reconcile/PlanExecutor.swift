import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// Turns a plan into persisted sagas and runs them. Creates, replacements and updates run before destroys.
public struct PlanExecutor: Sendable {
    public let runner: SagaRunner

    public init(runner: SagaRunner) {
        self.runner = runner
    }

    public struct Outcome: Sendable {
        public var sagas: [(id: String, name: String, status: SagaStatus)]
        public var isSuccess: Bool { sagas.allSatisfy { $0.status == .completed } }
    }

    public func apply(_ plan: Plan) async throws -> Outcome {
        var outcome = Outcome(sagas: [])
        let ordered = plan.changes.enumerated().sorted { lhs, rhs in
            let left = lhs.element.change.action == .destroy ? 1 : 0
            let right = rhs.element.change.action == .destroy ? 1 : 0
            return (left, lhs.offset) < (right, rhs.offset)
        }.map(\.element)
        for planned in ordered {
            try Task.checkCancellation()
            let saga = try Self.makeSaga(for: planned)
            try await runner.environment.store.insertSaga(saga)
            let status = try await runner.run(sagaID: saga.id)
            outcome.sagas.append((saga.id, planned.change.name, status))
        }
        return outcome
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
