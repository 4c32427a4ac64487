import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Drift of the power state and drift accepted by hand, against the simulator over real HTTP.
@Suite struct PowerDriftTests {
    static let revert = "policy:\n  drift: revert"

    /// Powered off by hand: plan records `status` drift; with policy.drift revert, apply powers it on
    /// and closes the record `reverted`, and the next plan is in sync. The check costs no request.
    @Test(arguments: StoreEngine.allCases) func aDropletPoweredOffByHandIsDriftAndRevertedWithPolicyRevert(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web", policy: Self.revert)])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            var inSync = false
            let inSyncCost = try await requests(loop) { inSync = try await loop.plan().isInSync }
            #expect(inSync)
            try await loop.sim.performByHand(.powerOff, dropletID: id)

            var plan = try await loop.plan()
            let offCost = try await requests(loop) { plan = try await loop.plan() }
            #expect(offCost == inSyncCost, "detecting a powered-off droplet costs no request beyond the sync")
            #expect(plan.drift.map { "\($0.field): expected \($0.expected), actual \($0.actual)" } == ["status: expected active, actual off"])
            #expect(plan.changes.map(\.sagaKind) == ["power-on"])
            #expect(try await loop.store.drift(status: .open).map(\.field) == ["status"])
            let cause = try #require(try await loop.store.drift(status: .open).first?.cause, "the power_off by hand is named")
            #expect(cause.type == "power_off")

            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await loop.sim.client.getDroplet(id: id).status == "active")
            #expect(try await loop.store.drift(status: .reverted).map(\.field) == ["status"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// With the default policy (report), the power-off is reported and left: nothing is powered on.
    @Test func aDropletPoweredOffByHandIsReportedWithPolicyReport() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try await loop.sim.performByHand(.powerOff, dropletID: id)
            let plan = try await loop.plan()
            #expect(plan.changes.isEmpty)
            #expect(plan.drift.map(\.isRevertPlanned) == [false])
            #expect(plan.warnings.map(\.code) == ["drift_not_reverted"])
            #expect(!plan.isInSync)
            #expect(try await loop.sim.client.getDroplet(id: id).status == "off")
        }
    }

    /// The controller backs off a revert that keeps coming back: a held power state is not powered on
    /// (drift still recorded, with a warning that says why), and powered on once the hold is gone.
    @Test func aHeldPowerRevertIsNotPlannedUntilTheHoldEnds() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web", policy: Self.revert)])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try await loop.sim.performByHand(.powerOff, dropletID: id)
            let reconciler = Reconciler(client: loop.sim.client, store: loop.store)
            let desired = try SpecLoader.load(directory: loop.specs.path)

            let held = try await reconciler.plan(desired: desired, driftReverts: .byPolicy(holding: ["Droplet/web/status"]))
            #expect(held.changes.isEmpty, "\(held.changes.map(\.sagaKind))")
            #expect(held.drift.map { "\($0.field) \($0.isRevertPlanned)" } == ["status false"])
            #expect(held.warnings.map(\.code) == ["revert_held"])
            let other = try await reconciler.plan(desired: desired, driftReverts: .byPolicy(holding: ["Droplet/web/tags"]))
            #expect(other.changes.map(\.sagaKind) == ["power-on"], "a hold on another field holds nothing here")
        }
    }

    /// A resize killed after PowerOff leaves the droplet off: that is the saga's, not drift; resume
    /// finishes it and the droplet runs again.
    @Test func aDropletOffBecauseItsResizeIsUnfinishedIsNotDrift() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web", policy: Self.revert)])
            #expect(try await loop.planAndApply())
            try loop.write(["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb", policy: Self.revert)])
            _ = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "resize:PowerOff:after-ledger"))
            let id = try #require(try await loop.droplets(named: "web").first).id
            #expect(try await loop.sim.client.getDroplet(id: id).status == "off")

            let plan = try await loop.plan()
            #expect(plan.drift.isEmpty)
            #expect(plan.changes.isEmpty)
            #expect(plan.blocked.map(\.name) == ["web"])
            #expect(try await loop.store.drift(status: .open).isEmpty)
        }
    }

    /// Editing the spec to the drifted live value closes the record `accepted`, not `stale`.
    @Test(arguments: StoreEngine.allCases) func driftAcceptedByHandClosesAccepted(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try await loop.sim.performByHand(.powerOff, dropletID: id)
            try await loop.sim.performByHand(.resize(to: "s-2vcpu-2gb", disk: false), dropletID: id)
            try await loop.sim.performByHand(.powerOn, dropletID: id)
            _ = try await loop.plan()
            #expect(try await loop.store.drift(status: .open).map(\.field) == ["size"])

            try loop.write(["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.steps) == [["RecordApplied"]])
            #expect(try await loop.store.drift(status: .open).isEmpty)
            #expect(try await loop.store.drift(status: .accepted).map(\.field) == ["size"])
            #expect(try await loop.store.drift(status: .stale).isEmpty)
        }
    }

    /// The simulator's request count spent by `body`.
    func requests(_ loop: ReconcileLoop, _ body: () async throws -> Void) async throws -> Int {
        let before = try await loop.sim.json("GET", "/_sim/stats").object["total"] as? Int ?? -1
        try await body()
        let after = try await loop.sim.json("GET", "/_sim/stats").object["total"] as? Int ?? -2
        return after - before - 1
    }
}
