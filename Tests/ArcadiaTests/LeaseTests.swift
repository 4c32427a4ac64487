import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Logging
import SQLKit
import Testing

/// Workers, leases, resume, cancel and the apply lock, on both engines.
@Suite struct LeaseTests {
    private func insertSaga(_ store: Store, steps: [String], status: SagaStatus = .pending, stepStatuses: [StepStatus]? = nil) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await store.insertSaga(SagaRecord(
            id: id, kind: "test", resourceKind: "Droplet", resourceName: "t", status: status, context: "{}",
            steps: steps.enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element, status: stepStatuses?[$0.offset] ?? .pending) }
        ))
        return id
    }

    private func registry(_ journal: SagaRunnerTests.Journal, _ names: [String]) -> StepRegistry {
        StepRegistry(names.map { SagaRunnerTests.ScriptedStep(name: $0, journal: journal) })
    }

    /// PostgreSQL serves each caller from a pool: a lease heartbeat goes through while another saga's
    /// transaction is open, instead of queueing behind it (one connection made it wait, and a slow
    /// write could let a live worker's lease run out).
    @Test(.timeLimit(.minutes(1))) func aHeartbeatDoesNotWaitBehindAnOpenTransaction() async throws {
        try await withTemporaryStore(engine: .postgres) { store, _ in
            let busy = try await insertSaga(store, steps: ["A"]), beating = try await insertSaga(store, steps: ["A"])
            let owner = "elsewhere:101:aaaa1111"
            #expect(try await store.claimSaga(id: beating, owner: owner, leaseSeconds: 30) == .claimed)
            let renewed = try await store.withTransaction { database in
                try await database.raw("UPDATE sagas SET error = 'busy' WHERE id = \(bind: busy)").run()
                // Still inside the open transaction: the heartbeat takes another connection.
                return try await store.renewLease(id: beating, owner: owner, leaseSeconds: 30)
            }
            #expect(renewed)
        }
    }

    @Test(arguments: StoreEngine.allCases) func aLeaseKeepsOtherWorkersOutUntilItRunsOut(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let id = try await insertSaga(store, steps: ["A"])
            let first = "elsewhere:101:aaaa1111", second = "elsewhere:202:bbbb2222"
            #expect(try await store.claimSaga(id: id, owner: first, leaseSeconds: 3) == .claimed)
            guard case .held(let holder, _) = try await store.claimSaga(id: id, owner: second, leaseSeconds: 3) else {
                Issue.record("the second worker claimed a leased saga")
                return
            }
            #expect(holder == first)
            #expect(try await store.claimNextRunnable(owner: second, leaseSeconds: 3) == nil, "nothing else is runnable")
            store.clock.advance(by: .milliseconds(3_100))
            #expect(try await store.claimNextRunnable(owner: second, leaseSeconds: 30) == id, "taken over once the lease ran out")
            // The first worker's writes are now fenced off.
            let fenced = await #expect(throws: StoreError.self) {
                try await store.updateSaga(id: id, status: .completed, context: "{}", owner: first)
            }
            #expect(fenced?.isLeaseLost == true)
            #expect(try await store.renewLease(id: id, owner: first, leaseSeconds: 30) == false)
            #expect(try await store.saga(id: id)?.status == .pending, "the fenced write changed nothing")
        }
    }

    @Test(arguments: StoreEngine.allCases) func aWorkerThatDiedOnThisHostIsTakenOverAtOnce(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = SagaRunnerTests.Journal()
                let id = try await insertSaga(store, steps: ["A", "B"], status: .running, stepStatuses: [.completed, .running])
                // A dead process on this host (no such pid) held it with an hour's lease.
                let dead = WorkerIdentity(host: WorkerIdentity.current.host, pid: Int32.max - 7, nonce: "deadbeef", process: WorkerIdentity.current.process).description
                #expect(try await store.claimSaga(id: id, owner: dead, leaseSeconds: 3_600) == .claimed)
                let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: registry(journal, ["A", "B"]))
                let results = try await runner.resume(parallelism: 4)
                #expect(results.map(\.status) == [.completed])
                #expect(journal.all == ["execute B"], "the completed step is not run again; the interrupted one is")
                let saga = try #require(try await store.saga(id: id))
                #expect(saga.owner == nil, "a finished saga holds no lease")
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func aLiveWorkersSagaIsLeftToIt(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = SagaRunnerTests.Journal()
                let id = try await insertSaga(store, steps: ["A"])
                #expect(try await store.claimSaga(id: id, owner: "another-host:77:cafe0000", leaseSeconds: 3_600) == .claimed)
                let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: registry(journal, ["A"]))
                #expect(try await runner.resume(parallelism: 2).isEmpty)
                await #expect(throws: StepError.self) { try await runner.run(sagaID: id) }
                #expect(journal.all.isEmpty)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func aSagaCaughtCompensatingFinishesItsCompensation(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = SagaRunnerTests.Journal()
                let id = try await insertSaga(store, steps: ["A", "B", "C"], status: .compensating, stepStatuses: [.completed, .compensating, .failed])
                let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: registry(journal, ["A", "B", "C"]))
                #expect(try await runner.run(sagaID: id) == .rolledBack)
                #expect(journal.all == ["compensate C", "compensate B", "compensate A"], "nothing runs forward again")
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func cancellingCompensatesWhatWasDoneAndEndsCancelled(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = SagaRunnerTests.Journal()
                let id = try await insertSaga(store, steps: ["A", "B", "C"], status: .running, stepStatuses: [.completed, .completed, .pending])
                #expect(try await store.requestCancel(id: id, pivotSteps: []) == .requested)
                let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: registry(journal, ["A", "B", "C"]))
                #expect(try await runner.run(sagaID: id) == .cancelled)
                #expect(journal.all == ["compensate B", "compensate A"])
                #expect(try await store.sagas(status: .cancelled).map(\.id) == [id])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func aSecondApplyIsToldWhoHoldsTheLock(engine: StoreEngine) async throws {
        var quiet = Logger(label: "test")
        quiet.logLevel = .warning
        let logger = quiet
        @Sendable func twoStores(_ body: @Sendable (Store, Store) async throws -> Void) async throws {
            switch engine {
            case .sqlite:
                try await withTemporaryDirectory { directory in
                    let url = DatabaseURL.sqlite(path: directory.appendingPathComponent("state.sqlite").path)
                    try await Store.withStore(url, logger: logger) { first in
                        try await Store.withStore(url, logger: logger) { second in try await body(first, second) }
                    }
                }
            case .postgres:
                try await withTemporaryPostgresDatabase { url in
                    try await Store.withStore(.postgres(url: url), logger: logger) { first in
                        try await Store.withStore(.postgres(url: url), logger: logger) { second in try await body(first, second) }
                    }
                }
            }
        }
        try await twoStores { first, second in
            try await first.withApplyLock(holder: "arcadia apply, pid 4242 on ops-1") {
                let refused = await #expect(throws: StoreError.self) {
                    try await second.withApplyLock(holder: "arcadia apply, pid 4343 on ops-2") {}
                }
                #expect(refused?.message.contains("arcadia apply, pid 4242 on ops-1, since 20") == true, "\(refused?.message ?? "")")
            }
            // Released: the second may take it now.
            try await second.withApplyLock(holder: "arcadia apply, pid 4343 on ops-2") {}
        }
    }

    /// A step that finds its saga's lease taken: the worker stops that saga, without compensating.
    struct LosesLease: Step {
        let name = "LosesLease"
        func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
            throw StoreError.leaseLost(sagaID: "x", owner: "y")
        }
        func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {
            Issue.record("a saga whose lease was lost must not be compensated by the worker that lost it")
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: StoreEngine.allCases) func aSagaThatStopsDoesNotStopItsSiblings(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let journal = SagaRunnerTests.Journal()
                let stopped = try await insertSaga(store, steps: ["LosesLease"])
                let finished = try await insertSaga(store, steps: ["A"])
                var steps: [any Step] = [LosesLease()]
                steps.append(SagaRunnerTests.ScriptedStep(name: "A", journal: journal))
                let runner = SagaRunner(environment: sim.stepEnvironment(store: store), registry: StepRegistry(steps))
                let results = Dictionary(uniqueKeysWithValues: try await runner.resume(parallelism: 2).map { ($0.id, $0.status) })
                #expect(results[finished] == .completed)
                #expect(results[stopped] == .running, "left unfinished, for a later resume")
                #expect(try await store.saga(id: stopped)?.owner == nil, "its lease was given up")
            }
        }
    }
}
