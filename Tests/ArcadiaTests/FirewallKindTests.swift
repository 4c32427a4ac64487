import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The Firewall kind: a firewall over a droplet from nothing to nothing, rules compared as sets, drift
/// on the rules and the droplet set reverted with one PUT, a replaced droplet swapped for its
/// replacement, and a cancelled update putting the previous firewall back, against the simulator over HTTP.
@Suite struct FirewallKindTests {
    static let ssh = #"{protocol: tcp, ports: "22", sources: {addresses: ["0.0.0.0/0", "::/0"]}}"#
    static let https = #"{protocol: tcp, ports: "443", sources: {addresses: ["0.0.0.0/0"], tags: [lb]}}"#
    static let everythingOut = #"{protocol: tcp, ports: "all", destinations: {addresses: ["0.0.0.0/0", "::/0"]}}"#

    static func firewallSpec(_ name: String = "web-fw", droplets: [String] = ["web"], tags: [String] = ["web"], inbound: [String] = [ssh],
                             outbound: [String] = [everythingOut]) -> String {
        var lines = ["apiVersion: arcadia/v1", "kind: Firewall", "metadata: {name: \(name)}", "spec:"]
        if !droplets.isEmpty { lines.append("  droplets: [\(droplets.joined(separator: ", "))]") }
        if !tags.isEmpty { lines.append("  tags: [\(tags.joined(separator: ", "))]") }
        if !inbound.isEmpty { lines += ["  inbound:"] + inbound.map { "    - \($0)" } }
        if !outbound.isEmpty { lines += ["  outbound:"] + outbound.map { "    - \($0)" } }
        return lines.joined(separator: "\n") + "\n"
    }

    static func firewall(_ loop: ReconcileLoop) async throws -> Firewall {
        let all = try await loop.sim.client.listFirewalls()
        try #require(all.count == 1, "exactly one firewall, found \(all.count)")
        return all[0]
    }

    // MARK: The stack

