import DigitalOceanAPI

/// Powers the droplet off (needed before a resize). Already off counts as done.
public struct PowerOff: Step {
    public let name = "PowerOff"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
        if droplet.status != "off" {
            try await environment.perform(.powerOff, dropletID: dropletID, unlocked: droplet)
        }
        return context
    }

    /// Powers the droplet back on, unless it is already on (or gone).
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireNumericResourceID(step: name)
        try await ensurePower(on: true, dropletID: dropletID, in: environment)
    }
}

/// Powers the droplet on after a resize. Already on counts as done.
public struct PowerOn: Step {
    public let name = "PowerOn"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        try await ensurePower(on: true, dropletID: dropletID, in: environment)
        return context
    }

    /// Powers it off again, so the resize before it can be undone.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let dropletID = try context.requireNumericResourceID(step: name)
        try await ensurePower(on: false, dropletID: dropletID, in: environment)
    }
}

/// Brings the droplet to the wanted power state, doing nothing if it is there already or no longer exists.
func ensurePower(on: Bool, dropletID: Int, in environment: StepEnvironment) async throws {
    let droplet: Droplet
    do {
        droplet = try await environment.waitUntilUnlocked(dropletID: dropletID)
    } catch let error as DigitalOceanError where error.isNotFound {
        return
    }
    let isOn = droplet.status == "active"
    guard isOn != on else { return }
    try await environment.perform(on ? .powerOn : .powerOff, dropletID: dropletID, unlocked: droplet)
}
