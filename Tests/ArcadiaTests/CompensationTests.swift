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
    private func applyOnce(_ sim: SimulatorHarness, _ store: Store, specs: [String: String], in directory: URL) async throws -> PlanExecutor.Outcome {
        let folder = directory.appendingPathComponent("specs")
        try writeSpecs(specs, to: folder)
        let plan = try await Reconciler(client: sim.client, store: store).plan(desired: try SpecLoader.load(directory: folder.path))
        return try await PlanExecutor(runner: SagaRunner(environment: sim.stepEnvironment(store: store))).apply(plan)
    }

    /// DigitalOcean refuses the create (here a size that `plan` would have caught: the plan is made by the pure
    /// planner alone, as if the catalogue had changed between plan and apply).
    @Test func createRejectedByDigitalOceanRollsBack() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore { store, directory in
                let folder = directory.appendingPathComponent("specs")
                try writeSpecs(["big.yaml": dropletSpec(name: "big", size: "s-999vcpu-1tb")], to: folder)
                let desired = try SpecLoader.load(directory: folder.path)
                let plan = Planner.plan(Differ.diff(desired: desired, applied: [], live: []), fingerprint: "")
                let outcome = try await PlanExecutor(runner: SagaRunner(environment: sim.stepEnvironment(store: store))).apply(plan)
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
    }

    @Test func createActionThatErrorsDeletesTheHalfMadeDroplet() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore { store, directory in
                try await sim.failNextAction("create")
                let outcome = try await applyOnce(sim, store, specs: ["web.yaml": dropletSpec(name: "web")], in: directory)
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
    }

    @Test func failedResizeLeavesTheDropletRunningAtItsOldSize() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore { store, directory in
                #expect(try await applyOnce(sim, store, specs: ["web.yaml": dropletSpec(name: "web")], in: directory).isSuccess)
                try await sim.failNextAction("resize")
                let outcome = try await applyOnce(sim, store, specs: ["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")], in: directory)
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
    }

    @Test func failureAfterResizeResizesBack() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore { store, directory in
                #expect(try await applyOnce(sim, store, specs: ["web.yaml": dropletSpec(name: "web")], in: directory).isSuccess)
                try await sim.failNextAction("power_on")
                let outcome = try await applyOnce(sim, store, specs: ["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")], in: directory)
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
}
