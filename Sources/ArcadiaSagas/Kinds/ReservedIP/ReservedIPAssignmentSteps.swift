import ArcadiaCore
import DigitalOceanAPI

/// Assigns the saga's address to the droplet the spec names, taking it from any other droplet (a
/// reassign is one assign at DigitalOcean). The droplet's id is read from Arcadia's state when the
/// step runs, so a droplet created or replaced earlier in the same apply gets the address. Already
/// assigned there counts as done. The compensation puts the assignment back as the plan found it:
/// on the droplet it was on, or on none.
public struct AssignReservedIP: Step {
    public let name = "AssignReservedIP"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let ip = try context.requireResourceID(step: name)
        guard let dropletID = try await context.reservedIPTarget(step: name, in: environment) else {
            throw StepError.permanent("step \(name): reserved IP '\(context.input.name)' names no droplet")
        }
        try await environment.performReservedIPAction("assign", ip: ip, dropletID: dropletID) { $0.dropletID == dropletID }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let ip = context.resourceID else { return }
        try await ReservedIPAssignment.restore(ip, to: context.previousReservedIPDroplet, in: environment)
    }
}

/// Unassigns the saga's address from whatever droplet holds it. Unassigned already counts as done.
/// The compensation assigns it back to the droplet the plan found it on.
public struct UnassignReservedIP: Step {
    public let name = "UnassignReservedIP"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let ip = try context.requireResourceID(step: name)
        try await environment.performReservedIPAction("unassign", ip: ip) { $0.dropletID == nil }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let ip = context.resourceID else { return }
        try await ReservedIPAssignment.restore(ip, to: context.previousReservedIPDroplet, in: environment)
    }
}

/// What the two compensations share.
enum ReservedIPAssignment {
    /// Once no action holds the address, assigns it to `dropletID`, or unassigns it for nil. An
    /// address gone, or a droplet gone since the plan (a replaced droplet), leaves it as it is.
    static func restore(_ ip: String, to dropletID: Int?, in environment: StepEnvironment) async throws {
        let current: ReservedIP
        do {
            current = try await environment.waitUntilUnlocked(ip: ip)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
        guard current.dropletID != dropletID else { return }
        do {
            if let dropletID {
                try await environment.performReservedIPAction("assign", ip: ip, dropletID: dropletID) { $0.dropletID == dropletID }
            } else {
                try await environment.performReservedIPAction("unassign", ip: ip) { $0.dropletID == nil }
            }
        } catch let error as DigitalOceanError where error.isNotFound || error.status == 422 {
            environment.logger.warning(
                "not putting the reserved IP's assignment back: \(error.message)", metadata: ["arcadia.reserved_ip": "\(ip)"]
            )
        }
    }
}
