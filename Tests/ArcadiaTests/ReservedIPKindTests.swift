import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The ReservedIP kind: an address assigned to a droplet from nothing to nothing, drift of the
/// assignment, assign/unassign/reassign, a replaced droplet taking the address along, and a region
/// change reserving a new address, against the simulator over real HTTP.
@Suite struct ReservedIPKindTests {
    static func ipSpec(_ name: String = "web-ip", region: String = "nyc3", droplet: String? = "web", policy: String = "") -> String {
        var lines = ["apiVersion: arcadia/v1", "kind: ReservedIP", "metadata: {name: \(name)}", "spec:", "  region: \(region)"]
        if let droplet { lines.append("  droplet: \(droplet)") }
        return lines.joined(separator: "\n") + "\n" + policy
    }

    /// The one reserved IP of the account.
    static func reserved(_ loop: ReconcileLoop) async throws -> ReservedIP {
        let all = try await loop.sim.client.listReservedIPs()
        try #require(all.count == 1, "exactly one reserved IP, found \(all.count)")
        return all[0]
    }

    /// An assign or unassign "by hand", as an operator using the API directly would, followed to its end.
    static func byHand(_ sim: SimulatorHarness, _ type: String, ip: String, dropletID: Int? = nil) async throws {
        let action = try await sim.client.performReservedIPAction(ip, type: type, dropletID: dropletID)
        var current = action
        for _ in 0..<2_000 where !current.isDone {
            sim.advance(byDigitalOceanSeconds: 5)
            current = try await sim.client.getReservedIPAction(ip, actionID: action.id)
        }
        try #require(current.status == "completed", "the \(type) by hand completed")
    }

    // MARK: The stack

