import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Adds the domain. A domain's name is unique in all of DigitalOcean, so the name finds it again: the
/// first attempt asks whether it exists already and refuses one Arcadia did not add (taking over
/// someone's zone is `arcadia import`'s job, not a create's); then it records the POST as about to be
/// sent, and a later attempt after that record adopts the domain it finds.
public struct CreateDomain: Step {
    public let name = "CreateDomain"

    public init() {}

    static let createRecord = "create_domain"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let domain = context.input.name
        let posted = environment.invocation.map { $0.ownActions.contains { $0.actionType == Self.createRecord } } ?? false
        if try await exists(domain, environment) {
            guard posted else {
                throw StepError.refused(
                    "domain '\(domain)' already exists at DigitalOcean and Arcadia did not add it; delete it there, or remove the spec"
                )
            }
            context[.resourceID] = domain
            return context
        }
        try await environment.recordSending(Self.createRecord, resourceID: domain)
        do {
            context[.resourceID] = try await environment.client.createDomain(domain).name
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown || error.status == 422 {
            // A lost answer, or a 422 for a name an earlier attempt of ours already added.
            guard try await exists(domain, environment) else { throw error }
            context[.resourceID] = domain
        }
        return context
    }

    /// Deletes the domain only if this step sent its create: a domain that existed before is left alone.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        guard environment.forwardRecorded(Self.createRecord) || context[.resourceID] != nil else { return }
        try await environment.client.deleteDomain(context.input.name)
    }

    private func exists(_ domain: String, _ environment: StepEnvironment) async throws -> Bool {
        do {
            _ = try await environment.client.getDomain(domain)
            return true
        } catch let error as DigitalOceanError where error.isNotFound {
            return false
        }
    }
}

/// Deletes the domain and every record in it: the saga's point of no return (a zone re-added is not
/// the same zone to resolvers, and records nobody listed go with it). The DELETE is recorded as about
/// to be sent first, which is what `hasActed` reads; gone counts as deleted. Its compensation only logs.
public struct DestroyDomain: Step {
    public let name = "DestroyDomain"
    public var isPointOfNoReturn: Bool { true }

    public init() {}

    static let deleteRecord = "delete_domain"

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        guard let domain = context.input.destroyID else { throw StepError.permanent("step \(name) needs the domain to delete") }
        try await environment.recordSending(Self.deleteRecord, resourceID: domain)
        try await environment.client.deleteDomain(domain)
        return context
    }

    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool {
        environment.forwardRecorded(Self.deleteRecord)
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning("a deleted domain cannot be brought back; nothing to compensate", metadata: ["arcadia.domain": "\(context.input.destroyID ?? "?")"])
    }
}
