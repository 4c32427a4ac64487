import ArcadiaState
import Foundation
import Logging

/// Runs persisted sagas step by step. After every step the step's status and the saga's context are
/// written together; a step that fails permanently (or keeps failing transiently) makes the runner
/// compensate, in reverse order, every step that completed and the one that failed.
public struct SagaRunner: Sendable {
    public let environment: StepEnvironment
    public let registry: StepRegistry
    public let onProgress: @Sendable (SagaProgress) -> Void

    public init(environment: StepEnvironment, registry: StepRegistry = .standard, onProgress: @escaping @Sendable (SagaProgress) -> Void = { _ in }) {
        self.environment = environment
        self.registry = registry
        self.onProgress = onProgress
    }

    /// Runs the saga from its first unfinished step to a final status, which it returns.
    @discardableResult
    public func run(sagaID: String) async throws -> SagaStatus {
        let store = environment.store
        guard var saga = try await store.saga(id: sagaID) else { throw StepError.permanent("no saga \(sagaID)") }
        guard !saga.status.isFinal else { return saga.status }
        var context = try SagaContext.decode(saga.context)
        let steps = try saga.steps.map { try registry.step(named: $0.name) }

        saga.status = .running
        try await store.updateSaga(id: saga.id, status: .running, context: context.encoded())
        for index in saga.steps.indices where saga.steps[index].status != .completed {
            var record = saga.steps[index]
            do {
                context = try await execute(steps[index], record: &record, saga: saga, context: context)
                saga.steps[index] = record
            } catch {
                let failure = StepError.classify(error)
                record.status = .failed
                record.error = failure.message
                record.finishedAt = Self.now()
                saga.steps[index] = record
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: failure.message)
                onProgress(.stepFailed(saga: saga, step: record.name, error: failure.message))
                return try await compensate(&saga, steps: steps, through: index, context: context, cause: failure.message)
            }
        }
        saga.status = .completed
        try await store.updateSaga(id: saga.id, status: .completed, context: context.encoded())
        onProgress(.sagaFinished(saga: saga, status: .completed))
        return .completed
    }

    private func execute(_ step: any Step, record: inout SagaStepRecord, saga: SagaRecord, context: SagaContext) async throws -> SagaContext {
        let store = environment.store
        var attempt = 0
        while true {
            attempt += 1
            record.status = .running
            record.attempts += 1
            record.startedAt = record.startedAt ?? Self.now()
            try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .running, context: context.encoded())
            onProgress(.stepStarted(saga: saga, step: step.name, attempt: attempt))
            let started = ContinuousClock.now
            do {
                let output = try await step.execute(context, in: environment)
                record.status = .completed
                record.error = nil
                record.finishedAt = Self.now()
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .running, context: output.encoded())
                try await store.appendEvent(
                    kind: saga.resourceKind, name: saga.resourceName, type: "saga_step_completed", sagaID: saga.id, detail: step.name
                )
                onProgress(.stepCompleted(saga: saga, step: step.name, seconds: Self.seconds(since: started)))
                return output
            } catch {
                let failure = StepError.classify(error)
                guard failure.isTransient, attempt < environment.maxAttempts, !Task.isCancelled else { throw failure }
                let delay = backoff(attempt: attempt, retryAfter: failure.retryAfter)
                record.error = failure.message
                onProgress(.stepRetrying(saga: saga, step: step.name, error: failure.message, delaySeconds: delay))
                environment.logger.debug("retrying step", metadata: ["arcadia.saga.id": "\(saga.id)", "arcadia.step": "\(step.name)"])
                try await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            }
        }
    }

    /// Compensates steps `0...index` in reverse. The failed step keeps its `failed` status in the ledger
    /// but its compensation still runs, since it may have acted before failing.
    private func compensate(_ saga: inout SagaRecord, steps: [any Step], through index: Int, context: SagaContext, cause: String) async throws -> SagaStatus {
        let store = environment.store
        for position in stride(from: index, through: 0, by: -1) {
            var record = saga.steps[position]
            guard record.status == .completed || record.status == .failed || record.status == .compensating else { continue }
            let isFailedStep = record.status == .failed
            if !isFailedStep {
                record.status = .compensating
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: cause)
            }
            do {
                try await steps[position].compensate(context, in: environment)
            } catch {
                let failure = StepError.classify(error)
                record.status = .failed
                record.error = "compensation failed: \(failure.message)"
                saga.steps[position] = record
                let message = "\(cause); then compensating \(record.name) failed: \(failure.message)"
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .failed, context: context.encoded(), error: message)
                saga.status = .failed
                onProgress(.sagaFinished(saga: saga, status: .failed))
                return .failed
            }
            if !isFailedStep {
                record.status = .compensated
                record.finishedAt = Self.now()
                try await store.recordStep(sagaID: saga.id, step: record, sagaStatus: .compensating, context: context.encoded(), error: cause)
            }
            saga.steps[position] = record
            onProgress(.stepCompensated(saga: saga, step: record.name))
        }
        saga.status = .rolledBack
        try await store.updateSaga(id: saga.id, status: .rolledBack, context: context.encoded(), error: cause)
        onProgress(.sagaFinished(saga: saga, status: .rolledBack))
        return .rolledBack
    }

    /// Exponential back-off with full jitter, never shorter than what `retry-after` asked for.
    private func backoff(attempt: Int, retryAfter: Double?) -> Double {
        let base = Double(environment.retryBaseDelay.components.seconds) + Double(environment.retryBaseDelay.components.attoseconds) / 1e18
        let exponential = base * pow(2, Double(attempt - 1))
        return max(retryAfter ?? 0, Double.random(in: exponential / 2...exponential))
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
