import ArcadiaSpecs

/// A change with the saga that will carry it out.
public struct PlannedChange: Sendable, Hashable, Codable {
    public var change: Change
    /// `create`, `resize`, `update`, `replace`, `destroy`.
    public var sagaKind: String
    /// Step names in order, e.g. `CreateDroplet`, `WaitDropletActive`, `RegisterDroplet`.
    public var steps: [String]
    /// What cannot be undone if this change runs (a disk that grows, a droplet destroyed).
    public var irreversible: [String]
    /// The changes (as `Kind/name`) that must finish first: the specs this one names are created
    /// before it, and a destroyed resource goes only after the ones that named it.
    public var after: [String]
    /// For a create: what is created, in a few words (`Droplet, nyc3, s-1vcpu-1gb, ubuntu-24-04-x64`).
    public var summary: String?

    public init(change: Change, sagaKind: String, steps: [String], irreversible: [String] = [], after: [String] = []) {
        self.change = change
        self.sagaKind = sagaKind
        self.steps = steps
        self.irreversible = irreversible
        self.after = after
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        change = try container.decode(Change.self, forKey: .change)
        sagaKind = try container.decode(String.self, forKey: .sagaKind)
        steps = try container.decode([String].self, forKey: .steps)
        irreversible = try container.decode([String].self, forKey: .irreversible)
        after = try container.decodeIfPresent([String].self, forKey: .after) ?? []
        summary = try container.decodeIfPresent(String.self, forKey: .summary)
    }
}

/// Everything `arcadia plan` decided, and the fingerprint of the world it decided it from.
public struct Plan: Sendable, Hashable, Codable {
    public var changes: [PlannedChange]
    public var drift: [DriftFinding]
    public var errors: [Diagnostic]
    public var warnings: [Diagnostic]
    public var unmanagedCount: Int { unmanaged.count }
    /// Droplets Arcadia leaves alone because they lack `managed-by-arcadia`, as `name (id)`.
    public var unmanaged: [String]
    public var foreignManagedCount: Int
    /// Resources left alone although the specs may want them changed (an unfinished saga, a lost tag).
    public var blocked: [BlockedResource] = []
    /// SHA-256 of the specs, the applied state and the inventory the plan was made from.
    public var fingerprint: String
    /// The `--target`s the plan is limited to, as `KIND/NAME`; empty for a whole plan.
    public var targets: [String] = []

    public var hasChanges: Bool { !changes.isEmpty }
    /// True only when there is nothing to do, nothing in the way and no drift open: DigitalOcean matches
    /// the specs. Drift the plan only reports (not reverts) still counts: a CI drift check must see it.
    /// Nothing to change, nothing left alone, no drift, and no spec change Arcadia cannot carry out yet
    /// (a `change_not_supported` warning: the specs are not applied, so this is not "in sync").
    public var isInSync: Bool {
        changes.isEmpty && blocked.isEmpty && drift.isEmpty && !warnings.contains { $0.code == "change_not_supported" }
    }
}
