import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// `arcadia import`: a world of 50 resources nobody manages, of every kind, seeded through the
/// simulator's API, imports to spec files that load and plan clean; a dry run writes nothing; another
/// state's droplet is refused; a name clash fails before anything is written.
@Suite struct ImportTests {
    /// An ed25519 public key line whose 32 key bytes are all `byte`.
    static func publicKey(_ byte: UInt8) -> String {
        func field(_ bytes: [UInt8]) -> [UInt8] {
            let count = UInt32(bytes.count)
            return [UInt8(count >> 24), UInt8((count >> 16) & 0xff), UInt8((count >> 8) & 0xff), UInt8(count & 0xff)] + bytes
        }
        return "ssh-ed25519 " + Data(field(Array("ssh-ed25519".utf8)) + field(Array(repeating: byte, count: 32))).base64EncodedString() + " key\(byte)@example"
    }

    /// 24 droplets, 14 volumes (8 attached), 3 SSH keys, 4 reserved IPs (2 assigned), 3 firewalls (2 over
    /// droplets), 2 domains with records: 50 resources, none tagged managed-by-arcadia.
    static func seedWorld(_ sim: SimulatorHarness) async throws {
        _ = try await sim.json("POST", "/_sim/seed", body: #"{"droplets": 22, "prefix": "web", "tags": ["web"]}"#)
        let client = sim.client
        for (index, name) in ["ops key", "deploy", "ci"].enumerated() { _ = try await client.createSSHKey(name: name, publicKey: publicKey(UInt8(index + 1))) }
        for name in ["db-1", "db-2"] {
            _ = try await client.createDroplet(DropletCreateRequest(
                name: name, region: "nyc3", size: "s-2vcpu-4gb", image: "debian-12-x64", backups: true, ipv6: true, monitoring: true, tags: ["db"]
            ))
        }
        let droplets = try await waitUntil { let all = try await client.listDroplets(); return all.allSatisfy { $0.status == "active" } ? all : nil }
        let ids = Dictionary(droplets.map { ($0.name, $0.id) }, uniquingKeysWith: { a, _ in a })
        for index in 0..<14 {
            let volume = try await client.createVolume(VolumeCreateRequest(
                name: "data-\(index)", region: "nyc3", sizeGigabytes: 10 + index, filesystemType: index % 2 == 0 ? "ext4" : nil,
                description: "data \(index)", tags: index < 4 ? ["data"] : []
            ))
            if index < 8, let droplet = ids["web-\(index)"] { _ = try await client.performVolumeAction(volumeID: volume.id, .attach(dropletID: droplet)) }
        }
        for index in 0..<4 {
            let reserved = try await client.createReservedIP(region: "nyc3")
            if index < 2, let droplet = ids["db-\(index + 1)"] { _ = try await client.performReservedIPAction(reserved.ip, type: "assign", dropletID: droplet) }
        }
        let ssh = FirewallRule(proto: "tcp", ports: "22", targets: FirewallTargets(addresses: ["0.0.0.0/0", "::/0"]))
        let out = FirewallRule(proto: "tcp", ports: "0", targets: FirewallTargets(addresses: ["0.0.0.0/0"]))
        let ping = FirewallRule(proto: "icmp", ports: "0", targets: FirewallTargets(tags: ["web"]))
        _ = try await client.createFirewall(Firewall(name: "web-fw", inboundRules: [ssh, ping], outboundRules: [out], dropletIDs: [0, 1, 2].compactMap { ids["web-\($0)"] }, tags: ["web"]))
        _ = try await client.createFirewall(Firewall(name: "db-fw", inboundRules: [ssh], outboundRules: [], dropletIDs: [ids["db-1"], ids["db-2"]].compactMap { $0 }, tags: []))
        _ = try await client.createFirewall(Firewall(name: "edge", inboundRules: [], outboundRules: [out], dropletIDs: [], tags: ["edge"]))
        let address = droplets.first { $0.name == "db-1" }?.networks.v4.first { $0.type == "public" }?.ipAddress ?? "203.0.113.9"
        for domain in ["example.com", "example.org"] {
            _ = try await client.createDomain(domain)
            _ = try await client.createDomainRecord(domain, DomainRecord(type: "A", name: "www", data: address, ttl: 300))
            _ = try await client.createDomainRecord(domain, DomainRecord(type: "MX", name: "@", data: "mail.\(domain).", ttl: 1800, priority: 10))
            _ = try await client.createDomainRecord(domain, DomainRecord(type: "TXT", name: "@", data: "v=spf1 include:_spf.\(domain) -all"))
        }
        // Attachments and assignments are actions: wait until DigitalOcean shows them done.
        _ = try await waitUntil {
            let attached = try await client.listVolumes().filter { !$0.dropletIDs.isEmpty }.count
            let assigned = try await client.listReservedIPs().filter { $0.dropletID != nil }.count
            return attached == 8 && assigned == 2 ? true : nil
        }
    }

    static func waitUntil<T>(_ body: () async throws -> T?) async throws -> T {
        for _ in 0..<500 {
            if let value = try await body() { return value }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("timed out waiting for the simulator")
        throw CancellationError()
    }

    static func request(_ loop: ReconcileLoop, kinds: [ResourceKind] = ResourceKind.allCases, name: String? = nil) -> Importer.Request {
        Importer.Request(kinds: kinds, name: name, specsFolder: loop.specs.path, outFolder: loop.specs.path)
    }

    static func specFiles(_ loop: ReconcileLoop) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: loop.specs.path).sorted()
    }

