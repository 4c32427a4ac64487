import ArcadiaState
import DigitalOceanAPI
import Foundation
import Logging

/// Runs persisted sagas step by step, under a lease.
///
/// A worker first claims the saga (a lease with its identity and an expiry, renewed by a heartbeat);
/// every ledger write is fenced by that lease, and so is every DigitalOcean request (a
/// ``RequestFence``), so two workers never run one saga at once, and a worker that lost its lease
/// stops without writing or acting. After every step the step's status and the saga's context are
/// written together. A step that fails permanently, keeps failing past its attempts or its deadline,
/// or is cancelled by an operator, makes the runner compensate, in reverse order, every step that
/// acted, unless the saga has passed its point of no return (see ``Step/isPointOfNoReturn``): then it
/// can only go forward, and a failure halts it `failed` for a later resume. A failed write to the
/// ledger is never a failed step: the worker stops and leaves the step for resume.
public struct SagaRunner: Sendable {
    public let environment: StepEnvironment
    public let registry: StepRegistry
    public let onProgress: @Sendable (SagaProgress) -> Void
    /// `host:pid:nonce:process` of this worker.
    public var owner: String
    /// How long a claim lasts without a heartbeat; the heartbeat renews it every third of that.
    public var leaseSeconds: Double
    /// Test hooks (the crash suite's kill points).
    public var hooks: SagaHooks
    /// When set, a saga is checked against the current specs before it runs: one they no longer want
    /// is superseded (compensated) unless it has passed its point of no return.
    public var recheck: SagaRecheck?
    /// When it drains, the runner starts nothing more and stops sagas at their next step boundary.
    public var drain: Drain?

    public static let defaultLeaseSeconds = 30.0

    public init(
        environment: StepEnvironment, registry: StepRegistry = .standard, owner: String = WorkerIdentity.current.description,
        leaseSeconds: Double = SagaRunner.defaultLeaseSeconds, hooks: SagaHooks = .none, recheck: SagaRecheck? = nil,
        onProgress: @escaping @Sendable (SagaProgress) -> Void = { _ in }
    ) {
        self.environment = environment
        self.registry = registry
        self.owner = owner
        self.leaseSeconds = leaseSeconds
        self.hooks = hooks
        self.recheck = recheck
        self.onProgress = onProgress
    }

    /// Claims the saga and runs it to a final or halted status, which it returns. Throws if another
    /// live worker holds it.
    @discardableResult
    public func run(sagaID: String) async throws -> SagaStatus {
        let claimedAt = ContinuousClock.now
        switch try await environment.store.claimSaga(id: sagaID, owner: owner, leaseSeconds: leaseSeconds) {
        case .notFound:
            throw StepError.permanent("no saga \(sagaID)")
        case .finished(let status):
            return status
        case .held(let holder, let until):
            throw StepError.permanent("saga \(sagaID) is being run by \(holder) (lease until \(until))")
        case .claimed:
            return try await runLeased(sagaID: sagaID, claimedAt: claimedAt)
        }
    }

    /// Runs every runnable saga (pending, halted `failed`, or left running or compensating by a worker
    /// that died), `parallelism` at a time, until none is left that this worker can claim. With
    /// `waitForOthers`, it then keeps looking, once a second, until no saga is unfinished at all: sagas
    /// other workers hold are taken over if their leases run out. Each saga is tried once per call: one
    /// that stops without a final status (its lease lost, its database gone) is left for the next resume,
    /// or, with `waitForOthers`, tried again after the one-second pause.
    public func resume(parallelism: Int, waitForOthers: Bool = false) async throws -> [(id: String, status: SagaStatus)] {
        try await withThrowingTaskGroup(of: (String, SagaStatus).self) { group in
            var results: [(id: String, status: SagaStatus)] = []
            var tried: Set<String> = []
            var stopped: Set<String> = []
            // Sagas that must follow one not finished yet: tried again each time another finishes.
            var waiting: Set<String> = []
            var running = 0
            // Sagas that have ended so far, and how many had when each saga was started: one that found
            // a saga it follows unfinished, while another ended meanwhile, may have looked too early.
            var ended = 0
            var endedAtStart: [String: Int] = [:]
            while true {
                let claimedAt = ContinuousClock.now
                if running < max(1, parallelism), drain?.isDraining != true,
                   let id = try await environment.store.claimNextRunnable(owner: owner, leaseSeconds: leaseSeconds, excluding: tried) {
                    tried.insert(id)
                    endedAtStart[id] = ended
                    group.addTask { (id, try await runContained(sagaID: id) { try await runLeased(sagaID: id, claimedAt: claimedAt) }) }
                    running += 1
                    continue
                }
                if running > 0, let (id, status) = try await group.next() {
                    running -= 1
                    if status == .pending {
                        if endedAtStart[id] == ended { waiting.insert(id) } else { tried.remove(id) }
                        continue
                    }
                    ended += 1
                    tried.subtract(waiting)
                    waiting.removeAll()
                    // With `waitForOthers`, a saga that stopped unfinished (its lease or database lost
                    // for a while) is tried again once its lease is free, rather than given up on.
                    if waitForOthers && !status.isFinal && status != .failed {
                        stopped.insert(id)
                    } else {
                        results.append((id, status))
                    }
                    continue
                }
                if waitForOthers { stopped.formUnion(waiting) } else { results += waiting.map { ($0, SagaStatus.pending) } }
                waiting.removeAll()
                guard waitForOthers,
                      try await environment.store.unfinishedSagas().contains(where: { !tried.contains($0.id) || stopped.contains($0.id) })
                else {
                    return results
                }
                try await Task.sleep(for: .seconds(1))
                tried.subtract(stopped)
                stopped.removeAll()
            }
        }
    }

