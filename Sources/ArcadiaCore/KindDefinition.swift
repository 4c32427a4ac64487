import ArcadiaSpecs

/// What the differ and the planner know of one kind. Each kind's folder implements it (with its spec
/// parser); `Differ.diff` and `Planner` work on every kind through it.
public protocol KindDefinition: SpecKindParser {
    /// The diffable fields, in the order plans list them.
    var fields: [KindField] { get }
    /// Whether the kind's live resources carry `managed-by-arcadia`. Kinds without tags (SSH keys) are
    /// Arcadia's by its record alone, and live ones it has no record of are not reported as unmanaged.
    var isTagged: Bool { get }
    /// The words after `+ create NAME` in a plan: `(Droplet, nyc3, s-1vcpu-1gb, ubuntu-24-04-x64)`.
    func summary(of spec: ResourceSpec) -> String
    /// The saga kind and typed steps that carry out a change.
    func plan(_ change: Change) -> PlannedChange
    /// Kind-specific drift with no spec field behind it (a droplet powered off), added to `fields`.
    func diffLiveOnly(
        _ resource: DesiredResource, live: LiveResource, revertingDrift: Bool, driftReverts: DriftReverts, fields: inout [FieldChange], into result: inout Differ.Result
    )
    /// Kind-specific diff that needs Arcadia's record and what the spec names (a domain's records,
    /// matched against the live ones and the ones Arcadia applied), added to `fields` after
    /// `diffLiveOnly`. Drift, warnings and errors go into `result`.
    func diffContents(
        _ resource: DesiredResource, record: AppliedResource, live: LiveResource, references: ReferenceIDs, revertingDrift: Bool,
        driftReverts: DriftReverts, fields: inout [FieldChange], into result: inout Differ.Result
    )
    /// The moves a resource makes when resources it names are replaced in the same plan (`replaced`:
    /// `Kind/name`), each with the `Kind/name` it follows, for kinds whose references do not map to one
    /// in-place field each (a domain's records); nil lets the differ move each in-place field that names
    /// a replaced resource.
    func follow(replaced: Set<String>, resource: DesiredResource, record: AppliedResource, live: LiveResource) -> [(move: FieldChange, follows: String)]?
    /// Whether two creates of the kind in one region cannot be told apart after a kill or a lost answer
    /// (a reserved IP has neither name nor tags): the planner then runs them one after another.
    var createsOneAtATimePerRegion: Bool { get }
    /// Whether a replaced droplet's saga moves this kind's references to it (`MoveDependents`), before
    /// the old droplet is destroyed, instead of a saga of the kind's own after the replace.
    var movesWithReplacedDroplet: Bool { get }
    /// The fields of a live resource that point at a droplet, by its id or its public IPv4 address (a
    /// reserved IP's assignment, a firewall's droplets, a volume's attachment, a domain's A records),
    /// so a plan that destroys the droplet can say what would be left pointing at nothing.
    func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String]
    /// Whether DigitalOcean refuses a second live resource of the same name (volumes, per region): a
    /// create beside an unmanaged namesake (in the spec's region, for kinds with one) is then an error,
    /// not a warning.
    var namesAreUnique: Bool { get }
}

extension KindDefinition {
    public var isTagged: Bool { true }
    public func diffLiveOnly(
        _ resource: DesiredResource, live: LiveResource, revertingDrift: Bool, driftReverts: DriftReverts, fields: inout [FieldChange],
        into result: inout Differ.Result
    ) {}
    public func diffContents(
        _ resource: DesiredResource, record: AppliedResource, live: LiveResource, references: ReferenceIDs, revertingDrift: Bool,
        driftReverts: DriftReverts, fields: inout [FieldChange], into result: inout Differ.Result
    ) {}
    public func follow(replaced: Set<String>, resource: DesiredResource, record: AppliedResource, live: LiveResource) -> [(move: FieldChange, follows: String)]? { nil }
    public var movesWithReplacedDroplet: Bool { false }
    public var createsOneAtATimePerRegion: Bool { false }
    public func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String] { [] }
    public var namesAreUnique: Bool { false }

    public func field(named name: String) -> KindField? { fields.first { $0.name == name } }
}

/// The definitions of every kind, by kind.
public struct KindBook: Sendable {
    public let definitions: [ResourceKind: any KindDefinition]

    public init(_ definitions: [any KindDefinition]) {
        self.definitions = Dictionary(definitions.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public subscript(_ kind: ResourceKind) -> (any KindDefinition)? { definitions[kind] }

    public var specKinds: SpecKinds { SpecKinds(Array(definitions.values)) }
}
