import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Foundation

/// Reads DigitalOcean's inventory with list calls (200 a page) and writes it to `resources` in one transaction.
public struct InventorySync: Sendable {
    public let client: DigitalOceanClient
    public let store: Store

    public init(client: DigitalOceanClient, store: Store) {
        self.client = client
        self.store = store
    }

    /// Syncs droplets; returns them normalised for the diff.
    public func syncDroplets() async throws -> [LiveDroplet] {
        let droplets = try await client.listDroplets().map(Self.normalise)
        try await record(droplets)
        return droplets
    }

    /// Writes normalised droplets to `resources` in one transaction, marking the ones not among them deleted.
    public func record(_ droplets: [LiveDroplet]) async throws {
        let records = try droplets.map { droplet in
            ResourceRecord(
                kind: ResourceKind.droplet.rawValue, id: droplet.id, name: droplet.name, managed: droplet.isManaged,
                attributes: try CanonicalJSON.string(droplet)
            )
        }
        try await store.syncResources(kind: ResourceKind.droplet.rawValue, seen: records)
    }

    /// The values the diff compares, with Arcadia's own tags split from the operator's.
    public static func normalise(_ droplet: Droplet) -> LiveDroplet {
        LiveDroplet(
            id: String(droplet.id),
            name: droplet.name,
            region: droplet.region.slug,
            size: droplet.sizeSlug,
            disk: droplet.disk,
            image: droplet.image.slug ?? droplet.image.id.map(String.init) ?? "unknown",
            tags: droplet.tags.filter { !Ownership.isOwnershipTag($0) },
            monitoring: droplet.features.contains("monitoring"),
            ipv6: droplet.features.contains("ipv6"),
            backups: droplet.features.contains("backups"),
            vpc: droplet.vpcUuid,
            status: droplet.status,
            isManaged: droplet.tags.contains { $0.lowercased() == Ownership.managedTag },
            sagaTag: droplet.tags.first { $0.lowercased().hasPrefix(Ownership.sagaTagPrefix) }
        )
    }
}
