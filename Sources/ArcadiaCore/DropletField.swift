import ArcadiaSpecs

/// How a change to a field is carried out.
public enum FieldChangeMode: Sendable, Hashable {
    /// Power off, resize, power on.
    case resize
    /// Only Arcadia's record changes; nothing at DigitalOcean.
    case recordOnly
    /// DigitalOcean cannot change it in place: create a new droplet, then destroy the old one.
    case replace
    /// Possible at DigitalOcean, not yet done by Arcadia: reported, never applied.
    case unsupported
}

/// One diffable droplet field: how to read it from the spec and from the live droplet, and how to change it.
/// Values are compared loosely, as DESIGN.md says: scalars as strings, lists as sets, tags case-insensitively.
struct DropletField: Sendable {
    let name: String
    let desired: @Sendable (DropletSpec) -> String?
    /// Nil where DigitalOcean does not report the value back (user data, SSH keys).
    let live: (@Sendable (LiveDroplet) -> String?)?
    let mode: FieldChangeMode

    static func set(_ values: [String]) -> String {
        "[" + Set(values.map { $0.lowercased() }).sorted().joined(separator: ", ") + "]"
    }

    static let all: [DropletField] = [
        DropletField(name: "region", desired: { $0.region }, live: { $0.region }, mode: .replace),
        DropletField(name: "image", desired: { $0.image }, live: { $0.image }, mode: .replace),
        DropletField(name: "size", desired: { $0.size }, live: { $0.size }, mode: .resize),
        DropletField(name: "tags", desired: { set($0.tags) }, live: { set($0.tags) }, mode: .unsupported),
        DropletField(name: "sshKeys", desired: { set($0.sshKeys) }, live: nil, mode: .replace),
        DropletField(name: "monitoring", desired: { String($0.monitoring) }, live: { String($0.monitoring) }, mode: .replace),
        DropletField(name: "ipv6", desired: { String($0.ipv6) }, live: { String($0.ipv6) }, mode: .unsupported),
        DropletField(name: "backups", desired: { String($0.backups) }, live: { String($0.backups) }, mode: .unsupported),
        DropletField(name: "userData", desired: { $0.userData }, live: nil, mode: .replace),
        // No vpc in the spec means the region's default VPC, whose id Arcadia does not know: compare only when set.
        DropletField(name: "vpc", desired: { $0.vpc }, live: nil, mode: .replace),
        DropletField(name: "resizeDisk", desired: { String($0.resizeDisk) }, live: nil, mode: .recordOnly),
    ]
}
