import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Every step may run again after a crash; running it twice must not do the work twice.
@Suite struct StepIdempotencyTests {
    private func createContext(name: String, sagaID: String = UUID().uuidString.lowercased()) throws -> SagaContext {
        let desired = DesiredResource.droplet(
            name: name, spec: DropletSpec(region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: ["web"]),
            source: SourceLocation(path: "\(name).yaml", line: 1, column: 1)
        )
        return SagaContext(SagaInput(kind: .droplet, name: name, sagaID: sagaID, sagaTag: Ownership.sagaTag(forSagaID: sagaID), desired: desired))
    }

    @Test(arguments: StoreEngine.allCases) func createDropletRunTwiceAdoptsInsteadOfCreatingAgain(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                let context = try createContext(name: "web")
                let first = try await CreateDroplet().execute(context, in: environment)
                // As after a crash between the API call and the ledger write: the same step, the old context.
                let second = try await CreateDroplet().execute(context, in: environment)
                let droplets = try await sim.client.listDroplets()
                #expect(droplets.count == 1)
                #expect(first[.resourceID] == second[.resourceID])
                let tags = try #require(droplets.first?.tags)
                #expect(tags.contains(Ownership.managedTag))
                #expect(tags.contains(context.input.sagaTag))
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func compensatingCreateFindsTheDropletByTagWithoutItsID(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                let context = try createContext(name: "web")
                _ = try await CreateDroplet().execute(context, in: environment)
                try await CreateDroplet().compensate(context, in: environment)
                try await CreateDroplet().compensate(context, in: environment)
                #expect(try await sim.client.listDroplets().isEmpty)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func powerResizeAndDestroyStepsAreNoOpsWhenAlreadyDone(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                var context = try await CreateDroplet().execute(try createContext(name: "web"), in: environment)
                context = try await WaitDropletActive().execute(context, in: environment)
                context.input.fields = [FieldChange(field: "size", from: "s-1vcpu-1gb", to: "s-2vcpu-2gb")]
                let dropletID = try #require(context[.resourceID].flatMap(Int.init))
                context.input.destroyID = String(dropletID)

                for step in [PowerOff(), PowerOff()] as [any Step] { context = try await step.execute(context, in: environment) }
                for step in [Resize(), Resize()] as [any Step] { context = try await step.execute(context, in: environment) }
                for step in [PowerOn(), PowerOn()] as [any Step] { context = try await step.execute(context, in: environment) }
                let droplet = try await sim.client.getDroplet(id: dropletID)
                #expect(droplet.sizeSlug == "s-2vcpu-2gb")
                #expect(droplet.status == "active")
                let actions = try await sim.json("GET", "/v2/actions?per_page=200").object["actions"] as? [[String: Any]] ?? []
                #expect(actions.compactMap { $0["type"] as? String }.sorted() == ["create", "power_off", "power_on", "resize"],
                        "each action ran once although each step ran twice")

                _ = try await DestroyDroplet().execute(context, in: environment)
                _ = try await DestroyDroplet().execute(context, in: environment)
                #expect(try await sim.client.listDroplets().isEmpty)
            }
        }
    }

    /// After a crash between CreateDroplet and RegisterDroplet, plan leaves the resource alone and names its unfinished saga.
    /// RegisterDroplet and ForgetDroplet killed after their work and run again: the event log says
    /// once that the droplet was created, and once that it was destroyed.
    @Test(arguments: StoreEngine.allCases) func aRerunRecordStepWritesItsEventOnce(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(!(try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:RegisterDroplet:after-call"))).isSuccess)
            #expect(try await loop.runner().resume(parallelism: 1).map(\.status) == [.completed])
            try loop.remove("web.yaml")
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(!(try await loop.apply(teardown, runner: try loop.runner(dyingAt: "destroy:ForgetDroplet:after-call"))).isSuccess)
            #expect(try await loop.runner().resume(parallelism: 1).map(\.status) == [.completed])
            let types = try await loop.store.events(kind: "Droplet", name: "web").map(\.type)
            #expect(types.filter { $0 == "resource_created" }.count == 1, "\(types)")
            #expect(types.filter { $0 == "resource_destroyed" }.count == 1, "\(types)")
        }
    }

    @Test(arguments: StoreEngine.allCases) func planNamesTheUnfinishedSagaThatCreatedADroplet(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, directory in
                let environment = sim.stepEnvironment(store: store)
                let sagaID = UUID().uuidString.lowercased()
                let context = try await CreateDroplet().execute(try createContext(name: "web", sagaID: sagaID), in: environment)
                let encoder = JSONEncoder()
                try await store.insertSaga(SagaRecord(
                    id: sagaID, kind: "create", resourceKind: "Droplet", resourceName: "web", status: .running,
                    context: String(decoding: try encoder.encode(context), as: UTF8.self),
                    steps: [SagaStepRecord(position: 0, name: "CreateDroplet", status: .completed, attempts: 1)]
                ))
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let plan = try await Reconciler(client: sim.client, store: store).plan(desired: try SpecLoader.load(directory: specs.path))
                #expect(plan.changes.isEmpty, "never a second create")
                #expect(plan.blocked.map(\.sagaID) == [sagaID], "the resource is left alone while its saga is unfinished")
                #expect(plan.blocked.first?.reason.contains("`arcadia sagas resume` finishes it, or `arcadia sagas cancel \(sagaID.prefix(8))` undoes it") == true)
                #expect(!plan.isInSync)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases) func runnerResumesFromTheFirstUnfinishedStep(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                let sagaID = UUID().uuidString.lowercased()
                // A saga whose CreateDroplet completed before the process died.
                let context = try await CreateDroplet().execute(try createContext(name: "web", sagaID: sagaID), in: environment)
                var steps = ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"].enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element) }
                steps[0].status = .completed
                steps[0].attempts = 1
                let encoder = JSONEncoder()
                try await store.insertSaga(SagaRecord(
                    id: sagaID, kind: "create", resourceKind: "Droplet", resourceName: "web", status: .running,
                    context: String(decoding: try encoder.encode(context), as: UTF8.self), steps: steps
                ))
                #expect(try await SagaRunner(environment: environment).run(sagaID: sagaID) == .completed)
                let saga = try #require(try await store.saga(id: sagaID))
                #expect(saga.steps.map(\.attempts) == [1, 1, 1], "the completed step did not run again")
                #expect(try await sim.client.listDroplets().count == 1)
                #expect(try await store.provisioned(kind: "Droplet").first?.resourceID == context[.resourceID])
            }
        }
    }
}
