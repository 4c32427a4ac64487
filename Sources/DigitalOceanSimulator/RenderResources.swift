import Foundation

/// Bodies of the kinds beyond droplets, as dictionaries: these lists are short, so readability wins.
extension Render {
    static func regionObject(_ slug: String) -> [String: Any] {
        let region = region(slug)
        return ["name": region.name, "slug": region.slug, "features": region.features, "available": region.available, "sizes": region.sizes]
    }

    static func volume(_ volume: SimVolume) -> [String: Any] {
        [
            "id": volume.id, "name": volume.name, "description": volume.description, "size_gigabytes": volume.sizeGigabytes,
            "created_at": timestamp(volume.createdAt), "droplet_ids": volume.dropletIDs, "tags": volume.tags,
            "region": regionObject(volume.region), "filesystem_type": volume.filesystemType, "filesystem_label": volume.filesystemLabel,
        ]
    }

    static func volumeSnapshot(_ snapshot: SimVolumeSnapshot) -> [String: Any] {
        [
            "id": snapshot.id, "name": snapshot.name, "created_at": timestamp(snapshot.createdAt), "regions": [snapshot.region],
            "min_disk_size": snapshot.minDiskSize, "size_gigabytes": 0, "resource_id": snapshot.volumeID,
            "resource_type": "volume", "tags": snapshot.tags,
        ]
    }

    static func sshKey(_ key: SimSSHKey) -> [String: Any] {
        ["id": key.id, "fingerprint": key.fingerprint, "public_key": key.publicKey, "name": key.name]
    }

    static func tag(_ name: String, counts: (droplets: Int, images: Int, volumes: Int, volumeSnapshots: Int)) -> [String: Any] {
        let total = counts.droplets + counts.images + counts.volumes + counts.volumeSnapshots
        return [
            "name": name,
            "resources": [
                "count": total,
                "droplets": ["count": counts.droplets],
                "imgages": ["count": counts.images],
                "volumes": ["count": counts.volumes],
                "volume_snapshots": ["count": counts.volumeSnapshots],
                "databases": ["count": 0],
            ] as [String: Any],
        ]
    }

    static func firewall(_ firewall: SimFirewall, now: Date) -> [String: Any] {
        [
            "id": firewall.id, "name": firewall.name, "status": now < firewall.settledAt ? "waiting" : "succeeded",
            "created_at": timestamp(firewall.createdAt), "pending_changes": [[String: Any]](),
            "droplet_ids": firewall.dropletIDs, "tags": firewall.tags,
            "inbound_rules": firewall.inboundRules.map(\.any), "outbound_rules": firewall.outboundRules.map(\.any),
        ]
    }

    static func domain(_ domain: SimDomain) -> [String: Any] {
        let zone = domain.records.map { record in
            "\(record.name == "@" ? "\(domain.name)." : record.name)\t\(record.ttl)\tIN\t\(record.type)\t\(record.data)"
        }
        return ["name": domain.name, "ttl": domain.ttl, "zone_file": zone.joined(separator: "\n") + "\n"]
    }

    static func record(_ record: SimRecord) -> [String: Any] {
        [
            "id": record.id, "type": record.type, "name": record.name, "data": record.data, "ttl": record.ttl,
            "priority": record.priority as Any? ?? NSNull(), "port": record.port as Any? ?? NSNull(),
            "weight": record.weight as Any? ?? NSNull(), "flags": record.flags as Any? ?? NSNull(),
            "tag": record.tag as Any? ?? NSNull(),
        ]
    }
}

extension Bodies {
    /// A link to a related resource in a create's answer (`links.actions`, `links.droplets`).
    struct Link: Encodable, Sendable {
        var id: Int
        var rel: String
        var href: String
    }

    struct ReservedIP: Encodable, Sendable {
        var ip: String
        var region: Region
        var droplet: Nullable<Droplet>
        var locked: Bool
        var projectId: String
    }
}
