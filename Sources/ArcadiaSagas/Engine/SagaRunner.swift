import ArcadiaState
import DigitalOceanAPI
import Foundation
import Logging

/// Runs persisted sagas step by step, under a lease.
///
/// A worker first claims the saga (a lease with its identity and an expiry, renewed by a heartbeat);
/// every ledger write is fenced by that lease, so two workers never run one saga at once, and a
/// worker that lost its lease stops without writing. After every step the step's status and the
/// saga's context are written together. A step that fails permanently, keeps failing past its
/// attempts or its deadline, or is cancelled by an operator, makes the runner compensate, in reverse
/// order, every step that acted. A saga found half-way (its worker died) continues from where the
/// ledger says: forward from the first unfinished step, or on with its compensation.
public struct SagaRunner: Sendable {
    public let environment: StepEnvironment
    public let registry: StepRegistry
    public let onProgress: @Sendable (SagaProgress) -> Void
    /// `host:pid:nonce` of this worker.
    public var owner: String
    /// How long a claim lasts without a heartbeat; the heartbeat renews it every third of that.
    public var leaseSeconds: Double

    /// 30 s, or `ARCADIA_LEASE_SECONDS`.
    public static let defaultLeaseSeconds = ProcessInfo.processInfo.environment["ARCADIA_LEASE_SECONDS"].flatMap(Double.init).map { max(0.5, $0) } ?? 30

    public init(
        environment: StepEnvironment, registry: StepRegistry = .standard, owner: String = WorkerIdentity.current.description,
        leaseSeconds: Double = SagaRunner.defaultLeaseSeconds, onProgress: @escaping @Sendable (SagaProgress) -> Void = { _ in }
    ) {
        self.environment = environment
        self.registry = registry
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.onProgress = onProgress
    }

    /// Claims the saga and runs it to a final status, which it returns. Throws if another live worker
    /// holds it.
    @discardableResult
    public func run(sagaID: String) async throws -> SagaStatus {
        switch try await environment.store.claimSaga(id: sagaID, owner: owner, leaseSeconds: leaseSeconds) {
        case .notFound:
            throw StepError.permanent("no saga \(sagaID)")
        case .finished(let status):
            return status
        case .held(let holder, let until):
            throw StepError.permanent("saga \(sagaID) is being run by \(holder) (lease until \(until))")
        case .claimed:
            return try await runLeased(sagaID: sagaID)
        }
    }

