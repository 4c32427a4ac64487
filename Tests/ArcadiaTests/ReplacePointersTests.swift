import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// What a droplet replace moves first, and what it says of what it does not move: an outside tester's
/// findings, each kept as a case. The firewall is moved before the address and the name; a record's
/// move changes only its address; a targeted replace warns of what it leaves pointing at the
/// destroyed droplet; a literal A record at the droplet's address is named in a warning.
@Suite struct ReplacePointersTests {
    typealias Pointing = ReplaceMovesDependentsTests.Pointing
    static let specs = ReplaceMovesDependentsTests.specs

    static func replaceWeb(_ loop: ReconcileLoop, also extra: [String: String] = [:]) throws {
        try loop.write(["web.yaml": dropletSpec(name: "web", image: "debian-12-x64")].merging(extra) { $1 })
    }

    static func plan(_ loop: ReconcileLoop, target: String? = nil) async throws -> Plan {
        let targets = try target.map { [try ResourceTarget(parsing: $0)] } ?? []
        return try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: try SpecLoader.load(directory: loop.specs.path), targets: Set(targets))
    }

    /// While the reserved IP's assign is in flight, the firewall already filters the new droplet and
    /// the name still answers at the old one: filter, then address, then name.
    @Test func theFirewallMovesFirstAndTheNameLast() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(Self.specs)
            #expect(try await loop.planAndApply())
            let oldAddress = try await DomainKindTests.publicIPv4(loop, "web")
            try Self.replaceWeb(loop)
            let point = SagaPoint(sagaKind: "replace", step: "MoveDependents", moment: .afterPost)
            let (outcome, seen) = try await ReplaceMovesDependentsTests.apply(try await loop.plan(), loop, seeingAt: point)
            #expect(outcome.isSuccess)
            let new = try await VolumeKindTests.dropletID(loop, "web")
            let during = try #require(seen, "the assign's POST was answered inside MoveDependents")
            #expect(during.firewall.contains(new), "the firewall was moved before the address")
            #expect(during.www == oldAddress, "the name is moved after the address")
        }
    }

    /// A record's TTL changed in the spec while its droplet is replaced under `--target Droplet/web`:
    /// the move sets the address only; the TTL waits for the domain's own change.
    @Test func aRecordsMoveChangesOnlyItsAddress() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(Self.specs)
            #expect(try await loop.planAndApply())
            try Self.replaceWeb(loop, also: [
                "example.yaml": DomainKindTests.domainSpec(["{type: A, name: www, droplet: web, ttl: 900}", "{type: TXT, name: \"@\", data: \"v=spf1 -all\"}"]),
            ])
            let targeted = try await Self.plan(loop, target: "Droplet/web")
            #expect(targeted.changes.first?.change.dependents?.contains { $0.kind == .domain } == true)
            #expect(try await loop.apply(targeted).isSuccess)
            let address = try await DomainKindTests.publicIPv4(loop, "web")
            #expect(try await DomainKindTests.records(loop).contains("A www \(address) 300"), "moved, with the TTL it had")
            let next = try await loop.plan()
            #expect(next.changes.map(\.change.key) == ["Domain/example.com"], "the TTL is still to apply")
            #expect(try await loop.apply(next).isSuccess)
            #expect(try await DomainKindTests.records(loop).contains("A www \(address) 900"))
        }
    }

    /// `--target Droplet/web` while the reserved IP's spec moves it to web2: its own change is left
    /// out, and DigitalOcean would unassign it with the old droplet, so the plan warns.
    @Test func aTargetedReplaceWarnsOfWhatItLeavesPointingAtTheOldDroplet() async throws {
        try await ReconcileLoop.with { loop in
            _ = try await ReplaceMovesDependentsTests.applyWithTwoDroplets(loop)
            try Self.replaceWeb(loop, also: ["web-ip.yaml": ReservedIPKindTests.ipSpec(droplet: "web2")])
            let full = try await Self.plan(loop)
            #expect(!full.warnings.contains { $0.code == "targeted_replace_leaves" })
            let targeted = try await Self.plan(loop, target: "Droplet/web")
            let warning = try #require(targeted.warnings.first { $0.code == "targeted_replace_leaves" })
            #expect(warning.kind == "ReservedIP" && warning.name == "web-ip")
            #expect(warning.message.contains("add --target ReservedIP/web-ip"), "\(warning.message)")
        }
    }

    /// An A record whose data is the droplet's address written out (as `arcadia import` writes it)
    /// does not follow a replace: the plan names it and says how to make it follow.
    @Test func aLiteralAddressIsNamedInAWarning() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            let address = try await DomainKindTests.publicIPv4(loop, "web")
            try loop.write(["example.yaml": DomainKindTests.domainSpec(["{type: A, name: www, data: \"\(address)\", ttl: 300}"])])
            #expect(try await loop.planAndApply())
            try Self.replaceWeb(loop)
            let plan = try await loop.plan()
            let warning = try #require(plan.warnings.first { $0.code == "left_pointing_at_replaced" }, "\(plan.warnings)")
            #expect(warning.kind == "Domain" && warning.message.contains("records[A www]") && warning.message.contains("droplet: web"), "\(warning.message)")
        }
    }

    /// `--target Firewall/web-fw` alone while web is replaced: the firewall only follows the replace,
    /// which is left out, so nothing is planned for it and a warning says to target the droplet.
    @Test func aTargetedFollowerWithoutItsReplaceHasNothingToRecord() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(Self.specs)
            #expect(try await loop.planAndApply())
            try Self.replaceWeb(loop)
            let plan = try await Self.plan(loop, target: "Firewall/web-fw")
            #expect(plan.changes.isEmpty, "\(plan.changes.map(\.change.key))")
            let warning = try #require(plan.warnings.first { $0.code == "targeted_follower" })
            #expect(warning.message.contains("target Droplet/web"), "\(warning.message)")
        }
    }
}
