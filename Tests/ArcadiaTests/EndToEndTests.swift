import ArcadiaCore
import ArcadiaSagas
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The whole loop of the walking skeleton against the simulator over HTTP and a real SQLite file.
@Suite struct EndToEndTests {
    /// plan → apply → no-op → resize → drift → revert → destroy, as an operator would live it.
    @Test(arguments: StoreEngine.allCases) func dropletLifecycleFromSpecsToDestroy(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (sim, store) = (loop.sim, loop.store)
            try loop.write([
                "web-1.yaml": dropletSpec(name: "web-1"),
                "web-2.yaml": dropletSpec(name: "web-2"),
                "db-1.yaml": dropletSpec(name: "db-1", size: "s-2vcpu-2gb"),
            ])

            // Three specs, nothing live: three creates.
            var plan = try await loop.plan()
            #expect(plan.changes.map(\.change.action) == [.create, .create, .create])
            #expect(Set(plan.changes.map(\.change.name)) == ["web-1", "web-2", "db-1"])
            #expect(try await loop.apply(plan).isSuccess)

            // Exactly three managed droplets, each once.
            let managed = try await sim.client.listDroplets(tagName: Ownership.managedTag)
            #expect(managed.map(\.name).sorted() == ["db-1", "web-1", "web-2"])
            #expect(managed.allSatisfy { $0.status == "active" })

            // Nothing left to do.
            #expect(try await loop.plan().hasChanges == false)

            // Edit a size: a resize, which leaves the live droplet at the new size.
            try loop.write(["web-1.yaml": dropletSpec(name: "web-1", size: "s-2vcpu-2gb")])
            plan = try await loop.plan()
            let resize = try #require(plan.changes.first)
            #expect(plan.changes.count == 1)
            #expect(resize.change.action == .update)
            #expect(resize.change.fields == [FieldChange(field: "size", from: "s-1vcpu-1gb", to: "s-2vcpu-2gb")])
            #expect(resize.steps == ["PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied"])
            #expect(try await loop.apply(plan).isSuccess)
            let web1 = try #require(managed.first { $0.name == "web-1" })
            var live = try await sim.client.getDroplet(id: web1.id)
            #expect(live.sizeSlug == "s-2vcpu-2gb")
            #expect(live.status == "active")
            #expect(try await loop.plan().hasChanges == false)

            // Someone resizes web-1 by hand: drift is recorded and the plan reverts it.
            try await sim.performByHand(.powerOff, dropletID: web1.id)
            try await sim.performByHand(.resize(to: "s-4vcpu-8gb", disk: false), dropletID: web1.id)
            try await sim.performByHand(.powerOn, dropletID: web1.id)
            plan = try await loop.plan()
            #expect(plan.drift.map(\.field) == ["size"])
            #expect(plan.drift.first?.expected == "s-2vcpu-2gb")
            #expect(plan.drift.first?.actual == "s-4vcpu-8gb")
            #expect(try await store.drift(status: .open).map { "\($0.name).\($0.field)" } == ["web-1.size"])
            let revert = try #require(plan.changes.first)
            #expect(revert.change.fields.first?.isDriftRevert == true)
            #expect(revert.change.fields.first?.to == "s-2vcpu-2gb")

            // A second plan does not open a second record for the same drift.
            _ = try await loop.plan()
            #expect(try await store.drift().count == 1)

            #expect(try await loop.apply(plan).isSuccess)
            live = try await sim.client.getDroplet(id: web1.id)
            #expect(live.sizeSlug == "s-2vcpu-2gb")
            #expect(try await store.drift(status: .open).isEmpty)
            #expect(try await store.drift(status: .reverted).map(\.field) == ["size"])

            // Delete a spec file: the droplet is destroyed and forgotten.
            try loop.remove("web-2.yaml")
            plan = try await loop.plan()
            #expect(plan.changes.map(\.change.action) == [.destroy])
            #expect(plan.changes.first?.change.name == "web-2")
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await sim.client.listDroplets().map(\.name).sorted() == ["db-1", "web-1"])
            #expect(try await store.provisioned(kind: "Droplet").map(\.name) == ["db-1", "web-1"])
            #expect(try await loop.plan().hasChanges == false)
        }
    }

    /// Droplets Arcadia did not create are counted and never touched, even with no specs at all.
    @Test(arguments: StoreEngine.allCases) func unmanagedDropletsAreCountedAndLeftAlone(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            _ = try await loop.sim.client.createDroplet(
                DropletCreateRequest(name: "hand-made", region: "nyc3", size: "s-1vcpu-1gb", image: "debian-12-x64")
            )
            let plan = try await loop.plan()
            #expect(plan.unmanagedCount == 1)
            #expect(!plan.hasChanges)
            let text = PlanRenderer(useColor: false, showUnmanaged: true).text(plan)
            #expect(text.contains("  hand-made ("))
            #expect(text.contains("1 unmanaged droplet left alone."))
        }
    }

    /// A spec file removed for a protected droplet is refused with a message, not destroyed.
    @Test(arguments: StoreEngine.allCases) func protectedDropletIsNeverPlannedForDestroy(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["db.yaml": dropletSpec(name: "db", policy: "policy:\n  protect: true")])
            #expect(try await loop.planAndApply())

            try loop.remove("db.yaml")
            let plan = try await loop.plan()
            #expect(plan.changes.isEmpty)
            #expect(plan.errors.count == 1)
            #expect(plan.errors.first?.description.contains("protected") == true)
            #expect(try await loop.sim.client.listDroplets().count == 1)
        }
    }

    /// A slug DigitalOcean does not offer fails the plan, with the field's position, before anything is applied.
    @Test(arguments: StoreEngine.allCases) func planRejectsSlugsDigitalOceanDoesNotOffer(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write([
                "a.yaml": dropletSpec(name: "a", size: "s-1vcpu-1gbb"),
                "b.yaml": dropletSpec(name: "b", region: "nyc2", image: "ubuntu-42-04-x64"),
            ])
            let specs = loop.specs.path
            #expect(try await loop.plan().errors.map(\.description) == [
                "\(specs)/a.yaml:7:9: size 's-1vcpu-1gbb' does not exist at DigitalOcean; did you mean 's-1vcpu-1gb'?",
                "\(specs)/b.yaml:6:11: region 'nyc2' takes no new droplets; choose another region",
                "\(specs)/b.yaml:8:10: image 'ubuntu-42-04-x64' is not a DigitalOcean image or one of this account's; did you mean 'ubuntu-22-04-x64'?",
            ])
            #expect(try await loop.sim.client.listDroplets().isEmpty)
        }
    }

    /// SSH keys a new droplet names must be in the account, checked at plan time with the item's
    /// position (at apply they rolled the saga back with a 422 and no position); a region written as
    /// its city gets a suggestion. The key list costs one request, and only when a key is named.
    @Test func planChecksSSHKeysAndSuggestsRegionsByName() async throws {
        try await ReconcileLoop.with { loop in
            let added = try await loop.sim.json("POST", "/v2/account/keys", body: #"{"name": "deploy", "public_key": "\#(SimulatorCoverageTests.publicKey)"}"#)
            let fingerprint = try #require((added.object["ssh_key"] as? [String: Any])?["fingerprint"] as? String)
            let missing = "3b:16:bf:e4:8b:00:8b:b8:59:8c:a9:d3:f0:19:45:fa"
            let withKeys = dropletSpec(name: "a").replacingOccurrences(of: "tags: [web]", with: "tags: [web]\n  sshKeys: [\"\(fingerprint)\", \"\(missing)\"]")
            try loop.write(["a.yaml": withKeys, "b.yaml": dropletSpec(name: "b", region: "sydney")])
            let before = try await loop.sim.json("GET", "/_sim/stats").object["total"] as? Int ?? 0
            let specs = loop.specs.path
            let errors = try await loop.plan().errors.map(\.description)
            #expect(errors == [
                "\(specs)/a.yaml:10:64: SSH key '\(missing)' is not in this DigitalOcean account; add it first (control panel, or "
                    + "`doctl compute ssh-key import`), or name one of the account's keys by id or fingerprint",
                "\(specs)/b.yaml:6:11: region 'sydney' does not exist at DigitalOcean; did you mean 'syd1'?",
            ], "\(errors)")
            let after = try await loop.sim.json("GET", "/_sim/stats").object["total"] as? Int ?? 0
            #expect(after - before == 5, "the inventory of the kinds in play (droplets, the account's keys), then regions, sizes and images")

            try loop.write(["a.yaml": withKeys.replacingOccurrences(of: ", \"\(missing)\"", with: ""), "b.yaml": dropletSpec(name: "b", region: "syd1")])
            #expect(try await loop.plan().errors.isEmpty)
        }
    }

    /// After the disk grew (here by hand), plan does not propose a revert DigitalOcean would refuse: the drift
    /// is reported with how to settle it; and a resize the operator asks for below that disk fails the plan.
    @Test(arguments: StoreEngine.allCases) func planKnowsADiskThatGrewCannotShrink(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let sim = loop.sim
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            let droplet = try #require(try await sim.client.listDroplets().first)
            try await sim.performByHand(.powerOff, dropletID: droplet.id)
            try await sim.performByHand(.resize(to: "s-2vcpu-4gb", disk: true), dropletID: droplet.id)
            try await sim.performByHand(.powerOn, dropletID: droplet.id)

            var plan = try await loop.plan()
            #expect(plan.drift.map(\.field) == ["size"])
            #expect(plan.drift.first?.isRevertPlanned == false)
            #expect(plan.changes.isEmpty && plan.errors.isEmpty)
            #expect(plan.warnings.first?.description.contains("set size to s-2vcpu-4gb in the spec to accept it") == true)
            #expect(try await loop.store.drift(status: .open).map(\.field) == ["size"])

            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-2vcpu-2gb")])
            #expect(try await loop.plan().errors.map(\.description) == [
                "\(loop.specs.path)/app.yaml:7:9: droplet 'app' has a 80 GB disk and disks never shrink, so it cannot be resized to "
                    + "'s-2vcpu-2gb' (60 GB); choose a size with at least 80 GB of disk",
            ])

            // Accepting the live size settles it: only the record changes, and the drift goes stale.
            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-2vcpu-4gb")])
            plan = try await loop.plan()
            #expect(plan.errors.isEmpty)
            #expect(plan.changes.map(\.steps) == [["RecordApplied"]], "no power cycle for a size that is already live")
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await sim.client.getDroplet(id: droplet.id).status == "active")
            #expect(try await loop.plan().hasChanges == false)
            #expect(try await loop.store.drift(status: .open).isEmpty)
        }
    }

    /// An image change replaces the droplet: the new one is active before the old one goes.
    @Test(arguments: StoreEngine.allCases) func imageChangeReplacesTheDroplet(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            let old = try #require(try await loop.sim.client.listDroplets().first)

            try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.change.action) == [.replace])
            #expect(try await loop.apply(plan).isSuccess)

            let droplets = try await loop.sim.client.listDroplets()
            #expect(droplets.count == 1)
            let new = try #require(droplets.first)
            #expect(new.id != old.id)
            #expect(new.image.slug == "debian-12-x64")
            #expect(try await loop.store.provisioned(kind: "Droplet").first?.resourceID == String(new.id))
            #expect(try await loop.plan().hasChanges == false)
        }
    }

    /// With snapshotBeforeResize the snapshot is taken under its deterministic name and shows in listings.
    @Test(arguments: StoreEngine.allCases) func resizeTakesSnapshotFirstWhenPolicySaysSo(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let policy = "policy:\n  snapshotBeforeResize: true"
            try loop.write(["app.yaml": dropletSpec(name: "app", policy: policy)])
            #expect(try await loop.planAndApply())

            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb", policy: policy)])
            let plan = try await loop.plan()
            #expect(plan.changes.first?.steps.first == "SnapshotDroplet")
            #expect(try await loop.apply(plan).isSuccess)
            let snapshots = try await loop.sim.client.listSnapshots(resourceType: "droplet")
            #expect(snapshots.count == 1)
            #expect(snapshots.first?.name.hasPrefix("app-arcadia-") == true)
        }
    }
}
