import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Deletes a droplet, the saga's point of no return. Just before the `DELETE` it reads the droplet
/// again and refuses one that no longer carries `managed-by-arcadia` (its tag was removed outside
/// Arcadia since the plan); after it, it waits until DigitalOcean no longer has the droplet. One
/// already gone counts as deleted. Its compensation only logs: a destroyed droplet cannot come back.
public struct DestroyDroplet: Step {
    public let name = "DestroyDroplet"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireDestroyID(step: name)
        let droplet: Droplet
        do {
            droplet = try await environment.client.getDroplet(id: dropletID)
        } catch let error as DigitalOceanError where error.isNotFound {
            return context
        }
        guard droplet.tags.contains(where: { $0.lowercased() == Ownership.managedTag }) else {
            throw StepError.refused(
                "droplet \(dropletID) (\(droplet.name)) no longer carries the tag \(Ownership.managedTag), so Arcadia leaves it alone; "
                    + "tag it \(Ownership.managedTag) again if Arcadia should destroy it"
            )
        }
        try await environment.recordSending(Self.deleteRecord, dropletID: dropletID)
        try await environment.client.deleteDroplet(id: dropletID)
        _ = try await environment.poll("droplet \(dropletID) to be gone") { () -> Bool? in
            do {
                _ = try await environment.client.getDroplet(id: dropletID)
                return nil
            } catch let error as DigitalOceanError where error.isNotFound {
                return true
            }
        }
        return context
    }

    /// The ledger's record that the DELETE was about to be sent: a droplet still listed may be one
    /// whose DELETE is in flight, so only a destroy that never got that far has not acted.
    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    static let deleteRecord = "delete_droplet"

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "a destroyed droplet cannot be brought back; nothing to compensate",
            metadata: ["arcadia.droplet.id": "\(context.input.destroyID ?? "?")"]
        )
    }
}
