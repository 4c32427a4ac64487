/// The kinds of resource a spec file may describe. Each case has one folder under
/// `Sources/ArcadiaSagas/Kinds/` and one line in `Kinds.make(_:)`; see docs/DESIGN.md.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case droplet = "Droplet"
    case sshKey = "SSHKey"
    case volume = "Volume"
    case reservedIP = "ReservedIP"
    case firewall = "Firewall"
    case domain = "Domain"

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The kind in lower case words, for messages: "droplet", "volume", "SSH key".
    public var noun: String {
        switch self {
        case .droplet: "droplet"
        case .sshKey: "SSH key"
        case .volume: "volume"
        case .reservedIP: "reserved IP"
        case .firewall: "firewall"
        case .domain: "domain"
        }
    }
}

/// The `apiVersion` every spec file must declare.
public let arcadiaAPIVersion = "arcadia/v1"
