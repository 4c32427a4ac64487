import DigitalOceanAPI

/// Resizes a powered-off droplet. CPU and memory only, unless the spec says `resizeDisk: true`, which is
/// permanent. Already at the target size counts as done.
public struct Resize: Step {
    public let name = "Resize"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let target = try context.requireTarget(of: "size", step: name)
        let droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        if droplet.sizeSlug != target {
            try await environment.perform(.resize(to: target, disk: context.resizesDisk), dropletID: dropletID, unlocked: droplet)
        }
        return context
    }

    /// Resizes back to the original size. A disk that grew cannot shrink, so after a disk resize this
    /// records why it does nothing instead.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireNumericResourceID(step: name)
        guard let original = context.input.change(of: "size")?.from else { return }
        if context.resizesDisk {
            environment.logger.warning(
                "not resizing back: the disk was resized and disks never shrink",
                metadata: ["arcadia.droplet.id": "\(dropletID)"]
            )
            return
        }
        let droplet: Droplet
        do {
            droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
        guard droplet.sizeSlug != original else { return }
        try await ensurePower(on: false, dropletID: dropletID, in: environment)
        try await environment.perform(.resize(to: original, disk: false), dropletID: dropletID)
    }
}

extension SagaContext {
    /// The spec says `resizeDisk: true`: the resize grows the disk, for good.
    var resizesDisk: Bool { input.desired?.spec.bool("resizeDisk") ?? false }
}
