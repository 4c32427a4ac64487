import Foundation

/// Bodies shaped as DigitalOcean's OpenAPI document describes them: every required field present,
/// nullable ones written as `null`.
enum Render {
    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    /// Catalogue objects never change: render each once.
    private static let regionBodies = Dictionary(uniqueKeysWithValues: Catalogue.regions.map { ($0.slug, renderRegion($0.slug)) })
    private static let sizeBodies = Dictionary(uniqueKeysWithValues: Catalogue.sizes.map { ($0.slug, renderSize($0)) })
    private static let imageBodies = Dictionary(uniqueKeysWithValues: Catalogue.images.map { ($0.slug, renderImage($0)) })

    static func region(_ slug: String) -> Bodies.Region {
        regionBodies[slug] ?? renderRegion(slug)
    }

    static func size(_ entry: Catalogue.SizeEntry) -> Bodies.Size {
        sizeBodies[entry.slug] ?? renderSize(entry)
    }

    static func image(_ entry: Catalogue.ImageEntry) -> Bodies.Image {
        imageBodies[entry.slug] ?? renderImage(entry)
    }

    private static func renderRegion(_ slug: String) -> Bodies.Region {
        let entry = Catalogue.region(slug)
        return Bodies.Region(
            name: entry?.name ?? slug, slug: slug, features: Catalogue.regionFeatures,
            available: entry?.available ?? false, sizes: entry?.available == true ? Catalogue.sizes.map(\.slug) : []
        )
    }

    private static func renderSize(_ entry: Catalogue.SizeEntry) -> Bodies.Size {
        Bodies.Size(
            slug: entry.slug, memory: entry.memory, vcpus: entry.vcpus, disk: entry.disk, transfer: entry.transfer,
            priceMonthly: entry.priceMonthly, priceHourly: entry.priceHourly,
            regions: Catalogue.regions.filter(\.available).map(\.slug), available: true, description: entry.description,
            diskInfo: [Bodies.DiskInfo(size: .init(amount: entry.disk))]
        )
    }

    private static func renderImage(_ entry: Catalogue.ImageEntry) -> Bodies.Image {
        Bodies.Image(
            id: entry.id, name: entry.name, distribution: entry.distribution, slug: .init(entry.slug), public: true,
            regions: Catalogue.imageRegions, createdAt: entry.createdAt, type: "base", minDiskSize: entry.minDiskSize,
            sizeGigabytes: entry.sizeGigabytes, description: "\(entry.distribution) \(entry.name)", tags: [],
            status: "available", errorMessage: ""
        )
    }

    /// An image the catalogue does not list (the droplet was made from one that was since withdrawn).
    private static func unknownImage(_ reference: String) -> Bodies.Image {
        Bodies.Image(
            id: 0, name: reference, distribution: "Unknown", slug: .init(reference), public: false, regions: [], createdAt: "",
            type: "base", minDiskSize: 0, sizeGigabytes: 0, description: "", tags: [], status: "available", errorMessage: ""
        )
    }

    /// An image of the account's: a droplet snapshot or backup.
    static func accountImage(_ snapshot: SimSnapshot, distribution: String) -> Bodies.Image {
        Bodies.Image(
            id: snapshot.id, name: snapshot.name, distribution: distribution, slug: .init(nil), public: false,
            regions: snapshot.regions, createdAt: timestamp(snapshot.createdAt), type: snapshot.type,
            minDiskSize: snapshot.minDiskSize, sizeGigabytes: snapshot.sizeGigabytes, description: snapshot.description,
            tags: snapshot.tags, status: "available", errorMessage: ""
        )
    }

    static func droplet(_ droplet: SimDroplet, locked: Bool, volumeIDs: [String] = [], sourceImage: Bodies.Image? = nil) -> Bodies.Droplet {
        let sizeEntry = Catalogue.size(droplet.size)
        var networks = Bodies.Networks(v4: [], v6: [])
        if droplet.status != "new" {
            networks.v4 = [
                Bodies.Address(ipAddress: droplet.privateIPv4, netmask: "255.255.0.0", gateway: "nil", type: "private"),
                Bodies.Address(ipAddress: droplet.publicIPv4, netmask: "255.255.255.0", gateway: "198.18.0.1", type: "public"),
            ]
            if let address = droplet.ipv6 {
                networks.v6 = [Bodies.AddressV6(ipAddress: address, netmask: 64, gateway: "2001:db8::1", type: "public")]
            }
        }
        let own = Bodies.DropletFields(
            id: droplet.id, name: droplet.name, memory: sizeEntry?.memory ?? 1024, vcpus: sizeEntry?.vcpus ?? 1,
            disk: droplet.disk, diskInfo: [Bodies.DiskInfo(size: .init(amount: droplet.disk))], locked: locked,
            status: droplet.status, kernel: .init(nil), createdAt: timestamp(droplet.createdAt), features: droplet.features,
            backupIds: droplet.backupIDs, nextBackupWindow: .init(nil), snapshotIds: droplet.snapshotIDs, volumeIds: volumeIDs,
            sizeSlug: droplet.size, networks: networks, tags: droplet.tags, vpcUuid: droplet.vpcUUID
        )
        return Bodies.Droplet(own: own, catalogue: dropletCatalogue(droplet, sourceImage: sourceImage))
    }

    /// The image, size and region a droplet's body shows: without a `sourceImage`, the same for every
    /// droplet with the same `image`, `size` and `region`.
    private static func dropletCatalogue(_ droplet: SimDroplet, sourceImage: Bodies.Image?) -> Bodies.DropletCatalogue {
        Bodies.DropletCatalogue(
            image: sourceImage ?? Catalogue.image(droplet.image).map(image) ?? unknownImage(droplet.image),
            size: Catalogue.size(droplet.size).map(size) ?? renderSize(Catalogue.sizes[0]),
            region: region(droplet.region)
        )
    }

    static func action(_ action: SimAction) -> Bodies.Action {
        Bodies.Action(
            id: action.id, status: action.status, type: action.type, startedAt: timestamp(action.startedAt),
            completedAt: .init(action.completedAt.map(timestamp)), resourceId: .init(action.resourceID), resourceType: action.resourceType,
            region: region(action.region), regionSlug: action.region
        )
    }

    /// Droplets by id; reserved IPs as the address's integer; volumes (UUIDs) have none.
    /// A snapshot as `/v2/snapshots` lists it (string ids).
    static func snapshot(_ snapshot: SimSnapshot) -> Bodies.Snapshot {
        Bodies.Snapshot(
            id: String(snapshot.id), name: snapshot.name, createdAt: timestamp(snapshot.createdAt), regions: snapshot.regions,
            resourceId: String(snapshot.dropletID), resourceType: "droplet", minDiskSize: snapshot.minDiskSize,
            sizeGigabytes: snapshot.sizeGigabytes, tags: snapshot.tags
        )
    }

    /// A snapshot as `/v2/droplets/{id}/snapshots` lists it (integer ids, a `type`).
    static func dropletSnapshot(_ snapshot: SimSnapshot) -> Bodies.DropletSnapshot {
        Bodies.DropletSnapshot(
            id: snapshot.id, name: snapshot.name, createdAt: timestamp(snapshot.createdAt), regions: snapshot.regions,
            minDiskSize: snapshot.minDiskSize, sizeGigabytes: snapshot.sizeGigabytes, type: snapshot.type
        )
    }

    static func account() -> [String: Any] {
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
