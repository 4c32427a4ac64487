import ArcadiaState
import Foundation
import Logging

/// Where the controller's notable events go besides the state's event log: the webhook, when one is set.
public struct ControllerEvents: Sendable {
    let store: Store
    let webhook: Bool
    let logger: Logger

    public init(store: Store, webhook: Bool, logger: Logger) {
        self.store = store
        self.webhook = webhook
        self.logger = logger
    }

    func driftDetected(_ record: DriftRecord) async {}

    func driftResolved(_ record: DriftRecord) async {}

    func sagaFailed(id: String, kind: String, name: String, status: String) async {}

    func revertLoop(_ hold: RevertHold) async {}
}
