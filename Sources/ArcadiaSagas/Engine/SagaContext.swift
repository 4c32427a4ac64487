import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// What a saga is asked to do, fixed when it is planned: one Codable value for every kind.
public struct SagaInput: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var name: String
    public var sagaID: String
    /// `arcadia-saga-<8 hex>`: how a step finds what it created after a crash.
    public var sagaTag: String
    /// The spec being applied (nil for a destroy).
    public var desired: DesiredResource?
    /// What Arcadia's record held before the saga, and the resource id it named: what compensating the
    /// saga's record step puts back (nil for a create).
    public var previous: AppliedDocument?
    public var previousResourceID: String?
    /// The live resource an update works on.
    public var resourceID: String?
    /// The live resource a replace or a destroy removes.
    public var destroyID: String?
    /// The fields the change moves, as the plan showed them.
    public var fields: [FieldChange]
    /// Sagas (ids) that must complete before this one may start: the plan's order by references.
    public var after: [String]
    /// For steps that snapshot: the snapshot's deterministic name.
    public var snapshotName: String?
    /// For a droplet's replace: what moves to the new droplet before the old one is destroyed.
    public var dependents: [DependentMove]?

    public init(
        kind: ResourceKind, name: String, sagaID: String, sagaTag: String, desired: DesiredResource? = nil,
        previous: AppliedDocument? = nil, previousResourceID: String? = nil, resourceID: String? = nil, destroyID: String? = nil,
        fields: [FieldChange] = [], after: [String] = [], snapshotName: String? = nil
    ) {
        self.kind = kind
        self.name = name
        self.sagaID = sagaID
        self.sagaTag = sagaTag
        self.desired = desired
        self.previous = previous
        self.previousResourceID = previousResourceID
        self.resourceID = resourceID
        self.destroyID = destroyID
        self.fields = fields
        self.after = after
        self.snapshotName = snapshotName
    }

    /// The change to `field`, if the saga makes one.
    public func change(of field: String) -> FieldChange? { fields.first { $0.field == field && !$0.isAlreadyLive } }

    /// Fields whose drift the saga reverts.
    public var revertsDrift: [String] { fields.filter(\.isDriftRevert).map(\.field) }
}

/// A saga's input and what its steps found out, persisted as JSON after every step so a resumed saga has them.
public struct SagaContext: Sendable, Hashable, Codable {
    /// What steps record for later steps and for compensation.
    public enum Key: String, Sendable {
        /// The resource the saga created or works on (the new one, for a replace).
        case resourceID
        /// The DigitalOcean action a step started and a later step waits for.
        case actionID
        case createActionID
        case snapshotID
        /// Set when compensation starts: the status it ends in (`rolled_back`, `cancelled`, `superseded`),
        /// and why it started, so a resumed compensation ends as it would have.
        case compensationEnding
        case compensationCause
    }

    public var input: SagaInput
    public var outputs: [String: String]

    public init(_ input: SagaInput, outputs: [Key: String] = [:]) {
        self.input = input
        self.outputs = Dictionary(uniqueKeysWithValues: outputs.map { ($0.key.rawValue, $0.value) })
    }

    public subscript(_ key: Key) -> String? {
        get { outputs[key.rawValue] }
        set { outputs[key.rawValue] = newValue }
    }

    /// The resource the saga works on: the one a step created, or the one the plan named.
    public var resourceID: String? { self[.resourceID] ?? input.resourceID }

    /// The value, or a permanent error naming the missing key (a saga built wrongly, not a transient fault).
    public func require(_ key: Key, step: String) throws -> String {
        guard let value = self[key] else {
            throw StepError.permanent("step \(step) needs '\(key.rawValue)' in the saga context, which is missing")
        }
        return value
    }

    public func requireResourceID(step: String) throws -> String {
        guard let id = resourceID else { throw StepError.permanent("step \(step) needs the resource's id, which the saga does not have") }
        return id
    }

    public func requireNumericResourceID(step: String) throws -> Int {
        guard let id = Int(try requireResourceID(step: step)) else {
            throw StepError.permanent("step \(step): the resource id '\(resourceID ?? "")' is not a number")
        }
        return id
    }

    public func requireDesired(step: String) throws -> DesiredResource {
        guard let desired = input.desired else { throw StepError.permanent("step \(step) needs the desired spec, which the saga does not have") }
        return desired
    }

    /// The droplet a replace or destroy removes, as DigitalOcean numbers it.
    public func requireDestroyID(step: String) throws -> Int {
        guard let id = input.destroyID.flatMap(Int.init) else {
            throw StepError.permanent("step \(step) needs the id of the resource to destroy, which the saga does not have")
        }
        return id
    }

    public func requireSnapshotName(step: String) throws -> String {
        guard let name = input.snapshotName else { throw StepError.permanent("step \(step) needs a snapshot name, which the saga does not have") }
        return name
    }

    /// The field's target value in this saga's change.
    public func requireTarget(of field: String, step: String) throws -> String {
        guard let value = input.change(of: field)?.to else {
            throw StepError.permanent("step \(step) needs the new \(field), which the saga does not have")
        }
        return value
    }

    func encoded() -> String {
        // Plain value types with string keys always encode.
        (try? CanonicalJSON.string(self)) ?? "{}"
    }

    static func decode(_ text: String) throws -> SagaContext {
        try CanonicalJSON.decode(SagaContext.self, from: text)
    }

    /// The saga's context; one written without an input (a saga made by hand, of steps that need none)
    /// gets the input its record names.
    static func decode(_ text: String, of saga: SagaRecord) throws -> SagaContext {
        if let context = try? decode(text) { return context }
        let outputs = try CanonicalJSON.decode([String: String].self, from: text)
        var context = SagaContext(SagaInput(
            kind: ResourceKind(rawValue: saga.resourceKind) ?? .droplet, name: saga.resourceName, sagaID: saga.id,
            sagaTag: Ownership.sagaTag(forSagaID: saga.id)
        ))
        context.outputs = outputs
        return context
    }
}
