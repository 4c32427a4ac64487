import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// Creates the firewall the spec describes. DigitalOcean allows two firewalls of a name and gives a
/// firewall no tags, so an attempt that may have posted unrecorded (a kill, a lost answer) adopts the
/// firewall of the spec's name that was created since that attempt began and that no record of this
/// state names, instead of creating another. A first attempt looks for nothing.
public struct CreateFirewall: Step {
    public let name = "CreateFirewall"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let invocation = environment.invocation
        if invocation?.mayHaveActed ?? true,
           let found = try await Self.createdEarlier(context.input.name, since: invocation?.adoptSince ?? .distantPast, in: environment) {
            environment.logger.info("adopting the firewall an interrupted attempt created", metadata: ["arcadia.firewall.id": "\(found.id)"])
            context[.resourceID] = found.id
            return context
        }
        let body = try await FirewallBody.desired(context, step: name, in: environment)
        let posted = Date()
        do {
            context[.resourceID] = try await environment.client.createFirewall(body).id
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let found = try await Self.createdEarlier(context.input.name, since: posted, in: environment) else { throw error }
            context[.resourceID] = found.id
        }
        return context
    }

    /// Deletes the firewall this step created, found as `execute` adopts it when its id was never recorded.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        var id = context[.resourceID]
        if id == nil, let since = environment.invocation?.forwardSince {
            id = try await Self.createdEarlier(context.input.name, since: since, in: environment)?.id
        }
        guard let id else { return }
        try await environment.client.deleteFirewall(id: id)
    }

    /// A firewall of the name created at `since` or later (allowing for clock skew) that no record of
    /// this state names.
    static func createdEarlier(_ name: String, since: Date, in environment: StepEnvironment) async throws -> Firewall? {
        let earliest = since.addingTimeInterval(-StepEnvironment.clockSkewAllowance)
        let recorded = Set(try await environment.store.provisioned(kind: ResourceKind.firewall.rawValue).map(\.resourceID))
        return try await environment.client.listFirewalls().first { firewall in
            guard firewall.name == name, !recorded.contains(firewall.id), let created = try? Date(firewall.createdAt, strategy: .iso8601) else {
                return false
            }
            return created >= earliest
        }
    }
}

/// Sends the whole desired firewall with one `PUT` (DigitalOcean's `PUT` replaces rules, droplets and
/// tags together): idempotent by nature. The compensation `PUT`s the firewall as the plan found it.
public struct UpdateFirewall: Step {
    public let name = "UpdateFirewall"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let id = try context.requireResourceID(step: name)
        _ = try await environment.client.updateFirewall(id: id, try await FirewallBody.desired(context, step: name, in: environment))
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard let id = context.resourceID else { return }
        do {
            _ = try await environment.client.updateFirewall(id: id, try await FirewallBody.previous(context, step: name, in: environment))
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}

/// Deletes the firewall a destroy removes: the saga's point of no return (what it filtered is open
/// from then on, and a new firewall would be another). The DELETE is recorded as about to be sent
/// first, which is what `hasActed` reads; gone counts as deleted. Its compensation only logs.
public struct DestroyFirewall: Step {
    public let name = "DestroyFirewall"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    static let deleteRecord = "delete_firewall"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        guard let id = context.input.destroyID else { throw StepError.permanent("step \(name) needs the firewall to delete") }
        try await environment.recordSending(Self.deleteRecord, resourceID: id)
        try await environment.client.deleteFirewall(id: id)
        return context
    }

    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning("a deleted firewall cannot be brought back; nothing to compensate", metadata: ["arcadia.firewall.id": "\(context.input.destroyID ?? "?")"])
    }
}
