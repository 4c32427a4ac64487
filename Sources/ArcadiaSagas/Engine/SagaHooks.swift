/// A moment in a step's run where a test may intervene: the crash suite kills the process there
/// (`ARCADIA_CRASH_AT=<saga-kind>:<step>:<point>`, read by the CLI), and in-process tests stop the
/// worker there as a kill would.
public struct SagaPoint: Sendable, Hashable, CustomStringConvertible {
    public enum Moment: String, Sendable, CaseIterable {
        /// The step is marked running; it has done nothing.
        case before
        /// A request without an action (DestroyDroplet's DELETE) is recorded as about to be sent; it is not sent yet.
        case sending
        /// An action step's POST was answered; the ledger does not know the action yet.
        case afterPost = "after-post"
        /// The action is in the ledger and in flight; the step is polling it.
        case polling
        /// The step's DigitalOcean calls are done; the ledger does not know yet.
        case afterCall = "after-call"
        /// The ledger says the step completed.
        case afterLedger = "after-ledger"
    }

    public var sagaKind: String
    public var step: String
    public var moment: Moment

    public init(sagaKind: String, step: String, moment: Moment) {
        self.sagaKind = sagaKind
        self.step = step
        self.moment = moment
    }

    /// `<saga-kind>:<step>:<moment>`, e.g. `resize:SnapshotDroplet:polling`.
    public init?(parsing text: String) {
        let parts = text.split(separator: ":").map(String.init)
        guard parts.count == 3, let moment = Moment(rawValue: parts[2]) else { return nil }
        self.init(sagaKind: parts[0], step: parts[1], moment: moment)
    }

    public var description: String { "\(sagaKind):\(step):\(moment.rawValue)" }
}

/// What the runner calls at each ``SagaPoint``. A hook that throws stops the worker there, writing
/// nothing more, as if the process had died.
public struct SagaHooks: Sendable {
    public var at: @Sendable (SagaPoint) async throws -> Void

    public init(at: @escaping @Sendable (SagaPoint) async throws -> Void) {
        self.at = at
    }

    public static let none = SagaHooks { _ in }
}

/// Thrown by a hook to stop the worker as a kill would.
public struct SimulatedCrash: Error, Sendable, CustomStringConvertible {
    public var point: SagaPoint

    public init(at point: SagaPoint) {
        self.point = point
    }

    public var description: String { "stopped at \(point) as if killed" }
}
