import DigitalOceanAPI

/// Snapshots the droplet under a deterministic name (`<droplet>-arcadia-<saga tag>` in a resize,
/// `<droplet>-<label>-arcadia-<saga tag>` for `arcadia snapshot`), so a re-run finds the snapshot by
/// name instead of taking a second one; a re-run whose snapshot does not list yet waits
/// for the snapshot action it started (see ``StepEnvironment/perform(_:dropletID:)``). Waits until the
/// snapshot lists, since DigitalOcean shows it a little after the action completes.
public struct SnapshotDroplet: Step {
    public let name = "SnapshotDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let dropletID = try context.requireNumericResourceID(step: name)
        let snapshotName = try context.requireSnapshotName(step: name)
        // The name carries the saga's tag: before a first attempt no snapshot can have it, so only a
        // re-run looks (one request fewer per snapshot).
        let mayHaveActed = environment.invocation?.mayHaveActed ?? true
        if mayHaveActed, let existing = try await find(snapshotName, dropletID: dropletID, in: environment) {
            context[.snapshotID] = existing.id
            return context
        }
        try await environment.perform(.snapshot(named: snapshotName), dropletID: dropletID)
        context[.snapshotID] = try await appeared(snapshotName, dropletID: dropletID, in: environment).id
        return context
    }

    /// Deletes the snapshot this step took. When its id was never recorded, a snapshot action the step
    /// started may still be running: that is waited for first, then the snapshot it makes, so a
    /// cancel or a rollback mid-snapshot never leaves one behind.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        if let id = context[.snapshotID] {
            try await environment.client.deleteSnapshot(id: id)
            return
        }
        let dropletID = try context.requireNumericResourceID(step: name)
        let snapshotName = try context.requireSnapshotName(step: name)
        var snapshot = try await find(snapshotName, dropletID: dropletID, in: environment)
        if snapshot == nil, let action = try await environment.startedEarlier("snapshot", dropletID: dropletID, phase: .execute) {
            let finished = try await environment.poll("snapshot action \(action.id) on droplet \(dropletID) to finish") {
                let current = try await environment.client.getDropletAction(dropletID: dropletID, actionID: action.id)
                return current.isDone ? current : nil
            }
            if finished.status == "completed" {
                snapshot = try await appeared(snapshotName, dropletID: dropletID, in: environment)
            }
        }
        if let snapshot {
            try await environment.client.deleteSnapshot(id: snapshot.id)
        }
    }

    private func appeared(_ snapshotName: String, dropletID: Int, in environment: StepEnvironment) async throws -> Snapshot {
        try await environment.poll("snapshot \(snapshotName) to appear") {
            try await find(snapshotName, dropletID: dropletID, in: environment)
        }
    }

    private func find(_ snapshotName: String, dropletID: Int, in environment: StepEnvironment) async throws -> Snapshot? {
        try await environment.client.listDropletSnapshots(dropletID: dropletID).first { $0.name == snapshotName }
    }
}
