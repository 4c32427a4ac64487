import ArcadiaSpecs
import ArcadiaState
import Foundation

/// `GET /api/v1/status`: whether this replica leads (and who does), the last pass, the running one,
/// when the next is due, the spec and plan errors, the acceptances waiting for the spec file, and
/// the fields held off as revert loops.
struct StatusJSON: Encodable {
    var leader: Bool
    var leaderHolder: String?
    var lastReconcile: ReconcileReport?
    var running: Running?
    var nextDue: Date?
    var validationErrors: [Diagnostic]
    var planErrors: [Diagnostic]
    var gitProblem: String?
    var pendingAcceptances: [Pending]
    var conditions: [Condition]
    var specs: String
    var applies: Bool

    struct Running: Encodable { var trigger: String; var since: Date }

    struct Pending: Encodable {
        var driftID: Int
        var resource: String
        var field: String
        var action: String
        var patch: String
        var acceptedBy: String
        var acceptedAt: Date

        enum CodingKeys: String, CodingKey {
            case resource, field, action, patch
            case driftID = "drift_id", acceptedBy = "accepted_by", acceptedAt = "accepted_at"
        }
    }

    struct Condition: Encodable {
        var type: String
        var resource: String
        var field: String
        var reverts: Int
        var holdUntil: Date

        enum CodingKeys: String, CodingKey {
            case type, resource, field, reverts
            case holdUntil = "hold_until"
        }
    }

    enum CodingKeys: String, CodingKey {
        case leader, running, conditions, specs, applies
        case leaderHolder = "leader_holder", lastReconcile = "last_reconcile", nextDue = "next_due"
        case validationErrors = "validation_errors", planErrors = "plan_errors", gitProblem = "git_problem"
        case pendingAcceptances = "pending_acceptances"
    }

    static func make(status: ControllerStatus, store: Store, settings: ControllerSettings) async throws -> StatusJSON {
        let lease = try await store.leadership()
        let running = await status.running
        return StatusJSON(
            leader: await status.isLeader,
            leaderHolder: lease.flatMap { $0.expiresAt > Date() ? $0.holder : nil },
            lastReconcile: await status.lastReconcile,
            running: running.map { Running(trigger: $0.trigger, since: $0.since) },
            nextDue: await status.nextDue,
            validationErrors: await status.specErrors,
            planErrors: await status.planErrors,
            gitProblem: await status.lastGitProblem,
            pendingAcceptances: try await store.pendingAcceptances().map {
                Pending(driftID: $0.driftID, resource: "\($0.kind)/\($0.name)", field: $0.field, action: $0.action.rawValue, patch: $0.patch,
                        acceptedBy: $0.acceptedBy, acceptedAt: $0.acceptedAt)
            },
            conditions: try await store.revertHolds().filter { $0.count >= ReconcilePass.revertLoopCount }.map {
                Condition(type: "revert_loop", resource: "\($0.kind)/\($0.name)", field: $0.field, reverts: $0.count, holdUntil: $0.holdUntil)
            },
            specs: settings.specs,
            applies: settings.applyChanges
        )
    }
}
