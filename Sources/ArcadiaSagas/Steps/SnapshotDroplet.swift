import DigitalOceanAPI

/// Snapshots the droplet under a deterministic name (`<droplet>-arcadia-<saga tag>`), so a re-run finds
/// the snapshot by name instead of taking a second one. Waits until the snapshot lists, since DigitalOcean
/// shows it a little after the action completes.
public struct SnapshotDroplet: Step {
    public let name = "SnapshotDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let dropletID = try context.requireInt(.dropletID, step: name)
        let snapshotName = try context.require(.snapshotName, step: name)
        if let existing = try await find(snapshotName, dropletID: dropletID, in: environment) {
            context[.snapshotID] = existing.id
            return context
        }
        try await environment.perform(.snapshot(named: snapshotName), dropletID: dropletID)
        let snapshot = try await environment.poll("snapshot \(snapshotName) to appear") {
            try await find(snapshotName, dropletID: dropletID, in: environment)
        }
        context[.snapshotID] = snapshot.id
        return context
    }

    /// Deletes the snapshot this step took, found by its name if its id was never recorded.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        if let id = context[.snapshotID] {
            try await environment.client.deleteSnapshot(id: id)
            return
        }
        let dropletID = try context.requireInt(.dropletID, step: name)
        let snapshotName = try context.require(.snapshotName, step: name)
        if let snapshot = try await find(snapshotName, dropletID: dropletID, in: environment) {
            try await environment.client.deleteSnapshot(id: snapshot.id)
        }
    }

    private func find(_ snapshotName: String, dropletID: Int, in environment: StepEnvironment) async throws -> Snapshot? {
        try await environment.client.listDropletSnapshots(dropletID: dropletID).first { $0.name == snapshotName }
    }
}
