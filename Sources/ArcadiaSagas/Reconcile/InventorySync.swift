import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation

/// Reads DigitalOcean's inventory of every kind with list calls (200 a page), the kinds concurrently
/// within the client's pacing, and writes it to `resources`, one transaction per kind.
public struct InventorySync: Sendable {
    public let client: DigitalOceanClient
    public let store: Store
    public let kinds: [any ResourceKindModule]

    public init(client: DigitalOceanClient, store: Store, kinds: [any ResourceKindModule] = Kinds.all) {
        self.client = client
        self.store = store
        self.kinds = kinds
    }

    /// Syncs every kind; returns the live resources normalised for the diff.
    public func sync() async throws -> [LiveResource] {
        try await withThrowingTaskGroup(of: [LiveResource].self) { group in
            for module in kinds {
                group.addTask {
                    let live = try await module.inventory(client)
                    try await record(live, kind: module.kind)
                    return live
                }
            }
            var all: [LiveResource] = []
            for try await live in group { all += live }
            return all
        }
    }

    /// Writes one kind's normalised resources to `resources` in one transaction, marking the ones not among them deleted.
    public func record(_ resources: [LiveResource], kind: ResourceKind) async throws {
        let records = try resources.map { resource in
            ResourceRecord(
                kind: kind.rawValue, id: resource.id, name: resource.name, managed: resource.isManaged,
                attributes: try CanonicalJSON.string(resource)
            )
        }
        try await store.syncResources(kind: kind.rawValue, seen: records)
    }
}
