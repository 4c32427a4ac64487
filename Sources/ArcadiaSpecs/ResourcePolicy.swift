/// How Arcadia may treat a resource, from the spec's `policy` block.
public struct ResourcePolicy: Sendable, Hashable, Codable {
    /// What plan and the controller do with drift: `arcadia apply` always proposes a size revert; a
    /// droplet powered off outside Arcadia is powered on only with `revert`.
    public enum DriftAction: String, Sendable, Hashable, Codable, CaseIterable {
        case report
        case revert
    }

    /// Refuse to plan a destroy or a replacement of this resource.
    public var protect: Bool
    public var drift: DriftAction
    /// Fields that are never diffed (spec names, e.g. `tags`).
    public var ignore: [String]
    /// Take a snapshot before a resize, so the old disk can be restored by hand.
    public var snapshotBeforeResize: Bool
    /// How many of Arcadia's resize snapshots of this droplet to keep, newest first; older ones are
    /// deleted after each resize. nil keeps them all (nothing is deleted unless the spec says so).
    public var keepSnapshots: Int?
    /// Take a snapshot of a volume before destroying it, so its data outlives it.
    public var snapshotBeforeDestroy: Bool
    /// Delete a domain's live records that its spec does not list (never SOA or NS). Without it they
    /// are reported and left alone.
    public var pruneRecords: Bool

    public init(
        protect: Bool = false,
        drift: DriftAction = .report,
        ignore: [String] = [],
        snapshotBeforeResize: Bool = false,
        keepSnapshots: Int? = nil,
        snapshotBeforeDestroy: Bool = false,
        pruneRecords: Bool = false
    ) {
        self.protect = protect
        self.drift = drift
        self.ignore = ignore
        self.snapshotBeforeResize = snapshotBeforeResize
        self.keepSnapshots = keepSnapshots
        self.snapshotBeforeDestroy = snapshotBeforeDestroy
        self.pruneRecords = pruneRecords
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protect = try container.decode(Bool.self, forKey: .protect)
        drift = try container.decode(DriftAction.self, forKey: .drift)
        ignore = try container.decode([String].self, forKey: .ignore)
        snapshotBeforeResize = try container.decode(Bool.self, forKey: .snapshotBeforeResize)
        keepSnapshots = try container.decodeIfPresent(Int.self, forKey: .keepSnapshots)
        // Absent in what earlier versions applied.
        snapshotBeforeDestroy = try container.decodeIfPresent(Bool.self, forKey: .snapshotBeforeDestroy) ?? false
        pruneRecords = try container.decodeIfPresent(Bool.self, forKey: .pruneRecords) ?? false
    }

    /// Keys every kind accepts under `policy`; a kind may add its own (``SpecKindParser/policyFieldNames``).
    public static let commonFieldNames = ["protect", "drift", "ignore"]
}
