/// The spec parsers of every kind the loader knows, by kind.
public struct SpecKinds: Sendable {
    private let parsers: [ResourceKind: any SpecKindParser]

    public init(_ parsers: [any SpecKindParser]) {
        self.parsers = Dictionary(parsers.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
    }

    public func parser(for kind: ResourceKind) -> (any SpecKindParser)? { parsers[kind] }

    /// The references `resource` makes, as its kind reads them.
    public func references(of resource: DesiredResource) -> [SpecReference] {
        parsers[resource.kind]?.references(in: resource.spec) ?? []
    }

    /// What `resource`'s kind finds wrong with a reference that resolved to `target`.
    func problem(with reference: SpecReference, to target: DesiredResource, in resource: DesiredResource) -> String? {
        parsers[resource.kind]?.problem(with: reference, to: target, in: resource)
    }
}
