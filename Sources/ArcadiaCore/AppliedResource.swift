import ArcadiaSpecs

/// What Arcadia last applied to a resource (the `provisioned` row, decoded).
public struct AppliedResource: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var name: String
    public var resourceID: String
    public var spec: ResourceSpec
    public var policy: ResourcePolicy
    public var specVersion: Int

    public init(kind: ResourceKind, name: String, resourceID: String, spec: ResourceSpec, policy: ResourcePolicy, specVersion: Int) {
        self.kind = kind
        self.name = name
        self.resourceID = resourceID
        self.spec = spec
        self.policy = policy
        self.specVersion = specVersion
    }

    public var key: String { "\(kind.rawValue)/\(name)" }
}

/// The document stored in `provisioned.spec`: the spec and policy as applied.
public struct AppliedDocument: Sendable, Hashable, Codable {
    public var spec: ResourceSpec
    public var policy: ResourcePolicy

    public init(spec: ResourceSpec, policy: ResourcePolicy) {
        self.spec = spec
        self.policy = policy
    }
}
