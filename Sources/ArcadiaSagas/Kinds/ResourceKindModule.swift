import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI

/// Everything Arcadia knows of one kind: its spec parser and field table (``KindDefinition``), how to
/// read its live resources, and the steps its sagas are made of. Each kind's folder under `Kinds/`
/// holds one, and ``Kinds`` lists them.
public protocol ResourceKindModule: KindDefinition {
    /// Every live resource of the kind, normalised for the diff: ceil(N/200) list requests.
    func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource]
    /// One live resource by id, normalised; nil when DigitalOcean no longer has it.
    func live(id: String, client: DigitalOceanClient) async throws -> LiveResource?
    /// The steps the kind's sagas use, for resuming them by the names the ledger keeps.
    var steps: [any Step] { get }
    /// The spec as Arcadia records it applied, when a saga's record step runs: the desired spec, or
    /// for a kind whose spec takes live values from what it names (a domain's A record, its droplet's
    /// address), the spec with those values as they were applied.
    func appliedSpec(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> ResourceSpec
}

extension ResourceKindModule {
    public func appliedSpec(_ context: SagaContext, step: String, in environment: StepEnvironment) async throws -> ResourceSpec {
        try context.requireDesired(step: step).spec
    }
}

/// The kinds Arcadia manages: adding a kind is one case in ``ResourceKind`` and one line here.
public enum Kinds {
    private static func make(_ kind: ResourceKind) -> any ResourceKindModule {
        switch kind {
        case .droplet: DropletKind()
        case .sshKey: SSHKeyKind()
        case .volume: VolumeKind()
        case .reservedIP: ReservedIPKind()
        case .firewall: FirewallKind()
        case .domain: DomainKind()
        }
    }

    public static let all: [any ResourceKindModule] = ResourceKind.allCases.map(make)
    private static let byKind = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0) })

    /// The kind's module, built once (its field table is a list of closures).
    public static func module(for kind: ResourceKind) -> any ResourceKindModule { byKind[kind] ?? make(kind) }

    public static let book = KindBook(all)
    public static let specs = SpecKinds(all)
    /// Steps every kind shares, then each kind's own.
    public static let steps = StepRegistry([RecordApplied()] + all.flatMap(\.steps))
}

extension SpecLoader {
    /// Loads the specs of every kind Arcadia manages.
    public static func load(directory: String) throws -> [DesiredResource] {
        try load(directory: directory, kinds: Kinds.specs)
    }

    public static func parse(documents: [(path: String, text: String)]) throws -> [DesiredResource] {
        try parse(documents: documents, kinds: Kinds.specs)
    }
}
