import ArcadiaSpecs

/// One field's move from one value to another; values are display strings (lists as `[a, b]`).
public struct FieldChange: Sendable, Hashable, Codable {
    public var field: String
    public var from: String?
    public var to: String?
    /// The live value had drifted: this change puts it back.
    public var isDriftRevert: Bool
    /// DigitalOcean already has the new value (e.g. the spec now says what drifted): only Arcadia's record changes.
    public var isAlreadyLive: Bool
    /// `Kind/name` of a replaced resource whose replace saga makes this move live, before it destroys
    /// the old resource (a reserved IP following its droplet); the change carrying this field only
    /// records it, so it is also `isAlreadyLive`.
    public var movedBy: String?

    public init(field: String, from: String?, to: String?, isDriftRevert: Bool = false, isAlreadyLive: Bool = false, movedBy: String? = nil) {
        self.field = field
        self.from = from
        self.to = to
        self.isDriftRevert = isDriftRevert
        self.isAlreadyLive = isAlreadyLive || movedBy != nil
        self.movedBy = movedBy
    }
}

/// A resource that names a replaced droplet and moves to the replacement inside the droplet's replace
/// saga (its `MoveDependents` step), after the new droplet is active and before the old one is
/// destroyed: a reserved IP reassigned, a firewall given the new droplet, a domain's A records pointed
/// at the new address. `fields` are the moves as the plan found them (`from` the live value).
public struct DependentMove: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var name: String
    /// The live resource: the address, the firewall's UUID, the domain's name.
    public var resourceID: String
    public var fields: [FieldChange]

    public init(kind: ResourceKind, name: String, resourceID: String, fields: [FieldChange]) {
        self.kind = kind
        self.name = name
        self.resourceID = resourceID
        self.fields = fields
    }

    /// `Kind/name`.
    public var key: String { "\(kind.rawValue)/\(name)" }
}

/// A live value that differs from what Arcadia applied while the spec did not change.
public struct DriftFinding: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var name: String
    public var resourceID: String
    public var field: String
    public var expected: String
    public var actual: String
    /// Whether the plan carries a change that reverts it.
    public var isRevertPlanned: Bool

    public init(kind: ResourceKind, name: String, resourceID: String, field: String, expected: String, actual: String, isRevertPlanned: Bool) {
        self.kind = kind
        self.name = name
        self.resourceID = resourceID
        self.field = field
        self.expected = expected
        self.actual = actual
        self.isRevertPlanned = isRevertPlanned
    }
}

/// What the plan will do to one resource.
public struct Change: Sendable, Hashable, Codable {
    public enum Action: String, Sendable, Hashable, Codable {
        case create, update, replace, destroy
    }

    public var action: Action
    public var kind: ResourceKind
    public var name: String
    public var fields: [FieldChange]
    /// The live resource this change acts on (nil for a create).
    public var resourceID: String?
    /// The spec to apply (nil for a destroy).
    public var desired: DesiredResource?
    /// Why, in words, where the fields do not say it (e.g. "deleted outside Arcadia").
    public var reason: String?
    /// For a destroy: DigitalOcean no longer has the resource, so only Arcadia's record goes.
    public var isResourceGone: Bool
    /// What Arcadia had applied before this change (nil for a create): a compensation puts it back.
    public var applied: AppliedDocument?
    /// For a droplet's replace: what names the droplet and moves to the replacement in the same saga,
    /// before the old droplet is destroyed (nil when nothing does).
    public var dependents: [DependentMove]?
    /// For a droplet's replace: the resources Arcadia manages that point at the old droplet live and
    /// that its saga does not move (`Kind/name`): their own changes must repoint them, or a warning says
    /// they will point at a destroyed droplet.
    public var pointedAtBy: [String]?

    /// `Kind/name`.
    public var key: String { "\(kind.rawValue)/\(name)" }

    public init(action: Action, kind: ResourceKind, name: String, fields: [FieldChange] = [], resourceID: String? = nil,
                desired: DesiredResource? = nil, reason: String? = nil, isResourceGone: Bool = false, applied: AppliedDocument? = nil) {
        self.action = action
        self.kind = kind
        self.name = name
        self.fields = fields
        self.resourceID = resourceID
        self.desired = desired
        self.reason = reason
        self.isResourceGone = isResourceGone
        self.applied = applied
    }
}
