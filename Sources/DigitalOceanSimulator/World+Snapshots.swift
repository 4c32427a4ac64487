import Foundation

extension World {
    /// Droplet snapshots visible in listings now, oldest first.
    func snapshots(dropletID: Int? = nil) -> [SimSnapshot] {
        advance()
        let now = timings.now
        return state.snapshots.values
            .filter { $0.type == "snapshot" && $0.visibleAt <= now }
            .filter { snapshot in dropletID.map { snapshot.dropletID == $0 } ?? true }
            .sorted { $0.id < $1.id }
    }

    /// The account's images (snapshots and backups), visible now, oldest first.
    func accountImages() -> [SimSnapshot] {
        advance()
        let now = timings.now
        return state.snapshots.values.filter { $0.visibleAt <= now }.sorted { $0.id < $1.id }
    }

    func accountImage(id: Int) throws -> SimSnapshot {
        guard let image = accountImages().first(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        return image
    }

    func snapshot(id: Int) throws -> SimSnapshot {
        guard let snapshot = snapshots().first(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        return snapshot
    }

    func updateImage(id: Int, name: String?, description: String?) throws -> SimSnapshot {
        var image = try accountImage(id: id)
        if let name { image.name = name }
        if let description { image.description = description }
        state.snapshots[id] = image
        return image
    }

    /// Deletes a droplet snapshot or backup image.
    func deleteImage(id: Int) throws {
        let image = try accountImage(id: id)
        state.snapshots.removeValue(forKey: id)
        if var droplet = state.droplets[image.dropletID] {
            droplet.snapshotIDs.removeAll { $0 == id }
            droplet.backupIDs.removeAll { $0 == id }
            state.droplets[droplet.id] = droplet
        }
    }

    // MARK: Volume snapshots

    func createVolumeSnapshot(volumeID: String, name: String, tags: [String]) throws -> SimVolumeSnapshot {
        advance()
        guard let volume = state.volumes[volumeID] else { throw SimulatorError.notFound() }
        guard !name.isEmpty else { throw SimulatorError.badRequest("A snapshot name is required.") }
        let snapshot = SimVolumeSnapshot(
            id: nextUUID(0x5e), name: name, createdAt: timings.now, volumeID: volumeID, region: volume.region,
            minDiskSize: volume.sizeGigabytes, tags: try canonicalTags(tags)
        )
        state.volumeSnapshots[snapshot.id] = snapshot
        return snapshot
    }

    func volumeSnapshots(volumeID: String? = nil) -> [SimVolumeSnapshot] {
        state.volumeSnapshots.values
            .filter { snapshot in volumeID.map { snapshot.volumeID == $0 } ?? true }
            .sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func volumeSnapshot(id: String) throws -> SimVolumeSnapshot {
        guard let snapshot = state.volumeSnapshots[id] else { throw SimulatorError.notFound() }
        return snapshot
    }

    func deleteVolumeSnapshot(id: String) throws {
        guard state.volumeSnapshots.removeValue(forKey: id) != nil else { throw SimulatorError.notFound() }
    }
}
