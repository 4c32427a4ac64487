import DigitalOceanAPI

/// Enables IPv6 on the droplet (`enable_ipv6`): a public v6 address, no reboot. DigitalOcean cannot
/// disable it again, so this is the saga's point of no return: once the action may have been posted,
/// the saga only goes forward, and a cancel or a superseding spec can no longer roll it back to a
/// record that says `ipv6: false` while the droplet has it. The plan lists it last among the in-place
/// steps, so only the record follows it. Already enabled counts as done.
public struct EnableIPv6: Step {
    public let name = "EnableIPv6"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        guard !droplet.features.contains("ipv6") else { return context }
        // Recorded before the POST: a step caught running without this record has not acted.
        try await environment.recordSending(Self.sendRecord, resourceID: String(dropletID))
        do {
            try await environment.perform(.enableIPv6, dropletID: dropletID, unlocked: droplet)
        } catch let error where !SagaRunner.stopsTheWorker(error) && !StepError.classify(error).isTransient {
            // An action that ended `errored`, or a refused POST, enabled nothing: say so, so the saga
            // may still roll back. A droplet still locked may yet get it: that stays a failure past the
            // point of no return, for resume to finish.
            let droplet = try await environment.client.getDroplet(id: dropletID)
            if droplet.features.contains("ipv6") { return context }
            guard droplet.locked else {
                throw StepError.refused("\(StepError.classify(error).message); IPv6 was not enabled on droplet \(dropletID)")
            }
            throw error
        }
        return context
    }

    /// Whether the `enable_ipv6` POST may have been sent: the ledger's record from just before it.
    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.sendRecord, "enable_ipv6")
    }

    static let sendRecord = "send_enable_ipv6"

    /// IPv6 cannot be turned off: this only says so. It runs only for a step that enabled nothing (its
    /// action errored or was refused); after one that may have, the saga goes forward instead.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "IPv6 cannot be disabled on a droplet; nothing to compensate",
            metadata: ["arcadia.droplet.id": "\(context.resourceID ?? "?")"]
        )
    }
}
