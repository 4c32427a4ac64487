import Foundation

extension World {
    /// `POST /v2/tags`: a name that exists in another spelling answers with the existing, canonical one.
    func createTag(_ name: String) throws -> String {
        try canonicalTag(name)
    }

    func tagNames() -> [String] { state.tags }

    /// Tags are addressed by their canonical spelling only.
    func tag(_ name: String) throws -> String {
        guard state.tags.contains(name) else { throw SimulatorError.notFound() }
        return name
    }

    func deleteTag(_ name: String) throws {
        _ = try tag(name)
        state.tags.removeAll { $0 == name }
        for id in state.droplets.keys { state.droplets[id]?.tags.removeAll { $0 == name } }
        for id in state.volumes.keys { state.volumes[id]?.tags.removeAll { $0 == name } }
        for id in state.snapshots.keys { state.snapshots[id]?.tags.removeAll { $0 == name } }
        for id in state.volumeSnapshots.keys { state.volumeSnapshots[id]?.tags.removeAll { $0 == name } }
        for id in state.firewalls.keys { state.firewalls[id]?.tags.removeAll { $0 == name } }
    }

    /// Tags (`add: true`) or untags each `(resource_id, resource_type)`; all are checked before any changes.
    func retag(_ name: String, resources: [(id: String, type: String)], add: Bool) throws {
        _ = try tag(name)
        for resource in resources where !resourceExists(resource.id, type: resource.type) {
            throw SimulatorError.unprocessable("\(resource.type) \(resource.id) was not found.")
        }
        func change(_ tags: inout [String]) {
            tags.removeAll { $0 == name }
            if add { tags.append(name) }
        }
        for resource in resources {
            switch resource.type {
            case "droplet": if let id = Int(resource.id) { change(&state.droplets[id]!.tags) }
            case "image": if let id = Int(resource.id) { change(&state.snapshots[id]!.tags) }
            case "volume": change(&state.volumes[resource.id]!.tags)
            default: change(&state.volumeSnapshots[resource.id]!.tags)
            }
        }
    }

    private func resourceExists(_ id: String, type: String) -> Bool {
        switch type {
        case "droplet": Int(id).flatMap { state.droplets[$0] } != nil
        case "image": Int(id).flatMap { state.snapshots[$0] } != nil
        case "volume": state.volumes[id] != nil
        case "volume_snapshot": state.volumeSnapshots[id] != nil
        default: false
        }
    }

    /// How many of each kind carry the tag, for the tag's `resources` block.
    func tagCounts(_ name: String) -> (droplets: Int, images: Int, volumes: Int, volumeSnapshots: Int) {
        (
            state.droplets.values.count { $0.tags.contains(name) },
            state.snapshots.values.count { $0.tags.contains(name) },
            state.volumes.values.count { $0.tags.contains(name) },
            state.volumeSnapshots.values.count { $0.tags.contains(name) }
        )
    }
}