    @Test(arguments: StoreEngine.allCases) func aWorldOfFiftyImportsValidatesAndPlansClean(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try await Self.seedWorld(loop.sim)
            let importer = Importer(client: loop.sim.client, store: loop.store)
            let before = try await VolumeKindTests.routes(loop).values.reduce(0, +)
            let preparation = try await importer.prepare(Self.request(loop))
            #expect(preparation.files.count == 50, "\(preparation.files.map(\.resource.key))")
            #expect(preparation.notes.isEmpty, "\(preparation.notes)")
            try await importer.commit(preparation, outFolder: loop.specs.path)
            let spent = try await VolumeKindTests.routes(loop).values.reduce(0, +) - before
            // One list per kind (and the records of each domain), the tag and one tagging: 10 requests for 50 resources.
            #expect(spent == 10, "\(spent) requests")
            #expect(try Self.specFiles(loop).count == 50)

            let loaded = try SpecLoader.load(directory: loop.specs.path)
            #expect(loaded.count == 50)
            let volume = try #require(loaded.first { $0.key == "Volume/data-0" })
            #expect(volume.spec.string("attachTo") == "web-0")
            #expect(loaded.first { $0.key == "Firewall/web-fw" }?.spec.strings("droplets").sorted() == ["web-0", "web-1", "web-2"])
            #expect(loaded.contains { $0.kind == .reservedIP && $0.spec.string("droplet") == "db-1" })
            #expect(loaded.contains { $0.key == "SSHKey/ops key" })
            let records = loaded.first { $0.key == "Domain/example.com" }?.spec.strings("records") ?? []
            #expect(records.contains { $0.contains("droplet=db-1") }, "an A record at db-1's address names it: \(records)")
            let text = try String(contentsOf: loop.specs.appendingPathComponent("db-1.yaml"), encoding: .utf8)
            #expect(text.hasPrefix("# imported from DigitalOcean droplet "))

            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty, "\(plan.errors)")
            #expect(plan.isInSync, "\(plan.changes.map(\.change.key)) \(plan.drift) \(plan.warnings)")
            #expect(try await loop.sim.client.listDroplets().allSatisfy { $0.tags.contains(Ownership.managedTag) })
            #expect(try await loop.sim.client.listVolumes().allSatisfy { $0.tags.contains(Ownership.managedTag) })
            #expect(try await loop.store.provisioned().count == 50)

