import Foundation

/// A droplet in the simulated world. Times are absolute so a saved world resumes where it was.
struct SimDroplet: Codable, Sendable {
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
    var publicIPv4: String
    var privateIPv4: String
    var ipv6: String?
}

struct SimAction: Codable, Sendable {
    var id: Int
    var type: String
    var status: String
    var startedAt: Date
    var completesAt: Date
    var completedAt: Date?
    var dropletID: Int
    var region: String
    /// Parameters the action applies when it completes.
    var size: String?
    var resizeDisk: Bool
    var snapshotName: String?
    /// Set by a fault: the action ends `errored` and changes nothing.
    var willError: Bool
}

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
}

/// Everything the simulator knows; what `--state FILE` saves.
struct WorldState: Codable, Sendable {
    var droplets: [Int: SimDroplet] = [:]
    var actions: [Int: SimAction] = [:]
    var snapshots: [Int: SimSnapshot] = [:]
    var nextDropletID = 410_000_001
    var nextActionID = 2_100_000_001
    var nextSnapshotID = 170_000_001
    var nextAddress = 1
    /// Action types whose next occurrences end `errored`, with how many remain.
    var pendingActionFailures: [String: Int] = [:]
}
