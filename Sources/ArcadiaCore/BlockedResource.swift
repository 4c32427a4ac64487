import ArcadiaSpecs

/// A saga of this state that has not reached a final status, as the diff needs to know it.
public struct UnfinishedSaga: Sendable, Hashable, Codable {
    public var id: String
    /// `create`, `resize`, `update`, `replace`, `destroy`.
    public var kind: String
    /// `pending`, `running`, `compensating`, or `failed` (halted).
    public var status: String
    public var resourceKind: String
    public var resourceName: String

    public init(id: String, kind: String, status: String, resourceKind: String, resourceName: String) {
        self.id = id
        self.kind = kind
        self.status = status
        self.resourceKind = resourceKind
        self.resourceName = resourceName
    }
}

/// A resource the plan leaves alone although the specs may want it changed, and why: a saga on it is
/// unfinished, or its droplet no longer carries `managed-by-arcadia`. A plan with blocked resources is
/// never "in sync".
public struct BlockedResource: Sendable, Hashable, Codable {
    public var kind: ResourceKind
    public var name: String
    /// What is in the way and what to do, in words.
    public var reason: String
    /// The unfinished saga in the way, if that is the reason.
    public var sagaID: String?

    public init(kind: ResourceKind, name: String, reason: String, sagaID: String? = nil) {
        self.kind = kind
        self.name = name
        self.reason = reason
        self.sagaID = sagaID
    }

    static func blocked(by saga: UnfinishedSaga, kind: ResourceKind, name: String) -> BlockedResource {
        let short = saga.id.prefix(8)
        let what = saga.status == "failed"
            ? "its \(saga.kind) saga \(short) halted (failed) and must be finished first: see `arcadia sagas show \(short)`, fix the cause, then `arcadia sagas resume`"
            : "its \(saga.kind) saga \(short) is unfinished (\(saga.status)): `arcadia sagas resume` finishes it, or `arcadia sagas cancel \(short)` "
                + "undoes it if it has not passed its point of no return"
        return BlockedResource(kind: kind, name: name, reason: what, sagaID: saga.id)
    }
}
