import ArcadiaSpecs

/// What Arcadia last applied to a resource (the `provisioned` row, decoded).
public struct AppliedResource: Sendable, Hashable, Codable {
    public var name: String
    public var resourceID: String
    public var spec: DropletSpec
    public var policy: ResourcePolicy
    public var specVersion: Int

    public init(name: String, resourceID: String, spec: DropletSpec, policy: ResourcePolicy, specVersion: Int) {
        self.name = name
        self.resourceID = resourceID
        self.spec = spec
        self.policy = policy
        self.specVersion = specVersion
    }
}

/// The document stored in `provisioned.spec`: the spec and policy as applied.
public struct AppliedDocument: Sendable, Hashable, Codable {
    public var spec: DropletSpec
    public var policy: ResourcePolicy

    public init(spec: DropletSpec, policy: ResourcePolicy) {
        self.spec = spec
        self.policy = policy
    }
}
