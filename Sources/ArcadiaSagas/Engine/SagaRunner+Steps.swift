import ArcadiaState
import DigitalOceanAPI
import Foundation

extension SagaRunner {
    /// A step failed for good; the caller decides between compensating and halting.
    struct StepFailed: Error {
        var failure: StepError
    }

    /// An operator's cancel landed before the point of no return started.
    struct CancelledBeforePointOfNoReturn: Error {}

    /// Says the saga ended (or halted) in `status`: to the progress printer, and to the resource's event log.
    func finished(_ saga: SagaRecord, _ status: SagaStatus) async {
        onProgress(.sagaFinished(saga: saga, status: status))
        await logEvent(saga, "saga_\(status.rawValue)", detail: saga.error ?? saga.kind)
    }

    /// The resource's history is a record for people; a write that fails is logged, and the saga's own
    /// ledger, which is what resume relies on, is unaffected.
    func logEvent(_ saga: SagaRecord, _ type: String, detail: String) async {
        do {
            try await environment.store.appendEvent(kind: saga.resourceKind, name: saga.resourceName, type: type, sagaID: saga.id, detail: detail)
        } catch {
            environment.logger.warning("could not write an event", metadata: ["arcadia.event": "\(type)", "arcadia.error": "\(error)"])
        }
    }

