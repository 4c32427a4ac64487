import ArcadiaState
import Foundation
import Logging

/// The controller's notable events, queued in the state for the webhook (`--webhook`), when one is
/// set: a queued event outlives a receiver that is down, and a restart.
public struct ControllerEvents: Sendable {
    let store: Store
    let webhook: Bool
    let logger: Logger

    public init(store: Store, webhook: Bool, logger: Logger) {
        self.store = store
        self.webhook = webhook
        self.logger = logger
    }

    func driftDetected(_ record: DriftRecord) async {
        await send(.driftDetected, DriftJSON(record))
    }

    func driftResolved(_ record: DriftRecord) async {
        await send(.driftResolved, DriftJSON(record))
    }

    func sagaFailed(id: String, kind: String, name: String, status: String) async {
        await send(.sagaFailed, ["saga_id": id, "resource_kind": kind, "resource_name": name, "status": status])
    }

    func revertLoop(_ hold: RevertHold) async {
        await send(.revertLoop, [
            "resource_kind": hold.kind, "resource_name": hold.name, "field": hold.field, "reverts": String(hold.count),
            "hold_until": Store.timestamp(hold.holdUntil),
        ])
    }

    private func send(_ type: WebhookEvent.EventType, _ data: some Encodable & Sendable) async {
        guard webhook else { return }
        do {
            _ = try await WebhookEvent.enqueue(try WebhookEvent(type, data: data), store: store)
        } catch {
            logger.warning("could not queue a webhook event", metadata: ["arcadia.event": "\(type.rawValue)", "arcadia.error": "\(error)"])
        }
    }
}
