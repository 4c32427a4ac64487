import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Issue 10, defects 5, 6 and 7: compensations that meet a fault, adopt the wrong action, or run
/// while the action they undo is still in flight. Each once left a droplet off or a snapshot behind.
@Suite struct CompensationDurabilityTests {
    private static let actionsRoute = "POST /v2/droplets/{droplet_id}/actions"
    private static let resizeErrors = #"{"fault": "action_error", "action_type": "resize"}"#

    /// One 503 on the power-on of a resize's rollback: the compensation retries, the droplet ends on.
    @Test(arguments: StoreEngine.allCases) func aCompensationRetriesATransientFault(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb")])
            let plan = try await loop.plan()
            // The resize action errors; then, of the droplet's action POSTs (power_off, resize, power_on),
            // the third, the rollback's power_on, is answered 503.
            try await setFaults(loop.sim, #"{"once": [\#(Self.resizeErrors), {"fault": "error", "route": "\#(Self.actionsRoute)", "status": 503, "after": 2}]}"#)

            #expect(try await loop.apply(plan).sagas.map(\.status) == [.rolledBack])
            let app = try await loop.sim.waitUntilIdle(dropletID: try #require(try await loop.droplets(named: "app").first).id)
            #expect(app.status == "active", "powered back on")
            #expect(app.sizeSlug == "s-1vcpu-1gb")
        }
    }

    /// A compensation that keeps failing halts the saga `failed`; plan names it, and once the cause
    /// is gone a resume carries the compensation on to the end.
    @Test(arguments: StoreEngine.allCases) func aHaltedCompensationCanBeResumed(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb")])
            let plan = try await loop.plan()
            // Every attempt at the rollback's power_on (three, the harness's maximum) is answered 503.
            let shot = #"{"fault": "error", "route": "\#(Self.actionsRoute)", "status": 503}"#
            try await setFaults(loop.sim, #"{"once": [\#(Self.resizeErrors), {"fault": "error", "route": "\#(Self.actionsRoute)", "status": 503, "after": 2}, \#(shot), \#(shot)]}"#)

            let outcome = try await loop.apply(plan)
            #expect(outcome.sagas.map(\.status) == [.failed])
            let id = try #require(outcome.sagas.first?.id)
            let halted = try #require(try await loop.store.saga(id: id))
            #expect(halted.owner == nil, "a halted saga holds no lease")
            #expect(halted.steps.first { $0.name == "PowerOff" }?.status == .compensationFailed)
            #expect(try await loop.plan().blocked.map(\.sagaID) == [id], "plan reports the halted saga")
            let droplet = try #require(try await loop.droplets(named: "app").first)
            #expect(try await loop.sim.waitUntilIdle(dropletID: droplet.id).status == "off", "left off, for now")

            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.rolledBack])
            #expect(try await loop.sim.waitUntilIdle(dropletID: droplet.id).status == "active")
            #expect(try await loop.plan().changes.map(\.sagaKind) == ["resize"], "the resize is wanted again, no longer blocked")
        }
    }

    /// A rollback's power_on whose POST is dropped must not adopt the saga's own earlier power_on:
    /// the compensation posts again, and the droplet ends on.
    @Test(arguments: StoreEngine.allCases) func aLostAnswerNeverAdoptsAnActionTheSagaAlreadyUsed(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb")])
            let plan = try await loop.plan()
            // POSTs: power_off, resize, power_on (forward); power_off, resize, power_on (rollback): drop the sixth.
            try await setFaults(loop.sim, #"{"once": [{"fault": "drop", "route": "\#(Self.actionsRoute)", "after": 5}]}"#)
            let store = loop.store
            let cancelling = try loop.runner { point in
                guard point.description == "resize:PowerOn:after-ledger", let saga = try await store.unfinishedSagas().first else { return }
                _ = try await store.requestCancel(id: saga.id, pivotSteps: [])
            }
            let outcome = try await loop.apply(plan, runner: cancelling)
            #expect(outcome.sagas.map(\.status) == [.cancelled])
            let droplet = try await loop.sim.waitUntilIdle(dropletID: try #require(try await loop.droplets(named: "app").first).id)
            #expect(droplet.status == "active", "the rollback powered it on itself")
            #expect(droplet.sizeSlug == "s-1vcpu-1gb")
            let powerOns = try await loop.store.actions(sagaID: try #require(outcome.sagas.first?.id)).filter { $0.actionType == "power_on" }
            #expect(Set(powerOns.map(\.actionID)).count == 2, "two distinct power_on actions: the forward one and the rollback's")
        }
    }

    /// Killed while the snapshot action is in flight, then cancelled: the compensation waits for the
    /// snapshot and deletes it, so none appears later. Both before and after the ledger knows the action.
    @Test(arguments: StoreEngine.allCases, ["after-post", "polling"])
    func cancelDuringAnInFlightSnapshotLeavesNoSnapshot(engine: StoreEngine, moment: String) async throws {
        // A 150 s snapshot takes 1.5 s here: long enough to be in flight when the cancel comes, even on
        // a loaded machine (at the default scale it took 0.3 s and could finish first).
        try await ReconcileLoop.with(engine: engine, timeScale: 0.01) { loop in
            let outcome = try await resizeWithSnapshot(loop, dyingAt: moment)
            let id = try #require(outcome.sagas.first?.id)
            let droplet = try #require(try await loop.droplets(named: "app").first)

            #expect(try await loop.runner().cancel(sagaID: id) == .ended(.cancelled))
            // Long past the moment the snapshot would list: none does.
            _ = try await loop.sim.waitUntilIdle(dropletID: droplet.id)
            loop.sim.advance(byDigitalOceanSeconds: 60)
            #expect(try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).isEmpty)
            #expect(try await loop.sim.waitUntilIdle(dropletID: droplet.id).status == "active")
        }
    }

    /// Killed while the snapshot is in flight, then resumed: one snapshot, not two.
    @Test(arguments: StoreEngine.allCases, ["after-post", "polling"])
    func resumeDuringAnInFlightSnapshotTakesNoSecond(engine: StoreEngine, moment: String) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            _ = try await resizeWithSnapshot(loop, dyingAt: moment)
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.completed])
            let droplet = try #require(try await loop.droplets(named: "app").first)
            #expect(try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).count == 1)
        }
    }

    /// A droplet applied with `snapshotBeforeResize`, then resized by a worker that dies at
    /// `SnapshotDroplet:<moment>`, while the snapshot action is in flight.
    private func resizeWithSnapshot(_ loop: ReconcileLoop, dyingAt moment: String) async throws -> PlanExecutor.Outcome {
        let policy = "policy:\n  snapshotBeforeResize: true\n"
        try loop.write(["app.yaml": dropletSpec(name: "app", policy: policy)])
        #expect(try await loop.planAndApply())
        try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb", policy: policy)])
        return try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "resize:SnapshotDroplet:\(moment)"))
    }

    private func setFaults(_ sim: SimulatorHarness, _ plan: String) async throws {
        let response = try await sim.request("POST", "/_sim/faults", body: plan)
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
    }
}
