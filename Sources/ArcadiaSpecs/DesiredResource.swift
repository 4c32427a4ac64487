/// The body of a spec, by kind.
public enum ResourceSpec: Sendable, Hashable, Codable {
    case droplet(DropletSpec)

    public var kind: ResourceKind {
        switch self {
        case .droplet: .droplet
        }
    }

    private enum CodingKeys: String, CodingKey { case droplet }
    private enum LegacyKeys: String, CodingKey { case payload = "_0" }

    /// Encoded as `{"droplet": {…the spec…}}`: stable names, for the ledger and for `--json`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .droplet(let spec): try container.encode(spec, forKey: .droplet)
        }
    }

    /// Also reads the older form that state may still hold, `{"droplet": {"_0": {…}}}`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let spec = try? container.decode(DropletSpec.self, forKey: .droplet) {
            self = .droplet(spec)
            return
        }
        let legacy = try container.nestedContainer(keyedBy: LegacyKeys.self, forKey: .droplet)
        self = .droplet(try legacy.decode(DropletSpec.self, forKey: .payload))
    }
}

/// One resource as the operator wrote it, with where it was written.
public struct DesiredResource: Sendable, Hashable, Codable {
    /// The DigitalOcean name; unique per kind.
    public var name: String
    public var labels: [String: String]
    public var policy: ResourcePolicy
    public var spec: ResourceSpec
    /// Where the document starts, for messages that point at the file.
    public var source: SourceLocation
    /// Where each `spec` field's value is written, by field name, for messages about one field.
    public var fieldLocations: [String: SourceLocation]

    public var kind: ResourceKind { spec.kind }

    public init(
        name: String,
        labels: [String: String] = [:],
        policy: ResourcePolicy = ResourcePolicy(),
        spec: ResourceSpec,
        source: SourceLocation,
        fieldLocations: [String: SourceLocation] = [:]
    ) {
        self.name = name
        self.labels = labels
        self.policy = policy
        self.spec = spec
        self.source = source
        self.fieldLocations = fieldLocations
    }

    /// Where a spec field is written, or where the document starts if the field is not.
    public func location(of field: String) -> SourceLocation {
        fieldLocations[field] ?? source
    }
}
