import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Every kind at once: an SSHKey, a droplet naming it, a volume attached to the droplet, a reserved
/// IP assigned to it, a firewall over it and a domain whose records point at the droplet and the address. It applies from nothing and plans clean; a replaced
/// droplet takes the volume, the address and the firewall along in one apply, leaving nothing on the
/// old one; removing every spec destroys in reverse order of the references and leaves nothing.
@Suite struct NetworkStackTests {
    static let specs = [
        "deploy.yaml": VolumeKindTests.keySpec, "web.yaml": VolumeKindTests.stackDroplet(), "data-1.yaml": VolumeKindTests.volumeSpec(),
        "web-ip.yaml": ReservedIPKindTests.ipSpec(), "web-fw.yaml": FirewallKindTests.firewallSpec(), "example.yaml": DomainKindTests.domainSpec(),
    ]

    @Test(arguments: StoreEngine.allCases) func everyKindFromNothingThroughAReplacementToNothing(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(Self.specs)
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.changes.map(\.change.key) == ["SSHKey/deploy", "Droplet/web", "Firewall/web-fw", "ReservedIP/web-ip", "Volume/data-1", "Domain/example.com"])
            #expect(plan.changes.dropFirst(2).dropLast().allSatisfy { $0.after == ["Droplet/web"] })
            #expect(Set(plan.changes.last?.after ?? []) == ["Droplet/web", "ReservedIP/web-ip"])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await loop.plan().isInSync)

            try loop.write(["web.yaml": VolumeKindTests.stackDroplet().replacingOccurrences(of: "ubuntu-24-04-x64", with: "debian-12-x64")])
            let replace = try await loop.plan()
            #expect(replace.changes.map(\.change.key) == ["Droplet/web", "Firewall/web-fw", "ReservedIP/web-ip", "Volume/data-1", "Domain/example.com"])
            #expect(try await loop.apply(replace).isSuccess)
            let web = try await VolumeKindTests.dropletID(loop, "web")
            #expect(try await loop.sim.client.listDroplets().map(\.id) == [web], "the old droplet is gone")
            #expect(try await VolumeKindTests.volume(loop).dropletIDs == [web])
            #expect(try await ReservedIPKindTests.reserved(loop).dropletID == web)
            #expect(try await FirewallKindTests.firewall(loop).dropletIDs == [web])
            let address = try await DomainKindTests.publicIPv4(loop, "web")
            let reserved = try await ReservedIPKindTests.reserved(loop).ip
            let aRecords = try await loop.sim.client.listDomainRecords("example.com").filter { $0.type == "A" }.map { "\($0.name) \($0.data)" }.sorted()
            #expect(aRecords == ["@ \(reserved)", "www \(address)"], "the DNS records point at the new droplet and the address")
            let next = try await loop.plan()
            #expect(next.isInSync, "\(next.changes.map(\.change.key)) \(next.drift)")

            for file in Self.specs.keys { try loop.remove(file) }
            let teardown = try await Reconciler(client: loop.sim.client, store: loop.store).plan(desired: [], allowEmpty: true)
            let order = teardown.changes.map(\.change.key)
            #expect(order.last == "SSHKey/deploy" && order.dropLast().last == "Droplet/web", "\(order)")
            #expect(order.first == "Domain/example.com", "the domain names the reserved IP, so it goes first")
            #expect(Set(order.prefix(4)) == ["Domain/example.com", "Firewall/web-fw", "ReservedIP/web-ip", "Volume/data-1"])
            #expect(try await loop.apply(teardown).isSuccess)
            #expect(try await loop.sim.client.listDroplets().isEmpty)
            #expect(try await loop.sim.client.listVolumes().isEmpty)
            #expect(try await loop.sim.client.listReservedIPs().isEmpty)
            #expect(try await loop.sim.client.listFirewalls().isEmpty)
            #expect(try await loop.sim.client.listDomains().isEmpty)
            #expect(try await loop.sim.client.listSSHKeys().isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
        }
    }
}
