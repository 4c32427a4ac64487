/// The body of `POST /v2/droplets`.
public struct DropletCreateRequest: Sendable, Codable, Hashable {
    public var name: String
    public var region: String
    public var size: String
    public var image: String
    public var sshKeys: [String]
    public var backups: Bool
    public var ipv6: Bool
    public var monitoring: Bool
    public var tags: [String]
    public var userData: String?
    public var vpcUuid: String?

    public init(
        name: String, region: String, size: String, image: String, sshKeys: [String] = [],
        backups: Bool = false, ipv6: Bool = false, monitoring: Bool = false, tags: [String] = [],
        userData: String? = nil, vpcUuid: String? = nil
    ) {
        self.name = name
        self.region = region
        self.size = size
        self.image = image
        self.sshKeys = sshKeys
        self.backups = backups
        self.ipv6 = ipv6
        self.monitoring = monitoring
        self.tags = tags
        self.userData = userData
        self.vpcUuid = vpcUuid
    }
}

/// The body of `POST /v2/droplets/{id}/actions`.
public struct DropletActionRequest: Sendable, Codable, Hashable {
    public var type: String
    public var size: String?
    public var disk: Bool?
    public var name: String?

    public static let powerOff = DropletActionRequest(type: "power_off")
    public static let powerOn = DropletActionRequest(type: "power_on")
    public static let shutdown = DropletActionRequest(type: "shutdown")
    /// Adds `backups` to the droplet's features, on DigitalOcean's default (daily) plan.
    public static let enableBackups = DropletActionRequest(type: "enable_backups")
    /// Removes `backups` from the droplet's features; backups already taken stay.
    public static let disableBackups = DropletActionRequest(type: "disable_backups")
    /// Adds `ipv6` to the droplet's features and a public v6 address. One-way: DigitalOcean cannot disable it.
    public static let enableIPv6 = DropletActionRequest(type: "enable_ipv6")

    public static func resize(to size: String, disk: Bool) -> DropletActionRequest {
        DropletActionRequest(type: "resize", size: size, disk: disk)
    }

    public static func snapshot(named name: String) -> DropletActionRequest {
        DropletActionRequest(type: "snapshot", name: name)
    }

    public init(type: String, size: String? = nil, disk: Bool? = nil, name: String? = nil) {
        self.type = type
        self.size = size
        self.disk = disk
        self.name = name
    }
}
