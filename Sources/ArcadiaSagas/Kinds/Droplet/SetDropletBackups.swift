import DigitalOceanAPI

/// Turns the droplet's backups on or off, as the spec says (`enable_backups`, `disable_backups`).
/// Already as wanted counts as done; an action an interrupted attempt started is waited for, not
/// started twice (see ``StepEnvironment/perform(_:dropletID:)``).
public struct SetDropletBackups: Step {
    public let name = "SetDropletBackups"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let wanted = try context.requireTarget(of: "backups", step: name) == "true"
        let droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        if droplet.features.contains("backups") != wanted {
            try await environment.perform(wanted ? .enableBackups : .disableBackups, dropletID: dropletID, unlocked: droplet)
        }
        return context
    }

    /// The opposite action, back to what the droplet had when the saga was planned. A forward action
    /// still running is waited for first (the droplet is locked until it ends). Backups already taken
    /// stay either way: DigitalOcean keeps them when backups are disabled.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireNumericResourceID(step: name)
        guard let before = context.input.change(of: "backups")?.from else { return }
        let on = before == "true"
        let droplet: Droplet
        do {
            droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
        guard droplet.features.contains("backups") != on else { return }
        try await environment.perform(on ? .enableBackups : .disableBackups, dropletID: dropletID, unlocked: droplet)
    }
}