    @Test(arguments: StoreEngine.allCases) func aFirewallOverADropletFromNothingToNothing(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "web-fw.yaml": Self.firewallSpec()])
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["Droplet/web", "Firewall/web-fw"])
            #expect(plan.changes.last?.after == ["Droplet/web"])
            #expect(plan.changes.last?.steps == ["CreateFirewall", "RegisterFirewall"])
            #expect(plan.changes.last?.summary == "Firewall, 1 inbound and 1 outbound rules, droplets web, tags web")
            #expect(try await loop.apply(plan).isSuccess)

            let web = try await VolumeKindTests.dropletID(loop, "web")
            var live = try await Self.firewall(loop)
            #expect(live.name == "web-fw" && live.dropletIDs == [web] && live.tags == ["web"])
            #expect(live.inboundRules == [FirewallRule(proto: "tcp", ports: "22", targets: FirewallTargets(addresses: ["0.0.0.0/0", "::/0"]))])
            #expect(live.outboundRules.map(\.ports) == ["0"], "all ports are sent as DigitalOcean reports them")
            #expect(try await loop.plan().isInSync)

            // "0" and "all" are the same ports, and rules compare as sets: rewritten so, nothing to do.
            try loop.write(["web-fw.yaml": Self.firewallSpec(inbound: [Self.ssh.replacingOccurrences(of: #"["0.0.0.0/0", "::/0"]"#, with: #"["::/0", "0.0.0.0/0"]"#)],
                                                             outbound: [Self.everythingOut.replacingOccurrences(of: "\"all\"", with: "\"0\"")])])
            #expect(try await loop.plan().isInSync)

            // Drift by hand: a rule added and the droplet taken off, with one PUT as an operator would.
            var byHand = live
            byHand.inboundRules.append(FirewallRule(proto: "tcp", ports: "3306", targets: FirewallTargets(addresses: ["0.0.0.0/0"])))
            byHand.dropletIDs = []
            _ = try await loop.sim.client.updateFirewall(id: live.id, byHand)
            let drifted = try await loop.plan()
            #expect(Set(drifted.drift.map { "\($0.field) \($0.isRevertPlanned)" }) == ["inbound true", "droplets true"])
            #expect(drifted.changes.map(\.steps) == [["UpdateFirewall", "RecordApplied"]])
            #expect(try await loop.apply(drifted).isSuccess)
            live = try await Self.firewall(loop)
            #expect(live.dropletIDs == [web] && live.inboundRules.count == 1)
            #expect(try await loop.plan().isInSync)

            // The droplet replaced: the firewall is given the replacement in the same apply.
            try loop.write(["web.yaml": dropletSpec(name: "web", image: "debian-12-x64")])
            let replace = try await loop.plan()
            #expect(replace.changes.map(\.change.key) == ["Droplet/web", "Firewall/web-fw"])
            #expect(replace.changes.last?.change.fields.map(\.field) == ["droplets"])
            #expect(try await loop.apply(replace).isSuccess)
            let newWeb = try await VolumeKindTests.dropletID(loop, "web")
            let following = try await Self.firewall(loop)
            #expect(newWeb != web && following.dropletIDs == [newWeb])
            #expect(try await loop.plan().isInSync)

            for file in ["web.yaml", "web-fw.yaml"] { try loop.remove(file) }
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            #expect(teardown.changes.map(\.change.key) == ["Firewall/web-fw", "Droplet/web"])
            #expect(teardown.changes.first?.steps == ["DestroyFirewall", "ForgetFirewall"])
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listFirewalls().isEmpty)
            #expect(try await loop.sim.client.listDroplets().isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
        }
    }

    // MARK: Changes

    /// A new rule is one PUT of the whole firewall (and the tags it names, created first); a cancelled
    /// update puts the previous firewall back.
    @Test func aRuleChangeIsOnePutAndACancelPutsThePreviousBack() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web"), "web-fw.yaml": Self.firewallSpec()])
            #expect(try await loop.planAndApply())
            let before = try await Self.firewall(loop)

            try loop.write(["web-fw.yaml": Self.firewallSpec(inbound: [Self.ssh, Self.https])])
            let plan = try await loop.plan()
            let counted = try await VolumeKindTests.routes(loop)
            #expect(try await loop.apply(plan).isSuccess)
            let spent = try await VolumeKindTests.routes(loop).filter { $0.value != counted[$0.key] ?? 0 }.map { "\($0.key) \($0.value - (counted[$0.key] ?? 0))" }
            #expect(spent.sorted() == ["POST /v2/tags 2", "PUT /v2/firewalls/{firewall_id} 1"], "the firewall's tag and the rule's, then the PUT")
            #expect(try await Self.firewall(loop).inboundRules.count == 2)
            #expect(try await loop.plan().isInSync)

            // Killed after the PUT, then cancelled: the compensation PUTs the firewall the plan found.
            try loop.write(["web-fw.yaml": Self.firewallSpec(tags: [], inbound: [Self.https])])
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "update:UpdateFirewall:after-call"))
            #expect(!killed.isSuccess)
            #expect(try await Self.firewall(loop).tags.isEmpty)
            let saga = try #require(killed.sagas.first)
            _ = try await loop.runner().cancel(sagaID: saga.id)
            let restored = try await Self.firewall(loop)
            #expect(restored.tags == ["web"] && restored.dropletIDs == before.dropletIDs)
            #expect(Set(restored.inboundRules.map(\.ports)) == ["22", "443"])
            try loop.write(["web-fw.yaml": Self.firewallSpec(inbound: [Self.ssh, Self.https])])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Creating a firewall over an existing droplet costs two requests (its one tag created, the POST);
    /// deleting it, one.
    @Test func creatingAFirewallCostsTwoRequestsAndDeletingItOne() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            func spent(since before: [String: Int]) async throws -> [String] {
                try await VolumeKindTests.routes(loop).filter { $0.value != before[$0.key] ?? 0 }
                    .map { "\($0.key) \($0.value - (before[$0.key] ?? 0))" }.sorted()
            }
            try loop.write(["web-fw.yaml": Self.firewallSpec()])
            let create = try await loop.plan()
            var before = try await VolumeKindTests.routes(loop)
            #expect(try await loop.apply(create).isSuccess)
            #expect(try await spent(since: before) == ["POST /v2/firewalls 1", "POST /v2/tags 1"])
            try loop.remove("web-fw.yaml")
            let destroy = try await loop.plan()
            before = try await VolumeKindTests.routes(loop)
            #expect(try await loop.apply(destroy).isSuccess)
            #expect(try await spent(since: before) == ["DELETE /v2/firewalls/{firewall_id} 1"])
        }
    }

    /// Kill points inside the firewall steps: the resume finishes with one firewall, although
    /// DigitalOcean allows two of a name and a firewall has no tags to find it by.
    @Test(arguments: ["create:CreateFirewall:after-call", "update:UpdateFirewall:after-call", "destroy:DestroyFirewall:sending"])
    func aResumeAfterAKillLeavesOneFirewall(point: String) async throws {
        try await ReconcileLoop.with { loop in
            let scenario = String(point.prefix { $0 != ":" })
            var specs = ["web.yaml": dropletSpec(name: "web")]
            if scenario != "create" {
                try loop.write(specs.merging(["web-fw.yaml": Self.firewallSpec()]) { $1 })
                #expect(try await loop.planAndApply())
            }
            switch scenario {
            case "create": specs["web-fw.yaml"] = Self.firewallSpec()
            case "update": specs["web-fw.yaml"] = Self.firewallSpec(inbound: [Self.https])
            default: try loop.remove("web-fw.yaml")
            }
            try loop.write(specs)
            #expect(!(try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: point)).isSuccess))
            let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
            #expect(!resumed.isEmpty && resumed.allSatisfy { $0.status == .completed }, "\(resumed)")
            #expect(try await loop.sim.client.listFirewalls().count == (scenario == "destroy" ? 0 : 1))
            #expect(try await loop.plan().isInSync)
        }
    }

    // MARK: Validation

    @Test func theSchemaAndTheKindNameTheSameFields() throws {
        try KindSchemaCheck.expectAgreement("firewall.schema.json", kind: FirewallKind(), required: [])
    }

    @Test func validateRefusesBadRulesAtTheirPositions() throws {
        let unknown = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/web.yaml", dropletSpec(name: "web")), ("specs/fw.yaml", Self.firewallSpec(droplets: ["web", "wbe"]))])
        }
        #expect(unknown.diagnostics.map(\.description) == ["specs/fw.yaml:5:19: droplets[1] names Droplet 'wbe', which no spec defines; did you mean 'web'?"])
        let bad = try #require(throws: SpecLoadError.self) {
            try SpecLoader.parse(documents: [("specs/fw.yaml", Self.firewallSpec(droplets: [], inbound: [
                #"{protocol: tcp, ports: "99999", sources: {addresses: ["0.0.0.0/0"]}}"#,
                #"{protocol: tpc, ports: "22", sources: {addresses: ["0.0.0.0/0"]}}"#,
                #"{protocol: tcp, sources: {addresses: ["0.0.0.0/0"]}}"#,
                #"{protocol: tcp, ports: "22", sources: {adresses: ["0.0.0.0/0"]}}"#,
                #"{protocol: icmp, ports: "22", sources: {addresses: ["10.0.0.0/8"]}}"#,
                #"{protocol: tcp, ports: "22", destinations: {addresses: ["x y"]}}"#,
            ], outbound: []))])
        }
        #expect(bad.diagnostics.map(\.description) == [
            "specs/fw.yaml:7:30: 'ports' must be a port (\"22\"), a range (\"8000-9000\") or \"all\", not '99999'",
            "specs/fw.yaml:8:18: 'protocol' must be tcp, udp or icmp, not 'tpc'",
            "specs/fw.yaml:9:7: missing required field 'ports' in inbound rule: a port (\"22\"), a range (\"8000-9000\") or \"all\"",
            "specs/fw.yaml:10:45: sources must name at least one of addresses, tags or loadBalancers",
            "specs/fw.yaml:10:46: unknown key 'adresses' in sources; did you mean 'addresses'?",
            "specs/fw.yaml:11:31: icmp has no ports: leave 'ports' out, or write \"all\"",
            "specs/fw.yaml:12:7: missing required field 'sources' in inbound rule",
            "specs/fw.yaml:12:36: unknown key 'destinations' in inbound rule (allowed: protocol, ports, sources)",
        ])
    }
}