            // A second import finds nothing left to take.
            let again = try await importer.prepare(Self.request(loop))
            #expect(again.files.isEmpty && again.notes.count == 50)
        }
    }

    /// An imported A record at an imported droplet's address names the droplet, so a replace of the
    /// droplet moves it (an outside tester found it left at the destroyed droplet's address).
    @Test func anImportedRecordFollowsAReplacedDroplet() async throws {
        try await ReconcileLoop.with { loop in
            try await Self.seedWorld(loop.sim)
            let importer = Importer(client: loop.sim.client, store: loop.store)
            try await importer.commit(try await importer.prepare(Self.request(loop)), outFolder: loop.specs.path)
            let file = loop.specs.appendingPathComponent("db-1.yaml")
            let text = try String(contentsOf: file, encoding: .utf8)
            try text.replacingOccurrences(of: "debian-12-x64", with: "ubuntu-24-04-x64").write(to: file, atomically: true, encoding: .utf8)
            let plan = try await loop.plan()
            let replace = try #require(plan.changes.first { $0.change.key == "Droplet/db-1" })
            let moved = Set(replace.change.dependents?.map(\.key) ?? [])
            #expect(moved.isSuperset(of: ["Domain/example.com", "Domain/example.org", "Firewall/db-fw"]), "\(moved)")
            #expect(!plan.warnings.contains { $0.code == "left_pointing_at_replaced" }, "\(plan.warnings)")
            #expect(try await loop.apply(plan).isSuccess)
            let address = try await DomainKindTests.publicIPv4(loop, "db-1")
            for domain in ["example.com", "example.org"] {
                #expect(try await DomainKindTests.records(loop, domain).contains("A www \(address) 300"))
            }
            #expect(try await loop.plan().isInSync)
        }
    }

    @Test func aDryRunWritesAndRecordsNothing() async throws {
        try await ReconcileLoop.with { loop in
            try await Self.seedWorld(loop.sim)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("arcadia-import-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try await CommandRunner().run(
                ["import", "--all", "--kind", "Droplet", "--dry-run", "--specs", loop.specs.path, "--database", "sqlite:\(directory.path)/state.sqlite"],
                in: FileManager.default.temporaryDirectory,
                environment: ["DIGITALOCEAN_TOKEN": loop.sim.token, "DIGITALOCEAN_API_URL": loop.sim.baseURL]
            )
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("kind: Droplet") && result.stdout.contains("name: db-1"))
            #expect(result.stdout.contains("Dry run: 24 spec files printed; nothing written or recorded (1 DigitalOcean request)"), "\(result.stdout.suffix(300))")
            #expect(try Self.specFiles(loop).isEmpty)
            #expect(try await loop.sim.client.listDroplets().allSatisfy { !$0.tags.contains(Ownership.managedTag) })
        }
    }

    /// An import records resources as applied: it waits for no apply, and none runs under it.
    @Test func anImportWhileAnApplyHoldsTheLockChangesNothing() async throws {
        try await ReconcileLoop.with { loop in
            try await Self.seedWorld(loop.sim)
            try await loop.store.withApplyLock(holder: "arcadia apply, pid 4242 on ops-1") {
                let result = try await CommandRunner().run(
                    ["import", "--all", "--specs", loop.specs.path, "--database", loop.store.location],
                    in: FileManager.default.temporaryDirectory,
                    environment: ["DIGITALOCEAN_TOKEN": loop.sim.token, "DIGITALOCEAN_API_URL": loop.sim.baseURL]
                )
                #expect(result.status == 1)
                #expect(result.stderr.contains("arcadia apply, pid 4242 on ops-1"), "\(result.stderr)")
            }
            #expect(try Self.specFiles(loop).isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
            #expect(try await loop.sim.client.listDroplets().allSatisfy { !$0.tags.contains(Ownership.managedTag) })
        }
    }

    @Test(arguments: StoreEngine.allCases) func anotherStatesDropletIsRefused(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            _ = try await loop.sim.json("POST", "/_sim/seed", body: #"{"droplets": 2, "prefix": "other", "tags": ["managed-by-arcadia"]}"#)
            let importer = Importer(client: loop.sim.client, store: loop.store)
            let refused = await #expect(throws: Importer.Refused.self) { try await importer.prepare(Self.request(loop, kinds: [.droplet], name: "other-0")) }
            #expect(refused?.description.contains("another Arcadia state manages it") == true, "\(String(describing: refused))")
            let all = try await importer.prepare(Self.request(loop, kinds: [.droplet]))
            #expect(all.files.isEmpty && all.notes.count == 2 && all.notes.allSatisfy { $0.hasPrefix("refused:") })
            #expect(try Self.specFiles(loop).isEmpty)
            #expect(try await loop.store.provisioned().isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases) func aNameClashFailsBeforeAnythingIsWritten(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            _ = try await loop.sim.json("POST", "/_sim/seed", body: #"{"droplets": 3, "prefix": "web", "tags": []}"#)
            try loop.write(["mine.yaml": "apiVersion: arcadia/v1\nkind: Droplet\nmetadata: {name: web-1}\nspec: {region: nyc3, size: s-1vcpu-1gb, image: ubuntu-24-04-x64}\n"])
            let importer = Importer(client: loop.sim.client, store: loop.store)
            let refused = await #expect(throws: Importer.Refused.self) { try await importer.prepare(Self.request(loop)) }
            #expect(refused?.description.contains("Droplet/web-1 already exists") == true, "\(String(describing: refused))")
            #expect(try Self.specFiles(loop) == ["mine.yaml"])
            #expect(try await loop.store.provisioned().isEmpty)
        }
    }
}
