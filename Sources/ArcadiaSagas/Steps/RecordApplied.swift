import ArcadiaCore
import ArcadiaSpecs
import Foundation

/// Records a new droplet as applied (`provisioned`), closing the create or replace saga.
public struct RegisterDroplet: Step {
    public let name = "RegisterDroplet"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        try await recordApplied(context, step: name, in: environment)
        let resourceName = try context.require(.resourceName, step: name)
        try await environment.store.appendEvent(
            kind: ResourceKind.droplet.rawValue, name: resourceName, type: "resource_created", sagaID: context[.sagaID],
            detail: "droplet \(context[.dropletID] ?? "?")"
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
        let resourceName = try context.require(.resourceName, step: name)
        for field in (context[.revertsDrift] ?? "").split(separator: ",") {
            try await environment.store.resolveDrift(
                kind: ResourceKind.droplet.rawValue, name: resourceName, field: String(field), as: .reverted, sagaID: context[.sagaID]
            )
        }
        return context
    }

    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
        try await restoreApplied(context, step: name, in: environment)
    }
}

/// Puts Arcadia's record back as it was before the saga, if this saga wrote it: the previous applied
/// document, or no record at all after an undone create. Idempotent: a record another saga wrote
/// since is left as it is.
func restoreApplied(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws {
    let desired = try CanonicalJSON.decode(DesiredResource.self, from: try context.require(.desired, step: step))
    let sagaID = try context.require(.sagaID, step: step)
    let store = environment.store
    guard try await store.provisionedSagaID(kind: desired.kind.rawValue, name: desired.name) == sagaID else { return }
    if let previous = context[.previousApplied], let resourceID = context[.previousResourceID] {
        try await store.recordApplied(kind: desired.kind.rawValue, name: desired.name, resourceID: resourceID, spec: previous, sagaID: sagaID)
    } else {
        try await store.forgetProvisioned(kind: desired.kind.rawValue, name: desired.name)
    }
}

/// Writes the `provisioned` row from the saga's desired spec and droplet id. Idempotent: an upsert.
func recordApplied(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws {
    let desired = try CanonicalJSON.decode(DesiredResource.self, from: try context.require(.desired, step: step))
    guard case .droplet(let spec) = desired.spec else { throw StepError.permanent("\(desired.name) is not a droplet") }
    let dropletID = try context.require(.dropletID, step: step)
    let document = AppliedDocument(spec: spec, policy: desired.policy)
    try await environment.store.recordApplied(
        kind: desired.kind.rawValue, name: desired.name, resourceID: dropletID,
        spec: try CanonicalJSON.string(document), sagaID: context[.sagaID] ?? ""
    )
}

