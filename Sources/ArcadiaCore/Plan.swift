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

    public init(change: Change, sagaKind: String, steps: [String], irreversible: [String] = []) {
        self.change = change
        self.sagaKind = sagaKind
        self.steps = steps
        self.irreversible = irreversible
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
