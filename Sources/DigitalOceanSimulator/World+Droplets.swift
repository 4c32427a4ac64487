import Foundation

extension World {
    struct CreateRequest {
        var names: [String]
        var region: String
        var size: String
        var image: String
        var tags: [String]
        var backups: Bool
        var ipv6: Bool
        var monitoring: Bool
        var vpcUUID: String?
        var sshKeys: [String]
    }

    /// `POST /v2/droplets` with `name` or `names` (at most 10): all are checked before any is made.
    func createDroplets(_ request: CreateRequest) throws -> [(SimDroplet, SimAction)] {
        advance()
        guard (1...10).contains(request.names.count) else {
            throw SimulatorError.unprocessable("You can create at most 10 Droplets at once.")
        }
        for name in request.names where name.range(of: #"^[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$"#, options: .regularExpression) == nil {
            throw SimulatorError.unprocessable("Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)")
        }
        guard let region = Catalogue.region(request.region), region.available else {
            throw SimulatorError.unprocessable("You specified an invalid region for Droplet creation.")
        }
        guard let size = Catalogue.size(request.size) else {
            throw SimulatorError.unprocessable("You specified an invalid size for Droplet creation.")
        }
        guard let image = resolveImage(request.image) else {
            throw SimulatorError.unprocessable("You specified an invalid image for Droplet creation.")
        }
        for key in request.sshKeys where sshKey(key) == nil {
            throw SimulatorError.unprocessable("SSH key '\(key)' is not in your account.")
        }
        let tags = try canonicalTags(request.tags)
        var features = ["private_networking"]
        if request.backups { features.append("backups") }
        if request.ipv6 { features.append("ipv6") }
        if request.monitoring { features.append("monitoring") }
        return request.names.map { name in
            let addresses = nextAddress()
            let id = state.nextDropletID
            state.nextDropletID += 1
            let droplet = SimDroplet(
                id: id, name: name, region: region.slug, size: size.slug, image: image,
                disk: size.disk, status: "new", tags: tags, features: features,
                vpcUUID: request.vpcUUID ?? defaultVPC(for: region.slug), createdAt: timings.now, snapshotIDs: [], backupIDs: [],
                publicIPv4: addresses.public, privateIPv4: addresses.private, ipv6: request.ipv6 ? addresses.v6 : nil
            )
            state.droplets[id] = droplet
            return (droplet, startAction(type: "create", key: String(id), region: region.slug))
        }
    }

    /// A distribution slug, or the id of one of the account's snapshots.
    func resolveImage(_ reference: String) -> String? {
        if Catalogue.image(reference) != nil { return reference }
        if let id = Int(reference), state.snapshots[id] != nil { return reference }
        return nil
    }

    /// The droplets a list shows, oldest first as DigitalOcean lists them, filtered by tag and name.
    func droplets(tagName: String?, name: String?) -> [SimDroplet] {
        advance()
        return dropletIDs(tagName: tagName, name: name).compactMap { state.droplets[$0] }
    }

    /// One page of `GET /v2/droplets`: the droplets on it, how many the whole list holds, and what
    /// rendering them needs. Only ids are sorted, and only the page's droplets copied out.
    func dropletPage(tagName: String?, name: String?, paging: Pagination.Paging) -> (droplets: [SimDroplet], total: Int, view: DropletView) {
        advance()
        let ids = dropletIDs(tagName: tagName, name: name)
        let droplets = ids[paging.range(total: ids.count)].compactMap { state.droplets[$0] }
        return (droplets, ids.count, dropletView())
    }

    /// The matching droplets' ids in id order, which is creation order: ids only grow.
    private func dropletIDs(tagName: String?, name: String?) -> [Int] {
        var ids = tagName == nil && name == nil
            ? Array(state.droplets.keys)
            : state.droplets.compactMap { id, droplet in
                let tagged = tagName.map { tag in droplet.tags.contains { $0.caseInsensitiveCompare(tag) == .orderedSame } } ?? true
                let named = name.map { droplet.name == $0 } ?? true
                return tagged && named ? id : nil
            }
        // In place and by `<`: in a debug build `sorted()` takes ten times as long (12 ms for 10,000 ids), once per page.
        ids.sort(by: <)
        return ids
    }

    /// `fresh` reads (`GET /v2/droplets/{id}`) can miss a droplet made a moment ago, as DigitalOcean's can.
    func droplet(id: Int, fresh: Bool = false) throws -> SimDroplet {
        advance()
        guard let droplet = state.droplets[id] else { throw SimulatorError.notFound() }
        if fresh, timings.now.timeIntervalSince(droplet.createdAt) < timings.newDropletNotFound { throw SimulatorError.notFound() }
        return droplet
    }

    func deleteDroplet(id: Int) throws {
        advance()
        guard state.droplets.removeValue(forKey: id) != nil else { throw SimulatorError.notFound() }
        dropletJSON.forget(dropletID: id)
        for (actionID, action) in state.actions where action.dropletID == id && action.status == "in-progress" {
            state.actions[actionID]?.status = "errored"
            state.actions[actionID]?.completedAt = timings.now
        }
        for (volumeID, volume) in state.volumes where volume.dropletIDs.contains(id) {
            state.volumes[volumeID]?.dropletIDs.removeAll { $0 == id }
        }
        for (ip, reserved) in state.reservedIPs where reserved.dropletID == id {
            state.reservedIPs[ip]?.dropletID = nil
        }
        for (firewallID, firewall) in state.firewalls where firewall.dropletIDs.contains(id) {
            state.firewalls[firewallID]?.dropletIDs.removeAll { $0 == id }
        }
    }

    /// `DELETE /v2/droplets?tag_name=`: every droplet carrying the tag.
    func deleteDroplets(tagName: String) throws {
        for droplet in droplets(tagName: tagName, name: nil) {
            try deleteDroplet(id: droplet.id)
        }
    }

    func backups(dropletID: Int) throws -> [SimSnapshot] {
        let droplet = try droplet(id: dropletID)
        return droplet.backupIDs.compactMap { state.snapshots[$0] }
    }

    /// Adds `count` active droplets at once (`POST /_sim/seed`), for benchmarks and large-inventory tests.
    func seedDroplets(count: Int, prefix: String, tags: [String]) throws -> Int {
        let region = "nyc3"
        let tags = try canonicalTags(tags)
        let createdAt = timings.now.addingTimeInterval(-3_600)
        for index in 0..<count {
            let id = state.nextDropletID
            state.nextDropletID += 1
            let addresses = nextAddress()
            state.droplets[id] = SimDroplet(
                id: id, name: "\(prefix)-\(index)", region: region, size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64",
                disk: 25, status: "active", tags: tags, features: ["private_networking"], vpcUUID: defaultVPC(for: region),
                createdAt: createdAt, snapshotIDs: [], backupIDs: [], publicIPv4: addresses.public,
                privateIPv4: addresses.private, ipv6: nil
            )
        }
        return count
    }
}
