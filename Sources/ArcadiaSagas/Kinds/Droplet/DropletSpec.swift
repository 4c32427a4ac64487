import ArcadiaSpecs

/// The desired state of one droplet, typed: the `spec` block of a `Droplet` file.
public struct DropletSpec: Sendable, Hashable {
    public var region: String
    public var size: String
    public var image: String
    /// Tags the operator wants; Arcadia's own tags are added on top and never listed here.
    public var tags: [String]
    /// Names of SSHKey specs, or keys' ids or fingerprints.
    public var sshKeys: [String]
    public var monitoring: Bool
    public var ipv6: Bool
    public var backups: Bool
    public var userData: String?
    /// The VPC's UUID; DigitalOcean's default VPC for the region when absent.
    public var vpc: String?
    /// Grow the disk with the size. Permanent: disks never shrink, so a later downsize is impossible.
    public var resizeDisk: Bool

    public init(
        region: String,
        size: String,
        image: String,
        tags: [String] = [],
        sshKeys: [String] = [],
        monitoring: Bool = false,
        ipv6: Bool = false,
        backups: Bool = false,
        userData: String? = nil,
        vpc: String? = nil,
        resizeDisk: Bool = false
    ) {
        self.region = region
        self.size = size
        self.image = image
        self.tags = tags
        self.sshKeys = sshKeys
        self.monitoring = monitoring
        self.ipv6 = ipv6
        self.backups = backups
        self.userData = userData
        self.vpc = vpc
        self.resizeDisk = resizeDisk
    }

    /// The typed view of a parsed spec; absent fields take their defaults.
    public init(_ spec: ResourceSpec) {
        self.init(
            region: spec.string("region") ?? "", size: spec.string("size") ?? "", image: spec.string("image") ?? "",
            tags: spec.strings("tags"), sshKeys: spec.strings("sshKeys"), monitoring: spec.bool("monitoring"),
            ipv6: spec.bool("ipv6"), backups: spec.bool("backups"), userData: spec.string("userData"), vpc: spec.string("vpc"),
            resizeDisk: spec.bool("resizeDisk")
        )
    }

    /// The fields the file wrote, as the state keeps them.
    public var resourceSpec: ResourceSpec {
        var spec = ResourceSpec([
            "region": .string(region), "size": .string(size), "image": .string(image), "tags": .strings(tags),
            "sshKeys": .strings(sshKeys), "monitoring": .bool(monitoring), "ipv6": .bool(ipv6), "backups": .bool(backups),
            "resizeDisk": .bool(resizeDisk),
        ])
        spec["userData"] = userData.map(SpecValue.string)
        spec["vpc"] = vpc.map(SpecValue.string)
        return spec
    }

    /// Spec keys accepted under `spec` for a droplet, in the order the docs list them.
    public static let fieldNames = [
        "region", "size", "image", "tags", "sshKeys", "monitoring", "ipv6", "backups", "userData", "vpc", "resizeDisk",
    ]
    public static let requiredFieldNames = ["region", "size", "image"]
}
