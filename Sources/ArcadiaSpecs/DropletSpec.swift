/// The desired state of one droplet: the `spec` block of a `Droplet` file.
public struct DropletSpec: Sendable, Hashable, Codable {
    public var region: String
    public var size: String
    public var image: String
    /// Tags the operator wants; Arcadia's own tags are added on top and never listed here.
    public var tags: [String]
    /// Names of SshKey specs or key fingerprints.
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

    /// Spec keys accepted under `spec` for a droplet, in the order the docs list them.
    public static let fieldNames = [
        "region", "size", "image", "tags", "sshKeys", "monitoring", "ipv6", "backups", "userData", "vpc", "resizeDisk",
    ]
    public static let requiredFieldNames = ["region", "size", "image"]
}