    /// A droplet and the address assigned to it: applied from nothing in that order, clean after, the
    /// assignment's drift reverted, the droplet replaced with the address following it in the same
    /// apply, and everything gone in reverse order when the specs are removed.
    @Test(arguments: StoreEngine.allCases) func anAssignedAddressFromNothingToNothing(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "web-ip.yaml": Self.ipSpec(policy: "policy:\n  drift: revert\n")])
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["Droplet/web", "ReservedIP/web-ip"])
            #expect(plan.changes.last?.after == ["Droplet/web"])
            #expect(plan.changes.last?.steps == ["CreateReservedIP", "AssignReservedIP", "RegisterReservedIP"])
            #expect(plan.changes.last?.summary == "ReservedIP, nyc3, assigned to web")
            #expect(try await loop.apply(plan).isSuccess)

            let web = try await VolumeKindTests.dropletID(loop, "web")
            let address = try await Self.reserved(loop)
            #expect(address.dropletID == web && address.region == "nyc3")
            #expect(try await loop.store.provisioned(kind: "ReservedIP").map(\.resourceID) == [address.ip], "the address is kept in the state")
            #expect(try await loop.plan().isInSync)

            // Drift: unassigned by hand, then put back.
            try await Self.byHand(loop.sim, "unassign", ip: address.ip)
            let drifted = try await loop.plan()
            #expect(drifted.drift.map { "\($0.field) \($0.expected) → \($0.actual) \($0.isRevertPlanned)" } == ["droplet \(web) → none true"])
            #expect(drifted.changes.map(\.steps) == [["AssignReservedIP", "RecordApplied"]])
            #expect(PlanRenderer(useColor: false).text(drifted).contains("~ update web-ip (ReservedIP \(address.ip); droplet: none → \(web) [drift])"),
                    "plan shows the address")
            // The assignment cannot be taken into the spec: DigitalOcean names a droplet id, the spec a Droplet spec.
            let record = try #require(try await loop.store.drift(status: .open).first)
            await #expect(throws: DriftNotAcceptable.self) {
                try await DriftAcceptor(client: loop.sim.client, store: loop.store).accept(record, specs: loop.specs.path)
            }
            #expect(try await loop.apply(drifted).isSuccess)
            #expect(try await Self.reserved(loop).dropletID == web)
            #expect(try await loop.store.drift(status: .reverted).map(\.field) == ["droplet"])
            #expect(try await loop.plan().isInSync)

            // The droplet replaced: the address follows it to the new one in the same apply.
            try loop.write(["web.yaml": dropletSpec(name: "web", image: "debian-12-x64")])
            let replace = try await loop.plan()
            #expect(replace.changes.map(\.change.key) == ["Droplet/web", "ReservedIP/web-ip"])
            #expect(replace.changes.last?.after == ["Droplet/web"])
            #expect(replace.changes.last?.steps == ["RecordApplied"], "the droplet's replace saga reassigns the address")
            #expect(replace.changes.first?.change.dependents?.map(\.key) == ["ReservedIP/web-ip"])
            #expect(try await loop.apply(replace).isSuccess)
            let newWeb = try await VolumeKindTests.dropletID(loop, "web")
            #expect(newWeb != web)
            #expect(try await Self.reserved(loop).dropletID == newWeb)
            #expect(try await Self.reserved(loop).ip == address.ip, "the same address")
            let next = try await loop.plan()
            #expect(next.isInSync, "\(next.changes.map(\.change.key)) \(next.drift)")

            // Every spec removed: the address is released before its droplet goes.
            for file in ["web.yaml", "web-ip.yaml"] { try loop.remove(file) }
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(teardown.changes.map(\.change.key) == ["ReservedIP/web-ip", "Droplet/web"])
            #expect(teardown.changes.map(\.after) == [[], ["ReservedIP/web-ip"]])
            #expect(teardown.changes.first?.steps == ["DestroyReservedIP", "ForgetReservedIP"])
            #expect(teardown.changes.first?.irreversible == ["releases \(address.ip): the address cannot be had back"])
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listReservedIPs().isEmpty)
            #expect(try await loop.sim.client.listDroplets().isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
            #expect(try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true).isInSync)
        }
    }

    // MARK: Changes

    /// Naming no droplet unassigns the address, naming one assigns it, naming another reassigns it; each
    /// a saga of its own kind, and drift to another droplet is reported.
    @Test func assignUnassignAndReassign() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "db.yaml": dropletSpec(name: "db"), "web-ip.yaml": Self.ipSpec(droplet: nil)])
            #expect(try await loop.planAndApply())
            #expect(try await Self.reserved(loop).dropletID == nil)
            let (web, db) = (try await VolumeKindTests.dropletID(loop, "web"), try await VolumeKindTests.dropletID(loop, "db"))

            for (droplet, sagaKind, wanted) in [("web", "assign", web), ("db", "reassign", db), (nil, "unassign", nil)] as [(String?, String, Int?)] {
                try loop.write(["web-ip.yaml": Self.ipSpec(droplet: droplet)])
                let plan = try await loop.plan()
                #expect(plan.changes.map(\.sagaKind) == [sagaKind])
                #expect(try await loop.apply(plan).isSuccess)
                #expect(try await Self.reserved(loop).dropletID == wanted)
                #expect(try await loop.plan().isInSync)
            }

            // Assigned to another droplet by hand: drift, reported (policy.drift is report) and revertible.
            try loop.write(["web-ip.yaml": Self.ipSpec(droplet: "web")])
            #expect(try await loop.planAndApply())
            try await Self.byHand(loop.sim, "assign", ip: try await Self.reserved(loop).ip, dropletID: db)
            let drifted = try await loop.plan()
            #expect(drifted.drift.map { "\($0.field) \($0.expected) → \($0.actual)" } == ["droplet \(web) → \(db)"])
            #expect(try await loop.apply(drifted).isSuccess)
            #expect(try await Self.reserved(loop).dropletID == web)
        }
    }

    /// Another region is another address: the new one is reserved and assigned, then the old one released.
    @Test func aNewRegionReservesANewAddress() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web-ip.yaml": Self.ipSpec(droplet: nil)])
            #expect(try await loop.planAndApply())
            let old = try await Self.reserved(loop)
            try loop.write(["web-ip.yaml": Self.ipSpec(region: "sfo3", droplet: nil)])
            let plan = try await loop.plan()
            #expect(plan.changes.first?.steps == ["CreateReservedIP", "DestroyReservedIP", "RegisterReservedIP"])
            #expect(plan.changes.first?.irreversible.first?.contains("releases \(old.ip)") == true)
            #expect(PlanRenderer(useColor: false).text(plan).contains("-/+ replace web-ip (ReservedIP \(old.ip); region: nyc3 → sfo3)"))
            #expect(try await loop.apply(plan).isSuccess)
            let new = try await Self.reserved(loop)
            #expect(new.region == "sfo3")
            #expect(try await loop.store.provisioned(kind: "ReservedIP").map(\.resourceID) == [new.ip])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Reserving and assigning an address to an existing droplet costs four requests: the list the
    /// create notes the region's addresses with, the create, the assign, and one look at the action.
    @Test func reservingAndAssigningCostsFourRequests() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            try loop.write(["web-ip.yaml": Self.ipSpec()])
            let plan = try await loop.plan()
            let before = try await VolumeKindTests.routes(loop)
            #expect(try await loop.apply(plan).isSuccess)
            let after = try await VolumeKindTests.routes(loop)
            let spent = after.filter { $0.value != before[$0.key] ?? 0 }.map { "\($0.key) \($0.value - (before[$0.key] ?? 0))" }.sorted()
            #expect(spent == [
                "GET /v2/reserved_ips 1", "GET /v2/reserved_ips/{reserved_ip}/actions/{action_id} 1", "POST /v2/reserved_ips 1",
                "POST /v2/reserved_ips/{reserved_ip}/actions 1",
            ])
            // Releasing it costs its DELETE.
            try loop.remove("web-ip.yaml")
            let release = try await loop.plan()
            let held = try await VolumeKindTests.routes(loop)
            #expect(try await loop.apply(release).isSuccess)
            let released = try await VolumeKindTests.routes(loop).filter { $0.value != held[$0.key] ?? 0 }.map(\.key)
            #expect(released == ["DELETE /v2/reserved_ips/{reserved_ip}"])
        }
    }

    // MARK: Crashes

    /// Kill points inside the reserved-IP steps: the resume finishes the saga with one address
    /// reserved and the work done once, although nothing on the address says which saga reserved it.
    @Test(arguments: [
        "create:CreateReservedIP:sending", "create:CreateReservedIP:after-call", "create:AssignReservedIP:after-post",
        "create:AssignReservedIP:polling", "unassign:UnassignReservedIP:after-post", "destroy:DestroyReservedIP:sending",
    ])
    func aResumeAfterAKillAdoptsInsteadOfRepeating(point: String) async throws {
        try await ReconcileLoop.with { loop in
            let scenario = String(point.prefix { $0 != ":" })
            // An address of someone else's in the region, which the adoption must never take.
            let stranger = try await loop.sim.client.createReservedIP(region: "nyc3").ip
            var specs = ["web.yaml": dropletSpec(name: "web")]
            if scenario != "create" {
                try loop.write(specs.merging(["web-ip.yaml": Self.ipSpec()]) { $1 })
                #expect(try await loop.planAndApply())
            }
            switch scenario {
            case "create": specs["web-ip.yaml"] = Self.ipSpec()
            case "unassign": specs["web-ip.yaml"] = Self.ipSpec(droplet: nil)
            default: try loop.remove("web-ip.yaml")
            }
            try loop.write(specs)
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: point))
            #expect(!killed.isSuccess)
            let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
            #expect(!resumed.isEmpty && resumed.allSatisfy { $0.status == .completed }, "\(resumed)")
            let ours = try await loop.sim.client.listReservedIPs().filter { $0.ip != stranger }
            let web = try await VolumeKindTests.dropletID(loop, "web")
            switch scenario {
            case "create": #expect(ours.map(\.dropletID) == [web])
            case "unassign": #expect(ours.map(\.dropletID) == [nil])
            default: #expect(ours.isEmpty)
            }
            #expect(try await loop.sim.client.getReservedIP(stranger).dropletID == nil)
            #expect(try await loop.plan().isInSync)
        }
    }

    // MARK: Validation

    /// Nothing on an address says which saga reserved it, so two creates in one region run one after
    /// the other (a reviewer found two concurrent ones could adopt each other's address after a lost
    /// answer); creates in different regions still run side by side.
    @Test func twoCreatesInOneRegionRunOneAfterTheOther() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write([
                "a.yaml": Self.ipSpec("ip-a", droplet: nil), "b.yaml": Self.ipSpec("ip-b", droplet: nil), "c.yaml": Self.ipSpec("ip-c", region: "sfo3", droplet: nil),
            ])
            let plan = try await loop.plan()
            let after = Dictionary(uniqueKeysWithValues: plan.changes.map { ($0.change.name, $0.after) })
            #expect(after["ip-a"] == [] && after["ip-b"] == ["ReservedIP/ip-a"] && after["ip-c"] == [], "\(after)")
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await loop.sim.client.listReservedIPs().count == 3)
        }
    }

    /// Killed after its POST, then a second address reserved by hand in the region: the resumed step
    /// cannot tell which is its own, so it stops with both named, and releases neither.
    @Test func anAddressThatCannotBeToldApartIsNeitherAdoptedNorReleased() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web-ip.yaml": Self.ipSpec(droplet: nil)])
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateReservedIP:after-call"))
            #expect(!killed.isSuccess)
            let byHand = try await loop.sim.client.createReservedIP(region: "nyc3").ip
            let resumed = try await loop.runner().resume(parallelism: 1)
            #expect(resumed.map(\.status) == [.failed], "\(resumed)")
            let saga = try #require(try await loop.store.sagas().first)
            #expect(saga.error?.contains("addresses were reserved in nyc3") == true && saga.error?.contains(byHand) == true, "\(saga.error ?? "")")
            #expect(try await loop.sim.client.listReservedIPs().count == 2, "neither address was released")
        }
    }

    @Test func theSchemaAndTheKindNameTheSameFields() throws {
        try KindSchemaCheck.expectAgreement("reservedip.schema.json", kind: ReservedIPKind(), required: ["region"])
    }

    @Test func validateRefusesADropletInAnotherRegionAnUnknownOneAndBadFields() throws {
        let other = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/web.yaml", dropletSpec(name: "web", region: "sfo3")), ("specs/web-ip.yaml", Self.ipSpec())])
        }
        #expect(other.diagnostics.map(\.description) == [
            "specs/web-ip.yaml:6:12: droplet names Droplet 'web', which is in sfo3, but reserved IP 'web-ip' is in nyc3; DigitalOcean assigns "
                + "a reserved IP only to a droplet in its region: move one of them, or name a droplet in nyc3",
        ])
        let unknown = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/web.yaml", dropletSpec(name: "web")), ("specs/web-ip.yaml", Self.ipSpec(droplet: "wbe"))])
        }
        #expect(unknown.diagnostics.map(\.description) == ["specs/web-ip.yaml:6:12: droplet names Droplet 'wbe', which no spec defines; did you mean 'web'?"])
        let bad = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [(
                "specs/ip.yaml", "apiVersion: arcadia/v1\nkind: ReservedIP\nmetadata: {name: 'web ip'}\nspec:\n  regoin: nyc3\n  droplet: 'a b'\n"
            )])
        }
        #expect(bad.diagnostics.map(\.description) == [
            "specs/ip.yaml:3:18: invalid reserved IP name 'web ip': use letters, digits, '.' or '-' (up to 255), as a droplet is named",
            "specs/ip.yaml:5:3: unknown key 'regoin' in spec; did you mean 'region'?",
            "specs/ip.yaml:5:3: missing required field 'region' in spec",
            "specs/ip.yaml:6:12: 'droplet' must name a Droplet spec (a droplet name: letters, digits, '.' or '-'), not 'a b'",
        ])
    }
}
