import ArcadiaState
import Foundation

/// Something a webhook receiver is told about: `{"type": …, "time": …, "data": {…}}`.
public struct WebhookEvent: Sendable {
    public enum EventType: String, Sendable, Hashable, CaseIterable, Codable {
        /// A live value changed outside Arcadia: data is the drift record.
        case driftDetected = "drift_detected"
        /// A drift record was accepted, reverted, ignored or went stale.
        case driftResolved = "drift_resolved"
        /// A saga stopped without completing.
        case sagaFailed = "saga_failed"
        /// Reverts of one field keep being undone by something else; the controller stopped fighting it.
        case revertLoop = "revert_loop"
    }

    public let type: EventType
    public let time: Date
    /// The JSON body as it is sent and signed: keys sorted, `time` as the state's timestamps.
    public let body: String

    /// - Throws: when `data` cannot be encoded as JSON.
    public init(_ type: EventType, time: Date = Date(), data: some Encodable) throws {
        self.type = type
        self.time = time
        body = String(decoding: try APIResponse.encoder.encode(Envelope(type: type, time: time, data: data)), as: UTF8.self)
    }

    /// Queues `event` for the ``WebhookDispatcher``: it waits in the state until delivered or given up,
    /// across restarts. Enqueue only when a webhook is configured, or the queue only grows.
    /// - Returns: the delivery's id.
    @discardableResult
    public static func enqueue(_ event: WebhookEvent, store: Store) async throws -> Int {
        try await store.enqueueWebhook(event: event.type.rawValue, payload: event.body)
    }

    private struct Envelope<Data: Encodable>: Encodable {
        var type: EventType
        var time: Date
        var data: Data
    }
}
