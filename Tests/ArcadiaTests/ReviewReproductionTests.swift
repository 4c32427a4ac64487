import ArcadiaSagas
@testable import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// What the adversarial review of issue 10's fixes reproduced, each kept as a test: an in-flight
/// destroy, another saga's action, a stale apply writing sagas, a compensation deleting an untagged
/// droplet, a leaked droplet called "in sync", and a cancel leaving Arcadia's record behind.
@Suite struct ReviewReproductionTests {
    /// The destroy had recorded its DELETE as about to be sent when the process died: the droplet
    /// still lists, but the DELETE may be in flight, so the saga can no longer be undone (undoing it
    /// deleted the replacement, and the delayed DELETE then the original: no droplet at all).
    @Test(arguments: StoreEngine.allCases) func aDestroyThatMayBeInFlightCannotBeUndone(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])
            let outcome = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "replace:DestroyDroplet:sending"))
            let id = try #require(outcome.sagas.first?.id)
            #expect(try await loop.droplets(named: "app").count == 2, "the DELETE was not sent yet")

            #expect(try await loop.runner().cancel(sagaID: id) == .refused(pointOfNoReturn: "DestroyDroplet"))
            // Nor is it superseded when the spec goes back: it is finished.
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.completed])
            #expect(try await loop.droplets(named: "app").map { $0.image.slug } == ["debian-12-x64"])
        }
    }

    /// A rollback's power_on whose POST is dropped must not adopt an earlier saga's power_on on the
    /// same droplet (it adopted one, and the droplet stayed off under a `rolled_back` saga).
    @Test(arguments: StoreEngine.allCases) func aLostAnswerNeverAdoptsAnotherSagasAction(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["r1.yaml": dropletSpec(name: "r1")])
            #expect(try await loop.planAndApply())
            try loop.write(["r1.yaml": dropletSpec(name: "r1", size: "s-1vcpu-2gb")])
            #expect(try await loop.planAndApply(), "an earlier resize: power_off, resize, power_on")
            try loop.write(["r1.yaml": dropletSpec(name: "r1")])
            let plan = try await loop.plan()
            // This resize errors; of this saga's action POSTs (power_off, resize, then the rollback's
            // power_on) the third is dropped before it acts.
            let faults = #"{"once": [{"fault": "action_error", "action_type": "resize"}, {"fault": "drop", "route": "POST /v2/droplets/{droplet_id}/actions", "after": 2}]}"#
            #expect(try await loop.sim.request("POST", "/_sim/faults", body: faults).status == 200)
            #expect(try await loop.apply(plan).sagas.map(\.status) == [.rolledBack])
            let droplet = try await loop.sim.waitUntilIdle(dropletID: try #require(try await loop.droplets(named: "r1").first).id)
            #expect(droplet.status == "active", "powered back on by this saga's own power_on")
        }
    }

    /// An apply that lost the PostgreSQL apply lock (stopped at its prompt past the lease, and taken
    /// over) writes no saga: it once left a pending create that a resume ran as a second droplet.
    @Test func sagasAreWrittenOnlyUnderTheApplyLock() async throws {
        try await withTemporaryStore(engine: .postgres) { store, _ in
            let saga = SagaRecord(
                id: UUID().uuidString.lowercased(), kind: "create", resourceKind: "Droplet", resourceName: "web", context: "{}",
                steps: [SagaStepRecord(position: 0, name: "CreateDroplet")]
            )
            let me = WorkerIdentity.current.description
            try await store.run("""
                INSERT INTO arcadia_locks (name, holder, owner, since, expires_at)
                VALUES ('apply', 'the apply that took over', 'ops-2:77:bbbb0000:x.1.1', \(bind: Store.timestamp()), \(bind: Store.timestamp(Date().addingTimeInterval(30))))
                """)
            let refused = await #expect(throws: StoreError.self) { try await store.insertSagas([saga], applyLockOwner: me) }
            #expect(refused?.description.contains("this apply lost the state lock") == true)
            #expect(try await store.sagas().isEmpty, "nothing written")

            try await store.run("DELETE FROM arcadia_locks")
            try await store.withApplyLock(holder: "me", owner: me) {
                try await store.insertSagas([saga], applyLockOwner: me)
            }
            #expect(try await store.sagas().map(\.id) == [saga.id])
        }
    }

    /// A create undone after its droplet lost `managed-by-arcadia` leaves that droplet alone.
    @Test(arguments: StoreEngine.allCases) func undoingACreateLeavesADropletThatLostItsTag(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["u1.yaml": dropletSpec(name: "u1")])
            let outcome = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateDroplet:after-call"))
            let droplet = try #require(try await loop.droplets(named: "u1").first)
            let body = #"{"resources": [{"resource_id": "\#(droplet.id)", "resource_type": "droplet"}]}"#
            #expect(try await loop.sim.request("DELETE", "/v2/tags/managed-by-arcadia/resources", body: body).status == 204)
            #expect(try await loop.runner().cancel(sagaID: try #require(outcome.sagas.first?.id)) == .ended(.cancelled))
            #expect(try await loop.droplets(named: "u1").map(\.id) == [droplet.id], "not deleted")
        }
    }

    /// A create killed after it posted, then its spec removed: the plan is not "in sync", names the
    /// saga, and does not call its droplet another state's.
    @Test(arguments: StoreEngine.allCases) func aLeakedCreateIsNeverInSync(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            let outcome = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateDroplet:after-call"))
            try loop.remove("web.yaml")
            let plan = try await loop.plan()
            #expect(!plan.isInSync)
            #expect(plan.blocked.map(\.sagaID) == outcome.sagas.map { Optional($0.id) })
            #expect(plan.foreignManagedCount == 0)
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 1).map(\.status) == [.superseded])
            #expect(try await loop.droplets(named: "web").isEmpty)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A cancel after the record step acted puts Arcadia's record back: the plan against the specs
    /// as they were before is clean (a stale record once planned a destroy or a record-only update).
    @Test(arguments: StoreEngine.allCases, ["create:RegisterDroplet:after-call", "resize:RecordApplied:after-call"])
    func cancellingAfterTheRecordStepRestoresTheRecord(engine: StoreEngine, point: String) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let isResize = point.hasPrefix("resize")
            if isResize {
                try loop.write(["web.yaml": dropletSpec(name: "web")])
                #expect(try await loop.planAndApply())
            }
            let before = isResize ? ["web.yaml": dropletSpec(name: "web")] : [:]
            try loop.write(["web.yaml": dropletSpec(name: "web", size: "s-1vcpu-2gb")])
            let outcome = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: point))
            #expect(try await loop.runner().cancel(sagaID: try #require(outcome.sagas.first?.id)) == .ended(.cancelled))

            try loop.remove("web.yaml")
            try loop.write(before)
            let plan = try await loop.plan()
            #expect(plan.isInSync, "changes: \(plan.changes.map(\.change.action)), blocked: \(plan.blocked.map(\.reason))")
        }
    }

    /// Processes that open a new SQLite state together all succeed: migrations re-check under the
    /// write lock (one used to fail with "table resources already exists").
    @Test func processesOpeningANewStateTogetherAllSucceed() async throws {
        try await withTemporaryDirectory { directory in
            let cli = try CommandRunner()
            let url = "sqlite:\(directory.appendingPathComponent("new.sqlite").path)"
            let statuses = try await withThrowingTaskGroup(of: Int32.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await cli.run(["migrate"], in: directory, environment: ["ARCADIA_DATABASE_URL": url]).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == [0, 0, 0, 0])
        }
    }
}
