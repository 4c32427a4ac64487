/// One step of a saga. Both methods must be idempotent: after a crash either may run again
/// for work that already happened, and must then find it done rather than do it twice.
public protocol Step: Sendable {
    /// Stable: it is persisted in `saga_steps.name` and used to resume.
    var name: String { get }
    /// True for a step that cannot be undone once it has started (a destroy): the saga's point of no
    /// return. Before it, a saga can be cancelled or rolled back; once it has started, the saga can only
    /// go forward. A failure after it halts the saga (`failed`) for `arcadia sagas resume` to finish,
    /// instead of compensating the steps before it.
    var isPointOfNoReturn: Bool { get }
    /// Does the step's work; returns the context with the step's outputs added.
    func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext
    /// Undoes what `execute` did (or may have done, if it failed part-way).
    func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws
    /// For a point of no return caught `running` by a crash: whether it acted before the process died.
    /// Only `false` lets the saga still be cancelled or superseded; the default says it may have.
    func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool
}

extension Step {
    public var isPointOfNoReturn: Bool { false }

    public func hasActed(_ context: SagaContext, in environment: StepEnvironment) async throws -> Bool { true }
}
