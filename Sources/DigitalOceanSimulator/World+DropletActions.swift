import Foundation

extension World {
    static let dropletActionTypes: Set<String> = [
        "power_off", "power_on", "shutdown", "power_cycle", "reboot", "resize", "rebuild", "rename", "snapshot",
        "enable_backups", "disable_backups", "enable_ipv6",
    ]
    /// The types DigitalOcean accepts on `POST /v2/droplets/actions?tag_name=` (of those simulated).
    static let taggedActionTypes: Set<String> = [
        "power_cycle", "power_on", "power_off", "shutdown", "enable_ipv6", "enable_backups", "disable_backups", "snapshot",
    ]

    struct DropletActionRequest {
        var type: String
        var parameters: [String: String] = [:]
    }

    /// Starts a droplet action with DigitalOcean's preconditions: the droplet must not be locked,
    /// a resize needs it powered off, a disk never shrinks, and so on for each type.
    func performAction(dropletID: Int, _ request: DropletActionRequest) throws -> SimAction {
        advance()
        guard let droplet = state.droplets[dropletID] else { throw SimulatorError.notFound() }
        guard Self.dropletActionTypes.contains(request.type) else {
            throw SimulatorError.unprocessable("'\(request.type)' is not a valid action type.")
        }
        guard !isLocked("droplet", String(dropletID)) else {
            throw SimulatorError.unprocessable("Droplet already has a pending event.")
        }
        try checkPreconditions(droplet, request)
        return startAction(type: request.type, key: String(dropletID), region: droplet.region, parameters: request.parameters)
    }

    /// `POST /v2/droplets/actions?tag_name=`: one action per tagged droplet; none start if any is refused.
    func performTaggedAction(tagName: String, _ request: DropletActionRequest) throws -> [SimAction] {
        advance()
        guard Self.taggedActionTypes.contains(request.type) else {
            throw SimulatorError.unprocessable("'\(request.type)' cannot be performed on Droplets by tag.")
        }
        let targets = droplets(tagName: tagName, name: nil)
        for droplet in targets {
            guard !isLocked("droplet", String(droplet.id)) else {
                throw SimulatorError.unprocessable("Droplet \(droplet.id) already has a pending event.")
            }
            try checkPreconditions(droplet, request)
        }
        return targets.map { startAction(type: request.type, key: String($0.id), region: $0.region, parameters: request.parameters) }
    }

    private func checkPreconditions(_ droplet: SimDroplet, _ request: DropletActionRequest) throws {
        guard droplet.status != "new" else { throw SimulatorError.unprocessable("Droplet is still being created.") }
        switch request.type {
        case "power_off", "shutdown":
            guard droplet.status == "active" else { throw SimulatorError.unprocessable("Droplet is already powered off.") }
        case "power_on":
            guard droplet.status == "off" else { throw SimulatorError.unprocessable("Droplet is already powered on.") }
        case "resize":
            try checkResize(droplet, to: request.parameters["size"])
        case "rebuild":
            guard let image = request.parameters["image"], resolveImage(image) != nil else {
                throw SimulatorError.unprocessable("You specified an invalid image for Droplet rebuild.")
            }
        case "rename":
            guard let name = request.parameters["name"],
                  name.range(of: #"^[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?$"#, options: .regularExpression) != nil
            else { throw SimulatorError.unprocessable("Name Only valid hostname characters are allowed. (a-z, A-Z, 0-9, . and -)") }
        case "enable_backups":
            guard !droplet.features.contains("backups") else { throw SimulatorError.unprocessable("Backups are already enabled.") }
        case "disable_backups":
            guard droplet.features.contains("backups") else { throw SimulatorError.unprocessable("Backups are not enabled.") }
        case "enable_ipv6":
            guard !droplet.features.contains("ipv6") else { throw SimulatorError.unprocessable("IPv6 is already enabled.") }
        default:
            break
        }
    }

    private func checkResize(_ droplet: SimDroplet, to size: String?) throws {
        guard let size, let target = Catalogue.size(size) else {
            throw SimulatorError.unprocessable("You specified an invalid size for Droplet resize.")
        }
        guard droplet.status == "off" else {
            throw SimulatorError.unprocessable("Droplet must be off prior to resizing.")
        }
        guard size != droplet.size else {
            throw SimulatorError.unprocessable("Droplet is already this size.")
        }
        guard target.disk >= droplet.disk else {
            throw SimulatorError.unprocessable(
                "This size's disk (\(target.disk) GB) is smaller than the Droplet's disk (\(droplet.disk) GB); disks cannot be shrunk."
            )
        }
    }

    /// A completed droplet action's effect.
    func applyDropletAction(_ action: SimAction) {
        guard let id = action.dropletID, var droplet = state.droplets[id] else { return }
        switch action.type {
        case "create", "power_on", "reboot", "power_cycle":
            droplet.status = "active"
        case "power_off", "shutdown":
            droplet.status = "off"
        case "resize":
            if let size = action.parameters["size"], let entry = Catalogue.size(size) {
                droplet.size = size
                if action.parameters["disk"] == "true" { droplet.disk = entry.disk }
            }
        case "rebuild":
            droplet.image = action.parameters["image"] ?? droplet.image
            droplet.status = "active"
        case "rename":
            droplet.name = action.parameters["name"] ?? droplet.name
        case "snapshot":
            let snapshot = makeImage(of: droplet, type: "snapshot", name: action.parameters["name"], at: action.completesAt)
            droplet.snapshotIDs.append(snapshot.id)
        case "enable_backups":
            droplet.features.append("backups")
            // DigitalOcean takes the first backup in the next window; the simulator takes it at once.
            let backup = makeImage(of: droplet, type: "backup", name: nil, at: action.completesAt)
            droplet.backupIDs.append(backup.id)
        case "disable_backups":
            droplet.features.removeAll { $0 == "backups" }
        case "enable_ipv6":
            droplet.features.append("ipv6")
            droplet.ipv6 = nextAddress().v6
        default:
            break
        }
        state.droplets[id] = droplet
    }

    private func makeImage(of droplet: SimDroplet, type: String, name: String?, at completed: Date) -> SimSnapshot {
        let id = state.nextSnapshotID
        state.nextSnapshotID += 1
        let snapshot = SimSnapshot(
            id: id,
            name: name ?? "\(droplet.name)-\(Int(completed.timeIntervalSince1970 * 1000))",
            createdAt: completed,
            visibleAt: completed.addingTimeInterval(timings.snapshotListingDelay),
            dropletID: droplet.id,
            regions: [droplet.region],
            minDiskSize: droplet.disk,
            sizeGigabytes: (Double(droplet.disk) * 0.09 * 100).rounded() / 100,
            type: type, description: "", tags: []
        )
        state.snapshots[id] = snapshot
        return snapshot
    }
}
