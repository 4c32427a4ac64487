import ArcadiaCore
import ArcadiaSpecs
import Foundation

/// Records a new resource as applied (`provisioned`), closing a create or replace saga. One per kind
/// (`RegisterDroplet`, `RegisterVolume`, …): the name is what the ledger keeps.
public struct RegisterResource: Step {
    public let kind: ResourceKind
    public var name: String { "Register\(kind.rawValue)" }

    public init(_ kind: ResourceKind) {
        self.kind = kind
    }

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        try await recordApplied(context, step: name, in: environment)
        try await environment.store.appendSagaEventOnce(
            kind: kind.rawValue, name: context.input.name, type: "resource_created", sagaID: context.input.sagaID,
            detail: "\(kind.noun) \(context.resourceID ?? "?")"
        )
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        try await restoreApplied(context, step: name, in: environment)
    }
}

/// Records the spec as applied after an in-place change, and closes the drift the saga reverted.
public struct RecordApplied: Step {
    public let name = "RecordApplied"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        try await recordApplied(context, step: name, in: environment)
        for field in context.input.revertsDrift {
            try await environment.store.resolveDrift(
                kind: context.input.kind.rawValue, name: context.input.name, field: field, as: .reverted, sagaID: context.input.sagaID
            )
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        try await restoreApplied(context, step: name, in: environment)
    }
}

/// Removes Arcadia's record of a destroyed resource and closes its open drift as stale. One per kind.
public struct ForgetResource: Step {
    public let kind: ResourceKind
    public var name: String { "Forget\(kind.rawValue)" }

    public init(_ kind: ResourceKind) {
        self.kind = kind
    }

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let store = environment.store
        let resourceName = context.input.name
        for record in try await store.drift(status: .open) where record.kind == kind.rawValue && record.name == resourceName {
            try await store.resolveDrift(kind: record.kind, name: record.name, field: record.field, as: .stale, sagaID: context.input.sagaID)
        }
        try await store.forgetProvisioned(kind: kind.rawValue, name: resourceName)
        try await store.appendSagaEventOnce(kind: kind.rawValue, name: resourceName, type: "resource_destroyed", sagaID: context.input.sagaID,
                                            detail: "\(kind.noun) \(context.input.destroyID ?? "?") destroyed; record removed")
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {}
}

/// Puts Arcadia's record back as it was before the saga, if this saga wrote it: the previous applied
/// document, or no record at all after an undone create. Idempotent: a record another saga wrote
/// since is left as it is.
func restoreApplied(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws {
    let input = context.input
    let store = environment.store
    guard try await store.provisionedSagaID(kind: input.kind.rawValue, name: input.name) == input.sagaID else { return }
    if let previous = input.previous, let resourceID = input.previousResourceID {
        try await store.recordApplied(
            kind: input.kind.rawValue, name: input.name, resourceID: resourceID, spec: try CanonicalJSON.string(previous), sagaID: input.sagaID
        )
    } else {
        try await store.forgetProvisioned(kind: input.kind.rawValue, name: input.name)
    }
}

/// Writes the `provisioned` row from the saga's desired spec and resource id. Idempotent: an upsert.
func recordApplied(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws {
    let desired = try context.requireDesired(step: step)
    let resourceID = try context.requireResourceID(step: step)
    let spec = try await Kinds.module(for: desired.kind).appliedSpec(context, step: step, in: environment)
    let document = AppliedDocument(spec: spec, policy: desired.policy)
    try await environment.store.recordApplied(
        kind: desired.kind.rawValue, name: desired.name, resourceID: resourceID,
        spec: try CanonicalJSON.string(document), sagaID: context.input.sagaID
    )
}
