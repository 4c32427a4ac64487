import ArcadiaState
import Foundation
import NIOConcurrencyHelpers

/// One attempt of one step, forward or compensating, as the runner started it: what a step needs to
/// record the DigitalOcean actions it starts and to find, on a re-run, an action it may already have
/// started. The runner sets it on the ``StepEnvironment`` it hands the step.
public struct StepInvocation: Sendable {
    public var sagaID: String
    public var sagaKind: String
    public var step: String
    public var position: Int
    public var phase: SagaActionRecord.Phase
    /// True when an earlier attempt of this step in this phase may have started an action that the
    /// ledger does not know of (it was interrupted, or failed with an unknown outcome): only then is
    /// it worth a request to look for one.
    public var mayHaveActed: Bool
    /// The earliest moment such an action could have started: the earlier attempt's start.
    public var adoptSince: Date
    /// When the step first ran forward: a compensation waits for forward actions started since.
    public var forwardSince: Date?
    /// The lease holder: action records are fenced by it.
    public var owner: String
    public var hooks: SagaHooks
    let ledger: ActionLedger

    init(
        sagaID: String, sagaKind: String, step: String, position: Int, phase: SagaActionRecord.Phase, mayHaveActed: Bool,
        adoptSince: Date, forwardSince: Date?, owner: String, ledger: ActionLedger, hooks: SagaHooks
    ) {
        self.sagaID = sagaID
        self.sagaKind = sagaKind
        self.step = step
        self.position = position
        self.phase = phase
        self.mayHaveActed = mayHaveActed
        self.adoptSince = adoptSince
        self.forwardSince = forwardSince
        self.owner = owner
        self.hooks = hooks
        self.ledger = ledger
    }

    /// Actions of this step and phase that the ledger knows of, oldest first.
    public var ownActions: [SagaActionRecord] {
        ledger.all.filter { $0.position == position && $0.phase == phase }
    }

    /// The forward actions of this step: what a compensation must wait for before it undoes them.
    public var forwardActions: [SagaActionRecord] {
        ledger.all.filter { $0.position == position && $0.phase == .execute }
    }

    func at(_ moment: SagaPoint.Moment) async throws {
        try await hooks.at(SagaPoint(sagaKind: sagaKind, step: step, moment: moment))
    }
}

/// The saga's actions as this run of it knows them; grows as its steps record new ones.
final class ActionLedger: Sendable {
    private let box: NIOLockedValueBox<[SagaActionRecord]>

    init(_ actions: [SagaActionRecord]) {
        box = NIOLockedValueBox(actions)
    }

    var all: [SagaActionRecord] { box.withLockedValue { $0 } }

    func append(_ action: SagaActionRecord) {
        box.withLockedValue { $0.append(action) }
    }
}
