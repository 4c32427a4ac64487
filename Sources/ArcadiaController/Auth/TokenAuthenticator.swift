import ArcadiaState
import Foundation

/// Turns a request's `Authorization` header into the ``Principal`` its token names, or nil.
///
/// A missing, malformed, mistyped, unknown, revoked or expired token is nil alike, so the caller
/// answers every one with the same 401 and a prober learns nothing about which it was. Expiry is
/// measured by the store's clock (the database server's on PostgreSQL).
public struct TokenAuthenticator: Sendable {
    public let store: Store
    /// How often a token's `last_used_at` is written at most: a busy client costs no write per request.
    public var lastUsedResolution: TimeInterval

    public init(store: Store, lastUsedResolution: TimeInterval = 60) {
        self.store = store
        self.lastUsedResolution = lastUsedResolution
    }

    /// The principal of `Authorization: Bearer <token>`, or nil.
    /// - Throws: only when the state cannot be read (the caller answers 503, not 401).
    public func authenticate(authorization header: String?) async throws -> Principal? {
        guard let text = header.flatMap(Self.bearerToken), let (id, hash) = AccessToken.parse(text) else { return nil }
        guard let record = try await store.token(id: id), let role = Role(rawValue: record.role) else { return nil }
        // Compare every byte whatever the first difference, so timing does not reveal how much matched.
        guard Self.constantTimeEqual(Array(hash.utf8), Array(record.tokenHash.utf8)) else { return nil }
        let now = try await store.currentTime()
        guard record.isActive(at: now) else { return nil }
        if record.lastUsedAt.map({ now.timeIntervalSince($0) >= lastUsedResolution }) ?? true {
            try await store.touchToken(id: id, at: now, unlessWithin: lastUsedResolution)
        }
        return Principal(tokenID: record.id, name: record.name, role: role)
    }

    /// The token of `Bearer <token>` (the scheme in any case, as RFC 9110 allows).
    static func bearerToken(_ header: String) -> String? {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return parts[1].trimmingCharacters(in: .whitespaces)
    }

    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
