import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState

extension Reconciler {
    /// The inventory as the last sync wrote it, normalised for the diff: no request to DigitalOcean.
    public func storedInventory() async throws -> [LiveResource] {
        var live: [LiveResource] = []
        for module in Kinds.all {
            live += try await store.presentResources(kind: module.kind.rawValue).compactMap {
                try? CanonicalJSON.decode(LiveResource.self, from: $0.attributes)
            }
        }
        return live
    }

    /// The plan ``plan(desired:specsFolder:allowEmpty:targets:revertingDrift:driftReverts:)`` would make
    /// if DigitalOcean still looked as the last sync found it, for showing what an action would run
    /// before anyone asks for it. Sends no request and writes nothing: standing acceptances are laid
    /// over the specs but not settled, drift is not recorded, and the provider catalogue is not checked
    /// (the real plan still does all three).
    public func preview(
        desired specs: [DesiredResource], targets: Set<ResourceTarget> = [], revertingDrift: Set<ResourceTarget> = []
    ) async throws -> Plan {
        let (desired, _) = PendingAcceptances.overlay(specs, with: try await store.pendingAcceptances())
        let live = try await storedInventory()
        let applied = try await appliedResources()
        let unfinished = try await store.unfinishedSagas().map {
            UnfinishedSaga(id: $0.id, kind: $0.kind, status: $0.status.rawValue, resourceKind: $0.resourceKind, resourceName: $0.resourceName)
        }
        let diff = Differ.diff(
            desired: desired, applied: applied, live: live, kinds: Kinds.book, unfinishedSagas: unfinished, revertingDrift: revertingDrift
        ).limited(to: targets, known: desired.map { ($0.kind, $0.name) } + applied.map { ($0.kind, $0.name) })
        var plan = Planner.plan(
            diff, kinds: Kinds.book,
            fingerprint: Fingerprint.make(desired: desired, applied: applied, live: live, unfinished: unfinished, targets: targets.map(\.description)),
            appliedCount: applied.count
        )
        plan.targets = targets.map(\.description).sorted()
        return plan
    }
}
