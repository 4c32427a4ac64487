import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// Every operation the simulator serves, with DigitalOcean's semantics for each kind. The last test
/// names any served operation that no request exercised, so the recorded traffic (`check_traffic.py`)
/// always covers the whole surface.
@Suite struct SimulatorCoverageTests {
    static let publicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGx0d2V0ZXN0a2V5Zm9yYXJjYWRpYXNpbXVsYXRvcg== ops@example"

    /// Polls an action's URL until it is done; returns its final status.
    private func settle(_ sim: SimulatorHarness, _ path: String) async throws -> String {
        for _ in 0..<500 {
            let response = try await sim.json("GET", path)
            let status = (response.object["action"] as? [String: Any])?["status"] as? String
            if status != "in-progress" { return status ?? "missing (\(response.status))" }
            sim.advance(byDigitalOceanSeconds: 5)
        }
        return "still in progress"
    }

    private func id(_ object: [String: Any], _ key: String) -> Int {
        (object[key] as? [String: Any])?["id"] as? Int ?? -1
    }

    private func activeDroplet(_ sim: SimulatorHarness, _ name: String, region: String = "nyc3", tags: [String] = []) async throws -> Int {
        let created = try await sim.client.createDroplet(DropletCreateRequest(name: name, region: region, size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64", tags: tags))
        _ = try await sim.waitUntilIdle(dropletID: created.droplet.id)
        return created.droplet.id
    }

    @Test func dropletsMultiCreateActionsByTagBackupsAndDeleteByTag() async throws {
        try await SimulatorHarness.with { sim in
            let many = try await sim.json("POST", "/v2/droplets", body: #"{"names": ["a-1", "a-2", "a-3"], "region": "ams3", "size": "s-1vcpu-1gb", "image": "debian-12-x64", "tags": ["Batch"]}"#)
            #expect(many.status == 202)
            let droplets = try #require(many.object["droplets"] as? [[String: Any]])
            #expect(droplets.map { $0["name"] as? String } == ["a-1", "a-2", "a-3"])
            #expect(((many.object["links"] as? [String: Any])?["actions"] as? [Any])?.count == 3)
            let tooMany = try await sim.json("POST", "/v2/droplets", body: #"{"names": ["n0","n1","n2","n3","n4","n5","n6","n7","n8","n9","n10"], "region": "ams3", "size": "s-1vcpu-1gb", "image": "debian-12-x64"}"#)
            #expect(tooMany.status == 422, "at most 10 at once")
            for droplet in droplets { _ = try await sim.waitUntilIdle(dropletID: droplet["id"] as? Int ?? 0) }

            // Actions by tag: one per tagged droplet, only for the types DigitalOcean allows there.
            let off = try await sim.json("POST", "/v2/droplets/actions?tag_name=Batch", body: #"{"type": "power_off"}"#)
            #expect(off.status == 201)
            #expect((off.object["actions"] as? [Any])?.count == 3)
            let resizeByTag = try await sim.json("POST", "/v2/droplets/actions?tag_name=Batch", body: #"{"type": "resize", "size": "s-2vcpu-2gb"}"#)
            #expect(resizeByTag.status == 422)

            let first = try #require(droplets.first?["id"] as? Int)
            _ = try await sim.waitUntilIdle(dropletID: first)
            for (type, extra) in [("power_on", ""), ("reboot", ""), ("power_cycle", ""), ("rename", #", "name": "a-1-renamed""#),
                                  ("rebuild", #", "image": "ubuntu-24-04-x64""#), ("enable_ipv6", ""), ("enable_backups", ""), ("disable_backups", "")] {
                let started = try await sim.json("POST", "/v2/droplets/\(first)/actions", body: #"{"type": "\#(type)"\#(extra)}"#)
                #expect(started.status == 201, "\(type)")
                #expect(try await settle(sim, "/v2/droplets/\(first)/actions/\(id(started.object, "action"))") == "completed", "\(type)")
            }
            let droplet = try await sim.client.getDroplet(id: first)
            #expect(droplet.name == "a-1-renamed")
            #expect(droplet.status == "active")
            let history = try await sim.json("GET", "/v2/droplets/\(first)/actions?per_page=50")
            #expect((history.object["actions"] as? [[String: Any]])?.first?["type"] as? String == "disable_backups", "newest first")
            let backups = try await sim.json("GET", "/v2/droplets/\(first)/backups")
            #expect((backups.object["backups"] as? [[String: Any]])?.first?["type"] as? String == "backup")
            #expect(try await sim.json("POST", "/v2/droplets/\(first)/actions", body: #"{"type": "enable_ipv6"}"#).status == 422, "already on")

            #expect(try await sim.request("DELETE", "/v2/droplets?tag_name=Batch").status == 204)
            #expect(try await sim.client.listDroplets().isEmpty)
        }
    }

    @Test func volumesAttachDetachGrowAndSnapshot() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "db")
            let other = try await activeDroplet(sim, "far", region: "fra1")
            let created = try await sim.json("POST", "/v2/volumes", body: #"{"name": "data", "region": "nyc3", "size_gigabytes": 100, "filesystem_type": "ext4", "tags": ["db"]}"#)
            #expect(created.status == 201)
            let volume = try #require((created.object["volume"] as? [String: Any])?["id"] as? String)
            #expect(try await sim.json("POST", "/v2/volumes", body: #"{"name": "data", "region": "nyc3", "size_gigabytes": 10}"#).status == 409)
            #expect(try await sim.json("POST", "/v2/volumes", body: #"{"name": "huge", "region": "nyc3", "size_gigabytes": 16385}"#).status == 422)

            let wrongRegion = try await sim.json("POST", "/v2/volumes/\(volume)/actions", body: #"{"type": "attach", "droplet_id": \#(other)}"#)
            #expect(wrongRegion.status == 422)
            let attach = try await sim.json("POST", "/v2/volumes/\(volume)/actions", body: #"{"type": "attach", "droplet_id": \#(droplet)}"#)
            #expect(attach.status == 202)
            #expect(try await settle(sim, "/v2/volumes/\(volume)/actions/\(id(attach.object, "action"))") == "completed")
            #expect(try await sim.json("GET", "/v2/volumes/\(volume)").object["volume"].flatMap { ($0 as? [String: Any])?["droplet_ids"] as? [Int] } == [droplet])
            #expect(try await sim.client.getDroplet(id: droplet).volumeIds == [volume])
            #expect(try await sim.request("DELETE", "/v2/volumes/\(volume)").status == 409, "attached volumes cannot be deleted, as DigitalOcean answers")

            let shrink = try await sim.json("POST", "/v2/volumes/\(volume)/actions", body: #"{"type": "resize", "size_gigabytes": 50}"#)
            #expect(shrink.status == 422, "volumes only grow")
            let grow = try await sim.json("POST", "/v2/volumes/\(volume)/actions", body: #"{"type": "resize", "size_gigabytes": 200}"#)
            #expect(try await settle(sim, "/v2/volumes/\(volume)/actions/\(id(grow.object, "action"))") == "completed")
            #expect(((try await sim.json("GET", "/v2/volumes/\(volume)/actions")).object["actions"] as? [Any])?.count == 2)

            let snapshot = try await sim.json("POST", "/v2/volumes/\(volume)/snapshots", body: #"{"name": "data-nightly"}"#)
            #expect(snapshot.status == 201)
            let snapshotID = try #require((snapshot.object["snapshot"] as? [String: Any])?["id"] as? String)
            #expect(((try await sim.json("GET", "/v2/volumes/\(volume)/snapshots")).object["snapshots"] as? [Any])?.count == 1)
            #expect(try await sim.json("GET", "/v2/volumes/snapshots/\(snapshotID)").status == 200)
            #expect((try await sim.client.listSnapshots(resourceType: "volume")).map(\.id) == [snapshotID])
            #expect(try await sim.json("GET", "/v2/snapshots/\(snapshotID)").status == 200)
            #expect(try await sim.request("DELETE", "/v2/volumes/snapshots/\(snapshotID)").status == 204)

            // By name: detach, then delete.
            let detach = try await sim.json("POST", "/v2/volumes/actions", body: #"{"type": "detach", "volume_name": "data", "region": "nyc3", "droplet_id": \#(droplet)}"#)
            #expect(detach.status == 202)
            #expect(try await settle(sim, "/v2/volumes/\(volume)/actions/\(id(detach.object, "action"))") == "completed")
            let listed = try await sim.json("GET", "/v2/volumes?name=data&region=nyc3")
            #expect((listed.object["volumes"] as? [Any])?.count == 1)
            #expect(try await sim.request("DELETE", "/v2/volumes?name=data&region=nyc3").status == 204)
            let spare = try await sim.json("POST", "/v2/volumes", body: #"{"name": "spare", "region": "nyc3", "size_gigabytes": 1}"#)
            let spareID = try #require((spare.object["volume"] as? [String: Any])?["id"] as? String)
            #expect(try await sim.request("DELETE", "/v2/volumes/\(spareID)").status == 204)
        }
    }

    @Test func aDropletTakesAtMostFifteenVolumes() async throws {
        try await SimulatorHarness.with(timeScale: 0.0001) { sim in
            let droplet = try await activeDroplet(sim, "many")
            for index in 0..<16 {
                let volume = try await sim.json("POST", "/v2/volumes", body: #"{"name": "v\#(index)", "region": "nyc3", "size_gigabytes": 1}"#)
                let volumeID = try #require((volume.object["volume"] as? [String: Any])?["id"] as? String)
                let attach = try await sim.json("POST", "/v2/volumes/\(volumeID)/actions", body: #"{"type": "attach", "droplet_id": \#(droplet)}"#)
                #expect(attach.status == (index < 15 ? 202 : 422), "volume \(index + 1)")
            }
        }
    }

    @Test func tagsAreCaseStableAndTagResources() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "web")
            #expect(try await sim.json("POST", "/v2/tags", body: #"{"name": "Prod"}"#).status == 201)
            let again = try await sim.json("POST", "/v2/tags", body: #"{"name": "PROD"}"#)
            #expect((again.object["tag"] as? [String: Any])?["name"] as? String == "Prod", "the first spelling wins")
            #expect(try await sim.json("GET", "/v2/tags/PROD").status == 404, "addressed by the canonical spelling")
            let tagged = try await sim.request("POST", "/v2/tags/Prod/resources", body: #"{"resources": [{"resource_id": "\#(droplet)", "resource_type": "droplet"}]}"#)
            #expect(tagged.status == 204)
            #expect(try await sim.client.getDroplet(id: droplet).tags == ["Prod"])
            let tag = try await sim.json("GET", "/v2/tags/Prod")
            #expect(((tag.object["tag"] as? [String: Any])?["resources"] as? [String: Any])?["count"] as? Int == 1)
            #expect(((try await sim.json("GET", "/v2/tags")).object["tags"] as? [Any])?.count == 1)
            let untagged = try await sim.request("DELETE", "/v2/tags/Prod/resources", body: #"{"resources": [{"resource_id": "\#(droplet)", "resource_type": "droplet"}]}"#)
            #expect(untagged.status == 204)
            #expect(try await sim.client.getDroplet(id: droplet).tags.isEmpty)
            #expect(try await sim.request("DELETE", "/v2/tags/Prod").status == 204)
        }
    }

    @Test func sshKeysByIDOrFingerprint() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.json("POST", "/v2/account/keys", body: #"{"name": "ops", "public_key": "\#(Self.publicKey)"}"#)
            #expect(created.status == 201)
            let key = try #require(created.object["ssh_key"] as? [String: Any])
            let fingerprint = try #require(key["fingerprint"] as? String)
            #expect(fingerprint.range(of: #"^([0-9a-f]{2}:){15}[0-9a-f]{2}$"#, options: .regularExpression) != nil)
            #expect(try await sim.json("POST", "/v2/account/keys", body: #"{"name": "dup", "public_key": "\#(Self.publicKey)"}"#).status == 422)
            #expect(try await sim.json("POST", "/v2/account/keys", body: #"{"name": "bad", "public_key": "not a key"}"#).status == 422)
            #expect(try await sim.json("GET", "/v2/account/keys/\(fingerprint)").status == 200)
            let renamed = try await sim.json("PUT", "/v2/account/keys/\(key["id"] as? Int ?? 0)", body: #"{"name": "ops-2"}"#)
            #expect((renamed.object["ssh_key"] as? [String: Any])?["name"] as? String == "ops-2")
            #expect(((try await sim.json("GET", "/v2/account/keys")).object["ssh_keys"] as? [Any])?.count == 1)
            // A droplet may name the key by fingerprint; an unknown key is refused.
            let withKey = try await sim.json("POST", "/v2/droplets", body: #"{"name": "k", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "ssh_keys": ["\#(fingerprint)"]}"#)
            #expect(withKey.status == 202)
            let unknownKey = try await sim.json("POST", "/v2/droplets", body: #"{"name": "k2", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "ssh_keys": [123]}"#)
            #expect(unknownKey.status == 422)
            #expect(try await sim.request("DELETE", "/v2/account/keys/\(fingerprint)").status == 204)
        }
    }

    @Test func firewallsReplaceOnPutAndSettle() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "web")
            let rule = #"{"protocol": "tcp", "ports": "443", "sources": {"addresses": ["0.0.0.0/0"]}}"#
            let out = #"{"protocol": "tcp", "ports": "all", "destinations": {"addresses": ["0.0.0.0/0"]}}"#
            let created = try await sim.json("POST", "/v2/firewalls", body: #"{"name": "web", "inbound_rules": [\#(rule)], "outbound_rules": [\#(out)], "droplet_ids": [\#(droplet)]}"#)
            #expect(created.status == 202)
            let firewall = try #require(created.object["firewall"] as? [String: Any])
            let firewallID = try #require(firewall["id"] as? String)
            #expect(firewall["status"] as? String == "waiting")
            #expect(try await sim.json("POST", "/v2/firewalls", body: #"{"name": "bad", "inbound_rules": [{"protocol": "gre", "ports": "1"}]}"#).status == 400)
            #expect(try await sim.json("POST", "/v2/firewalls", body: #"{"name": "no-rules"}"#).status == 400, "rules are required")

            let ssh = #"{"protocol": "tcp", "ports": "22", "sources": {"tags": ["ops"]}}"#
            #expect(try await sim.request("POST", "/v2/firewalls/\(firewallID)/rules", body: #"{"inbound_rules": [\#(ssh)]}"#).status == 204)
            #expect(try await sim.request("DELETE", "/v2/firewalls/\(firewallID)/rules", body: #"{"inbound_rules": [\#(ssh)]}"#).status == 204)
            #expect(try await sim.request("POST", "/v2/firewalls/\(firewallID)/tags", body: #"{"tags": ["web"]}"#).status == 204)
            #expect(try await sim.request("DELETE", "/v2/firewalls/\(firewallID)/tags", body: #"{"tags": ["web"]}"#).status == 204)
            #expect(try await sim.request("DELETE", "/v2/firewalls/\(firewallID)/droplets", body: #"{"droplet_ids": [\#(droplet)]}"#).status == 204)
            #expect(try await sim.request("POST", "/v2/firewalls/\(firewallID)/droplets", body: #"{"droplet_ids": [\#(droplet)]}"#).status == 204)

            // PUT replaces everything: droplets and rules not sent are gone.
            let replaced = try await sim.json("PUT", "/v2/firewalls/\(firewallID)", body: #"{"name": "web-2", "inbound_rules": [\#(rule)]}"#)
            let after = try #require(replaced.object["firewall"] as? [String: Any])
            #expect(after["name"] as? String == "web-2")
            #expect((after["droplet_ids"] as? [Int])?.isEmpty == true)
            #expect((after["outbound_rules"] as? [Any])?.isEmpty == true)
            sim.advance(byDigitalOceanSeconds: 10)
            let settled = try await sim.json("GET", "/v2/firewalls/\(firewallID)")
            #expect((settled.object["firewall"] as? [String: Any])?["status"] as? String == "succeeded")
            #expect(((try await sim.json("GET", "/v2/firewalls")).object["firewalls"] as? [Any])?.count == 1)
            #expect(try await sim.request("DELETE", "/v2/firewalls/\(firewallID)").status == 204)
        }
    }

    @Test func domainsAndRecords() async throws {
        try await SimulatorHarness.with { sim in
            let created = try await sim.json("POST", "/v2/domains", body: #"{"name": "example.com", "ip_address": "192.0.2.10"}"#)
            #expect(created.status == 201)
            #expect(try await sim.json("POST", "/v2/domains", body: #"{"name": "example.com"}"#).status == 422)
            #expect(try await sim.json("GET", "/v2/domains/example.com").status == 200)
            #expect(((try await sim.json("GET", "/v2/domains")).object["domains"] as? [Any])?.count == 1)
            let apex = try await sim.json("GET", "/v2/domains/example.com/records?type=A&name=example.com")
            #expect((apex.object["domain_records"] as? [[String: Any]])?.first?["data"] as? String == "192.0.2.10")

            let www = try await sim.json("POST", "/v2/domains/example.com/records", body: #"{"type": "CNAME", "name": "www", "data": "@", "ttl": 300}"#)
            #expect(www.status == 201)
            let recordID = id(www.object, "domain_record")
            #expect(try await sim.json("POST", "/v2/domains/example.com/records", body: #"{"type": "MX", "name": "@", "data": "mail.example.com."}"#).status == 422, "MX needs a priority")
            #expect(try await sim.json("POST", "/v2/domains/example.com/records", body: #"{"type": "TXT", "name": "@", "data": "x"}"#).status == 422, "TXT needs flags and tag, if null")
            #expect(try await sim.json("PATCH", "/v2/domains/example.com/records/\(recordID)", body: #"{"ttl": 600}"#).status == 422, "type is required")
            let patched = try await sim.json("PATCH", "/v2/domains/example.com/records/\(recordID)", body: #"{"type": "CNAME", "name": "www", "data": "@", "ttl": 600}"#)
            #expect((patched.object["domain_record"] as? [String: Any])?["ttl"] as? Int == 600)
            #expect((patched.object["domain_record"] as? [String: Any])?["data"] as? String == "@")
            let put = try await sim.json("PUT", "/v2/domains/example.com/records/\(recordID)", body: #"{"type": "CNAME", "name": "www2", "data": "@"}"#)
            #expect((put.object["domain_record"] as? [String: Any])?["name"] as? String == "www2")
            #expect(try await sim.json("GET", "/v2/domains/example.com/records/\(recordID)").status == 200)
            #expect(try await sim.request("DELETE", "/v2/domains/example.com/records/\(recordID)").status == 204)
            #expect(try await sim.request("DELETE", "/v2/domains/example.com").status == 204)
            #expect(try await sim.json("GET", "/v2/domains/example.com").status == 404)
        }
    }

    /// A scripted action error names its target by the `resource_id` actions show: for a reserved IP,
    /// the address as an integer.
    @Test func aScriptedActionErrorFindsAReservedIP() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "edge")
            let created = try await sim.json("POST", "/v2/reserved_ips", body: #"{"region": "nyc3"}"#)
            let ip = try #require((created.object["reserved_ip"] as? [String: Any])?["ip"] as? String)
            let resourceID = ip.split(separator: ".").reduce(0) { $0 * 256 + Int($1)! }
            let shot = #"{"once": [{"fault": "action_error", "action_type": "assign", "resource_id": \#(resourceID)}]}"#
            #expect(try await sim.request("POST", "/_sim/faults", body: shot).status == 200)
            let first = try await sim.json("POST", "/v2/reserved_ips/\(ip)/actions", body: #"{"type": "assign", "droplet_id": \#(droplet)}"#)
            #expect((first.object["action"] as? [String: Any])?["resource_id"] as? Int == resourceID)
            #expect(try await settle(sim, "/v2/reserved_ips/\(ip)/actions/\(id(first.object, "action"))") == "errored")
            let second = try await sim.json("POST", "/v2/reserved_ips/\(ip)/actions", body: #"{"type": "assign", "droplet_id": \#(droplet)}"#)
            #expect(try await settle(sim, "/v2/reserved_ips/\(ip)/actions/\(id(second.object, "action"))") == "completed", "a one-shot fires once")
        }
    }

    @Test func reservedIPsAssignAndUnassign() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "lb")
            let created = try await sim.json("POST", "/v2/reserved_ips", body: #"{"region": "nyc3"}"#)
            #expect(created.status == 202)
            let ip = try #require((created.object["reserved_ip"] as? [String: Any])?["ip"] as? String)
            let assign = try await sim.json("POST", "/v2/reserved_ips/\(ip)/actions", body: #"{"type": "assign", "droplet_id": \#(droplet)}"#)
            #expect(assign.status == 201)
            #expect(try await settle(sim, "/v2/reserved_ips/\(ip)/actions/\(id(assign.object, "action"))") == "completed")
            let assigned = try await sim.json("GET", "/v2/reserved_ips/\(ip)")
            #expect(((assigned.object["reserved_ip"] as? [String: Any])?["droplet"] as? [String: Any])?["id"] as? Int == droplet)
            let unassign = try await sim.json("POST", "/v2/reserved_ips/\(ip)/actions", body: #"{"type": "unassign"}"#)
            #expect(try await settle(sim, "/v2/reserved_ips/\(ip)/actions/\(id(unassign.object, "action"))") == "completed")
            #expect(((try await sim.json("GET", "/v2/reserved_ips/\(ip)/actions")).object["actions"] as? [Any])?.count == 2)

            // Created for a droplet: assigned by an action that starts at once.
            let forDroplet = try await sim.json("POST", "/v2/reserved_ips", body: #"{"droplet_id": \#(droplet)}"#)
            #expect((((forDroplet.object["links"] as? [String: Any])?["actions"]) as? [Any])?.count == 1)
            #expect(((try await sim.json("GET", "/v2/reserved_ips")).object["reserved_ips"] as? [Any])?.count == 2)
            #expect(try await sim.request("DELETE", "/v2/reserved_ips/\(ip)").status == 204)
        }
    }

    @Test func imagesListSnapshotsAndDistributions() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "img")
            _ = try await sim.client.performDropletAction(dropletID: droplet, .snapshot(named: "img-golden"))
            _ = try await sim.waitUntilIdle(dropletID: droplet)
            sim.advance(byDigitalOceanSeconds: 10)
            let mine = try await sim.json("GET", "/v2/images?private=true")
            let image = try #require((mine.object["images"] as? [[String: Any]])?.first)
            #expect(image["type"] as? String == "snapshot")
            #expect(image["distribution"] as? String == "Ubuntu")
            let imageID = try #require(image["id"] as? Int)
            #expect(try await sim.json("GET", "/v2/images/ubuntu-24-04-x64").status == 200, "by slug")
            #expect(try await sim.json("GET", "/v2/images/\(imageID)").status == 200, "by id")
            let renamed = try await sim.json("PUT", "/v2/images/\(imageID)", body: #"{"name": "golden", "description": "base"}"#)
            #expect((renamed.object["image"] as? [String: Any])?["name"] as? String == "golden")
            #expect(((try await sim.json("GET", "/v2/images?type=distribution")).object["images"] as? [Any])?.isEmpty == false)
            // A droplet can boot from the account's snapshot.
            let fromSnapshot = try await sim.json("POST", "/v2/droplets", body: #"{"name": "clone", "region": "nyc3", "size": "s-1vcpu-1gb", "image": \#(imageID)}"#)
            #expect(fromSnapshot.status == 202)
            #expect(try await sim.request("DELETE", "/v2/images/\(imageID)").status == 204)
            #expect(try await sim.json("GET", "/v2/images/\(imageID)").status == 404)
        }
    }

    /// Runs a short pass over every kind in one simulator and lists the served operations it never hit.
    @Test func everyServedOperationIsExercised() async throws {
        try await SimulatorHarness.with { sim in
            try await exerciseEverything(sim)
            let stats = try await sim.json("GET", "/_sim/stats")
            let seen = Set((stats.object["requests"] as? [String: Int] ?? [:]).keys)
            let missing = DigitalOceanSimulator.servedOperations.filter { !seen.contains($0) }
            #expect(missing.isEmpty, "never exercised: \(missing.joined(separator: ", "))")
            #expect(DigitalOceanSimulator.servedOperations.count >= 70)
        }
    }

    /// The same pass as a generated client (godo, pydo) sends it: every optional string and list field
    /// the contract names for each operation is present, empty where unset. DigitalOcean takes empty as
    /// not sent, and so must the simulator: every such request is answered as the plain one is.
    @Test func everyOperationTakesEmptyOptionalFieldsAsNotSent() async throws {
        try await SimulatorHarness.with(sendingEmptyOptionalFields: true) { sim in
            try await exerciseEverything(sim)
            let log = try #require(sim.generatedClient)
            let refused = log.statuses.filter { $0.value.contains { !(200..<300).contains($0) } }
            #expect(refused.isEmpty, "refused with empty optional fields: \(refused)")
            let withBodies = Set(log.statuses.keys)
            #expect(withBodies.count >= 25, "padded operations: \(withBodies.sorted())")
            #expect(withBodies.contains("POST /v2/volumes"), "a volume created with \"snapshot_id\": \"\", as godo sends it")
        }
    }

    /// What godo sent that the simulator once refused: a volume with `"snapshot_id": ""`; and what
    /// DigitalOcean reports for volume actions: `attach_volume`, `detach_volume`, `resize_volume`.
    @Test func aVolumeWithAnEmptySnapshotIDAndTheContractsActionTypes() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await activeDroplet(sim, "godo")
            let created = try await sim.json("POST", "/v2/volumes", body: #"{"name": "v1", "region": "nyc3", "size_gigabytes": 10, "snapshot_id": "", "tags": [], "description": ""}"#)
            #expect(created.status == 201)
            let volumeID = try #require((created.object["volume"] as? [String: Any])?["id"] as? String)
            for (request, reported) in [(#"{"type": "attach", "droplet_id": \#(droplet)}"#, "attach_volume"),
                                        (#"{"type": "resize", "size_gigabytes": 20}"#, "resize_volume"),
                                        (#"{"type": "detach", "droplet_id": \#(droplet)}"#, "detach_volume")] {
                let action = try await sim.json("POST", "/v2/volumes/\(volumeID)/actions", body: request)
                #expect((action.object["action"] as? [String: Any])?["type"] as? String == reported)
                #expect(try await settle(sim, "/v2/volumes/\(volumeID)/actions/\(id(action.object, "action"))") == "completed")
            }
        }
    }

    private func exerciseEverything(_ sim: SimulatorHarness) async throws {
        for path in ["/v2/account", "/v2/regions", "/v2/sizes", "/v2/actions", "/v2/snapshots"] { _ = try await sim.json("GET", path) }
        let droplet = try await activeDroplet(sim, "all", tags: ["everything"])
        _ = try await sim.json("GET", "/v2/droplets")
        _ = try await sim.json("GET", "/v2/droplets/\(droplet)/snapshots")
        _ = try await sim.json("GET", "/v2/droplets/\(droplet)/backups")
        let action = try await sim.json("POST", "/v2/droplets/\(droplet)/actions", body: #"{"type": "snapshot", "name": "all-snap"}"#)
        _ = try await settle(sim, "/v2/droplets/\(droplet)/actions/\(id(action.object, "action"))")
        _ = try await sim.json("GET", "/v2/actions/\(id(action.object, "action"))")
        _ = try await sim.json("GET", "/v2/droplets/\(droplet)/actions")
        sim.advance(byDigitalOceanSeconds: 10)
        let snapshotID = try #require(try await sim.client.listSnapshots().first?.id)
        _ = try await sim.json("GET", "/v2/snapshots/\(snapshotID)")
        _ = try await sim.json("GET", "/v2/images")
        _ = try await sim.json("GET", "/v2/images/\(snapshotID)")
        _ = try await sim.json("PUT", "/v2/images/\(snapshotID)", body: #"{"name": "renamed"}"#)
        _ = try await sim.request("DELETE", "/v2/snapshots/\(snapshotID)")
        _ = try await sim.request("DELETE", "/v2/images/\(snapshotID)")
        _ = try await sim.json("POST", "/v2/droplets/actions?tag_name=everything", body: #"{"type": "power_cycle"}"#)

        let volume = try await sim.json("POST", "/v2/volumes", body: #"{"name": "all-vol", "region": "nyc3", "size_gigabytes": 5}"#)
        let volumeID = (volume.object["volume"] as? [String: Any])?["id"] as? String ?? "missing"
        _ = try await sim.json("GET", "/v2/volumes")
        _ = try await sim.json("GET", "/v2/volumes/\(volumeID)")
        let grow = try await sim.json("POST", "/v2/volumes/\(volumeID)/actions", body: #"{"type": "resize", "size_gigabytes": 6}"#)
        _ = try await settle(sim, "/v2/volumes/\(volumeID)/actions/\(id(grow.object, "action"))")
        _ = try await sim.json("GET", "/v2/volumes/\(volumeID)/actions")
        _ = try await sim.json("POST", "/v2/volumes/actions", body: #"{"type": "attach", "volume_name": "all-vol", "region": "nyc3", "droplet_id": \#(droplet)}"#)
        let volumeSnapshot = try await sim.json("POST", "/v2/volumes/\(volumeID)/snapshots", body: #"{"name": "all-vol-snap"}"#)
        let volumeSnapshotID = (volumeSnapshot.object["snapshot"] as? [String: Any])?["id"] as? String ?? "missing"
        _ = try await sim.json("GET", "/v2/volumes/\(volumeID)/snapshots")
        _ = try await sim.json("GET", "/v2/volumes/snapshots/\(volumeSnapshotID)")
        _ = try await sim.request("DELETE", "/v2/volumes/snapshots/\(volumeSnapshotID)")
        _ = try await sim.request("DELETE", "/v2/volumes/\(volumeID)")
        _ = try await sim.request("DELETE", "/v2/volumes?name=all-vol&region=nyc3")

        _ = try await sim.json("POST", "/v2/tags", body: #"{"name": "all"}"#)
        _ = try await sim.json("GET", "/v2/tags")
        _ = try await sim.json("GET", "/v2/tags/all")
        let resource = #"{"resources": [{"resource_id": "\#(droplet)", "resource_type": "droplet"}]}"#
        _ = try await sim.request("POST", "/v2/tags/all/resources", body: resource)
        _ = try await sim.request("DELETE", "/v2/tags/all/resources", body: resource)
        _ = try await sim.request("DELETE", "/v2/tags/all")

        let key = try await sim.json("POST", "/v2/account/keys", body: #"{"name": "all", "public_key": "\#(Self.publicKey)"}"#)
        let keyID = (key.object["ssh_key"] as? [String: Any])?["id"] as? Int ?? 0
        _ = try await sim.json("GET", "/v2/account/keys")
        _ = try await sim.json("GET", "/v2/account/keys/\(keyID)")
        _ = try await sim.json("PUT", "/v2/account/keys/\(keyID)", body: #"{"name": "all-2"}"#)
        _ = try await sim.request("DELETE", "/v2/account/keys/\(keyID)")

        let icmp = #"{"protocol": "icmp", "ports": "0", "sources": {"addresses": ["0.0.0.0/0"]}}"#
        let firewall = try await sim.json("POST", "/v2/firewalls", body: #"{"name": "all", "inbound_rules": [\#(icmp)]}"#)
        let firewallID = (firewall.object["firewall"] as? [String: Any])?["id"] as? String ?? "missing"
        _ = try await sim.json("GET", "/v2/firewalls")
        _ = try await sim.json("GET", "/v2/firewalls/\(firewallID)")
        _ = try await sim.json("PUT", "/v2/firewalls/\(firewallID)", body: #"{"name": "all-2", "inbound_rules": [\#(icmp)]}"#)
        for sub in ["droplets": #"{"droplet_ids": [\#(droplet)]}"#, "tags": #"{"tags": ["all"]}"#,
                    "rules": #"{"outbound_rules": [{"protocol": "udp", "ports": "53", "destinations": {"addresses": ["0.0.0.0/0"]}}]}"#] {
            _ = try await sim.request("POST", "/v2/firewalls/\(firewallID)/\(sub.key)", body: sub.value)
            _ = try await sim.request("DELETE", "/v2/firewalls/\(firewallID)/\(sub.key)", body: sub.value)
        }
        _ = try await sim.request("DELETE", "/v2/firewalls/\(firewallID)")

        _ = try await sim.json("POST", "/v2/domains", body: #"{"name": "all.example"}"#)
        _ = try await sim.json("GET", "/v2/domains")
        _ = try await sim.json("GET", "/v2/domains/all.example")
        let record = try await sim.json("POST", "/v2/domains/all.example/records", body: #"{"type": "TXT", "name": "@", "data": "v=spf1 -all", "flags": null, "tag": null}"#)
        let recordID = id(record.object, "domain_record")
        _ = try await sim.json("GET", "/v2/domains/all.example/records")
        _ = try await sim.json("GET", "/v2/domains/all.example/records/\(recordID)")
        let txt = #""type": "TXT", "name": "@", "flags": null, "tag": null"#
        _ = try await sim.json("PATCH", "/v2/domains/all.example/records/\(recordID)", body: #"{\#(txt), "data": "v=spf1 -all", "ttl": 60}"#)
        _ = try await sim.json("PUT", "/v2/domains/all.example/records/\(recordID)", body: #"{\#(txt), "data": "v=spf1 ~all"}"#)
        _ = try await sim.request("DELETE", "/v2/domains/all.example/records/\(recordID)")
        _ = try await sim.request("DELETE", "/v2/domains/all.example")

        let reserved = try await sim.json("POST", "/v2/reserved_ips", body: #"{"region": "nyc3"}"#)
        let ip = (reserved.object["reserved_ip"] as? [String: Any])?["ip"] as? String ?? "missing"
        _ = try await sim.json("GET", "/v2/reserved_ips")
        _ = try await sim.json("GET", "/v2/reserved_ips/\(ip)")
        let assign = try await sim.json("POST", "/v2/reserved_ips/\(ip)/actions", body: #"{"type": "assign", "droplet_id": \#(droplet)}"#)
        _ = try await settle(sim, "/v2/reserved_ips/\(ip)/actions/\(id(assign.object, "action"))")
        _ = try await sim.json("GET", "/v2/reserved_ips/\(ip)/actions")
        _ = try await sim.request("DELETE", "/v2/reserved_ips/\(ip)")

        _ = try await sim.request("DELETE", "/v2/droplets/\(droplet)")
        _ = try await sim.json("POST", "/v2/droplets", body: #"{"name": "last", "region": "nyc3", "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64", "tags": ["last"]}"#)
        _ = try await sim.request("DELETE", "/v2/droplets?tag_name=last")
    }
}
