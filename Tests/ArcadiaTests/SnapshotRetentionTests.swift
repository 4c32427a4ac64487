import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Resize snapshots are kept forever unless `policy.keepSnapshots` says how many; then each resize
/// deletes Arcadia's older ones, never an operator's own.
@Suite struct SnapshotRetentionTests {
    @Test(arguments: StoreEngine.allCases) func keepSnapshotsKeepsTheNewestAndNeverAnOperatorsOwn(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let policy = "policy:\n  snapshotBeforeResize: true\n  keepSnapshots: 2"
            try loop.write(["app.yaml": dropletSpec(name: "app", policy: policy)])
            #expect(try await loop.planAndApply())
            let droplet = try #require(try await loop.droplets(named: "app").first)
            try await loop.sim.performByHand(.snapshot(named: "app-before-upgrade"), dropletID: droplet.id)
            // An operator's snapshot named like Arcadia's, by no saga of this state: never pruned.
            try await loop.sim.performByHand(.snapshot(named: "app-arcadia-0000000a"), dropletID: droplet.id)

            var taken: [String] = []
            for size in ["s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb"] {
                try loop.write(["app.yaml": dropletSpec(name: "app", size: size, policy: policy)])
                #expect(try await loop.planAndApply())
                loop.sim.advance(byDigitalOceanSeconds: 10)
                let names = try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).map(\.name)
                taken += names.filter { $0.hasPrefix("app-arcadia-") && $0 != "app-arcadia-0000000a" && !taken.contains($0) }
            }
            let left = Set(try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).map(\.name))
            #expect(taken.count == 3, "one snapshot per resize")
            #expect(left == Set(taken.suffix(2) + ["app-before-upgrade", "app-arcadia-0000000a"]), "the two newest of Arcadia's, and the operator's own")
        }
    }

    @Test func withoutKeepSnapshotsEveryResizeSnapshotStays() async throws {
        try await ReconcileLoop.with { loop in
            let policy = "policy:\n  snapshotBeforeResize: true"
            try loop.write(["app.yaml": dropletSpec(name: "app", policy: policy)])
            #expect(try await loop.planAndApply())
            for size in ["s-1vcpu-2gb", "s-2vcpu-2gb", "s-2vcpu-4gb"] {
                try loop.write(["app.yaml": dropletSpec(name: "app", size: size, policy: policy)])
                #expect(try await loop.planAndApply())
            }
            loop.sim.advance(byDigitalOceanSeconds: 10)
            let droplet = try #require(try await loop.droplets(named: "app").first)
            #expect(try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).count == 3)
        }
    }
}
