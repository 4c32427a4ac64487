/// A droplet as inventory sync normalised it: the values the diff compares, with Arcadia's own tags split out.
public struct LiveDroplet: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var region: String
    public var size: String
    /// Disk in GB; larger than the size's own after a disk resize, and never smaller again.
    public var disk: Int
    /// The image slug, or its numeric id when it has no slug.
    public var image: String
    /// Operator tags, without `managed-by-arcadia` and `arcadia-saga-*`.
    public var tags: [String]
    public var monitoring: Bool
    public var ipv6: Bool
    public var backups: Bool
    public var vpc: String?
    /// `new`, `active`, `off`, `archive`.
    public var status: String
    public var isManaged: Bool
    public var sagaTag: String?

    public init(
        id: String, name: String, region: String, size: String, disk: Int = 0, image: String, tags: [String],
        monitoring: Bool, ipv6: Bool, backups: Bool, vpc: String?, status: String, isManaged: Bool, sagaTag: String?
    ) {
        self.id = id
        self.name = name
        self.region = region
        self.size = size
        self.disk = disk
        self.image = image
        self.tags = tags
        self.monitoring = monitoring
        self.ipv6 = ipv6
        self.backups = backups
        self.vpc = vpc
        self.status = status
        self.isManaged = isManaged
        self.sagaTag = sagaTag
    }
}
