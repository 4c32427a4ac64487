import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Every volume step may run again after a crash; running it twice must not do the work twice, and a
/// worker killed inside a step leaves work that the resume adopts instead of repeating.
@Suite struct VolumeStepIdempotencyTests {
    private func context(attachTo: String? = "web", size: Int = 10) -> SagaContext {
        let sagaID = UUID().uuidString.lowercased()
        var spec = ResourceSpec(["region": .string("nyc3"), "sizeGigabytes": .integer(size), "filesystemType": .string("ext4"), "tags": .strings(["app"])])
        spec["attachTo"] = attachTo.map(SpecValue.string)
        let desired = DesiredResource(kind: .volume, name: "data-1", spec: spec, source: SourceLocation(path: "data-1.yaml", line: 1, column: 1))
        var input = SagaInput(kind: .volume, name: "data-1", sagaID: sagaID, sagaTag: Ownership.sagaTag(forSagaID: sagaID), desired: desired)
        input.snapshotName = "data-1-arcadia-\(input.sagaTag.dropFirst(Ownership.sagaTagPrefix.count))"
        return SagaContext(input)
    }

    /// A droplet `web` that Arcadia's state records, as its create saga leaves it.
    private func recordedDroplet(_ sim: SimulatorHarness, store: Store) async throws -> Int {
        let created = try await sim.client.createDroplet(DropletCreateRequest(name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
        let id = try await sim.waitUntilIdle(dropletID: created.droplet.id).id
        try await store.recordApplied(kind: "Droplet", name: "web", resourceID: String(id), spec: "{}", sagaID: "seed")
        return id
    }

    private func actionTypes(_ sim: SimulatorHarness, _ volumeID: String) async throws -> [String] {
        try await sim.client.recentVolumeActions(volumeID: volumeID).map(\.type).sorted()
    }

    @Test(arguments: StoreEngine.allCases) func eachStepRunTwiceDoesItsWorkOnce(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: engine) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                let dropletID = try await recordedDroplet(sim, store: store)
                let start = context()
                // As after a crash between the API call and the ledger write: the same step, the old context.
                let created = try await CreateVolume().execute(start, in: environment)
                let again = try await CreateVolume().execute(start, in: environment)
                let volumeID = try #require(created[.resourceID])
                #expect(again[.resourceID] == volumeID)
                let volumes = try await sim.client.listVolumes()
                #expect(volumes.count == 1)
                #expect(volumes.first.map { $0.tags.contains(Ownership.managedTag) && $0.tags.contains(start.input.sagaTag) } == true)

                var context = created
                for step in [AttachVolume(), AttachVolume(), ResizeVolume(), SetVolumeTags()] as [any Step] {
                    context = try await step.execute(context, in: environment)
                }
                #expect(try await sim.client.getVolume(id: volumeID).dropletIDs == [dropletID])
                var grown = context
                grown.input.desired?.spec["sizeGigabytes"] = .integer(20)
                grown.input.desired?.spec["tags"] = .strings(["app", "db"])
                for step in [ResizeVolume(), ResizeVolume(), SetVolumeTags(), SetVolumeTags()] as [any Step] {
                    grown = try await step.execute(grown, in: environment)
                }
                let volume = try await sim.client.getVolume(id: volumeID)
                #expect(volume.sizeGigabytes == 20)
                #expect(Set(volume.tags.filter { !Ownership.isOwnershipTag($0) }) == ["app", "db"])
                #expect(try await actionTypes(sim, volumeID) == ["attach_volume", "resize_volume"], "each action ran once although each step ran twice")

                var retiring = grown
                retiring.input.destroyID = volumeID
                for step in [DetachVolume(), DetachVolume(), SnapshotVolume(), SnapshotVolume(), DestroyVolume(), DestroyVolume()] as [any Step] {
                    retiring = try await step.execute(retiring, in: environment)
                }
                #expect(try await sim.client.listVolumes().isEmpty)
                #expect(try await sim.client.listSnapshots(resourceType: "volume").map(\.name) == [try #require(start.input.snapshotName)])
            }
        }
    }

    /// CreateVolume's compensation finds the volume by name, region and saga tag, without its id, and
    /// detaches it first if it is attached; run twice it is still done.
    @Test func compensatingCreateFindsTheVolumeWithoutItsID() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: .sqlite) { store, _ in
                let environment = sim.stepEnvironment(store: store)
                _ = try await recordedDroplet(sim, store: store)
                let start = context()
                _ = try await AttachVolume().execute(try await CreateVolume().execute(start, in: environment), in: environment)
                try await CreateVolume().compensate(start, in: environment)
                try await CreateVolume().compensate(start, in: environment)
                #expect(try await sim.client.listVolumes().isEmpty)
            }
        }
    }

    /// A volume of the name made by someone else is refused, not adopted.
    @Test func aNamesakeThisSagaDidNotCreateIsRefused() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryStore(engine: .sqlite) { store, _ in
                _ = try await sim.client.createVolume(VolumeCreateRequest(name: "data-1", region: "nyc3", sizeGigabytes: 10))
                let error = await #expect(throws: StepError.self) {
                    try await CreateVolume().execute(context(attachTo: nil), in: sim.stepEnvironment(store: store))
                }
                #expect(error?.changedNothing == true)
                #expect(error?.message.contains("this saga did not create it") == true)
            }
        }
    }

    /// Kill points inside and between the volume steps, as the crash suite has them: the resume finishes
    /// the saga with each piece of work done once.
    @Test(arguments: [
        "create:CreateVolume:after-call", "create:AttachVolume:after-post", "create:AttachVolume:polling",
        "resize:ResizeVolume:after-post", "move:DetachVolume:after-post", "move:AttachVolume:polling",
        "destroy:SnapshotVolume:after-call", "destroy:DestroyVolume:sending",
    ])
    func aResumeAfterAKillAdoptsInsteadOfRepeating(point: String) async throws {
        try await ReconcileLoop.with { loop in
            let scenario = String(point.prefix { $0 != ":" })
            let snapshot = "policy:\n  snapshotBeforeDestroy: true\n"
            var specs = ["web-1.yaml": dropletSpec(name: "web-1"), "web-2.yaml": dropletSpec(name: "web-2")]
            if scenario != "create" {
                try loop.write(specs.merging(["data-1.yaml": VolumeKindTests.volumeSpec(attachTo: "web-1", policy: snapshot)]) { $1 })
                #expect(try await loop.planAndApply())
            }
            switch scenario {
            case "create": specs["data-1.yaml"] = VolumeKindTests.volumeSpec(attachTo: "web-1")
            case "resize": specs["data-1.yaml"] = VolumeKindTests.volumeSpec(size: 200, attachTo: "web-1", policy: snapshot)
            case "move": specs["data-1.yaml"] = VolumeKindTests.volumeSpec(attachTo: "web-2", policy: snapshot)
            default: try loop.remove("data-1.yaml")
            }
            try loop.write(specs)
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: point))
            #expect(!killed.isSuccess)
            let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
            #expect(!resumed.isEmpty && resumed.allSatisfy { $0.status == .completed }, "\(resumed)")

            let volumes = try await loop.sim.client.listVolumes()
            switch scenario {
            case "destroy":
                #expect(volumes.isEmpty)
                #expect(try await loop.sim.client.listSnapshots(resourceType: "volume").count == 1)
            default:
                #expect(volumes.count == 1, "one volume, never two")
                let volume = try #require(volumes.first)
                let target = try await VolumeKindTests.dropletID(loop, scenario == "move" ? "web-2" : "web-1")
                #expect(volume.dropletIDs == [target])
                let types = try await loop.sim.client.recentVolumeActions(volumeID: volume.id).map(\.type)
                #expect(types.filter { $0 == "attach_volume" }.count == (scenario == "move" ? 2 : 1), "\(types)")
                #expect(types.filter { $0 == "resize_volume" }.count == (scenario == "resize" ? 1 : 0), "\(types)")
                #expect(types.filter { $0 == "detach_volume" }.count == (scenario == "move" ? 1 : 0), "\(types)")
            }
            #expect(try await loop.plan().isInSync)
        }
    }
}
