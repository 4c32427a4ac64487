import Foundation

/// A droplet in the simulated world. Times are absolute so a saved world resumes where it was.
struct SimDroplet: Codable, Sendable, Equatable {
    var id: Int
    var name: String
    var region: String
    var size: String
    var image: String
    /// GB; grows only with a `disk: true` resize.
    var disk: Int
    var status: String
    var tags: [String]
    var features: [String]
    var vpcUUID: String
    var createdAt: Date
    var snapshotIDs: [Int]
    var backupIDs: [Int]
    var publicIPv4: String
    var privateIPv4: String
    var ipv6: String?
}

/// An action on a droplet, volume or reserved IP: `in-progress` until `completesAt`, then its effect applies.
struct SimAction: Codable, Sendable {
    var id: Int
    var type: String
    var status: String
    var startedAt: Date
    var completesAt: Date
    var completedAt: Date?
    /// `droplet`, `volume`, `reserved_ip` or `image`.
    var resourceType: String
    /// The acted-on resource's key: droplet id, volume id, reserved IP or image id, as text.
    var resourceKey: String
    var region: String
    /// Parameters the action applies when it completes: `size`, `disk`, `name`, `image`, `droplet_id`, `size_gigabytes`.
    var parameters: [String: String]
    /// Set by a fault: the action ends `errored` and changes nothing.
    var willError: Bool

    var dropletID: Int? { resourceType == "droplet" ? Int(resourceKey) : nil }

    /// The action's `resource_id` as DigitalOcean gives it: a droplet's id, a reserved IP as an integer,
    /// none for volumes.
    var resourceID: Int? {
        switch resourceType {
        case "droplet": Int(resourceKey)
        case "reserved_ip": World.integer(ip: resourceKey)
        default: nil
        }
    }
}

/// A droplet snapshot or backup (an image of the account's).
struct SimSnapshot: Codable, Sendable {
    var id: Int
    var name: String
    var createdAt: Date
    /// Listings show the snapshot only from this time on (DigitalOcean's eventual consistency).
    var visibleAt: Date
    var dropletID: Int
    var regions: [String]
    var minDiskSize: Int
    var sizeGigabytes: Double
    /// `snapshot` or `backup`.
    var type: String
    var description: String
    var tags: [String]
}

struct SimVolume: Codable, Sendable {
    var id: String
    var name: String
    var description: String
    var region: String
    var sizeGigabytes: Int
    var createdAt: Date
    var dropletIDs: [Int]
    var tags: [String]
    var filesystemType: String
    var filesystemLabel: String
}

struct SimVolumeSnapshot: Codable, Sendable {
    var id: String
    var name: String
    var createdAt: Date
    var volumeID: String
    var region: String
    var minDiskSize: Int
    var tags: [String]
}

struct SimSSHKey: Codable, Sendable {
    var id: Int
    var name: String
    var publicKey: String
    var fingerprint: String
}

struct SimFirewall: Codable, Sendable {
    var id: String
    var name: String
    var createdAt: Date
    /// Changes take a moment to reach the droplets: `waiting` until then, `succeeded` after.
    var settledAt: Date
    var dropletIDs: [Int]
    var tags: [String]
    /// Rules are kept as the client sent them (`protocol`, `ports`, `sources` or `destinations`).
    var inboundRules: [JSONValue]
    var outboundRules: [JSONValue]
}

struct SimDomain: Codable, Sendable {
    var name: String
    var ttl: Int
    var records: [SimRecord]
}

struct SimRecord: Codable, Sendable {
    var id: Int
    var type: String
    var name: String
    var data: String
    var priority: Int?
    var port: Int?
    var ttl: Int
    var weight: Int?
    var flags: Int?
    var tag: String?
}

struct SimReservedIP: Codable, Sendable {
    var ip: String
    var region: String
    var dropletID: Int?
    var projectID: String
}

/// Everything the simulator knows; what `--state FILE` saves.
struct WorldState: Codable, Sendable {
    /// Bumped when the saved shape changes; an older file is refused with a clear message.
    static let currentFormat = 2
    var format = WorldState.currentFormat

    var droplets: [Int: SimDroplet] = [:]
    var actions: [Int: SimAction] = [:]
    var snapshots: [Int: SimSnapshot] = [:]
    var volumes: [String: SimVolume] = [:]
    var volumeSnapshots: [String: SimVolumeSnapshot] = [:]
    /// Canonical tag names: the first spelling wins.
    var tags: [String] = []
    var sshKeys: [Int: SimSSHKey] = [:]
    var firewalls: [String: SimFirewall] = [:]
    var domains: [String: SimDomain] = [:]
    var reservedIPs: [String: SimReservedIP] = [:]

    var nextDropletID = 410_000_001
    var nextActionID = 2_100_000_001
    var nextSnapshotID = 170_000_001
    var nextSSHKeyID = 51_000_001
    var nextRecordID = 30_000_001
    var nextUUID = 1
    var nextAddress = 1
}
