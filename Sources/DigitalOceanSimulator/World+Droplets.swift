import Foundation

extension World {
    struct CreateRequest {
        var name: String
        var region: String
        var size: String
        var image: String
        var tags: [String]
        var backups: Bool
        var ipv6: Bool
        var monitoring: Bool
        var vpcUUID: String?
    }

    func createDroplet(_ request: CreateRequest) throws -> (SimDroplet, SimAction) {
        advance()
        guard request.name.range(of: #"^[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$"#, options: .regularExpression) != nil else {
            throw SimulatorError.unprocessable("Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)")
        }
        guard let region = Catalogue.region(request.region), region.available else {
            throw SimulatorError.unprocessable("You specified an invalid region for Droplet creation.")
        }
        guard let size = Catalogue.size(request.size) else {
            throw SimulatorError.unprocessable("You specified an invalid size for Droplet creation.")
        }
        guard let image = Catalogue.image(request.image) else {
            throw SimulatorError.unprocessable("You specified an invalid image for Droplet creation.")
        }
        var features = ["private_networking"]
        if request.backups { features.append("backups") }
        if request.ipv6 { features.append("ipv6") }
        if request.monitoring { features.append("monitoring") }
        let addresses = nextAddress()
        let id = state.nextDropletID
        state.nextDropletID += 1
        let droplet = SimDroplet(
            id: id, name: request.name, region: region.slug, size: size.slug, image: image.slug,
            disk: size.disk, status: "new", tags: uniqueTags(request.tags), features: features,
            vpcUUID: request.vpcUUID ?? defaultVPC(for: region.slug), createdAt: Date(), snapshotIDs: [],
            publicIPv4: addresses.public, privateIPv4: addresses.private, ipv6: request.ipv6 ? addresses.v6 : nil
        )
        state.droplets[id] = droplet
        let action = startAction(type: "create", droplet: droplet)
        return (droplet, action)
    }

    func droplets(tagName: String?, name: String?) -> [SimDroplet] {
        advance()
        return state.droplets.values
            .filter { droplet in tagName.map { tag in droplet.tags.contains { $0.caseInsensitiveCompare(tag) == .orderedSame } } ?? true }
            .filter { droplet in name.map { droplet.name == $0 } ?? true }
            .sorted { $0.id < $1.id }
    }

    func droplet(id: Int) throws -> SimDroplet {
        advance()
        guard let droplet = state.droplets[id] else { throw SimulatorError.notFound() }
        return droplet
    }

    func deleteDroplet(id: Int) throws {
        advance()
        guard state.droplets.removeValue(forKey: id) != nil else { throw SimulatorError.notFound() }
        for (actionID, action) in state.actions where action.dropletID == id && action.status == "in-progress" {
            state.actions[actionID]?.status = "errored"
            state.actions[actionID]?.completedAt = Date()
        }
    }

    func action(id: Int, dropletID: Int? = nil) throws -> SimAction {
        advance()
        guard let action = state.actions[id], dropletID.map({ $0 == action.dropletID }) ?? true else {
            throw SimulatorError.notFound()
        }
        return action
    }

    func allActions() -> [SimAction] {
        advance()
        return state.actions.values.sorted { $0.id > $1.id }
    }

    /// Snapshots visible in listings now, oldest first.
    func snapshots(dropletID: Int? = nil) -> [SimSnapshot] {
        advance()
        let now = Date()
        return state.snapshots.values
            .filter { snapshot in snapshot.visibleAt <= now && (dropletID.map { snapshot.dropletID == $0 } ?? true) }
            .sorted { $0.id < $1.id }
    }

    func snapshot(id: Int) throws -> SimSnapshot {
        guard let snapshot = snapshots().first(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        return snapshot
    }

    func deleteSnapshot(id: Int) throws {
        _ = try snapshot(id: id)
        state.snapshots.removeValue(forKey: id)
        for (dropletID, droplet) in state.droplets where droplet.snapshotIDs.contains(id) {
            state.droplets[dropletID]?.snapshotIDs.removeAll { $0 == id }
        }
    }

    /// One VPC per region, as DigitalOcean's default VPCs are.
    func defaultVPC(for region: String) -> String {
        let hex = region.utf8.map { String(format: "%02x", $0) }.joined()
        let padded = String((hex + String(repeating: "0", count: 12)).prefix(12))
        return "5a4c0de0-0000-4000-8000-\(padded)"
    }

    /// Tags compare case-insensitively; the first spelling wins.
    private func uniqueTags(_ tags: [String]) -> [String] {
        var seen: Set<String> = []
        return tags.filter { seen.insert($0.lowercased()).inserted }
    }
}
