import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The typed client's tag calls against the simulator, over real HTTP.
@Suite struct TagClientTests {
    private func activeDroplet(_ sim: SimulatorHarness, _ name: String) async throws -> Int {
        let created = try await sim.client.createDroplet(DropletCreateRequest(name: name, region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
        return try await sim.waitUntilIdle(dropletID: created.droplet.id).id
    }

    @Test func creatingATagTwiceGivesTheFirstSpelling() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.client.createTag(name: "Prod")
            #expect(created == "Prod")
            #expect(try await sim.client.createTag(name: "Prod") == "Prod", "an existing tag is no error")
            #expect(try await sim.client.createTag(name: "PROD") == "Prod", "names compare case-insensitively")
        }
    }

    @Test func anInvalidTagNameIsRefusedWithDigitalOceansMessage() async throws {
        try await SimulatorHarness.with { sim in
            let refused = await #expect(throws: DigitalOceanError.self) { try await sim.client.createTag(name: "not valid") }
            #expect(refused?.status == 400)
            #expect(refused?.message.contains("contains invalid characters") == true, "read from the body's `error`")
        }
    }

    @Test func taggingADropletShowsInItsTagsAndUntaggingRemovesIt() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "web")
            let other = try await activeDroplet(sim, "worker")
            let tag = try await sim.client.createTag(name: "frontend")

            try await sim.client.tagResources(tag: tag, droplets: [droplet])
            try await sim.client.tagResources(tag: tag, droplets: [droplet])  // twice: no change
            #expect(try await sim.client.getDroplet(id: droplet).tags == ["frontend"])
            #expect(try await sim.client.getDroplet(id: other).tags.isEmpty)
            #expect(try await sim.client.listDroplets(tagName: "frontend").map(\.id) == [droplet])

            try await sim.client.untagResources(tag: tag, droplets: [droplet])
            #expect(try await sim.client.getDroplet(id: droplet).tags.isEmpty)
            #expect(try await sim.client.listDroplets(tagName: "frontend").isEmpty)
        }
    }

    @Test func volumesAreTaggedAndUntaggedToo() async throws {
        try await SimulatorHarness.with { sim in
            let volume = try await sim.client.createVolume(VolumeCreateRequest(name: "data", region: "nyc3", sizeGigabytes: 10, tags: ["db"]))
            let tag = try await sim.client.createTag(name: "backup-nightly")
            try await sim.client.tagResources(tag: tag, volumes: [volume.id])
            #expect(try await sim.client.getVolume(id: volume.id).tags == ["db", "backup-nightly"])
            try await sim.client.untagResources(tag: "db", volumes: [volume.id])
            #expect(try await sim.client.getVolume(id: volume.id).tags == ["backup-nightly"])
        }
    }

    @Test func taggingNeedsAnExistingTagButUntaggingFromAMissingOneIsDone() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "web")
            let missing = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.tagResources(tag: "never-created", droplets: [droplet])
            }
            #expect(missing?.isNotFound == true)
            try await sim.client.untagResources(tag: "never-created", droplets: [droplet])
            try await sim.client.tagResources(tag: "anything")  // nothing to tag: no request
            #expect(try await sim.client.getDroplet(id: droplet).tags.isEmpty)
        }
    }
}
