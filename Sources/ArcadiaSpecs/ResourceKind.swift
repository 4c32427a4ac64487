/// The kinds of resource a spec file may describe.
public enum ResourceKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case droplet = "Droplet"

    public static func < (lhs: ResourceKind, rhs: ResourceKind) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// The `apiVersion` every spec file must declare.
public let arcadiaAPIVersion = "arcadia/v1"
