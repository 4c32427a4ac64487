import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// A failing step rolls its saga back: nothing is left behind and the ledger says what happened.
@Suite struct CompensationTests {
    private func applyOnce(_ loop: ReconcileLoop, specs: [String: String]) async throws -> PlanExecutor.Outcome {
        try loop.write(specs)
        return try await loop.apply(try await loop.plan())
    }

    /// DigitalOcean refuses the create (here a size that `plan` would have caught: the plan is made by the pure
    /// planner alone, as if the catalogue had changed between plan and apply).
    @Test(arguments: StoreEngine.allCases) func createRejectedByDigitalOceanRollsBack(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (sim, store) = (loop.sim, loop.store)
            try loop.write(["big.yaml": dropletSpec(name: "big", size: "s-999vcpu-1tb")])
            let desired = try SpecLoader.load(directory: loop.specs.path)
            let outcome = try await loop.apply(Planner.plan(Differ.diff(desired: desired, applied: [], live: []), fingerprint: ""))
            let sagaID = try #require(outcome.sagas.first).id
            let saga = try #require(try await store.saga(id: sagaID))
            #expect(saga.status == .rolledBack)
            #expect(saga.steps.map(\.status) == [.failed, .pending, .pending])
            #expect(saga.steps.first?.error?.contains("invalid size") == true)
            #expect(saga.steps.first?.attempts == 1, "a 422 is permanent: no retry")
            #expect(try await sim.client.listDroplets().isEmpty)
            #expect(try await store.provisioned(kind: "Droplet").isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases) func createActionThatErrorsDeletesTheHalfMadeDroplet(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (sim, store) = (loop.sim, loop.store)
            try await sim.failNextAction("create")
            let outcome = try await applyOnce(loop, specs: ["web.yaml": dropletSpec(name: "web")])
            let sagaID = try #require(outcome.sagas.first).id
            let saga = try #require(try await store.saga(id: sagaID))
            #expect(saga.status == .rolledBack)
            #expect(saga.steps.map(\.name) == ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"])
            #expect(saga.steps.map(\.status) == [.compensated, .failed, .pending])
            #expect(saga.error?.contains("errored") == true)
            #expect(try await sim.client.listDroplets().isEmpty, "the droplet whose creation failed is deleted")
            #expect(try await store.provisioned(kind: "Droplet").isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases) func failedResizeLeavesTheDropletRunningAtItsOldSize(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (sim, store) = (loop.sim, loop.store)
            #expect(try await applyOnce(loop, specs: ["web.yaml": dropletSpec(name: "web")]).isSuccess)
            try await sim.failNextAction("resize")
            let outcome = try await applyOnce(loop, specs: ["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")])
            let sagaID = try #require(outcome.sagas.first).id
            let saga = try #require(try await store.saga(id: sagaID))
            #expect(saga.status == .rolledBack)
            #expect(saga.steps.map(\.status) == [.compensated, .failed, .pending, .pending, .pending])
            let droplet = try #require(try await sim.client.listDroplets().first)
            #expect(droplet.sizeSlug == "s-1vcpu-1gb")
            #expect(droplet.status == "active", "PowerOff's compensation powered it back on")
            let applied = try #require(try await store.provisioned(kind: "Droplet").first)
            #expect(applied.spec.contains("s-1vcpu-1gb"), "the applied record still says the old size")
        }
    }

    @Test(arguments: StoreEngine.allCases) func failureAfterResizeResizesBack(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (sim, store) = (loop.sim, loop.store)
            #expect(try await applyOnce(loop, specs: ["web.yaml": dropletSpec(name: "web")]).isSuccess)
            try await sim.failNextAction("power_on")
            let outcome = try await applyOnce(loop, specs: ["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")])
            let sagaID = try #require(outcome.sagas.first).id
            let saga = try #require(try await store.saga(id: sagaID))
            #expect(saga.status == .rolledBack)
            #expect(saga.steps.map(\.status) == [.compensated, .compensated, .failed, .pending, .pending])
            let droplet = try #require(try await sim.client.listDroplets().first)
            #expect(droplet.sizeSlug == "s-1vcpu-1gb")
            #expect(droplet.status == "active")
        }
    }
}
