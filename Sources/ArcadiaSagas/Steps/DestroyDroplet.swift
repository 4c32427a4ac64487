import ArcadiaSpecs

/// Deletes a droplet; one already gone counts as deleted. Irreversible: its compensation only logs.
public struct DestroyDroplet: Step {
    public let name = "DestroyDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireInt(.destroyDropletID, step: name)
        try await environment.client.deleteDroplet(id: dropletID)
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        environment.logger.warning(
            "a destroyed droplet cannot be brought back; nothing to compensate",
            metadata: ["arcadia.droplet.id": "\(context[.destroyDropletID] ?? "?")"]
        )
    }
}

/// Removes Arcadia's record of a destroyed droplet and closes its open drift as stale.
public struct ForgetDroplet: Step {
    public let name = "ForgetDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let resourceName = try context.require(.resourceName, step: name)
        let store = environment.store
        for record in try await store.drift(status: .open) where record.kind == ResourceKind.droplet.rawValue && record.name == resourceName {
            try await store.resolveDrift(kind: record.kind, name: record.name, field: record.field, as: .stale, sagaID: context[.sagaID])
        }
        try await store.forgetProvisioned(kind: ResourceKind.droplet.rawValue, name: resourceName)
        try await store.appendEvent(kind: ResourceKind.droplet.rawValue, name: resourceName, type: "destroyed", sagaID: context[.sagaID],
                                    detail: "droplet \(context[.destroyDropletID] ?? "?") destroyed; record removed")
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {}
}
