import ArcadiaCore
import DigitalOceanAPI

/// Snapshots the volume a destroy or replace removes (`policy.snapshotBeforeDestroy`), under the
/// saga's deterministic name (`<volume>-arcadia-<saga tag>`), so its data outlives it. DigitalOcean
/// answers with the snapshot itself; when an earlier attempt may have posted (a retry, a resume, a
/// lost answer), a snapshot of that name is looked for first and adopted instead of taking a second.
public struct SnapshotVolume: Step {
    public let name = "SnapshotVolume"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let volumeID = try DetachVolume.volumeID(context, step: name)
        let snapshotName = try context.requireSnapshotName(step: name)
        if environment.invocation?.mayHaveActed ?? true, let existing = try await find(snapshotName, volumeID: volumeID, in: environment) {
            context[.snapshotID] = existing.id
            return context
        }
        do {
            let snapshot = try await environment.client.createVolumeSnapshot(
                volumeID: volumeID, name: snapshotName, tags: [Ownership.managedTag, context.input.sagaTag]
            )
            context[.snapshotID] = snapshot.id
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let existing = try await find(snapshotName, volumeID: volumeID, in: environment) else { throw error }
            context[.snapshotID] = existing.id
        }
        return context
    }

    /// Deletes the snapshot this step took (the volume is still there: the destroy did not happen),
    /// found by name when its id was never recorded.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        if let id = context[.snapshotID] {
            try await environment.client.deleteSnapshot(id: id)
            return
        }
        let volumeID = try DetachVolume.volumeID(context, step: name)
        let snapshotName = try context.requireSnapshotName(step: name)
        if let snapshot = try await find(snapshotName, volumeID: volumeID, in: environment) {
            try await environment.client.deleteSnapshot(id: snapshot.id)
        }
    }

    private func find(_ snapshotName: String, volumeID: String, in environment: StepEnvironment) async throws -> Snapshot? {
        do {
            return try await environment.client.listVolumeSnapshots(volumeID: volumeID).first { $0.name == snapshotName }
        } catch let error as DigitalOceanError where error.isNotFound {
            // The volume is gone; its snapshots are not.
            return try await environment.client.listSnapshots(resourceType: "volume").first { $0.name == snapshotName }
        }
    }
}
