import Hummingbird
import NIOCore

/// What a request may do, by the caller's role.
public enum APIAction: String, Sendable, CaseIterable {
    case read, revert, ignore, reconcile, accept
}

/// Who sent a request, as its token says.
public struct Caller: Sendable {
    public var name: String
    public var role: String
    public var permits: @Sendable (APIAction) -> Bool

    public init(name: String, role: String, permits: @escaping @Sendable (APIAction) -> Bool) {
        self.name = name
        self.role = role
        self.permits = permits
    }
}

/// Hummingbird's request basics plus the caller the bearer token named.
public struct APIContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var caller: Caller?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }
}

extension Role {
    /// viewer reads; operator also reverts, ignores and asks for a reconcile; only platform_admin accepts.
    public func permits(_ action: APIAction) -> Bool {
        switch action {
        case .read: true
        case .revert, .ignore, .reconcile: includes(.operator)
        case .accept: includes(.platformAdmin)
        }
    }
}
