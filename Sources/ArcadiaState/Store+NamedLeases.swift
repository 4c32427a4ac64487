import Foundation
import SQLKit

/// Who leads a set of controllers sharing one state: the `leader` lease row, as controller-runtime's
/// leader election keeps a Lease object.
public struct LeadershipLease: Sendable, Equatable {
    /// The holder's worker identity (`host:pid:nonce:process`).
    public var owner: String
    /// The holder in words, for `/api/v1/status`.
    public var holder: String
    public var since: Date
    public var expiresAt: Date
}

/// What taking a named lease found.
enum NamedLeaseTake {
    /// Taken; `previous` is the holder it was taken from, with when its lease ran out (nil: it had not,
    /// but its process is provably gone).
    case taken(previous: (holder: String, expiredAt: String?)?)
    /// A live holder has it.
    case held
}

/// Named leases in `arcadia_locks` (holder, owner, since, expiry), measured by the database's clock:
/// the PostgreSQL apply lock (`apply`) and the controllers' leadership (`leader`).
extension Store {
    /// Takes the lease if it is free, run out, or held by a provably dead process. The update is
    /// conditional on the row as it was read, so two takers never both win.
    func takeNamedLease(_ name: String, holder: String, owner: String, seconds: Double) async throws -> NamedLeaseTake {
        try await withTransaction { database in
            let now = try await self.leaseClock(database)
            let expires = Store.timestamp(now.addingTimeInterval(seconds))
            guard let row = try await database.raw("SELECT holder, owner, expires_at FROM arcadia_locks WHERE name = \(bind: name)").first() else {
                let inserted = try await database.raw("""
                    INSERT INTO arcadia_locks (name, holder, owner, since, expires_at)
                    VALUES (\(bind: name), \(bind: holder), \(bind: owner), \(bind: Store.timestamp(now)), \(bind: expires))
                    ON CONFLICT (name) DO NOTHING RETURNING name
                    """).first()
                return inserted == nil ? .held : .taken(previous: nil)
            }
            let current = try row.decode(column: "owner", as: String?.self)
            let currentExpiry = try row.decode(column: "expires_at", as: String?.self)
            let isLive = currentExpiry.map { $0 > Store.timestamp(now) } ?? false
            if let current, isLive, !WorkerIdentity.isDead(current, seenBy: owner) { return .held }
            let updated = try await database.raw("""
                UPDATE arcadia_locks SET holder = \(bind: holder), owner = \(bind: owner), since = \(bind: Store.timestamp(now)), expires_at = \(bind: expires)
                WHERE name = \(bind: name) AND owner IS NOT DISTINCT FROM \(bind: current) AND expires_at IS NOT DISTINCT FROM \(bind: currentExpiry)
                RETURNING name
                """).first()
            guard updated != nil else { return .held }
            guard current != nil else { return .taken(previous: nil) }
            return .taken(previous: (try row.decode(column: "holder", as: String.self), isLive ? nil : currentExpiry ?? "an unknown time"))
        }
    }

    /// Extends `owner`'s lease; false when it is no longer `owner`'s (another taker has it).
    func renewNamedLease(_ name: String, owner: String, seconds: Double) async throws -> Bool {
        try await withTransaction { database in
            let now = try await self.leaseClock(database)
            return try await database.raw("""
                UPDATE arcadia_locks SET expires_at = \(bind: Store.timestamp(now.addingTimeInterval(seconds)))
                WHERE name = \(bind: name) AND owner = \(bind: owner) RETURNING name
                """).first() != nil
        }
    }

    func releaseNamedLease(_ name: String, owner: String) async throws {
        try await run("DELETE FROM arcadia_locks WHERE name = \(bind: name) AND owner = \(bind: owner)")
    }

    /// Makes `owner` the leader if the lease is free, run out, held by a dead process, or already
    /// `owner`'s (then it is renewed). Returns whether `owner` leads now.
    public func acquireLeadership(owner: String, holder: String, leaseSeconds: Double) async throws -> Bool {
        if try await renewNamedLease("leader", owner: owner, seconds: leaseSeconds) { return true }
        if case .taken = try await takeNamedLease("leader", holder: holder, owner: owner, seconds: leaseSeconds) { return true }
        return false
    }

    /// Extends `owner`'s leadership; false when another replica took the lease over.
    public func renewLeadership(owner: String, leaseSeconds: Double) async throws -> Bool {
        try await renewNamedLease("leader", owner: owner, seconds: leaseSeconds)
    }

    /// Gives the lease up, so another replica takes over at its next try rather than when it runs out.
    public func releaseLeadership(owner: String) async throws {
        try await releaseNamedLease("leader", owner: owner)
    }

    /// The current lease, run out or not; nil when no replica ever led.
    public func leadership() async throws -> LeadershipLease? {
        guard let row = try await rows("SELECT holder, owner, since, expires_at FROM arcadia_locks WHERE name = 'leader'").first,
              let owner = try row.decode(column: "owner", as: String?.self),
              let expires = try row.decode(column: "expires_at", as: String?.self).flatMap(Store.date)
        else { return nil }
        return LeadershipLease(
            owner: owner, holder: try row.decode(column: "holder", as: String.self), since: try Self.date(row, "since"), expiresAt: expires
        )
    }
}
