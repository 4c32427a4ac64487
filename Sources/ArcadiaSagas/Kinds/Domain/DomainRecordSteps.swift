import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Adds one record the spec lists. DigitalOcean takes two records alike, so an attempt that may have
/// posted unrecorded (a kill, a lost answer) first looks for the record (type, name and data) and
/// adopts it; a first attempt looks for nothing. The compensation deletes the record it added.
public struct CreateDomainRecord: Step {
    public let name = "CreateDomainRecord"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        guard let entry = operation.to else { throw StepError.permanent("step \(name) needs a record to create") }
        let data = try await DomainRecordData.resolve(entry, context: &context, step: name, in: environment)
        let domain = context.input.name
        if environment.invocation?.mayHaveActed ?? true, let found = try await Self.find(entry, data: data, in: domain, environment: environment) {
            context.outputs[operation.createdKey] = String(found.id)
            return context
        }
        do {
            context.outputs[operation.createdKey] = String(try await environment.client.createDomainRecord(domain, entry.request(data: data)).id)
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let found = try await Self.find(entry, data: data, in: domain, environment: environment) else { throw error }
            context.outputs[operation.createdKey] = String(found.id)
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        var id = context.outputs[operation.createdKey].flatMap { Int($0) }
        if id == nil, environment.invocation?.forwardSince != nil, let entry = operation.to {
            let data = try await DomainRecordData.lookup(entry, context: context, step: name, in: environment)
            id = try await Self.find(entry, data: data, in: context.input.name, environment: environment)?.id
        }
        guard let id else { return }
        do {
            try await environment.client.deleteDomainRecord(context.input.name, id: id)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// The live record of the entry's type, name and data, if the domain has one.
    static func find(_ entry: DomainRecordEntry, data: String, in domain: String, environment: StepEnvironment) async throws -> DomainRecord? {
        guard let key = entry.key(data: data) else { return nil }
        do {
            return try await environment.client.listDomainRecords(domain).first { DomainRecordEntry(live: $0).key() == key }
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }
}

/// Sets every field of one record with a `PUT`: a changed TTL or priority, drift put back, or a record
/// whose droplet was replaced moved to the new address. Idempotent. The compensation `PUT`s the
/// record as the plan found it.
public struct UpdateDomainRecord: Step {
    public let name = "UpdateDomainRecord"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        var context = context
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        guard let from = operation.from, let id = from.id, let entry = operation.to else { throw StepError.permanent("step \(name) needs the record and its id") }
        let data = try await DomainRecordData.resolve(entry, context: &context, step: name, in: environment)
        do {
            _ = try await environment.client.updateDomainRecord(context.input.name, id: id, entry.request(data: data))
        } catch let error as DigitalOceanError where error.isNotFound {
            throw StepError.permanent("record \(from.label()) (\(id)) of domain '\(context.input.name)' was deleted outside Arcadia; plan again")
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        guard let from = operation.from, let id = from.id, let data = from.data else { return }
        do {
            _ = try await environment.client.updateDomainRecord(context.input.name, id: id, from.request(data: data))
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}

/// Deletes one record: Arcadia's that the spec no longer lists, or, with `policy.pruneRecords`, one
/// nobody listed. One already gone counts as deleted. The compensation adds the record back as the
/// plan found it (under a new id), unless one alike is there.
public struct DeleteDomainRecord: Step {
    public let name = "DeleteDomainRecord"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        guard let from = operation.from, let id = from.id else { throw StepError.permanent("step \(name) needs the record's id") }
        guard !DomainRecordEntry.keptTypes.contains(from.type) else {
            throw StepError.permanent("step \(name) refuses to delete a \(from.type) record: DigitalOcean keeps those for the domain")
        }
        try await environment.client.deleteDomainRecord(context.input.name, id: id)
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        let operation = try DomainRecordOperation.current(context, step: name, in: environment)
        guard let from = operation.from, let data = from.data else { return }
        guard try await CreateDomainRecord.find(from, data: data, in: context.input.name, environment: environment) == nil else { return }
        do {
            _ = try await environment.client.createDomainRecord(context.input.name, from.request(data: data))
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}
