import Yams

/// One resource as the operator wrote it, with where it was written.
public struct DesiredResource: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    /// The resource's name at DigitalOcean (Arcadia's own name for kinds that have none); unique per kind.
    public var name: String
    public var labels: [String: String]
    public var policy: ResourcePolicy
    public var spec: ResourceSpec
    /// Where the document starts, for messages that point at the file.
    public var source: SourceLocation
    /// Where each `spec` field's value is written, by field name (list items as `field[index]`), for
    /// messages about one field.
    public var fieldLocations: [String: SourceLocation]

    public init(
        kind: ResourceKind,
        name: String,
        labels: [String: String] = [:],
        policy: ResourcePolicy = ResourcePolicy(),
        spec: ResourceSpec,
        source: SourceLocation,
        fieldLocations: [String: SourceLocation] = [:]
    ) {
        self.kind = kind
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

    /// `Kind/name`, as `--target` and messages write a resource.
    public var key: String { "\(kind.rawValue)/\(name)" }
}

/// Reads one kind's `spec` block. Each kind's folder implements it; ``SpecLoader`` asks the kind a
/// document names.
public protocol SpecKindParser: Sendable {
    var kind: ResourceKind { get }
    /// The keys allowed under `spec`, in the order the docs list them.
    var fieldNames: [String] { get }
    /// What `policy.ignore` may name: the spec's fields and any live-only ones (a droplet's `status`).
    var ignorableFields: [String] { get }
    /// The keys allowed under `policy`.
    var policyFieldNames: [String] { get }
    /// Reads the block, reporting every problem through `reader`; nil when it has problems.
    func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec?
    /// Reports a name DigitalOcean would refuse for this kind.
    func validateName(_ name: String, node: Node, reader: inout NodeReader)
    /// The other specs this spec names, for `validate` to resolve and the plan to order by.
    func references(in spec: ResourceSpec) -> [SpecReference]
    /// What is wrong with a reference that did resolve, to `target`, judged from both specs (a volume
    /// attached to a droplet in another region); nil when nothing is. `validate` reports it at the
    /// reference's position.
    func problem(with reference: SpecReference, to target: DesiredResource, in resource: DesiredResource) -> String?
}

extension SpecKindParser {
    public var ignorableFields: [String] { fieldNames }
    public var policyFieldNames: [String] { ResourcePolicy.commonFieldNames }
    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {}
    public func references(in spec: ResourceSpec) -> [SpecReference] { [] }
    public func problem(with reference: SpecReference, to target: DesiredResource, in resource: DesiredResource) -> String? { nil }
}
