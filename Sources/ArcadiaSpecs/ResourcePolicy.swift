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

    public init(
        protect: Bool = false,
        drift: DriftAction = .report,
        ignore: [String] = [],
        snapshotBeforeResize: Bool = false,
        keepSnapshots: Int? = nil
    ) {
        self.protect = protect
        self.drift = drift
        self.ignore = ignore
        self.snapshotBeforeResize = snapshotBeforeResize
        self.keepSnapshots = keepSnapshots
    }

    /// What `policy.ignore` may name: the spec's fields, and `status` (the droplet's power state).
    public static let ignorableFields = DropletSpec.fieldNames + ["status"]

    /// Spec keys accepted under `policy`.
    public static let fieldNames = ["protect", "drift", "ignore", "snapshotBeforeResize", "keepSnapshots"]
}
