/// Maps the step names persisted in `saga_steps` back to implementations.
public struct StepRegistry: Sendable {
    private let steps: [String: any Step]

    public init(_ steps: [any Step]) {
        self.steps = Dictionary(steps.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Every kind's steps.
    public static var standard: StepRegistry { Kinds.steps }

    public func step(named name: String) throws -> any Step {
        guard let step = steps[name] else {
            throw StepError.permanent("unknown step '\(name)' in the ledger; was it written by a newer Arcadia?")
        }
        return step
    }
}
