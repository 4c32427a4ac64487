import Foundation

/// Response bodies as typed values, encoded with snake_case keys: much cheaper than `JSONSerialization`
/// over `[String: Any]` for long lists. Fields the contract requires but allows to be null are ``Nullable``.
enum Bodies {
    /// Encodes `nil` as an explicit `null` (synthesised `Encodable` would leave the key out).
    struct Nullable<Value: Encodable & Sendable>: Encodable, Sendable {
        var value: Value?

        init(_ value: Value?) {
            self.value = value
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let value { try container.encode(value) } else { try container.encodeNil() }
        }
    }

    struct DiskInfo: Encodable, Sendable {
        struct Amount: Encodable, Sendable {
            var amount: Int
            var unit = "gib"
        }

        var type = "local"
        var size: Amount
    }

    struct Region: Encodable, Sendable {
        var name: String
        var slug: String
        var features: [String]
        var available: Bool
        var sizes: [String]
    }

    struct Size: Encodable, Sendable {
        var slug: String
        var memory: Int
        var vcpus: Int
        var disk: Int
        var transfer: Double
        var priceMonthly: Double
        var priceHourly: Double
        var regions: [String]
        var available: Bool
        var description: String
        var diskInfo: [DiskInfo]
    }

    struct Image: Encodable, Sendable, Equatable {
        var id: Int
        var name: String
        var distribution: String
        var slug: Nullable<String>
        var `public`: Bool
        var regions: [String]
        var createdAt: String
        var type: String
        var minDiskSize: Int
        var sizeGigabytes: Double
        var description: String
        var tags: [String]
        var status: String
        var errorMessage: String
    }

    struct Address: Encodable, Sendable {
        var ipAddress: String
        var netmask: String
        var gateway: String
        var type: String
    }

    struct AddressV6: Encodable, Sendable {
        var ipAddress: String
        var netmask: Int
        var gateway: String
        var type: String
    }

    struct Networks: Encodable, Sendable {
        var v4: [Address]
        var v6: [AddressV6]
    }

    /// A droplet: its own fields and the catalogue objects it names, encoded as one object. The catalogue
    /// part is the same for every droplet of one image, size and region, and twice the size of the rest,
    /// so listings encode it once for them all (``DropletJSONCache``).
    struct Droplet: Encodable, Sendable {
        var own: DropletFields
        var catalogue: DropletCatalogue

        func encode(to encoder: any Encoder) throws {
            try own.encode(to: encoder)
            try catalogue.encode(to: encoder)
        }
    }

    struct DropletFields: Encodable, Sendable {
        var id: Int
        var name: String
        var memory: Int
        var vcpus: Int
        var disk: Int
        var diskInfo: [DiskInfo]
        var locked: Bool
        var status: String
        var kernel: Nullable<String>
        var createdAt: String
        var features: [String]
        var backupIds: [Int]
        var nextBackupWindow: Nullable<String>
        var snapshotIds: [Int]
        var volumeIds: [String]
        var sizeSlug: String
        var networks: Networks
        var tags: [String]
        var vpcUuid: String
    }

    struct DropletCatalogue: Encodable, Sendable {
        var image: Image
        var size: Size
        var region: Region
    }

    struct Action: Encodable, Sendable {
        var id: Int
        var status: String
        var type: String
        var startedAt: String
        var completedAt: Nullable<String>
        var resourceId: Nullable<Int>
        var resourceType: String
        var region: Region
        var regionSlug: String
    }

    struct Snapshot: Encodable, Sendable {
        var id: String
        var name: String
        var createdAt: String
        var regions: [String]
        var resourceId: String
        var resourceType: String
        var minDiskSize: Int
        var sizeGigabytes: Double
        var tags: [String]
    }

    struct DropletSnapshot: Encodable, Sendable {
        var id: Int
        var name: String
        var createdAt: String
        var regions: [String]
        var minDiskSize: Int
        var sizeGigabytes: Double
        var type: String
    }

    /// `{"pages": {...}}`, or `{}` when everything fits on one page, as DigitalOcean answers.
    struct Links: Encodable, Sendable {
        var pages: [String: String]

        enum CodingKeys: String, CodingKey { case pages }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            if !pages.isEmpty { try container.encode(pages, forKey: .pages) }
        }
    }

    struct Meta: Encodable, Sendable {
        var total: Int
    }

    /// One page of a list: the items under their collection key, `links` and `meta`.
    struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
        var key: String
        var items: [Item]
        var links: Links
        var meta: Meta

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(items, forKey: DynamicKey(key))
            try container.encode(links, forKey: DynamicKey("links"))
            try container.encode(meta, forKey: DynamicKey("meta"))
        }
    }

    /// `{"<key>": value}`, e.g. `{"droplet": {...}}`.
    struct Single<Value: Encodable & Sendable>: Encodable, Sendable {
        var key: String
        var value: Value

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: DynamicKey.self)
            try container.encode(value, forKey: DynamicKey(key))
        }
    }

    /// A key chosen at run time (a list's collection name). Under snake_case encoding it is already snake case.
    struct DynamicKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension Bodies.Nullable: Equatable where Value: Equatable {}