    /// Runs a claimed saga from where its ledger stands: on with its compensation, cancelled,
    /// superseded, or forward.
    func runClaimed(sagaID: String) async throws -> SagaStatus {
        let store = environment.store
        guard var saga = try await store.saga(id: sagaID) else { throw StepError.permanent("no saga \(sagaID)") }
        var context = try SagaContext.decode(saga.context, of: saga)
        let steps = try saga.steps.map { try registry.step(named: $0.name) }
        let actions = ActionLedger(try await store.actions(sagaID: sagaID))
        let acted = saga.steps.lastIndex { $0.status != .pending } ?? -1

        // Compensating (or halted while compensating): carry on with it. A ledger from before the ending
        // was recorded says so by its statuses alone.
        let wasCompensating = saga.status == .compensating || saga.steps.contains { [.compensated, .compensationFailed].contains($0.status) }
        if let ending = context[.compensationEnding].flatMap(SagaStatus.init(rawValue:)) ?? (wasCompensating ? .rolledBack : nil) {
            let cause = context[.compensationCause] ?? saga.error ?? "resumed its compensation"
            return try await compensate(&saga, steps: steps, through: acted, context: context, actions: actions, cause: cause,
                                        ending: saga.cancelRequested ? .cancelled : ending)
        }
        let supersede = recheck?.reasonToSupersede(saga, context: context)
        var pointOfNoReturn = passedPointOfNoReturn(saga, steps: steps)
        if pointOfNoReturn != nil, saga.cancelRequested || supersede != nil {
            pointOfNoReturn = try await confirmPointOfNoReturn(&saga, steps: steps, context: context, actions: actions)
        }
        if pointOfNoReturn == nil {
            if saga.cancelRequested {
                return try await compensate(&saga, steps: steps, through: acted, context: context, actions: actions,
                                            cause: "cancelled by an operator", ending: .cancelled)
            }
            if let reason = supersede {
                return try await compensate(&saga, steps: steps, through: acted, context: context, actions: actions,
                                            cause: "superseded: \(reason)", ending: .superseded)
            }
        } else if let reason = supersede {
            environment.logger.notice("saga is past its point of no return; finishing it although \(reason)", metadata: ["arcadia.saga.id": "\(saga.id)"])
        }

        let starts = saga.status == .pending
        if starts, drain?.isDraining == true {
            try await ledger { try await store.releaseLease(id: saga.id, owner: owner) }
            return .pending
        }
        if starts, !context.input.after.isEmpty {
            switch try await ledger({ try await prerequisites(of: context.input) }) {
            case .met:
                break
            case .waiting:
                // Not started, so nothing to guard: give the lease up, or no worker (this one included)
                // could claim the saga again until it runs out, once the saga it waits for is done.
                try await ledger { try await store.releaseLease(id: saga.id, owner: owner) }
                return .pending
            case .abandoned(let reason):
                saga.status = .cancelled
                saga.error = reason
                try await ledger { try await store.updateSaga(id: saga.id, status: .cancelled, context: context.encoded(), error: reason, owner: owner) }
                await finished(saga, .cancelled)
                return .cancelled
            }
        }
        saga.status = .running
        try await ledger { try await store.updateSaga(id: saga.id, status: .running, context: context.encoded(), owner: owner) }
        if starts { await logEvent(saga, "saga_started", detail: saga.steps.map(\.name).joined(separator: " → ")) }
        var passed = pointOfNoReturn
        var cancelNote: String?
        for index in saga.steps.indices where saga.steps[index].status != .completed {
            if drain?.isDraining == true {
                // Between steps the ledger is exact: the next worker goes on from here.
                try await ledger { try await store.releaseLease(id: saga.id, owner: owner) }
                environment.logger.notice("stopping between steps for a graceful shutdown; the next worker goes on", metadata: [
                    "arcadia.saga.id": "\(saga.id)", "arcadia.step": "\(saga.steps[index].name)",
                ])
                return saga.status
            }
            if try await ledger({ try await store.isCancelRequested(id: saga.id) }) {
                if let passed {
                    cancelNote = "a cancel was requested after its point of no return (\(passed)); it finished instead"
                } else {
                    return try await compensate(&saga, steps: steps, through: index - 1, context: context, actions: actions,
                                                cause: "cancelled by an operator", ending: .cancelled)
                }
            }
            var record = saga.steps[index]
            do {
                context = try await execute(steps[index], record: &record, saga: saga, context: context, actions: actions, guardsCancel: passed == nil)
                saga.steps[index] = record
                if steps[index].isPointOfNoReturn { passed = passed ?? steps[index].name }
            } catch is CancelledBeforePointOfNoReturn {
                return try await compensate(&saga, steps: steps, through: index - 1, context: context, actions: actions,
                                            cause: "cancelled by an operator", ending: .cancelled)
            } catch let failed as StepFailed {
                let failure = failed.failure
                record.status = .failed
                record.error = failure.message
                record.finishedAt = Date()
                saga.steps[index] = record
                onProgress(.stepFailed(saga: saga, step: record.name, error: failure.message))
                if steps[index].isPointOfNoReturn, !failure.changedNothing,
                   try await hasActed(saga, step: steps[index], position: index, context: context, actions: actions) {
                    passed = passed ?? steps[index].name
                }
                if let passed {
                    let message = "\(failure.message); the saga is past its point of no return (\(passed)), so it was not rolled back: "
                        + "fix the cause, then `arcadia sagas resume` finishes it"
                    try await ledger { try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .failed, context: context.encoded(), error: message, owner: owner) }
                    saga.status = .failed
                    saga.error = message
                    await finished(saga, .failed)
                    return .failed
                }
                try await ledger { try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: failure.message, owner: owner) }
                return try await compensate(&saga, steps: steps, through: index, context: context, actions: actions, cause: failure.message, ending: .rolledBack)
            }
        }
        saga.status = .completed
        try await ledger { try await store.updateSaga(id: saga.id, status: .completed, context: context.encoded(), error: cancelNote, owner: owner) }
        await finished(saga, .completed)
        return .completed
    }

    enum Prerequisites { case met, waiting, abandoned(String) }

    /// Whether the sagas this one must follow (the plan's order by references) have all completed. One
    /// that ended any other way means this saga's premise is gone: it is cancelled without acting.
    func prerequisites(of input: SagaInput) async throws -> Prerequisites {
        for id in input.after {
            guard let before = try await environment.store.saga(id: id) else { continue }
            switch before.status {
            case .completed: continue
            case .rolledBack, .cancelled, .superseded:
                return .abandoned(
                    "not started: it had to follow the \(before.kind) saga \(id.prefix(8)) of \(before.resourceKind) '\(before.resourceName)', "
                        + "which ended \(before.status.rawValue); plan again"
                )
            case .pending, .running, .compensating, .failed:
                return .waiting
            }
        }
        return .met
    }

    /// The point of no return the saga has passed, asking a step caught `running` whether it acted:
    /// one that did not is set back to `pending` in the ledger, so the saga may still be undone.
    func confirmPointOfNoReturn(_ saga: inout SagaRecord, steps: [any Step], context: SagaContext, actions: ActionLedger) async throws -> String? {
        for index in saga.steps.indices where steps[index].isPointOfNoReturn {
            switch saga.steps[index].status {
            case .completed:
                return steps[index].name
            case .running:
                guard try await hasActed(saga, step: steps[index], position: index, context: context, actions: actions) else {
                    saga.steps[index].status = .pending
                    let record = saga.steps[index]
                    try await ledger { try await environment.store.recordStep(sagaID: saga.id, step: record, sagaStatus: saga.status, context: saga.context, error: saga.error, owner: owner) }
                    continue
                }
                return steps[index].name
            default:
                continue
            }
        }
        return nil
    }

    /// Asks a step whether it acted, with the saga's action ledger at hand.
    func hasActed(_ saga: SagaRecord, step: any Step, position: Int, context: SagaContext, actions: ActionLedger) async throws -> Bool {
        var environment = self.environment
        environment.invocation = invocation(saga, step: step, position: position, phase: .execute, mayHaveActed: true, adoptSince: Date(), actions: actions)
        return try await step.hasActed(context, in: environment)
    }

    /// The point-of-no-return step the saga has started or finished, if any: it may have acted.
    func passedPointOfNoReturn(_ saga: SagaRecord, steps: [any Step]) -> String? {
        zip(saga.steps, steps).first { record, step in
            step.isPointOfNoReturn && [.running, .completed].contains(record.status)
        }?.1.name
    }

    /// Runs one step forward, retrying transient failures with back-off within its attempts and
    /// deadline. Ledger writes are kept apart from the step's own failures: only what the step throws
    /// can fail it. With `guardsCancel`, a point-of-no-return step starts only if no cancel has landed.
    private func execute(
        _ step: any Step, record: inout SagaStepRecord, saga: SagaRecord, context: SagaContext, actions: ActionLedger, guardsCancel: Bool
    ) async throws -> SagaContext {
        let store = environment.store
        let deadline = ContinuousClock.now + environment.stepDeadline
        // Caught running (or halted failed): an earlier attempt may have acted unrecorded.
        var mayHaveActed = [.running, .failed].contains(record.status)
        var adoptSince = mayHaveActed ? (record.attemptStartedAt ?? Date()) : Date()
        var attempt = 0
        while true {
            attempt += 1
            let begun = Date()
            let isFirstStart = record.status == .pending
            record.status = .running
            record.attempts += 1
            record.startedAt = record.startedAt ?? begun
            record.attemptStartedAt = begun
            let snapshot = record
            if step.isPointOfNoReturn && guardsCancel && isFirstStart {
                guard try await ledger({ try await store.beginPivotStep(sagaID: saga.id, step: snapshot, context: context.encoded(), owner: owner) }) else {
                    throw CancelledBeforePointOfNoReturn()
                }
            } else {
                try await ledger { try await store.recordStep(sagaID: saga.id, step: snapshot, sagaStatus: .running, context: context.encoded(), owner: owner) }
            }
            onProgress(.stepStarted(saga: saga, step: step.name, attempt: attempt))
            try await hooks.at(SagaPoint(sagaKind: saga.kind, step: step.name, moment: .before))
            var environment = self.environment
            environment.invocation = invocation(saga, step: step, position: record.position, phase: .execute, mayHaveActed: mayHaveActed,
                                                adoptSince: adoptSince, actions: actions)
            let started = ContinuousClock.now
            let output: SagaContext
            do {
                output = try await step.execute(context, in: environment)
            } catch let error where Self.stopsTheWorker(error) {
                throw error
            } catch {
                let (failure, retryDelay) = try retryable(error, attempt: attempt, deadline: deadline)
                guard let delay = retryDelay else { throw StepFailed(failure: failure) }
                record.error = failure.message
                onProgress(.stepRetrying(saga: saga, step: step.name, error: failure.message, delaySeconds: delay))
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                (mayHaveActed, adoptSince) = (true, begun)
                continue
            }
            try await hooks.at(SagaPoint(sagaKind: saga.kind, step: step.name, moment: .afterCall))
            record.status = .completed
            record.error = nil
            record.finishedAt = Date()
            let completed = record
            try await ledger { try await store.recordStep(sagaID: saga.id, step: completed, sagaStatus: .running, context: output.encoded(), owner: owner) }
            try await hooks.at(SagaPoint(sagaKind: saga.kind, step: step.name, moment: .afterLedger))
            try await ledger {
                try await store.appendEvent(kind: saga.resourceKind, name: saga.resourceName, type: "saga_step_completed", sagaID: saga.id, detail: step.name)
            }
            onProgress(.stepCompleted(saga: saga, step: step.name, seconds: Self.seconds(since: started)))
            return output
        }
    }

    /// Compensates steps `0...index` in reverse, each that acted: completed, failed (it may have acted
    /// before failing; it keeps `failed` in the ledger), or caught running or compensating by a crash.
    /// Each compensation retries transient failures as a step does. Ends `ending`; a compensation that
    /// fails for good halts the saga `failed`, and a resume carries on from that step.
    private func compensate(
        _ saga: inout SagaRecord, steps: [any Step], through index: Int, context: SagaContext, actions: ActionLedger,
        cause: String, ending: SagaStatus
    ) async throws -> SagaStatus {
        let store = environment.store
        var context = context
        context[.compensationEnding] = ending.rawValue
        context[.compensationCause] = cause
        let encoded = context.encoded()
        try await ledger { try await store.updateSaga(id: saga.id, status: .compensating, context: encoded, error: cause, owner: owner) }
        for position in stride(from: index, through: 0, by: -1) {
            var record = saga.steps[position]
            guard [.completed, .failed, .running, .compensating, .compensationFailed].contains(record.status) else { continue }
            let keepsFailed = record.status == .failed
            var mayHaveActed = [.compensating, .compensationFailed].contains(record.status)
            var adoptSince = mayHaveActed ? (record.attemptStartedAt ?? Date()) : Date()
            let deadline = ContinuousClock.now + environment.stepDeadline
            var attempt = 0
            while true {
                attempt += 1
                let begun = Date()
                if !keepsFailed { record.status = .compensating }
                record.attemptStartedAt = begun
                let snapshot = record
                try await ledger { try await store.recordStep(sagaID: saga.id, step: snapshot, sagaStatus: .compensating, context: encoded, error: cause, owner: owner) }
                var environment = self.environment
                environment.invocation = invocation(saga, step: steps[position], position: position, phase: .compensate,
                                                    mayHaveActed: mayHaveActed, adoptSince: adoptSince, actions: actions)
                do {
                    try await steps[position].compensate(context, in: environment)
                    break
                } catch let error where Self.stopsTheWorker(error) {
                    throw error
                } catch {
                    let (failure, retryDelay) = try retryable(error, attempt: attempt, deadline: deadline)
                    if let delay = retryDelay {
                        onProgress(.stepRetrying(saga: saga, step: record.name, error: "compensating: \(failure.message)", delaySeconds: delay))
                        try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
                        (mayHaveActed, adoptSince) = (true, begun)
                        continue
                    }
                    record.status = .compensationFailed
                    record.error = "compensation failed: \(failure.message)"
                    saga.steps[position] = record
                    let message = "\(cause); then compensating \(record.name) failed: \(failure.message). "
                        + "Fix the cause, then `arcadia sagas resume` carries on with the compensation"
                    let halted = record
                    try await ledger { try await store.recordStep(sagaID: saga.id, step: halted, sagaStatus: .failed, context: encoded, error: message, owner: owner) }
                    saga.status = .failed
                    saga.error = message
                    await finished(saga, .failed)
                    return .failed
                }
            }
            if !keepsFailed {
                record.status = .compensated
                record.finishedAt = Date()
            }
            let done = record
            try await ledger { try await store.recordStep(sagaID: saga.id, step: done, sagaStatus: .compensating, context: encoded, error: cause, owner: owner) }
            saga.steps[position] = record
            onProgress(.stepCompensated(saga: saga, step: record.name))
        }
        saga.status = ending
        saga.error = cause
        try await ledger { try await store.updateSaga(id: saga.id, status: ending, context: encoded, error: cause, owner: owner) }
        await finished(saga, ending)
        return ending
    }

    /// What a step's (or a compensation's) error means: the failure, and the delay before another
    /// attempt if it is transient and attempts and time are left. Cancellation is passed through.
    private func retryable(_ error: any Error, attempt: Int, deadline: ContinuousClock.Instant) throws -> (StepError, Double?) {
        if Task.isCancelled { throw CancellationError() }
        let failure = StepError.classify(error)
        let delay = backoff(attempt: attempt, retryAfter: failure.retryAfter)
        let fits = ContinuousClock.now + .milliseconds(Int(delay * 1000)) < deadline
        return (failure, failure.isTransient && attempt < environment.maxAttempts && fits ? delay : nil)
    }

    func invocation(
        _ saga: SagaRecord, step: any Step, position: Int, phase: SagaActionRecord.Phase, mayHaveActed: Bool, adoptSince: Date,
        actions: ActionLedger
    ) -> StepInvocation {
        StepInvocation(
            sagaID: saga.id, sagaKind: saga.kind, step: step.name, position: position, phase: phase, mayHaveActed: mayHaveActed,
            adoptSince: adoptSince, forwardSince: saga.steps[position].startedAt, owner: owner, ledger: actions, hooks: hooks
        )
    }
}
