import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// Reserved-IP actions (assign, unassign) as steps start them: never twice for one step, each
/// followed to its end. DigitalOcean locks the address while one runs and refuses another (422).
extension StepEnvironment {
    /// Starts an assign or unassign and waits for it to complete. A re-run first waits for the action
    /// the ledger says this step started; when an earlier attempt may have posted unrecorded, it waits
    /// for the address to be unlocked and lets `isDone` judge before posting again (assigning to the
    /// same droplet twice, or unassigning an unassigned address, changes nothing).
    /// - Parameter isDone: whether the address, as just read, already is as the step wants it.
    func performReservedIPAction(
        _ type: String, ip: String, dropletID: Int? = nil, isDone: (ReservedIP) -> Bool
    ) async throws {
        let recorded = "\(type)_reserved_ip"
        if let known = invocation?.ownActions.last(where: { $0.actionType == recorded && $0.actionID > 0 && $0.resourceID == ip }) {
            let action = try await client.getReservedIPAction(ip, actionID: known.actionID)
            if try await waitForReservedIPAction(action, ip: ip) { return }
        }
        if invocation?.mayHaveActed ?? true {
            if isDone(try await waitUntilUnlocked(ip: ip)) { return }
        }
        let deadline = ContinuousClock.now + waitTimeout
        var action: Action?
        while action == nil {
            do {
                action = try await client.performReservedIPAction(ip, type: type, dropletID: dropletID)
            } catch let error as DigitalOceanError where error.status == 422 && error.message.localizedCaseInsensitiveContains("not assigned") && type == "unassign" {
                return
            } catch let error as DigitalOceanError where error.isPendingEvent || error.code == .outcomeUnknown {
                // Another action holds the address, or the answer was lost: wait, then judge again.
                guard ContinuousClock.now < deadline else { throw StepError.transient("reserved IP \(ip) stayed busy for \(waitTimeout): \(error.message)") }
                if isDone(try await waitUntilUnlocked(ip: ip)) { return }
            }
        }
        guard let action else { throw StepError.permanent("no \(type) action was started on reserved IP \(ip)") }
        try await invocation?.at(.afterPost)
        try await record(actionID: action.id, type: recorded, resourceID: ip)
        try await invocation?.at(.polling)
        guard try await waitForReservedIPAction(action, ip: ip, justPosted: true) else {
            throw StepError.permanent("DigitalOcean reports the \(type) of reserved IP \(ip) (action \(action.id)) as errored")
        }
    }

    /// Waits for the action to end; true when it completed, false when it errored. DigitalOcean
    /// assigns an address in a few seconds, so one just posted is first looked at then.
    @discardableResult
    func waitForReservedIPAction(_ action: Action, ip: String, justPosted: Bool = false) async throws -> Bool {
        let first = justPosted ? pollInterval : .zero
        let finished = try await poll("\(action.type) action \(action.id) on reserved IP \(ip)", firstAfter: first) {
            let current = try await client.getReservedIPAction(ip, actionID: action.id)
            return current.isDone ? current : nil
        }
        return finished.status == "completed"
    }

    /// The address once no action holds it: what a re-run or a compensation judges by.
    func waitUntilUnlocked(ip: String) async throws -> ReservedIP {
        try await poll("reserved IP \(ip) to be free of actions") {
            let current = try await client.getReservedIP(ip)
            return current.locked ? nil : current
        }
    }
}

extension SagaContext {
    /// The droplet the spec's `droplet` names, by the id Arcadia recorded for it when the step runs (a
    /// droplet created or replaced earlier in the same apply has one only then); nil when the spec
    /// names none. A permanent error when Arcadia has no record of the droplet.
    func reservedIPTarget(step: String, in environment: StepEnvironment) async throws -> Int? {
        let desired = try requireDesired(step: step)
        guard let name = desired.spec.string("droplet") else { return nil }
        guard let id = try await environment.recordedDropletIDs()[name] else {
            throw StepError.permanent(
                "reserved IP '\(desired.name)' is to be assigned to Droplet '\(name)', which Arcadia has not created; apply the droplet first"
            )
        }
        return id
    }

    /// The droplet the address was assigned to when the plan was made (the `droplet` change's `from`),
    /// which a compensation assigns it back to; nil for none.
    var previousReservedIPDroplet: Int? {
        input.change(of: "droplet")?.from.flatMap(Int.init)
    }
}
