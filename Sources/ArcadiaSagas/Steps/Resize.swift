import DigitalOceanAPI

/// Resizes a powered-off droplet. CPU and memory only, unless the spec says `resizeDisk: true`, which is
/// permanent. Already at the target size counts as done.
public struct Resize: Step {
    public let name = "Resize"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireInt(.dropletID, step: name)
        let target = try context.require(.targetSize, step: name)
        let droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        if droplet.sizeSlug != target {
            try await environment.perform(.resize(to: target, disk: context[.resizeDisk] == "true"), dropletID: dropletID)
        }
        return context
    }

    /// Resizes back to the original size. A disk that grew cannot shrink, so after a disk resize this
    /// records why it does nothing instead.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireInt(.dropletID, step: name)
        let original = try context.require(.originalSize, step: name)
        if context[.resizeDisk] == "true" {
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
