import ArcadiaState
import Foundation

extension SagaRunner {
    /// What `cancel(sagaID:)` did.
    public enum CancelOutcome: Sendable, Equatable {
        /// This worker compensated the saga; it ended in this status (`cancelled`, or `failed` if a
        /// compensation kept failing).
        case ended(SagaStatus)
        /// A live worker holds the saga; it compensates at its next step boundary.
        case requested(holder: String)
        /// The saga's point of no return has acted: it can only go forward.
        case refused(pointOfNoReturn: String)
        case alreadyFinished(SagaStatus)
        case notFound
    }

    /// Cancels a saga: compensates it now, or asks its live worker to. Refuses once the saga's point of
    /// no return has acted. A point of no return caught `running` by a crash is asked whether it acted
    /// (a droplet still there was not destroyed), so a saga killed just before its destroy can still
    /// be cancelled.
    public func cancel(sagaID: String) async throws -> CancelOutcome {
        let store = environment.store
        guard let saga = try await store.saga(id: sagaID) else { return .notFound }
        let pivots = Set(try saga.steps.map(\.name).filter { try registry.step(named: $0).isPointOfNoReturn })
        switch try await store.requestCancel(id: saga.id, pivotSteps: pivots) {
        case .notFound:
            return .notFound
        case .finished(let status):
            return .alreadyFinished(status)
        case .requested:
            return try await runCancelled(sagaID: saga.id)
        case .pastPointOfNoReturn(let step):
            guard case .claimed = try await store.claimSaga(id: saga.id, owner: owner, leaseSeconds: leaseSeconds) else {
                return .refused(pointOfNoReturn: step)
            }
            guard var current = try await store.saga(id: saga.id) else { return .notFound }
            let steps = try current.steps.map { try registry.step(named: $0.name) }
            let context = try SagaContext.decode(current.context, of: current)
            let actions = ActionLedger(try await store.actions(sagaID: saga.id))
            if let passed = try await confirmPointOfNoReturn(&current, steps: steps, context: context, actions: actions) {
                try? await store.releaseLease(id: saga.id, owner: owner)
                return .refused(pointOfNoReturn: passed)
            }
            guard try await store.requestCancel(id: saga.id, pivotSteps: pivots) == .requested else {
                try? await store.releaseLease(id: saga.id, owner: owner)
                return .refused(pointOfNoReturn: step)
            }
            return try await runCancelled(sagaID: saga.id)
        }
    }

    private func runCancelled(sagaID: String) async throws -> CancelOutcome {
        let claimedAt = ContinuousClock.now
        switch try await environment.store.claimSaga(id: sagaID, owner: owner, leaseSeconds: leaseSeconds) {
        case .held(let holder, _):
            return .requested(holder: holder)
        case .finished(let status):
            return .alreadyFinished(status)
        case .notFound:
            return .notFound
        case .claimed:
            let status = try await runLeased(sagaID: sagaID, claimedAt: claimedAt)
            if status == .cancelled { try await cancelFollowers(of: sagaID) }
            return .ended(status)
        }
    }

    /// The sagas the plan ordered after a cancelled one (a replace's followers, which only record what
    /// it moved) have lost their premise: each not yet started is run now, which ends it `cancelled`
    /// without acting, as a worker reaching it would; and theirs after them. A cancel leaves nothing
    /// pending behind it for `sagas resume` to report.
    private func cancelFollowers(of sagaID: String) async throws {
        var cancelled = [sagaID]
        while let id = cancelled.popLast() {
            for saga in try await environment.store.sagas(status: .pending) {
                guard let context = try? SagaContext.decode(saga.context, of: saga), context.input.after.contains(id) else { continue }
                if try await run(sagaID: saga.id) == .cancelled { cancelled.append(saga.id) }
            }
        }
    }
}
