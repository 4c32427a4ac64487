import ArcadiaSpecs

/// A resource as inventory sync normalised it: the values the diff compares, by spec field name, with
/// Arcadia's own tags split out.
public struct LiveResource: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var id: String
    public var name: String
    /// The values DigitalOcean reports, under the names the spec gives them (`region`, `tags`, …), plus
    /// live-only ones a kind reads (a droplet's `disk`).
    public var values: [String: SpecValue]
    /// A droplet's power (`new`, `active`, `off`, `archive`); nil for kinds without one.
    public var status: String?
    /// Carries `managed-by-arcadia`, or, for kinds without tags, is Arcadia's by its record alone.
    public var isManaged: Bool
    /// The `arcadia-saga-*` tag of the saga that created it, for kinds with tags.
    public var sagaTag: String?

    public init(
        kind: ResourceKind, id: String, name: String, values: [String: SpecValue], status: String? = nil,
        isManaged: Bool, sagaTag: String? = nil
    ) {
        self.kind = kind
        self.id = id
        self.name = name
        self.values = values
        self.status = status
        self.isManaged = isManaged
        self.sagaTag = sagaTag
    }

    public subscript(_ field: String) -> SpecValue? { values[field] }
}
