import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState

/// `arcadia drift revert`: the plan that puts DigitalOcean back at the spec for chosen drift records,
/// now, whatever the resources' `policy.drift` says (the operator asked).
public struct DriftReverter: Sendable {
    public let reconciler: Reconciler

    public init(reconciler: Reconciler) {
        self.reconciler = reconciler
    }

    /// What to run, and the records that cannot be reverted this way, each with why.
    public struct Outcome: Sendable {
        public var plan: Plan
        public var refused: [(record: DriftRecord, reason: String)]
    }

    /// - Parameter preview: plan from the inventory as last synced, sending and writing nothing
    ///   (``Reconciler/preview(desired:targets:revertingDrift:)``): what a revert would run, shown before it is asked for.
    public func plan(reverting records: [DriftRecord], desired: [DesiredResource], preview: Bool = false) async throws -> Outcome {
        let resources = Set(records.map { ResourceTarget(kind: ResourceKind(rawValue: $0.kind) ?? .droplet, name: $0.name) })
        // The records' resources revert their drift in this plan; no other resource is planned.
        var plan = preview
            ? try await reconciler.preview(desired: desired, targets: resources, revertingDrift: resources)
            : try await reconciler.plan(desired: desired, allowEmpty: true, targets: resources, revertingDrift: resources)
        var refused: [(DriftRecord, String)] = []
        var runnable: Set<String> = []
        for record in records {
            let key = "\(record.kind)/\(record.name)"
            guard desired.contains(where: { $0.kind.rawValue == record.kind && $0.name == record.name }) else {
                refused.append((record, "\(key) is no longer in the specs, so there is nothing to revert to"))
                continue
            }
            if let now = try await reconciler.store.driftRecord(id: record.id), now.status != .open {
                // Closed by the plan just made: the field matches the spec again, or the resource is gone.
                let gone = plan.changes.contains { $0.change.kind.rawValue == record.kind && $0.change.name == record.name && $0.change.action == .create }
                refused.append((record, gone
                    ? "\(key) no longer exists at DigitalOcean (the drift is \(now.status.rawValue)); `arcadia apply` creates it again from its spec"
                    : "the plan just made closed it \(now.status.rawValue): DigitalOcean matches the spec again"))
                continue
            }
            if let error = plan.errors.first(where: { $0.kind == record.kind && $0.name == record.name }) {
                refused.append((record, error.message))
                continue
            }
            if let blocked = plan.blocked.first(where: { $0.kind.rawValue == record.kind && $0.name == record.name }) {
                refused.append((record, blocked.reason))
                continue
            }
            guard let planned = plan.changes.first(where: { $0.change.kind.rawValue == record.kind && $0.change.name == record.name }),
                  planned.change.fields.contains(where: { $0.field == record.field && $0.isDriftRevert })
            else {
                let warning = plan.warnings.first { $0.kind == record.kind && $0.name == record.name && $0.message.contains(record.field) }
                refused.append((record, warning?.message
                    ?? "Arcadia cannot change \(record.field) in place yet; `arcadia drift accept \(record.id)` takes the live value into the spec instead"))
                continue
            }
            if let other = planned.change.fields.first(where: { !$0.isDriftRevert && !$0.isAlreadyLive }) {
                refused.append((record, "\(key) also has a spec change to apply (\(other.field)); "
                    + "`arcadia apply --target \(key)` applies it together with the revert"))
                continue
            }
            runnable.insert(key)
        }
        plan.changes.removeAll { !runnable.contains("\($0.change.kind.rawValue)/\($0.change.name)") }
        return Outcome(plan: plan, refused: refused)
    }
}
