import Foundation
import SQLKit

/// Who leads a set of controllers sharing one state: a lease row that the leader renews, as
/// controller-runtime's leader election does with a Lease object.
public struct LeadershipLease: Sendable, Equatable {
    /// The holder's worker identity (`host:pid:nonce:process`).
    public var owner: String
    /// The holder in words, for `/api/v1/status`.
    public var holder: String
    public var since: Date
    public var expiresAt: Date
}

extension Store {
    static let leaderLockName = "leader"

    /// Takes the leader lease for `owner` if it is free, run out, held by a provably dead process, or
    /// already `owner`'s (then it is renewed). The update is conditional on the row as it was read, so
    /// two replicas never both win. Returns whether `owner` leads now.
    public func acquireLeadership(owner: String, holder: String, leaseSeconds: Double) async throws -> Bool {
        try await withTransaction { database in
            let now = try await self.leaseClock(database)
            let expires = Store.timestamp(now.addingTimeInterval(leaseSeconds))
            let name = Self.leaderLockName
            guard let row = try await database.raw("SELECT owner, expires_at FROM arcadia_locks WHERE name = \(bind: name)").first() else {
                return try await database.raw("""
                    INSERT INTO arcadia_locks (name, holder, owner, since, expires_at)
                    VALUES (\(bind: name), \(bind: holder), \(bind: owner), \(bind: Store.timestamp(now)), \(bind: expires))
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """).first() != nil
            }
            let current = try row.decode(column: "owner", as: String?.self)
            let currentExpiry = try row.decode(column: "expires_at", as: String?.self)
            if current == owner {
                try await database.raw("UPDATE arcadia_locks SET expires_at = \(bind: expires) WHERE name = \(bind: name) AND owner = \(bind: owner)").run()
                return true
            }
            let isLive = currentExpiry.map { $0 > Store.timestamp(now) } ?? false
            if let current, isLive, !WorkerIdentity.isDead(current, seenBy: owner) { return false }
            return try await database.raw("""
                UPDATE arcadia_locks SET holder = \(bind: holder), owner = \(bind: owner), since = \(bind: Store.timestamp(now)), expires_at = \(bind: expires)
                WHERE name = \(bind: name) AND owner IS NOT DISTINCT FROM \(bind: current) AND expires_at IS NOT DISTINCT FROM \(bind: currentExpiry)
                RETURNING name
                """).first() != nil
        }
    }

    /// Extends `owner`'s lease; false when it is no longer `owner`'s (another replica took it over).
    public func renewLeadership(owner: String, leaseSeconds: Double) async throws -> Bool {
        try await withTransaction { database in
            let now = try await self.leaseClock(database)
            return try await database.raw("""
                UPDATE arcadia_locks SET expires_at = \(bind: Store.timestamp(now.addingTimeInterval(leaseSeconds)))
                WHERE name = \(bind: Self.leaderLockName) AND owner = \(bind: owner) AND expires_at > \(bind: Store.timestamp(now)) RETURNING name
                """).first() != nil
        }
    }

    /// Gives the lease up, so another replica takes over at its next try rather than when it runs out.
    public func releaseLeadership(owner: String) async throws {
        try await run("DELETE FROM arcadia_locks WHERE name = \(bind: Self.leaderLockName) AND owner = \(bind: owner)")
    }

    /// The current lease, run out or not; nil when no replica ever led.
    public func leadership() async throws -> LeadershipLease? {
        guard let row = try await rows("SELECT holder, owner, since, expires_at FROM arcadia_locks WHERE name = \(bind: Self.leaderLockName)").first,
              let owner = try row.decode(column: "owner", as: String?.self),
              let expires = try row.decode(column: "expires_at", as: String?.self).flatMap(Store.date)
        else { return nil }
        return LeadershipLease(
            owner: owner, holder: try row.decode(column: "holder", as: String.self), since: try Self.date(row, "since"), expiresAt: expires
        )
    }
}
