import ArcadiaSpecs

/// How a change to a field is carried out.
public enum FieldChangeMode: Sendable, Hashable {
    /// By the kind's own steps, in place (a resize, a tag, an attach); drift of such a field is revertible.
    case inPlace
    /// Only Arcadia's record changes; nothing at DigitalOcean.
    case recordOnly
    /// DigitalOcean cannot change it in place: create a new resource, then destroy the old one.
    case replace
    /// Possible at DigitalOcean, not done by Arcadia: reported, never applied.
    case unsupported
}

/// What a field's desired value may depend on beyond the spec: the ids of the resources it names, and
/// their live values (a domain's A record takes its droplet's public address).
public struct ReferenceIDs: Sendable {
    private let ids: [String: String]
    private let live: [String: LiveResource]

    public init(_ applied: [AppliedResource], live: [LiveResource] = []) {
        ids = Dictionary(applied.map { ($0.key, $0.resourceID) }, uniquingKeysWith: { first, _ in first })
        self.live = Dictionary(live.map { ("\($0.kind.rawValue)#\($0.id)", $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The id of the resource Arcadia applied as `kind/name`, if it did.
    public func id(of kind: ResourceKind, named name: String) -> String? { ids["\(kind.rawValue)/\(name)"] }

    /// A live value of the resource Arcadia applied as `kind/name`: nil when it has not applied it, or
    /// the inventory has no such resource or value.
    public func liveValue(_ field: String, of kind: ResourceKind, named name: String) -> SpecValue? {
        id(of: kind, named: name).flatMap { live["\(kind.rawValue)#\($0)"]?[field] }
    }
}

/// One diffable field of a kind: how to read it from the spec and from the live resource, and how to
/// change it. Values are compared as the display strings these give: lists as sorted sets, names
/// case-insensitively where DigitalOcean folds case (tags).
public struct KindField: Sendable {
    public let name: String
    public let desired: @Sendable (ResourceSpec, ReferenceIDs) -> String?
    /// Nil where DigitalOcean does not report the value back (user data).
    public let live: (@Sendable (LiveResource) -> String?)?
    public let mode: FieldChangeMode
    /// Why moving from the first value to the second is impossible, if it is (a volume never shrinks):
    /// the plan makes it an error at the field's position.
    public let impossible: (@Sendable (_ from: String, _ to: String) -> String?)?

    public init(
        name: String, desired: @escaping @Sendable (ResourceSpec, ReferenceIDs) -> String?, live: (@Sendable (LiveResource) -> String?)?,
        mode: FieldChangeMode, impossible: (@Sendable (String, String) -> String?)? = nil
    ) {
        self.name = name
        self.desired = desired
        self.live = live
        self.mode = mode
        self.impossible = impossible
    }

    /// A scalar written as it is (`region`, `size`, `monitoring`), with the value absence means.
    public static func scalar(_ name: String, default absent: String? = nil, live: Bool = true, mode: FieldChangeMode,
                              impossible: (@Sendable (String, String) -> String?)? = nil) -> KindField {
        let desired: @Sendable (ResourceSpec, ReferenceIDs) -> String? = { spec, _ in spec[name]?.description ?? absent }
        let reported: @Sendable (LiveResource) -> String? = { resource in resource[name]?.description ?? absent }
        return KindField(name: name, desired: desired, live: live ? reported : nil, mode: mode, impossible: impossible)
    }

    /// A list compared as a set, case-insensitively (`tags`).
    public static func set(_ name: String, live: Bool = true, mode: FieldChangeMode) -> KindField {
        let desired: @Sendable (ResourceSpec, ReferenceIDs) -> String? = { spec, _ in setText(spec.strings(name)) }
        let reported: @Sendable (LiveResource) -> String? = { resource in setText(resource[name]?.items ?? []) }
        return KindField(name: name, desired: desired, live: live ? reported : nil, mode: mode)
    }

    public static func setText(_ values: [String]) -> String {
        "[" + Set(values.map { $0.lowercased() }).sorted().joined(separator: ", ") + "]"
    }
}