    /// Runs one saga of several: an error that stops it (a lost lease, a ledger write that failed, a
    /// database that went away) is logged and leaves it unfinished for a later resume, instead of
    /// cancelling its siblings. Returns the status the ledger then shows.
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

    /// Runs a claimed saga with a heartbeat that renews the lease and moves the request fence with it;
    /// gives the lease up if it stops before a final status.
    func runLeased(sagaID: String, claimedAt: ContinuousClock.Instant) async throws -> SagaStatus {
        let store = environment.store
        let (owner, leaseSeconds) = (owner, leaseSeconds)
        let fence = RequestFence(until: claimedAt + .milliseconds(Int(leaseSeconds * 1000)))
        do {
            return try await withWatcher({
                while true {
                    try await Task.sleep(for: .milliseconds(Int(leaseSeconds * 1000 / 3)))
                    let renewing = ContinuousClock.now
                    guard try await store.renewLease(id: sagaID, owner: owner, leaseSeconds: leaseSeconds) else {
                        // The saga may have just ended (or halted), releasing the lease as it did: then
                        // there is nothing left to guard. Otherwise another worker took it over.
                        if try await store.saga(id: sagaID)?.status.releasesLease == true { return }
                        throw StoreError.leaseLost(sagaID: sagaID, owner: owner)
                    }
                    fence.extend(to: renewing + .milliseconds(Int(leaseSeconds * 1000)))
                }
            }, running: { try await RequestFence.$current.withValue(fence) { try await runClaimed(sagaID: sagaID) } })
        } catch {
            try? await store.releaseLease(id: sagaID, owner: owner)
            throw error
        }
    }

    /// Errors that stop this worker's run of a saga without touching the ledger (which is no longer
    /// its to write, cannot be written, or must not be written after a cancellation), rather than
    /// failing a step.
    static func stopsTheWorker(_ error: any Error) -> Bool {
        switch error {
        case is CancellationError, is LedgerUnavailable, is SimulatedCrash: true
        case let error as StoreError: error.isLeaseLost
        case let error as DigitalOceanError: error.code == .fenced
        default: false
        }
    }

    /// A ledger write; any failure stops the worker (``LedgerUnavailable``) instead of failing a step.
    func ledger<T: Sendable>(_ write: () async throws -> T) async throws -> T {
        do {
            return try await write()
        } catch let error where Self.stopsTheWorker(error) {
            throw error
        } catch {
            throw LedgerUnavailable(underlying: error)
        }
    }

    /// The client's back-off, from the step environment's base delay: a step is retried as a request is.
    func backoff(attempt: Int, retryAfter: Double?) -> Double {
        RetryPolicy(baseDelay: environment.retryBaseDelay.timeInterval).delay(afterAttempt: attempt, retryAfter: retryAfter)
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        start.duration(to: .now).timeInterval
    }
}

/// A write to the saga ledger failed (the database is busy past its time-out, or gone): the worker
/// stops and leaves the saga where the ledger last shows it, for resume.
struct LedgerUnavailable: Error, CustomStringConvertible {
    var underlying: any Error
    var description: String { "the saga ledger could not be written (\(underlying)); the saga is left for `arcadia sagas resume`" }
}
