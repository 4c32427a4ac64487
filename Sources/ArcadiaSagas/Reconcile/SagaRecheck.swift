import ArcadiaSpecs
import ArcadiaState

/// Checks an unfinished saga against the specs as they are now, before a resume runs it: a saga
/// planned from specs that have since changed must not carry out a change nobody wants any more
/// (a destroy of a droplet whose spec is back, a create whose spec was removed). Pure.
public struct SagaRecheck: Sendable {
    private let desired: [String: DesiredResource]

    public init(desired: [DesiredResource]) {
        self.desired = Dictionary(desired.map { ("\($0.kind.rawValue)/\($0.name)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Why the specs no longer want what the saga does, or nil when they still do. A standalone snapshot
    /// was asked for by an operator, not planned from the specs: they never supersede it.
    public func reasonToSupersede(_ saga: SagaRecord, context: SagaContext) -> String? {
        if saga.kind == DropletSnapshotSaga.kind { return nil }
        let current = desired["\(saga.resourceKind)/\(saga.resourceName)"]
        if saga.kind == "destroy" {
            guard let current else { return nil }
            return "the spec of \(saga.resourceKind) '\(saga.resourceName)' is back (\(current.source)), so it is no longer to be destroyed"
        }
        guard let current else {
            return "the spec of \(saga.resourceKind) '\(saga.resourceName)' was removed after the saga was planned"
        }
        guard let planned = context.input.desired else { return nil }
        guard planned.spec != current.spec || planned.policy != current.policy else { return nil }
        return "the spec of \(saga.resourceKind) '\(saga.resourceName)' changed after the saga was planned (\(current.source)); plan again"
    }
}
