import Foundation

extension World {
    static let maximumVolumeGigabytes = 16_384
    static let maximumVolumesPerDroplet = 15

    struct VolumeRequest {
        var name: String
        var region: String?
        var sizeGigabytes: Int?
        var snapshotID: String?
        var description: String
        var tags: [String]
        var filesystemType: String
        var filesystemLabel: String
    }

    func createVolume(_ request: VolumeRequest) throws -> SimVolume {
        advance()
        guard request.name.range(of: #"^[a-z][a-z0-9-]{0,63}$"#, options: .regularExpression) != nil else {
            throw SimulatorError.unprocessable("Volume name must start with a lowercase letter and hold at most 64 lowercase letters, numbers and hyphens.")
        }
        var region = request.region
        var minimum = 1
        if let snapshotID = request.snapshotID {
            let snapshot = try volumeSnapshot(id: snapshotID)
            region = region ?? snapshot.region
            minimum = snapshot.minDiskSize
        }
        guard let region, let entry = Catalogue.region(region), entry.available else {
            throw SimulatorError.unprocessable("You specified an invalid region for the volume.")
        }
        let size = request.sizeGigabytes ?? minimum
        guard (minimum...Self.maximumVolumeGigabytes).contains(size) else {
            throw SimulatorError.unprocessable("Volume size must be between \(minimum) and \(Self.maximumVolumeGigabytes) GiB.")
        }
        guard ["", "ext4", "xfs"].contains(request.filesystemType) else {
            throw SimulatorError.unprocessable("Filesystem type must be ext4 or xfs.")
        }
        guard !state.volumes.values.contains(where: { $0.name == request.name && $0.region == region }) else {
            throw SimulatorError.conflict("A volume named \(request.name) already exists in \(region).")
        }
        let volume = SimVolume(
            id: nextUUID(0x7a), name: request.name, description: request.description, region: region, sizeGigabytes: size,
            createdAt: timings.now, dropletIDs: [], tags: try canonicalTags(request.tags),
            filesystemType: request.filesystemType, filesystemLabel: request.filesystemLabel
        )
        state.volumes[volume.id] = volume
        return volume
    }

    func volumes(name: String?, region: String?) -> [SimVolume] {
        advance()
        return state.volumes.values
            .filter { volume in (name.map { volume.name == $0 } ?? true) && (region.map { volume.region == $0 } ?? true) }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func volume(id: String) throws -> SimVolume {
        advance()
        guard let volume = state.volumes[id] else { throw SimulatorError.notFound() }
        return volume
    }

    func volume(name: String, region: String) throws -> SimVolume {
        guard let volume = volumes(name: name, region: region).first else { throw SimulatorError.notFound() }
        return volume
    }

    /// DigitalOcean refuses, with a 409, to delete a volume a droplet holds or is about to hold; a
    /// detach in progress still holds it.
    func deleteVolume(id: String) throws {
        let volume = try volume(id: id)
        let attaching = state.actions.values.contains { $0.status == "in-progress" && $0.type == "attach_volume" && $0.resourceKey == id }
        guard volume.dropletIDs.isEmpty, !attaching else {
            throw SimulatorError.conflict("A volume that's attached to a Droplet cannot be deleted. Please detach it first before deleting.")
        }
        guard !isLocked("volume", id) else {
            throw SimulatorError.unprocessable("Volume already has a pending event.")
        }
        state.volumes.removeValue(forKey: id)
    }

    /// `attach`, `detach` or `resize`, with DigitalOcean's limits: one droplet per volume, in its region,
    /// at most 15 volumes per droplet, and sizes that only grow, to 16 TiB.
    func performVolumeAction(volumeID: String, type: String, dropletID: Int?, sizeGigabytes: Int?) throws -> SimAction {
        let volume = try volume(id: volumeID)
        guard !isLocked("volume", volumeID) else {
            throw SimulatorError.unprocessable("Volume already has a pending event.")
        }
        var parameters: [String: String] = [:]
        switch type {
        case "attach":
            guard let dropletID, let droplet = state.droplets[dropletID] else {
                throw SimulatorError.notFound()
            }
            guard droplet.region == volume.region else {
                throw SimulatorError.unprocessable("Volume and Droplet must be in the same region.")
            }
            // DigitalOcean's wording, which clients match to treat a repeated attach as done.
            guard volume.dropletIDs.isEmpty else {
                throw SimulatorError.unprocessable("This volume is already attached to a Droplet.")
            }
            try requireIdle(dropletID: dropletID)
            let attached = state.volumes.values.filter { $0.dropletIDs.contains(dropletID) }.count
                + state.actions.values.filter { $0.status == "in-progress" && $0.type == "attach_volume" && $0.parameters["droplet_id"] == String(dropletID) }.count
            guard attached < Self.maximumVolumesPerDroplet else {
                throw SimulatorError.unprocessable("A Droplet can have at most \(Self.maximumVolumesPerDroplet) volumes attached.")
            }
            parameters["droplet_id"] = String(dropletID)
        case "detach":
            // DigitalOcean's wording, which clients match to treat a repeated detach as done.
            guard let dropletID, volume.dropletIDs.contains(dropletID) else {
                throw SimulatorError.unprocessable("Attachment not found.")
            }
            try requireIdle(dropletID: dropletID)
            parameters["droplet_id"] = String(dropletID)
        case "resize":
            guard let sizeGigabytes, sizeGigabytes > volume.sizeGigabytes, sizeGigabytes <= Self.maximumVolumeGigabytes else {
                throw SimulatorError.unprocessable("A volume can only grow, to at most \(Self.maximumVolumeGigabytes) GiB.")
            }
            parameters["size_gigabytes"] = String(sizeGigabytes)
        default:
            throw SimulatorError.unprocessable("'\(type)' is not a valid volume action type.")
        }
        // DigitalOcean's actions name what they did to a volume: attach_volume, detach_volume, resize_volume.
        let reported = "\(type)_volume"
        return startAction(type: reported, resourceType: "volume", key: volumeID, region: volume.region, parameters: parameters, duration: timings.duration(of: reported))
    }

    /// Attaching and detaching touch the droplet too: DigitalOcean refuses them while one of its actions runs.
    private func requireIdle(dropletID: Int) throws {
        guard !isLocked("droplet", String(dropletID)) else {
            throw SimulatorError.unprocessable("Droplet already has a pending event.")
        }
    }

    func applyVolumeAction(_ action: SimAction) {
        guard var volume = state.volumes[action.resourceKey] else { return }
        let dropletID = action.parameters["droplet_id"].flatMap(Int.init)
        switch action.type {
        case "attach_volume":
            if let dropletID, state.droplets[dropletID] != nil { volume.dropletIDs = [dropletID] }
        case "detach_volume":
            volume.dropletIDs.removeAll { $0 == dropletID }
        case "resize_volume":
            volume.sizeGigabytes = action.parameters["size_gigabytes"].flatMap(Int.init) ?? volume.sizeGigabytes
        default:
            break
        }
        state.volumes[volume.id] = volume
    }
}
