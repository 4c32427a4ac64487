/// One step of a saga. Both methods must be idempotent: after a crash either may run again
/// for work that already happened, and must then find it done rather than do it twice.
public protocol Step: Sendable {
    /// Stable: it is persisted in `saga_steps.name` and used to resume.
    var name: String { get }
    /// Does the step's work; returns the context with the step's outputs added.
    func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext
    /// Undoes what `execute` did (or may have done, if it failed part-way).
    func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws
}
