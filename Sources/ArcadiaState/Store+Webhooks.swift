import Foundation
import SQLKit

/// One webhook event to deliver, and how its delivery went.
public struct WebhookDelivery: Sendable, Hashable {
    public var id: Int
    /// `drift_detected`, `drift_resolved`, `saga_failed`, `revert_loop`.
    public var event: String
    /// The JSON body, exactly as it is sent (and signed).
    public var payload: String
    public var createdAt: Date
    /// Failed attempts so far.
    public var attempts: Int
    public var nextAttemptAt: Date
    public var deliveredAt: Date?
    public var lastError: String?
    public var givenUpAt: Date?

    /// Neither delivered nor given up.
    public var isPending: Bool { deliveredAt == nil && givenUpAt == nil }
}

extension Store {
    /// Queues `payload` for delivery, due at once; it waits in the state until it is delivered or given up.
    /// - Returns: the delivery's id (the receiver sees it as `X-Arcadia-Delivery`).
    @discardableResult
    public func enqueueWebhook(event: String, payload: String) async throws -> Int {
        try await withDatabase { database in
            let now = Store.timestamp(try await self.leaseClock(database))
            guard let row = try await database.raw("""
                INSERT INTO webhook_deliveries (event, payload, created_at, attempts, next_attempt_at)
                VALUES (\(bind: event), \(bind: payload), \(bind: now), 0, \(bind: now)) RETURNING id
                """).first()
            else { throw StoreError("the state database did not return the new webhook delivery's id") }
            return try row.decode(column: "id", as: Int.self)
        }
    }

    /// Claims the oldest pending delivery if it is due, holding it for `lease` (it is not due again until
    /// then, so another dispatcher leaves it alone, and one that died is taken over afterwards).
    /// Deliveries go out in order: while the oldest pending one waits for its retry, nothing is due.
    public func claimNextWebhookDelivery(lease: Duration) async throws -> WebhookDelivery? {
        let lockClause = engine == .postgres ? " FOR UPDATE" : ""
        return try await withTransaction { database in
            let now = try await self.leaseClock(database)
            guard let row = try await database.raw("""
                SELECT * FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL ORDER BY id LIMIT 1\(unsafeRaw: lockClause)
                """).first()
            else { return nil }
            var delivery = try Self.webhookDelivery(row)
            guard delivery.nextAttemptAt <= now else { return nil }
            delivery.nextAttemptAt = now.addingTimeInterval(lease.timeInterval)
            try await database.raw("""
                UPDATE webhook_deliveries SET next_attempt_at = \(bind: Store.timestamp(delivery.nextAttemptAt)) WHERE id = \(bind: delivery.id)
                """).run()
            return delivery
        }
    }

    public func markWebhookDelivered(id: Int) async throws {
        try await withDatabase { database in
            let now = Store.timestamp(try await self.leaseClock(database))
            try await database.raw("UPDATE webhook_deliveries SET delivered_at = \(bind: now) WHERE id = \(bind: id)").run()
        }
    }

    /// Counts a failed attempt and records `error`; the delivery is due again after `retryAfter`, or,
    /// when that is nil, given up for good.
    public func markWebhookFailed(id: Int, error: String, retryAfter: Duration?) async throws {
        try await withDatabase { database in
            let now = try await self.leaseClock(database)
            let next: SQLQueryString = retryAfter.map { "next_attempt_at = \(bind: Store.timestamp(now.addingTimeInterval($0.timeInterval)))" }
                ?? "given_up_at = \(bind: Store.timestamp(now))"
            try await database.raw("""
                UPDATE webhook_deliveries SET attempts = attempts + 1, last_error = \(bind: error), \(next) WHERE id = \(bind: id)
                """).run()
        }
    }

    public func webhookDelivery(id: Int) async throws -> WebhookDelivery? {
        try await rows("SELECT * FROM webhook_deliveries WHERE id = \(bind: id)").first.map(Self.webhookDelivery)
    }

    /// Oldest first; only those neither delivered nor given up when `pendingOnly`.
    public func webhookDeliveries(pendingOnly: Bool = false) async throws -> [WebhookDelivery] {
        let clause: SQLQueryString = pendingOnly ? "WHERE delivered_at IS NULL AND given_up_at IS NULL" : ""
        return try await rows("SELECT * FROM webhook_deliveries \(clause) ORDER BY id").map(Self.webhookDelivery)
    }

    private static func webhookDelivery(_ row: any SQLRow) throws -> WebhookDelivery {
        WebhookDelivery(
            id: try row.decode(column: "id", as: Int.self),
            event: try row.decode(column: "event", as: String.self),
            payload: try row.decode(column: "payload", as: String.self),
            createdAt: try date(row, "created_at"),
            attempts: try row.decode(column: "attempts", as: Int.self),
            nextAttemptAt: try date(row, "next_attempt_at"),
            deliveredAt: try optionalDate(row, "delivered_at"),
            lastError: try row.decode(column: "last_error", as: String?.self),
            givenUpAt: try optionalDate(row, "given_up_at")
        )
    }
}
