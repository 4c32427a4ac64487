/// A block-storage volume as `GET /v2/volumes` returns it (the fields Arcadia reads).
public struct Volume: Sendable, Codable, Hashable {
    /// A UUID.
    public var id: String
    /// Unique within its region.
    public var name: String
    /// The region's slug: DigitalOcean sends the whole region object, and a volume never moves.
    public var region: String
    /// GiB (1024³ bytes); only ever grows.
    public var sizeGigabytes: Int
    /// `ext4` or `xfs`; nil when the volume was created unformatted.
    public var filesystemType: String?
    public var description: String
    public var tags: [String]
    /// The droplets it is attached to: at most one, as DigitalOcean allows.
    public var dropletIDs: [Int]
    /// ISO 8601.
    public var createdAt: String

    public init(
        id: String, name: String, region: String, sizeGigabytes: Int, filesystemType: String? = nil,
        description: String = "", tags: [String] = [], dropletIDs: [Int] = [], createdAt: String
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.sizeGigabytes = sizeGigabytes
        self.filesystemType = filesystemType
        self.description = description
        self.tags = tags
        self.dropletIDs = dropletIDs
        self.createdAt = createdAt
    }

    // Keys as the client's snake-case strategies see them, so both directions agree.
    private enum CodingKeys: String, CodingKey {
        case id, name, region, sizeGigabytes, filesystemType, description, tags, createdAt
        case dropletIDs = "dropletIds"
    }

    private struct RegionRef: Codable { var slug: String }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        region = try container.decode(RegionRef.self, forKey: .region).slug
        sizeGigabytes = try container.decode(Int.self, forKey: .sizeGigabytes)
        // The contract lets DigitalOcean send "" or leave out the filesystem, and `null` for empty lists.
        filesystemType = try container.decodeIfPresent(String.self, forKey: .filesystemType).flatMap { $0.isEmpty ? nil : $0 }
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        dropletIDs = try container.decodeIfPresent([Int].self, forKey: .dropletIDs) ?? []
        createdAt = try container.decode(String.self, forKey: .createdAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(RegionRef(slug: region), forKey: .region)
        try container.encode(sizeGigabytes, forKey: .sizeGigabytes)
        try container.encodeIfPresent(filesystemType, forKey: .filesystemType)
        try container.encode(description, forKey: .description)
        try container.encode(tags, forKey: .tags)
        try container.encode(dropletIDs, forKey: .dropletIDs)
        try container.encode(createdAt, forKey: .createdAt)
    }
}

/// The body of `POST /v2/volumes`.
public struct VolumeCreateRequest: Sendable, Codable, Hashable {
    /// Lowercase letters, digits and `-`, starting with a letter, at most 64; unique within the region.
    public var name: String
    public var region: String
    /// GiB, 1 to 16,384.
    public var sizeGigabytes: Int
    /// `ext4` or `xfs` to have DigitalOcean format the volume; nil leaves it unformatted.
    public var filesystemType: String?
    public var description: String?
    /// Created if they do not exist yet.
    public var tags: [String]

    public init(
        name: String, region: String, sizeGigabytes: Int, filesystemType: String? = nil,
        description: String? = nil, tags: [String] = []
    ) {
        self.name = name
        self.region = region
        self.sizeGigabytes = sizeGigabytes
        self.filesystemType = filesystemType
        self.description = description
        self.tags = tags
    }
}

/// The body of `POST /v2/volumes/{id}/actions`. DigitalOcean reports the resulting action as
/// `attach_volume`, `detach_volume` or `resize_volume`.
public struct VolumeActionRequest: Sendable, Codable, Hashable {
    /// `attach`, `detach` or `resize`.
    public var type: String
    public var dropletID: Int?
    public var sizeGigabytes: Int?
    /// The volume's region.
    public var region: String?

    /// Attaches the volume to a droplet in its region; a droplet holds at most 15 volumes.
    public static func attach(dropletID: Int, region: String? = nil) -> VolumeActionRequest {
        VolumeActionRequest(type: "attach", dropletID: dropletID, region: region)
    }

    public static func detach(dropletID: Int, region: String? = nil) -> VolumeActionRequest {
        VolumeActionRequest(type: "detach", dropletID: dropletID, region: region)
    }

    /// Grows the volume to `sizeGigabytes` GiB: DigitalOcean refuses to shrink one.
    public static func resize(sizeGigabytes: Int, region: String? = nil) -> VolumeActionRequest {
        VolumeActionRequest(type: "resize", sizeGigabytes: sizeGigabytes, region: region)
    }

    public init(type: String, dropletID: Int? = nil, sizeGigabytes: Int? = nil, region: String? = nil) {
        self.type = type
        self.dropletID = dropletID
        self.sizeGigabytes = sizeGigabytes
        self.region = region
    }

    private enum CodingKeys: String, CodingKey {
        case type, sizeGigabytes, region
        case dropletID = "dropletId"
    }
}
