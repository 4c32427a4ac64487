import ArcadiaSpecs
import Foundation

/// What one reconcile pass did, for `/api/v1/status`, the logs and the metrics.
public struct ReconcileReport: Sendable, Encodable {
    public enum Result: String, Sendable, Encodable {
        /// Everything planned was applied (or there was nothing to do).
        case succeeded
        /// Some saga did not complete, or a resource was left alone.
        case failed
        /// The specs do not load: nothing was applied, the last good specs were used for drift only.
        case invalidSpecs = "invalid_specs"
        /// The plan has errors: nothing was applied.
        case planErrors = "plan_errors"
        /// Another apply held the state's lock: this pass did nothing.
        case busy
        /// Something else stopped it: DigitalOcean unreachable, the database, the checkout.
        case error
    }

    public var startedAt: Date
    public var durationSeconds: Double
    public var result: Result
    /// The checkout's commit the pass reconciled, when the specs are a git work tree.
    public var commit: String?
    public var trigger: String
    public var changesPlanned: Int
    public var sagasCompleted: Int
    public var sagasNotCompleted: Int
    public var sagasResumed: Int
    public var driftOpen: Int
    public var message: String?

    enum CodingKeys: String, CodingKey {
        case startedAt = "started_at", durationSeconds = "duration_seconds", result, commit, trigger
        case changesPlanned = "changes_planned", sagasCompleted = "sagas_completed", sagasNotCompleted = "sagas_not_completed"
        case sagasResumed = "sagas_resumed", driftOpen = "drift_open", message
    }
}
