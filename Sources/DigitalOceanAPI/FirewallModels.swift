/// What a firewall rule lets traffic come from (inbound `sources`) or go to (outbound `destinations`).
/// Empty lists are left out of requests.
public struct FirewallTargets: Sendable, Hashable, Codable {
    public var addresses: [String]
    public var dropletIDs: [Int]
    public var loadBalancerUIDs: [String]
    public var kubernetesIDs: [String]
    public var tags: [String]

    public init(addresses: [String] = [], dropletIDs: [Int] = [], loadBalancerUIDs: [String] = [], kubernetesIDs: [String] = [], tags: [String] = []) {
        self.addresses = addresses
        self.dropletIDs = dropletIDs
        self.loadBalancerUIDs = loadBalancerUIDs
        self.kubernetesIDs = kubernetesIDs
        self.tags = tags
    }

    // Keys as the client's snake-case strategies see them.
    private enum CodingKeys: String, CodingKey {
        case addresses, tags
        case dropletIDs = "dropletIds", loadBalancerUIDs = "loadBalancerUids", kubernetesIDs = "kubernetesIds"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        addresses = try container.decodeIfPresent([String].self, forKey: .addresses) ?? []
        dropletIDs = try container.decodeIfPresent([Int].self, forKey: .dropletIDs) ?? []
        loadBalancerUIDs = try container.decodeIfPresent([String].self, forKey: .loadBalancerUIDs) ?? []
        kubernetesIDs = try container.decodeIfPresent([String].self, forKey: .kubernetesIDs) ?? []
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if !addresses.isEmpty { try container.encode(addresses, forKey: .addresses) }
        if !dropletIDs.isEmpty { try container.encode(dropletIDs, forKey: .dropletIDs) }
        if !loadBalancerUIDs.isEmpty { try container.encode(loadBalancerUIDs, forKey: .loadBalancerUIDs) }
        if !kubernetesIDs.isEmpty { try container.encode(kubernetesIDs, forKey: .kubernetesIDs) }
        if !tags.isEmpty { try container.encode(tags, forKey: .tags) }
    }
}

/// One firewall rule: a protocol, its ports (`"0"` for all, as DigitalOcean reports it) and the
/// targets it allows.
public struct FirewallRule: Sendable, Hashable {
    /// `tcp`, `udp` or `icmp`.
    public var proto: String
    /// A port, a range (`8000-9000`), or `"0"` for all.
    public var ports: String
    public var targets: FirewallTargets

    public init(proto: String, ports: String, targets: FirewallTargets) {
        self.proto = proto
        self.ports = ports
        self.targets = targets
    }
}

/// A firewall as `GET /v2/firewalls` returns it (the fields Arcadia reads), and, without its id, the
/// body of the `POST` and `PUT` that create or replace one whole.
public struct Firewall: Sendable, Hashable, Codable {
    /// A UUID; empty in a request.
    public var id: String
    public var name: String
    public var inboundRules: [FirewallRule]
    public var outboundRules: [FirewallRule]
    public var dropletIDs: [Int]
    public var tags: [String]
    /// ISO 8601; empty in a request.
    public var createdAt: String

    public init(
        id: String = "", name: String, inboundRules: [FirewallRule], outboundRules: [FirewallRule], dropletIDs: [Int], tags: [String],
        createdAt: String = ""
    ) {
        self.id = id
        self.name = name
        self.inboundRules = inboundRules
        self.outboundRules = outboundRules
        self.dropletIDs = dropletIDs
        self.tags = tags
        self.createdAt = createdAt
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, inboundRules, outboundRules, tags, createdAt
        case dropletIDs = "dropletIds"
    }

    private struct Inbound: Codable {
        var `protocol`: String
        var ports: String
        var sources: FirewallTargets
    }

    private struct Outbound: Codable {
        var `protocol`: String
        var ports: String
        var destinations: FirewallTargets
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        name = try container.decode(String.self, forKey: .name)
        inboundRules = (try container.decodeIfPresent([Inbound].self, forKey: .inboundRules) ?? []).map {
            FirewallRule(proto: $0.protocol, ports: $0.ports, targets: $0.sources)
        }
        outboundRules = (try container.decodeIfPresent([Outbound].self, forKey: .outboundRules) ?? []).map {
            FirewallRule(proto: $0.protocol, ports: $0.ports, targets: $0.destinations)
        }
        dropletIDs = try container.decodeIfPresent([Int].self, forKey: .dropletIDs) ?? []
        tags = try container.decodeIfPresent([String].self, forKey: .tags) ?? []
        createdAt = try container.decodeIfPresent(String.self, forKey: .createdAt) ?? ""
    }

    /// As a request: the whole firewall, without the fields DigitalOcean sets.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(inboundRules.map { Inbound(protocol: $0.proto, ports: $0.ports, sources: $0.targets) }, forKey: .inboundRules)
        try container.encode(outboundRules.map { Outbound(protocol: $0.proto, ports: $0.ports, destinations: $0.targets) }, forKey: .outboundRules)
        try container.encode(dropletIDs, forKey: .dropletIDs)
        try container.encode(tags, forKey: .tags)
    }
}
