import ArcadiaSpecs

/// Which drift a plan puts back. `arcadia apply` reverts every field it can change in place (a
/// person asked for the spec, and the plan showed it); the controller, acting alone, reverts only the
/// resources whose `policy.drift` is `revert`, and holds back a field it reverted again and again.
public struct DriftReverts: Sendable {
    /// Only resources with `policy.drift: revert` (otherwise every revertible field).
    public var byPolicyOnly: Bool
    /// `Kind/name/field` keys not to revert now (backing off a revert loop).
    public var held: Set<String>

    /// `arcadia apply`: every revertible field.
    public static let always = DriftReverts(byPolicyOnly: false, held: [])

    /// The controller's reconcile.
    public static func byPolicy(holding held: Set<String>) -> DriftReverts {
        DriftReverts(byPolicyOnly: true, held: held)
    }

    public static func key(kind: ResourceKind, name: String, field: String) -> String {
        "\(kind.rawValue)/\(name)/\(field)"
    }

    /// Whether the controller holds this field's revert back for now.
    public func isHeld(kind: ResourceKind, name: String, field: String) -> Bool {
        held.contains(Self.key(kind: kind, name: name, field: field))
    }

    public func reverts(_ resource: DesiredResource, field: String) -> Bool {
        if isHeld(kind: resource.kind, name: resource.name, field: field) { return false }
        return !byPolicyOnly || resource.policy.drift == .revert
    }
}
