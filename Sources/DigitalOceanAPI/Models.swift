import Foundation

/// A droplet as `GET /v2/droplets` returns it (the fields Arcadia reads).
public struct Droplet: Sendable, Codable, Hashable {
    public struct ImageRef: Sendable, Codable, Hashable {
        public var id: Int?
        public var slug: String?
        public var name: String?
        public var distribution: String?
    }

    public struct RegionRef: Sendable, Codable, Hashable {
        public var slug: String
        public var name: String?
    }

    public struct Networks: Sendable, Codable, Hashable {
        public struct Address: Sendable, Codable, Hashable {
            public var ipAddress: String
            public var type: String
        }

        public var v4: [Address]
        public var v6: [Address]
    }

    public var id: Int
    public var name: String
    public var memory: Int
    public var vcpus: Int
    public var disk: Int
    public var locked: Bool
    /// `new`, `active`, `off` or `archive`.
    public var status: String
    public var createdAt: String
    public var features: [String]
    public var sizeSlug: String
    public var image: ImageRef
    public var region: RegionRef
    public var tags: [String]
    public var vpcUuid: String?
    public var networks: Networks
    public var backupIds: [Int]
    public var snapshotIds: [Int]
    /// Block-storage volumes attached to the droplet.
    public var volumeIds: [String]?
}

/// An asynchronous action (power, resize, snapshot, create).
public struct Action: Sendable, Codable, Hashable {
    public var id: Int
    /// `in-progress`, `completed` or `errored`.
    public var status: String
    public var type: String
    public var startedAt: String?
    public var completedAt: String?
    public var resourceId: Int?
    public var resourceType: String?
    public var regionSlug: String?

    public var isDone: Bool { status == "completed" || status == "errored" }
}

/// A snapshot; DigitalOcean returns snapshot ids as strings.
public struct Snapshot: Sendable, Codable, Hashable {
    public var id: String
    public var name: String
    public var createdAt: String
    public var resourceId: String
    public var resourceType: String
    public var regions: [String]
    public var minDiskSize: Int
    public var sizeGigabytes: Double
}

/// A droplet size from the catalogue.
public struct Size: Sendable, Codable, Hashable {
    public var slug: String
    public var memory: Int
    public var vcpus: Int
    public var disk: Int
    public var priceMonthly: Double
    public var priceHourly: Double
    public var regions: [String]
    public var available: Bool
}

/// An SSH public key of the account, as droplets name it: by id or by MD5 fingerprint.
public struct SSHKey: Sendable, Codable, Hashable {
    public var id: Int
    /// The MD5 fingerprint of the key, `aa:bb:…` (16 pairs): one key per fingerprint in an account.
    public var fingerprint: String
    public var name: String
    /// The whole public key line as it was uploaded (`ssh-ed25519 AAAA… comment`).
    public var publicKey: String
}

public struct Region: Sendable, Codable, Hashable {
    public var slug: String
    public var name: String
    public var available: Bool
    public var sizes: [String]
}

public struct Image: Sendable, Codable, Hashable {
    public var id: Int
    public var name: String
    public var slug: String?
    public var distribution: String
    public var type: String
}

public struct Account: Sendable, Codable, Hashable {
    public var email: String
    public var uuid: String
    public var status: String
    public var dropletLimit: Int
}

/// The rate-limit budget DigitalOcean reported on its last answer.
public struct RateLimitStatus: Sendable, Hashable {
    public var limit: Int
    public var remaining: Int
    /// Unix time at which the budget is whole again.
    public var reset: Int
}
