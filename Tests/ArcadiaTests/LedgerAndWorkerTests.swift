import ArcadiaSagas
@testable import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Logging
import Synchronization
import Testing

/// Issue 10, defects 2, 4 and 8: a ledger that cannot be written, workers that share a host name,
/// and an apply lock whose holder's host vanished.
@Suite struct LedgerAndWorkerTests {
    private static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        return logger
    }()

    /// The "step completed" write of a replace's destroy meets a busy database: the worker stops and
    /// leaves the step for resume; it does not take the write's failure for the step's and roll back
    /// (which deleted the replacement, leaving no droplet at all).
    @Test func aLedgerWriteThatFailsStopsTheWorkerInsteadOfRollingBack() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let path = directory.appendingPathComponent("state.sqlite").path
                let specs = directory.appendingPathComponent("specs")
                try await Store.withStore(.sqlite(path: path), logger: Self.logger, busyTimeout: .milliseconds(250)) { store in
                    try await Store.withStore(.sqlite(path: path), logger: Self.logger) { other in
                        let loop = ReconcileLoop(sim: sim, store: store, specs: specs)
                        try loop.write(["app.yaml": dropletSpec(name: "app")])
                        #expect(try await loop.planAndApply())
                        try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])

                        // Once the DELETE is done, another process takes the write lock and keeps it
                        // until the apply has returned: every ledger write of that apply meets a busy
                        // database (250 ms each), whatever the worker then tries.
                        let (applied, applyReturned) = AsyncStream<Void>.makeStream()
                        let holder = Recorded<Task<Void, any Error>>()
                        let busy = try loop.runner { point in
                            guard point.description == "replace:DestroyDroplet:after-call" else { return }
                            let (locked, signal) = AsyncStream<Void>.makeStream()
                            await holder.set(Task {
                                try await other.withTransaction { _ in
                                    signal.yield()
                                    for await _ in applied { break }
                                }
                            })
                            for await _ in locked { break }
                        }
                        let outcome = try await loop.apply(try await loop.plan(), runner: busy)
                        applyReturned.yield()
                        try await #require(await holder.value).value
                        let id = try #require(outcome.sagas.first?.id)
                        let saga = try #require(try await store.saga(id: id))
                        #expect(saga.status == .running, "left for resume, not rolled back")
                        #expect(saga.steps.first { $0.name == "DestroyDroplet" }?.status == .running)
                        #expect(try await loop.droplets(named: "app").map { $0.image.slug } == ["debian-12-x64"], "the replacement lives")

                        #expect(try await loop.runner(rechecking: true).resume(parallelism: 1).map(\.status) == [.completed])
                        #expect(try await loop.droplets(named: "app").count == 1)
                        #expect(try await loop.plan().isInSync)
                    }
                }
            }
        }
    }

    /// SQLite runs in WAL mode: a reader holding a read transaction (another `arcadia sagas list`,
    /// a backup) does not block the ledger's writes.
    @Test func aLongReaderDoesNotBlockTheLedger() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let path = directory.appendingPathComponent("state.sqlite").path
                try await Store.withStore(.sqlite(path: path), logger: Self.logger, busyTimeout: .milliseconds(100)) { store in
                    try await Store.withStore(.sqlite(path: path), logger: Self.logger) { reader in
                        let loop = ReconcileLoop(sim: sim, store: store, specs: directory.appendingPathComponent("specs"))
                        try loop.write(["web.yaml": dropletSpec(name: "web")])
                        let outcome = try await reader.withDatabase { database in
                            try await database.raw("BEGIN").run()
                            _ = try await database.raw("SELECT count(*) AS n FROM sagas").all()
                            let outcome = try await loop.apply(try await loop.plan())
                            try await database.raw("COMMIT").run()
                            return outcome
                        }
                        #expect(outcome.sagas.map(\.status) == [.completed])
                    }
                }
            }
        }
    }

    /// Two workers with one host name in different pid namespaces (two host-network containers): the
    /// holder's pid means nothing here, so its live lease is respected until it runs out.
    @Test(arguments: StoreEngine.allCases) func aHolderInAnotherPidNamespaceIsNeverJudgedByItsPid(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            let id = UUID().uuidString.lowercased()
            try await store.insertSaga(SagaRecord(
                id: id, kind: "create", resourceKind: "Droplet", resourceName: "web", context: "{}",
                steps: [SagaStepRecord(position: 0, name: "CreateDroplet")]
            ))
            let me = WorkerIdentity.current
            let parts = me.process.split(separator: ".")
            try #require(parts.count == 3, "this machine's /proc names the process")
            let elsewhere = WorkerIdentity(host: me.host, pid: Int32.max - 11, nonce: "0therns0", process: "\(parts[0]).4026531999.12345")
            #expect(!WorkerIdentity.isDead(elsewhere.description))
            #expect(try await store.claimSaga(id: id, owner: elsewhere.description, leaseSeconds: 3_600) == .claimed)
            guard case .held = try await store.claimSaga(id: id, owner: me.description, leaseSeconds: 30) else {
                Issue.record("a live lease from another pid namespace was taken over")
                return
            }
            // In this namespace, a pid now used by a process that started at another time is a dead holder.
            let reused = WorkerIdentity(host: me.host, pid: me.pid, nonce: "reused00", process: "\(parts[0]).\(parts[1]).1")
            #expect(WorkerIdentity.isDead(reused.description))
            // An identity in the old three-part form proves nothing.
            #expect(!WorkerIdentity.isDead("\(me.host):\(Int32.max - 11):deadbeef"))
        }
    }

    /// Past its fence (a worker's lease), the client sends nothing to DigitalOcean.
    @Test func noRequestStartsPastTheFence() async throws {
        try await SimulatorHarness.with { sim in
            let before = try await sim.json("GET", "/_sim/stats").object["total"] as? Int ?? -1
            let fence = RequestFence(until: .now)
            let error = await #expect(throws: DigitalOceanError.self) {
                try await RequestFence.$current.withValue(fence) { _ = try await sim.client.listDroplets() }
            }
            #expect(error?.code == .fenced)
            let after = try await sim.json("GET", "/_sim/stats").object["total"] as? Int ?? -2
            #expect(after == before, "nothing reached DigitalOcean")

            fence.extend(to: .now + .seconds(30))
            _ = try await RequestFence.$current.withValue(fence) { try await sim.client.listDroplets() }
        }
    }

    /// The PostgreSQL apply lock is a lease: a holder whose host vanished (its session may linger for
    /// hours behind a frozen proxy) loses it when the lease runs out; a live one keeps it; a holder on
    /// this host that is provably dead loses it at once.
    @Test func thePostgresApplyLockIsALease() async throws {
        try await withTemporaryStore(engine: .postgres) { store, _ in
            let me = WorkerIdentity.current
            let parts = me.process.split(separator: ".")
            try #require(parts.count == 3)
            func holdLock(owner: String, expiresIn seconds: Double) async throws {
                try await store.run("""
                    INSERT INTO arcadia_locks (name, holder, owner, since, expires_at)
                    VALUES ('apply', 'arcadia apply on ops-9', \(bind: owner), \(bind: Store.timestamp()), \(bind: Store.timestamp(Date().addingTimeInterval(seconds))))
                    ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, owner = excluded.owner, since = excluded.since, expires_at = excluded.expires_at
                    """)
            }

            try await holdLock(owner: "ops-9:4242:aaaa0000:\(parts[0]).1.1", expiresIn: 60)
            let refused = await #expect(throws: StoreError.self) { try await store.withApplyLock(holder: "second") {} }
            #expect(refused?.description.contains("arcadia apply on ops-9") == true)
            #expect(refused?.description.contains("its lease runs until") == true)

            let notes = Mutex<String?>(nil)
            try await holdLock(owner: "ops-9:4242:aaaa0000:\(parts[0]).1.1", expiresIn: -1)
            #expect(try await store.withApplyLock(holder: "after the vanished host", tookOver: { note in notes.withLock { $0 = note } }) { true })
            #expect(notes.withLock { $0 }?.contains("took the apply lock over from arcadia apply on ops-9: its lease ran out") == true)

            let dead = WorkerIdentity(host: me.host, pid: Int32.max - 13, nonce: "dead0000", process: me.process)
            try await holdLock(owner: dead.description, expiresIn: 60)
            #expect(try await store.withApplyLock(holder: "after the dead process", tookOver: { note in notes.withLock { $0 = note } }) { true })
            #expect(notes.withLock { $0 }?.contains("it is provably dead") == true)
            let rows = try await store.rows("SELECT count(*) AS n FROM arcadia_locks")
            #expect(try rows.first?.decode(column: "n", as: Int.self) == 0, "released when the apply ends")
        }
    }
}
