import ArcadiaCore
import DigitalOceanAPI

/// Deletes a volume and its data: the saga's point of no return. Just before the `DELETE` it reads the
/// volume again and refuses one that no longer carries `managed-by-arcadia`, or that something
/// attached since DetachVolume ran (DigitalOcean would refuse it too). One already gone counts as
/// deleted. Its compensation only logs: a deleted volume cannot come back (a snapshot taken by
/// SnapshotVolume is how its data outlives it).
public struct DestroyVolume: Step {
    public let name = "DestroyVolume"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        guard let volumeID = context.input.destroyID else { throw StepError.permanent("step \(name) needs the volume to delete") }
        let volume: Volume
        do {
            volume = try await environment.client.getVolume(id: volumeID)
        } catch let error as DigitalOceanError where error.isNotFound {
            return context
        }
        guard volume.carries(Ownership.managedTag) else {
            throw StepError.refused(
                "volume \(volumeID) (\(volume.name)) no longer carries the tag \(Ownership.managedTag), so Arcadia leaves it alone; "
                    + "tag it \(Ownership.managedTag) again if Arcadia should delete it"
            )
        }
        guard volume.dropletIDs.isEmpty else {
            throw StepError.refused(
                "volume \(volumeID) (\(volume.name)) was attached to droplet \(volume.dropletIDs.map(String.init).joined(separator: ", ")) "
                    + "outside Arcadia after it was detached for deletion, so it is not deleted; detach it, then apply again"
            )
        }
        try await environment.recordSending(Self.deleteRecord, resourceID: volumeID)
        try await VolumeDeletion.delete(volumeID, in: environment)
        return context
    }

    /// The ledger's record that the DELETE was about to be sent: only a destroy that never got that
    /// far has not acted.
    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    static let deleteRecord = "delete_volume"

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "a deleted volume cannot be brought back; nothing to compensate", metadata: ["arcadia.volume.id": "\(context.input.destroyID ?? "?")"]
        )
    }
}

/// Deleting a volume, as DestroyVolume and CreateVolume's compensation do it.
enum VolumeDeletion {
    /// Deletes the volume; gone counts as deleted. While an action still holds it (a detach ending,
    /// 409 or 422 "pending event"), it waits and tries again, until the wait times out.
    static func delete(_ volumeID: String, in environment: StepEnvironment) async throws {
        _ = try await environment.poll("volume \(volumeID) to be free to delete") { () -> Bool? in
            do {
                try await environment.client.deleteVolume(id: volumeID)
                return true
            } catch let error as DigitalOceanError where error.status == 409 || error.isPendingEvent {
                return nil
            }
        }
    }
}
