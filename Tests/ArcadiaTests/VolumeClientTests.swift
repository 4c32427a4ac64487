import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// The typed client's volume calls against the simulator, over real HTTP: what the Volume kind relies on.
@Suite struct VolumeClientTests {
    private func activeDroplet(_ sim: SimulatorHarness, _ name: String, region: String = "nyc3") async throws -> Int {
        let created = try await sim.client.createDroplet(DropletCreateRequest(name: name, region: region, size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
        return try await sim.waitUntilIdle(dropletID: created.droplet.id).id
    }

    /// Follows a volume action to its end by moving the simulated clock five of DigitalOcean's seconds at a time.
    private func settle(_ sim: SimulatorHarness, volumeID: String, _ action: Action) async throws -> Action {
        var current = action
        var polls = 0
        while !current.isDone, polls < 500 {
            sim.advance(byDigitalOceanSeconds: 5)
            current = try await sim.client.getVolumeAction(volumeID: volumeID, actionID: action.id)
            polls += 1
        }
        return current
    }

    @Test func aCreatedVolumeIsListedWithItsFields() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.client.createVolume(VolumeCreateRequest(
                name: "pgdata", region: "nyc3", sizeGigabytes: 100, filesystemType: "ext4", description: "postgres data", tags: ["db"]
            ))
            #expect(created.name == "pgdata")
            #expect(created.region == "nyc3")
            #expect(created.sizeGigabytes == 100)
            #expect(created.filesystemType == "ext4")
            #expect(created.description == "postgres data")
            #expect(created.tags == ["db"])
            #expect(created.dropletIDs.isEmpty)
            #expect(!created.createdAt.isEmpty)

            let bare = try await sim.client.createVolume(VolumeCreateRequest(name: "pgdata", region: "ams3", sizeGigabytes: 1))
            #expect(bare.filesystemType == nil, "unformatted")
            #expect(bare.description.isEmpty)
            #expect(bare.tags.isEmpty)

            #expect(Set(try await sim.client.listVolumes().map(\.id)) == [created.id, bare.id])
            #expect(try await sim.client.listVolumes(name: "pgdata", region: "nyc3") == [created])
            #expect(try await sim.client.listVolumes(name: "pgdata").count == 2, "one per region")
            #expect(try await sim.client.listVolumes(name: "other").isEmpty)
            #expect(try await sim.client.getVolume(id: created.id) == created)

            // One name per region: a second create is refused, so a repeated create is noticed.
            let again = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.createVolume(VolumeCreateRequest(name: "pgdata", region: "nyc3", sizeGigabytes: 10))
            }
            #expect(again?.status == 409)
            #expect(try await sim.client.listVolumes(name: "pgdata", region: "nyc3").count == 1)
        }
    }

    @Test func attachSetsTheDropletAndAnAttachedVolumeCannotBeDeleted() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "db")
            let volume = try await sim.client.createVolume(VolumeCreateRequest(name: "data", region: "nyc3", sizeGigabytes: 10))

            let attach = try await sim.client.performVolumeAction(volumeID: volume.id, .attach(dropletID: droplet, region: "nyc3"))
            #expect(attach.type == "attach_volume")
            #expect(try await settle(sim, volumeID: volume.id, attach).status == "completed")
            #expect(try await sim.client.getVolume(id: volume.id).dropletIDs == [droplet])
            #expect(try await sim.client.getDroplet(id: droplet).volumeIds == [volume.id])

            // DigitalOcean's answer to deleting an attached volume: 409, and the volume stays.
            let refused = await #expect(throws: DigitalOceanError.self) { try await sim.client.deleteVolume(id: volume.id) }
            #expect(refused?.status == 409)
            #expect(refused?.id == "conflict")
            #expect(refused?.message.contains("detach it first") == true)
            #expect(try await sim.client.getVolume(id: volume.id).dropletIDs == [droplet])

            let detach = try await sim.client.performVolumeAction(volumeID: volume.id, .detach(dropletID: droplet, region: "nyc3"))
            #expect(detach.type == "detach_volume")
            #expect(try await settle(sim, volumeID: volume.id, detach).status == "completed")
            #expect(try await sim.client.getVolume(id: volume.id).dropletIDs.isEmpty)
            #expect(try await sim.client.getDroplet(id: droplet).volumeIds == [])

            try await sim.client.deleteVolume(id: volume.id)
            #expect(try await sim.client.listVolumes().isEmpty)
            try await sim.client.deleteVolume(id: volume.id)  // already gone: done
            let missing = await #expect(throws: DigitalOceanError.self) { try await sim.client.getVolume(id: volume.id) }
            #expect(missing?.isNotFound == true)
        }
    }

    /// The refusals a repeated or early attach or detach meets, in the words clients match on.
    @Test func attachAndDetachAreRefusedAsDigitalOceanWordsIt() async throws {
        // A clock that moves only when told, so the droplet is surely still booting at the first attach.
        try await SimulatorHarness.with(configure: { $0.newDropletNotFoundSeconds = 0; $0.clock = SimulatorClock(manual: true) }) { sim in
            let created = try await sim.client.createDroplet(DropletCreateRequest(name: "db", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
            let volume = try await sim.client.createVolume(VolumeCreateRequest(name: "data", region: "nyc3", sizeGigabytes: 10))
            let booting = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performVolumeAction(volumeID: volume.id, .attach(dropletID: created.droplet.id))
            }
            #expect(booting?.status == 422)
            #expect(booting?.message == "Droplet already has a pending event.")

            let droplet = try await sim.waitUntilIdle(dropletID: created.droplet.id).id
            let attach = try await sim.client.performVolumeAction(volumeID: volume.id, .attach(dropletID: droplet))
            #expect(try await settle(sim, volumeID: volume.id, attach).status == "completed")
            let attachedAgain = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performVolumeAction(volumeID: volume.id, .attach(dropletID: droplet))
            }
            #expect(attachedAgain?.status == 422)
            #expect(attachedAgain?.message.contains("This volume is already attached") == true)

            let detach = try await sim.client.performVolumeAction(volumeID: volume.id, .detach(dropletID: droplet))
            #expect(try await settle(sim, volumeID: volume.id, detach).status == "completed")
            let detachedAgain = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performVolumeAction(volumeID: volume.id, .detach(dropletID: droplet))
            }
            #expect(detachedAgain?.status == 422)
            #expect(detachedAgain?.message.contains("Attachment not found") == true)
        }
    }

    @Test func aVolumeAttachesOnlyToADropletInItsRegion() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "far", region: "ams3")
            let volume = try await sim.client.createVolume(VolumeCreateRequest(name: "data", region: "nyc3", sizeGigabytes: 10))
            let refused = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performVolumeAction(volumeID: volume.id, .attach(dropletID: droplet))
            }
            #expect(refused?.status == 422)
            #expect(try await sim.client.getVolume(id: volume.id).dropletIDs.isEmpty)
        }
    }

    @Test func resizeGrowsAVolumeAndASmallerSizeIsRefused() async throws {
        try await SimulatorHarness.with { sim in
            let volume = try await sim.client.createVolume(VolumeCreateRequest(name: "logs", region: "nyc3", sizeGigabytes: 50))
            let grow = try await sim.client.performVolumeAction(volumeID: volume.id, .resize(sizeGigabytes: 200, region: "nyc3"))
            #expect(grow.type == "resize_volume")
            #expect(try await settle(sim, volumeID: volume.id, grow).status == "completed")
            #expect(try await sim.client.getVolume(id: volume.id).sizeGigabytes == 200)

            let shrink = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performVolumeAction(volumeID: volume.id, .resize(sizeGigabytes: 100, region: "nyc3"))
            }
            #expect(shrink?.status == 422)
            #expect(shrink?.id == "unprocessable_entity")
            #expect(shrink?.code == .api, "refused outright, not an unknown outcome")
            #expect(try await sim.client.getVolume(id: volume.id).sizeGigabytes == 200)
        }
    }
}