    /// Runs every runnable saga (pending, or left running or compensating by a worker that died),
    /// `parallelism` at a time, until none is left that this worker can claim. With `waitForOthers`,
    /// it then keeps looking, once a second, until no saga is unfinished at all: sagas other workers
    /// hold are taken over if their leases run out. Each saga is tried once per call: one that stops
    /// without a final status (its lease lost, its database gone) is left for the next resume.
    public func resume(parallelism: Int, waitForOthers: Bool = false) async throws -> [(id: String, status: SagaStatus)] {
        try await withThrowingTaskGroup(of: (String, SagaStatus).self) { group in
            var results: [(id: String, status: SagaStatus)] = []
            var tried: Set<String> = []
            var running = 0
            while true {
                if running < max(1, parallelism),
                   let id = try await environment.store.claimNextRunnable(owner: owner, leaseSeconds: leaseSeconds, excluding: tried) {
                    tried.insert(id)
                    group.addTask { (id, try await runContained(sagaID: id) { try await runLeased(sagaID: id) }) }
                    running += 1
                    continue
                }
                if running > 0, let (id, status) = try await group.next() {
                    results.append((id, status))
                    running -= 1
                    continue
                }
                guard waitForOthers, try await environment.store.unfinishedSagas().contains(where: { !tried.contains($0.id) }) else {
                    return results
                }
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Runs one saga of several: an error that stops it (a lost lease, a database that went away) is
    /// logged and leaves it unfinished for a later resume, instead of cancelling its siblings.
    /// Returns the status the ledger then shows.
    public func runContained(sagaID: String, _ body: () async throws -> SagaStatus) async throws -> SagaStatus {
        do {
            return try await body()
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            environment.logger.error("saga stopped before a final status; `arcadia sagas resume` continues it", metadata: [
                "arcadia.saga.id": "\(sagaID)", "arcadia.error": "\(error)",
            ])
            return (try? await environment.store.saga(id: sagaID))?.status ?? .running
        }
    }

    /// Runs a claimed saga with a heartbeat; gives the lease up if it stops before a final status.
    private func runLeased(sagaID: String) async throws -> SagaStatus {
        let store = environment.store
        let (owner, leaseSeconds) = (owner, leaseSeconds)
        do {
            return try await withThrowingTaskGroup(of: SagaStatus?.self) { group in
                group.addTask { try await runClaimed(sagaID: sagaID) }
                group.addTask {
                    while true {
                        try await Task.sleep(for: .seconds(leaseSeconds / 3))
                        guard try await store.renewLease(id: sagaID, owner: owner, leaseSeconds: leaseSeconds) else {
                            throw StoreError.leaseLost(sagaID: sagaID, owner: owner)
                        }
                    }
                }
                defer { group.cancelAll() }
                while let result = try await group.next() {
                    if let status = result { return status }
                }
                throw CancellationError()
            }
        } catch {
            try? await store.releaseLease(id: sagaID, owner: owner)
            throw error
        }
    }

    /// Errors that stop this worker's run of a saga without touching the ledger (which is no longer
    /// its to write, or must not be written after a cancellation), rather than failing a step.
    private static func stopsTheWorker(_ error: any Error) -> Bool {
        error is CancellationError || (error as? StoreError)?.isLeaseLost == true
    }

    private func runClaimed(sagaID: String) async throws -> SagaStatus {
        let store = environment.store
        guard var saga = try await store.saga(id: sagaID) else { throw StepError.permanent("no saga \(sagaID)") }
        var context = try SagaContext.decode(saga.context)
        let steps = try saga.steps.map { try registry.step(named: $0.name) }

        if saga.cancelRequested || saga.status == .compensating {
            let acted = saga.steps.lastIndex { $0.status != .pending } ?? -1
            let cause = saga.cancelRequested ? "cancelled by an operator" : (saga.error ?? "resumed its compensation")
            return try await compensate(&saga, steps: steps, through: acted, context: context, cause: cause, ending: saga.cancelRequested ? .cancelled : .rolledBack)
        }
        saga.status = .running
        try await store.updateSaga(id: saga.id, status: .running, context: context.encoded(), owner: owner)
        for index in saga.steps.indices where saga.steps[index].status != .completed {
            if try await store.isCancelRequested(id: saga.id) {
                return try await compensate(&saga, steps: steps, through: index - 1, context: context, cause: "cancelled by an operator", ending: .cancelled)
            }
            var record = saga.steps[index]
            do {
                context = try await execute(steps[index], record: &record, saga: saga, context: context)
                saga.steps[index] = record
            } catch let error where Self.stopsTheWorker(error) {
                throw error
            } catch {
                let failure = StepError.classify(error)
                record.status = .failed
                record.error = failure.message
                record.finishedAt = Self.now()
                saga.steps[index] = record
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: failure.message, owner: owner)
                onProgress(.stepFailed(saga: saga, step: record.name, error: failure.message))
                return try await compensate(&saga, steps: steps, through: index, context: context, cause: failure.message, ending: .rolledBack)
            }
        }
        saga.status = .completed
        try await store.updateSaga(id: saga.id, status: .completed, context: context.encoded(), owner: owner)
        onProgress(.sagaFinished(saga: saga, status: .completed))
        return .completed
    }

    private func execute(_ step: any Step, record: inout SagaStepRecord, saga: SagaRecord, context: SagaContext) async throws -> SagaContext {
        let store = environment.store
        let deadline = ContinuousClock.now + environment.stepDeadline
        var attempt = 0
        while true {
            attempt += 1
            record.status = .running
            record.attempts += 1
            record.startedAt = record.startedAt ?? Self.now()
            try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .running, context: context.encoded(), owner: owner)
            onProgress(.stepStarted(saga: saga, step: step.name, attempt: attempt))
            CrashPoint.check(sagaKind: saga.kind, step: step.name, .before)
            let started = ContinuousClock.now
            do {
                let output = try await step.execute(context, in: environment)
                CrashPoint.check(sagaKind: saga.kind, step: step.name, .afterCall)
                record.status = .completed
                record.error = nil
                record.finishedAt = Self.now()
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .running, context: output.encoded(), owner: owner)
                CrashPoint.check(sagaKind: saga.kind, step: step.name, .afterLedger)
                try await store.appendEvent(
                    kind: saga.resourceKind, name: saga.resourceName, type: "saga_step_completed", sagaID: saga.id, detail: step.name
                )
                onProgress(.stepCompleted(saga: saga, step: step.name, seconds: Self.seconds(since: started)))
                return output
            } catch let error where Self.stopsTheWorker(error) {
                throw error
            } catch {
                let failure = StepError.classify(error)
                let delay = backoff(attempt: attempt, retryAfter: failure.retryAfter)
                guard failure.isTransient, attempt < environment.maxAttempts, !Task.isCancelled,
                      ContinuousClock.now + .milliseconds(Int(delay * 1000)) < deadline
                else { throw failure }
                record.error = failure.message
                onProgress(.stepRetrying(saga: saga, step: step.name, error: failure.message, delaySeconds: delay))
                environment.logger.debug("retrying step", metadata: ["arcadia.saga.id": "\(saga.id)", "arcadia.step": "\(step.name)"])
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Compensates steps `0...index` in reverse, each that acted: completed, failed (it may have acted
    /// before failing; it keeps `failed` in the ledger), or caught running or compensating by a crash.
    /// Ends `ending` (`rolled_back`, or `cancelled` for an operator's cancel); a compensation that
    /// fails ends the saga `failed` with the reason.
    private func compensate(
        _ saga: inout SagaRecord, steps: [any Step], through index: Int, context: SagaContext, cause: String, ending: SagaStatus
    ) async throws -> SagaStatus {
        let store = environment.store
        for position in stride(from: index, through: 0, by: -1) {
            var record = saga.steps[position]
            guard [.completed, .failed, .running, .compensating].contains(record.status) else { continue }
            let isFailedStep = record.status == .failed
            if !isFailedStep {
                record.status = .compensating
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: cause, owner: owner)
            }
            do {
                try await steps[position].compensate(context, in: environment)
            } catch let error where Self.stopsTheWorker(error) {
                throw error
            } catch {
                let failure = StepError.classify(error)
                record.status = .failed
                record.error = "compensation failed: \(failure.message)"
                saga.steps[position] = record
                let message = "\(cause); then compensating \(record.name) failed: \(failure.message)"
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .failed, context: context.encoded(), error: message, owner: owner)
                saga.status = .failed
                onProgress(.sagaFinished(saga: saga, status: .failed))
                return .failed
            }
            if !isFailedStep {
                record.status = .compensated
                record.finishedAt = Self.now()
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: cause, owner: owner)
            }
            saga.steps[position] = record
            onProgress(.stepCompensated(saga: saga, step: record.name))
        }
        saga.status = ending
        try await store.updateSaga(id: saga.id, status: ending, context: context.encoded(), error: cause, owner: owner)
        onProgress(.sagaFinished(saga: saga, status: ending))
        return ending
    }

    /// The client's back-off, from the step environment's base delay: a step is retried as a request is.
    private func backoff(attempt: Int, retryAfter: Double?) -> Double {
        let base = Double(environment.retryBaseDelay.components.seconds) + Double(environment.retryBaseDelay.components.attoseconds) / 1e18
        return RetryPolicy(baseDelay: base).delay(afterAttempt: attempt, retryAfter: retryAfter)
    }

    static func now() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date())
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = start.duration(to: .now)
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
