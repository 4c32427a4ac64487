import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Attaches the saga's volume (the one it created, or the one it updates) to the droplet the spec's
/// `attachTo` names. The droplet's id is read from Arcadia's state when the step runs, not from the
/// plan: a droplet created earlier in the same apply has one only then. Already attached there counts
/// as done, and so does DigitalOcean refusing a second attach as "already attached" once the volume is
/// found attached there; an attach an interrupted attempt started is adopted and waited for. A first
/// attempt posts without reading the volume first (DigitalOcean's refusal says if it is attached), so
/// an attach costs the POST and a poll.
public struct AttachVolume: Step {
    public let name = "AttachVolume"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let volumeID = try context.requireResourceID(step: name)
        let dropletID = try await context.attachmentTarget(step: name, in: environment)
        guard let region = context.input.desired?.spec.string("region") else { throw StepError.permanent("step \(name) needs the volume's region") }
        if environment.invocation?.mayHaveActed ?? true {
            let attached = try await environment.client.getVolume(id: volumeID).dropletIDs
            if attached.contains(dropletID) { return context }
            try refuseOther(attached, volumeID: volumeID, dropletID: dropletID)
        }
        try await environment.recordDroplet(dropletID, for: VolumeAttachment.attach, volumeID: volumeID)
        let refused = try await environment.performVolumeAction(.attach(dropletID: dropletID, region: region), volumeID: volumeID) {
            $0.isAlreadyAttached
        }
        if refused != nil {
            let attached = try await environment.client.getVolume(id: volumeID).dropletIDs
            guard attached.contains(dropletID) else {
                try refuseOther(attached, volumeID: volumeID, dropletID: dropletID)
                throw StepError.transient("volume \(volumeID) is busy being attached; trying again")
            }
        }
        return context
    }

    /// A volume attached to another droplet than the planned one was attached outside Arcadia since
    /// the plan: moving it is a plan's decision, not this step's.
    private func refuseOther(_ attached: [Int], volumeID: String, dropletID: Int) throws {
        guard let other = attached.first(where: { $0 != dropletID }) else { return }
        throw StepError.permanent(
            "volume \(volumeID) is attached to droplet \(other), not to \(dropletID) as planned (it was attached outside Arcadia since); "
                + "run `arcadia plan` again: it plans a move"
        )
    }

    /// Detaches the volume from the droplet this step attached it to, once any attach it started has
    /// ended. Gone, or not attached there, counts as undone.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let volumeID = context.resourceID else { return }
        var dropletID = environment.recordedDroplet(for: VolumeAttachment.attach, volumeID: volumeID)
        if dropletID == nil { dropletID = try await context.attachmentTargetIfKnown(in: environment) }
        guard let dropletID else { return }
        try await environment.settleForwardVolumeActions(VolumeAttachment.attachAction, volumeID: volumeID)
        try await VolumeAttachment.detach(volumeID: volumeID, from: dropletID, in: environment)
    }
}

/// Detaches a volume: the one a replace or destroy removes, or the one an update moves or detaches.
/// It detaches from every droplet but the one the spec wants it on (so a move detaches from the old
/// droplet only). Not attached, or gone (a destroy), counts as done; a detach an interrupted attempt
/// started is adopted and waited for.
public struct DetachVolume: Step {
    public let name = "DetachVolume"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let volumeID = try Self.volumeID(context, step: name)
        let volume: Volume
        do {
            volume = try await environment.client.getVolume(id: volumeID)
        } catch let error as DigitalOceanError where error.isNotFound && context.input.destroyID != nil {
            return context
        }
        // An update keeps the attachment the spec wants; a volume being removed keeps none.
        let keep = context.input.destroyID == nil ? try await context.attachmentTargetIfKnown(in: environment) : nil
        for dropletID in volume.dropletIDs where dropletID != keep {
            try await environment.recordDroplet(dropletID, for: VolumeAttachment.detach, volumeID: volumeID)
            try await VolumeAttachment.detach(volumeID: volumeID, from: dropletID, in: environment, known: volume)
        }
        return context
    }

    /// Attaches the volume again to the droplet this step detached it from, once any detach it started
    /// has ended, if the volume is free and the droplet still there.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let volumeID = try? Self.volumeID(context, step: name) else { return }
        let planned = context.input.change(of: "attachTo")?.from.flatMap(Int.init)
        guard let dropletID = environment.recordedDroplet(for: VolumeAttachment.detach, volumeID: volumeID) ?? planned else { return }
        try await environment.settleForwardVolumeActions(VolumeAttachment.detachAction, volumeID: volumeID)
        let volume: Volume
        do {
            volume = try await environment.client.getVolume(id: volumeID)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
        guard volume.dropletIDs.isEmpty else { return }
        do {
            let refused = try await environment.performVolumeAction(.attach(dropletID: dropletID, region: volume.region), volumeID: volumeID) {
                $0.isAlreadyAttached
            }
            if refused != nil { environment.logger.warning("not re-attaching: the volume was attached meanwhile", metadata: ["arcadia.volume.id": "\(volumeID)"]) }
        } catch let error as DigitalOceanError where error.isNotFound {
            environment.logger.warning("not re-attaching: droplet \(dropletID) is gone", metadata: ["arcadia.volume.id": "\(volumeID)"])
        }
    }

    /// The volume a replace or destroy removes, else the one the saga works on.
    static func volumeID(_ context: SagaContext, step: String) throws -> String {
        if let id = context.input.destroyID { return id }
        return try context.requireResourceID(step: step)
    }
}

/// What attach and detach share.
enum VolumeAttachment {
    static let attach = "attach"
    static let detach = "detach"
    static let attachAction = "attach_volume"
    static let detachAction = "detach_volume"

    /// Detaches the volume from the droplet and waits; not attached there (or gone) counts as done.
    /// - Parameter known: the volume as just read, to save reading it again.
    static func detach(volumeID: String, from dropletID: Int, in environment: StepEnvironment, known: Volume? = nil) async throws {
        let volume: Volume
        do {
            if let known { volume = known } else { volume = try await environment.client.getVolume(id: volumeID) }
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
        guard volume.dropletIDs.contains(dropletID) else { return }
        do {
            try await environment.performVolumeAction(.detach(dropletID: dropletID, region: volume.region), volumeID: volumeID) {
                $0.isAttachmentNotFound
            }
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}

extension SagaContext {
    /// The droplet the spec's `attachTo` names, by the id Arcadia recorded for it: a permanent error
    /// when Arcadia has no record of it (the droplet's saga did not complete).
    func attachmentTarget(step: String, in environment: StepEnvironment) async throws -> Int {
        let desired = try requireDesired(step: step)
        guard let name = desired.spec.string("attachTo") else {
            throw StepError.permanent("step \(step): volume '\(desired.name)' has no attachTo")
        }
        guard let id = try await attachmentTargetIfKnown(in: environment) else {
            throw StepError.permanent(
                "volume '\(desired.name)' is to be attached to Droplet '\(name)', which Arcadia has not created; apply the droplet first"
            )
        }
        return id
    }

    /// The droplet `attachTo` names, if the spec names one and Arcadia recorded it.
    func attachmentTargetIfKnown(in environment: StepEnvironment) async throws -> Int? {
        guard let name = input.desired?.spec.string("attachTo") else { return nil }
        return try await environment.recordedDropletIDs()[name]
    }
}
