import Foundation

/// JSON bodies shaped as DigitalOcean's OpenAPI document describes them: every required field present,
/// nullable ones written as `null`.
enum Render {
    typealias Object = [String: Any]

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Catalogue objects never change: render each once.
    nonisolated(unsafe) private static let regionObjects: [String: Object] = Dictionary(
        uniqueKeysWithValues: Catalogue.regions.map { ($0.slug, renderRegion($0.slug)) }
    )
    nonisolated(unsafe) private static let sizeObjects: [String: Object] = Dictionary(
        uniqueKeysWithValues: Catalogue.sizes.map { ($0.slug, renderSize($0)) }
    )
    nonisolated(unsafe) private static let imageObjects: [String: Object] = Dictionary(
        uniqueKeysWithValues: Catalogue.images.map { ($0.slug, renderImage($0)) }
    )

    static func region(_ slug: String) -> Object {
        regionObjects[slug] ?? renderRegion(slug)
    }

    static func size(_ entry: Catalogue.SizeEntry) -> Object {
        sizeObjects[entry.slug] ?? renderSize(entry)
    }

    static func image(_ entry: Catalogue.ImageEntry) -> Object {
        imageObjects[entry.slug] ?? renderImage(entry)
    }

    private static func renderRegion(_ slug: String) -> Object {
        let entry = Catalogue.region(slug)
        return [
            "name": entry?.name ?? slug,
            "slug": slug,
            "features": Catalogue.regionFeatures,
            "available": entry?.available ?? false,
            "sizes": entry?.available == true ? Catalogue.sizes.map(\.slug) : [],
        ]
    }

    private static func renderSize(_ entry: Catalogue.SizeEntry) -> Object {
        [
            "slug": entry.slug,
            "memory": entry.memory,
            "vcpus": entry.vcpus,
            "disk": entry.disk,
            "transfer": entry.transfer,
            "price_monthly": entry.priceMonthly,
            "price_hourly": entry.priceHourly,
            "regions": Catalogue.regions.filter(\.available).map(\.slug),
            "available": true,
            "description": entry.description,
            "disk_info": [["type": "local", "size": ["amount": entry.disk, "unit": "gib"]]],
        ]
    }

    private static func renderImage(_ entry: Catalogue.ImageEntry) -> Object {
        [
            "id": entry.id,
            "name": entry.name,
            "distribution": entry.distribution,
            "slug": entry.slug,
            "public": true,
            "regions": Catalogue.imageRegions,
            "created_at": entry.createdAt,
            "type": "base",
            "min_disk_size": entry.minDiskSize,
            "size_gigabytes": entry.sizeGigabytes,
            "description": "\(entry.distribution) \(entry.name)",
            "tags": [String](),
            "status": "available",
            "error_message": "",
        ]
    }

    static func droplet(_ droplet: SimDroplet, locked: Bool) -> Object {
        let sizeEntry = Catalogue.size(droplet.size)
        let imageEntry = Catalogue.image(droplet.image)
        var v4: [Object] = []
        var v6: [Object] = []
        if droplet.status != "new" {
            v4 = [
                ["ip_address": droplet.privateIPv4, "netmask": "255.255.0.0", "gateway": "nil", "type": "private"],
                ["ip_address": droplet.publicIPv4, "netmask": "255.255.255.0", "gateway": "203.0.113.1", "type": "public"],
            ]
            if let address = droplet.ipv6 {
                v6 = [["ip_address": address, "netmask": 64, "gateway": "2001:db8::1", "type": "public"]]
            }
        }
        return [
            "id": droplet.id,
            "name": droplet.name,
            "memory": sizeEntry?.memory ?? 1024,
            "vcpus": sizeEntry?.vcpus ?? 1,
            "disk": droplet.disk,
            "disk_info": [["type": "local", "size": ["amount": droplet.disk, "unit": "gib"]]],
            "locked": locked,
            "status": droplet.status,
            "kernel": NSNull(),
            "created_at": timestamp(droplet.createdAt),
            "features": droplet.features,
            "backup_ids": [Int](),
            "next_backup_window": NSNull(),
            "snapshot_ids": droplet.snapshotIDs,
            "image": imageEntry.map(image) ?? ["id": 0, "name": droplet.image, "distribution": "Unknown", "slug": droplet.image],
            "volume_ids": [String](),
            "size": sizeEntry.map(size) ?? [:],
            "size_slug": droplet.size,
            "networks": ["v4": v4, "v6": v6],
            "region": region(droplet.region),
            "tags": droplet.tags,
            "vpc_uuid": droplet.vpcUUID,
        ]
    }

    static func action(_ action: SimAction) -> Object {
        [
            "id": action.id,
            "status": action.status,
            "type": action.type,
            "started_at": timestamp(action.startedAt),
            "completed_at": action.completedAt.map(timestamp) ?? NSNull(),
            "resource_id": action.dropletID,
            "resource_type": "droplet",
            "region": region(action.region),
            "region_slug": action.region,
        ]
    }

    /// A snapshot as `/v2/snapshots` lists it (string ids).
    static func snapshot(_ snapshot: SimSnapshot) -> Object {
        [
            "id": String(snapshot.id),
            "name": snapshot.name,
            "created_at": timestamp(snapshot.createdAt),
            "regions": snapshot.regions,
            "resource_id": String(snapshot.dropletID),
            "resource_type": "droplet",
            "min_disk_size": snapshot.minDiskSize,
            "size_gigabytes": snapshot.sizeGigabytes,
            "tags": [String](),
        ]
    }

    /// A snapshot as `/v2/droplets/{id}/snapshots` lists it (integer ids, a `type`).
    static func dropletSnapshot(_ snapshot: SimSnapshot) -> Object {
        [
            "id": snapshot.id,
            "name": snapshot.name,
            "created_at": timestamp(snapshot.createdAt),
            "regions": snapshot.regions,
            "min_disk_size": snapshot.minDiskSize,
            "size_gigabytes": snapshot.sizeGigabytes,
            "type": "snapshot",
        ]
    }

    static func account() -> Object {
        [
            "droplet_limit": 25_000,
            "floating_ip_limit": 100,
            "email": "sim@arcadia.invalid",
            "name": "Arcadia Simulator",
            "uuid": "a7c1ad1a5e0c4b9c8a1f2d3e4b5c6d7e8f901234",
            "email_verified": true,
            "status": "active",
            "status_message": "",
        ]
    }
}
