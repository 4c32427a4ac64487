import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// `GET /v2/droplets` encodes each droplet once and reuses the JSON: what a listing shows must still
/// be the droplet as it is now.
@Suite struct DropletListingTests {
    private func listed(_ sim: SimulatorHarness, _ id: Int) async throws -> Droplet {
        try #require(try await sim.client.listDroplets().first { $0.id == id })
    }

    @Test func aListedDropletShowsEveryChangeSinceTheLastListing() async throws {
        try await SimulatorHarness.with(configure: { $0.clock = SimulatorClock(manual: true) }) { sim in
            try #require(try await sim.json("POST", "/_sim/seed", body: #"{"droplets": 250, "prefix": "seed"}"#).status == 201)
            let request = DropletCreateRequest(name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64")
            let id = try await sim.client.createDroplet(request).droplet.id

            var droplet = try await listed(sim, id)
            #expect(droplet.status == "new")
            #expect(droplet.locked, "locked while it boots")
            #expect(droplet.networks.v4.isEmpty)
            sim.advance(byDigitalOceanSeconds: 60)
            droplet = try await listed(sim, id)
            #expect(droplet.status == "active")
            #expect(!droplet.locked)
            #expect(droplet.networks.v4.count == 2)

            let rename = try await sim.json("POST", "/v2/droplets/\(id)/actions", body: #"{"type": "rename", "name": "web-2"}"#)
            #expect(rename.status == 201)
            droplet = try await listed(sim, id)
            #expect(droplet.locked, "locked while the rename runs")
            #expect(droplet.name == "web")
            sim.advance(byDigitalOceanSeconds: 10)
            droplet = try await listed(sim, id)
            #expect(!droplet.locked)
            #expect(droplet.name == "web-2")

            #expect(try await sim.json("POST", "/v2/tags", body: #"{"name": "prod"}"#).status == 201)
            let resources = #"{"resources": [{"resource_id": "\#(id)", "resource_type": "droplet"}]}"#
            #expect(try await sim.request("POST", "/v2/tags/prod/resources", body: resources).status == 204)
            #expect(try await listed(sim, id).tags == ["prod"])

            let volume = try await sim.json("POST", "/v2/volumes", body: #"{"name": "data", "region": "nyc3", "size_gigabytes": 10}"#)
            let volumeID = try #require((volume.object["volume"] as? [String: Any])?["id"] as? String)
            let attach = try await sim.json("POST", "/v2/volumes/\(volumeID)/actions", body: #"{"type": "attach", "droplet_id": \#(id)}"#)
            #expect(attach.status == 202)
            sim.advance(byDigitalOceanSeconds: 10)
            #expect(try await listed(sim, id).volumeIds == [volumeID])

            try await sim.client.deleteDroplet(id: id)
            let all = try await sim.client.listDroplets()
            #expect(all.map(\.name) == (0..<250).map { "seed-\($0)" }, "the deleted droplet is gone, the others as they were")
        }
    }
}
