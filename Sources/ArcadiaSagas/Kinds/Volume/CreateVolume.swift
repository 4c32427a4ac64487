import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// Creates the volume, tagged `managed-by-arcadia` and with the saga's tag. DigitalOcean holds one
/// volume of a name per region, so when an earlier attempt may have posted (a retry, a resume of a
/// step caught running, a lost answer) the step looks the name up in the region first and adopts a
/// volume carrying its saga tag; a namesake without it is not Arcadia's to take, and the step refuses.
/// On a first attempt the ledger says nothing was posted, and the look is skipped.
public struct CreateVolume: Step {
    public let name = "CreateVolume"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let desired = try context.requireDesired(step: name)
        guard let region = desired.spec.string("region"), let size = desired.spec.integer("sizeGigabytes") else {
            throw StepError.permanent("volume '\(desired.name)' has no region or sizeGigabytes")
        }
        if environment.invocation?.mayHaveActed ?? true, let existing = try await adoptable(desired.name, region: region, context, in: environment) {
            context[.resourceID] = existing.id
            return context
        }
        let request = VolumeCreateRequest(
            name: desired.name, region: region, sizeGigabytes: size, filesystemType: desired.spec.string("filesystemType"),
            description: desired.spec.string("description"), tags: desired.spec.strings("tags") + [Ownership.managedTag, context.input.sagaTag]
        )
        do {
            context[.resourceID] = try await environment.client.createVolume(request).id
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown || error.status == 409 {
            // A lost answer, or a refusal because the name is taken (by this saga's own create, which
            // landed): whichever it was, the volume carrying the saga tag is this step's.
            guard let existing = try await adoptable(desired.name, region: region, context, in: environment) else { throw error }
            context[.resourceID] = existing.id
        }
        return context
    }

    /// The volume of this name in the region, if this saga created it; a refusal if someone else did.
    private func adoptable(_ name: String, region: String, _ context: SagaContext, in environment: StepEnvironment) async throws -> Volume? {
        guard let existing = try await environment.client.listVolumes(name: name, region: region).first else { return nil }
        guard existing.carries(context.input.sagaTag) else {
            throw StepError.refused(
                "a volume named '\(name)' already exists in \(region) (id \(existing.id)) and this saga did not create it; DigitalOcean "
                    + "allows one volume of a name per region: rename the spec, or rename or delete that volume"
            )
        }
        environment.logger.info("adopting the volume created earlier by this saga", metadata: ["arcadia.volume.id": "\(existing.id)"])
        return existing
    }

    /// Deletes the volume this step created, found by name, region and saga tag even if its id was
    /// never recorded, detaching it first if something attached it meanwhile. One that lost
    /// `managed-by-arcadia` is left alone, as every volume without it is.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let desired = try context.requireDesired(step: name)
        guard let region = desired.spec.string("region") else { return }
        for volume in try await environment.client.listVolumes(name: desired.name, region: region) where volume.carries(context.input.sagaTag) {
            guard volume.carries(Ownership.managedTag) else {
                environment.logger.warning(
                    "not deleting a volume this saga created: it no longer carries \(Ownership.managedTag)", metadata: ["arcadia.volume.id": "\(volume.id)"]
                )
                continue
            }
            for dropletID in volume.dropletIDs {
                try await VolumeAttachment.detach(volumeID: volume.id, from: dropletID, in: environment, known: volume)
            }
            try await VolumeDeletion.delete(volume.id, in: environment)
        }
    }
}

extension Volume {
    /// Whether the volume carries the tag (DigitalOcean's tags compare case-insensitively).
    func carries(_ tag: String) -> Bool { tags.contains { $0.lowercased() == tag.lowercased() } }
}
