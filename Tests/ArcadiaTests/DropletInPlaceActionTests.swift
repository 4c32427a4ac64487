import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The in-place droplet changes the planner will send, against the simulator over real HTTP: each
/// shows in the droplet's `features` once its action completes.
@Suite struct DropletInPlaceActionTests {
    private func activeDroplet(_ sim: SimulatorHarness, _ name: String) async throws -> Droplet {
        let created = try await sim.client.createDroplet(DropletCreateRequest(name: name, region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
        return try await sim.waitUntilIdle(dropletID: created.droplet.id)
    }

    @Test func enableIPv6AddsTheFeatureAndAnAddress() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "web")
            #expect(!droplet.features.contains("ipv6"))
            #expect(droplet.networks.v6.isEmpty)

            let action = try await sim.client.performDropletAction(dropletID: droplet.id, .enableIPv6)
            #expect(action.type == "enable_ipv6")
            let after = try await sim.waitUntilIdle(dropletID: droplet.id)
            #expect(try await sim.client.getDropletAction(dropletID: droplet.id, actionID: action.id).status == "completed")
            #expect(after.features.contains("ipv6"))
            #expect(after.networks.v6.count == 1)
            #expect(after.status == "active", "no reboot needed")

            let again = await #expect(throws: DigitalOceanError.self) {
                try await sim.client.performDropletAction(dropletID: droplet.id, .enableIPv6)
            }
            #expect(again?.status == 422)
        }
    }

    @Test func backupsCanBeEnabledAndDisabledInPlace() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "db")
            #expect(!droplet.features.contains("backups"))

            try await sim.performByHand(.enableBackups, dropletID: droplet.id)
            let enabled = try await sim.client.getDroplet(id: droplet.id)
            #expect(enabled.features.contains("backups"))
            #expect(enabled.id == droplet.id, "the same droplet, changed in place")

            try await sim.performByHand(.disableBackups, dropletID: droplet.id)
            #expect(!(try await sim.client.getDroplet(id: droplet.id).features.contains("backups")))
            let actions = try await sim.client.recentDropletActions(dropletID: droplet.id)
            #expect(actions.prefix(2).map(\.type) == ["disable_backups", "enable_backups"], "newest first")
            #expect(actions.prefix(2).allSatisfy { $0.status == "completed" })
        }
    }
}
