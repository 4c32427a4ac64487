import ArcadiaCore
import DigitalOceanAPI

/// Grows the volume to the spec's `sizeGigabytes`. At that size or larger counts as done; a resize an
/// interrupted attempt started is adopted and waited for. Volumes never shrink, so once the resize may
/// have been sent the saga cannot be undone: the step is its point of no return (a cancel then refuses,
/// and a failure after it halts the saga for resume), and the compensation only says why it does
/// nothing. The plan marks the change irreversible.
public struct ResizeVolume: Step {
    public let name = "ResizeVolume"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    /// Whether the resize may have been sent: the ledger's record, made before the POST, says so.
    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.resizeAction)
    }

    static let resizeAction = "resize_volume"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let volumeID = try context.requireResourceID(step: name)
        guard let target = try context.requireDesired(step: name).spec.integer("sizeGigabytes") else {
            throw StepError.permanent("step \(name) needs the spec's sizeGigabytes")
        }
        let volume = try await environment.client.getVolume(id: volumeID)
        guard volume.sizeGigabytes < target else { return context }
        try await environment.recordSending(Self.resizeAction, resourceID: volumeID)
        try await environment.performVolumeAction(.resize(sizeGigabytes: target, region: volume.region), volumeID: volumeID)
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "not shrinking the volume back: volumes never shrink", metadata: ["arcadia.volume.id": "\(context.resourceID ?? "?")"]
        )
    }
}

/// Makes the volume's tags (Arcadia's own aside) the spec's: tags it with each missing one (creating
/// the tag if need be) and untags each extra one. Idempotent by construction: it compares first.
/// The compensation puts back the tags the plan found.
public struct SetVolumeTags: Step {
    public let name = "SetVolumeTags"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let volumeID = try context.requireResourceID(step: name)
        try await Self.setTags(try context.requireDesired(step: name).spec.strings("tags"), volumeID: volumeID, in: environment)
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let volumeID = context.resourceID, let before = context.input.change(of: "tags")?.from else { return }
        do {
            try await Self.setTags(Self.tags(fromSetText: before), volumeID: volumeID, in: environment)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    static func setTags(_ wanted: [String], volumeID: String, in environment: StepEnvironment) async throws {
        let volume = try await environment.client.getVolume(id: volumeID)
        let current = volume.tags.filter { !Ownership.isOwnershipTag($0) }
        let have = Set(current.map { $0.lowercased() })
        let want = Set(wanted.map { $0.lowercased() })
        for tag in wanted where !have.contains(tag.lowercased()) {
            // The tag's first spelling is the only one that addresses it: use what DigitalOcean answers.
            let canonical = try await environment.client.createTag(name: tag)
            try await environment.client.tagResources(tag: canonical, volumes: [volumeID])
        }
        for tag in current where !want.contains(tag.lowercased()) {
            try await environment.client.untagResources(tag: tag, volumes: [volumeID])
        }
    }

    /// The tags of a plan's set value, `[a, b]` (``KindField/setText(_:)``).
    static func tags(fromSetText text: String) -> [String] {
        let inner = text.dropFirst().dropLast()
        return inner.isEmpty ? [] : inner.components(separatedBy: ", ")
    }
}
