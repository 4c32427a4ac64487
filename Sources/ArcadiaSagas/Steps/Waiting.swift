import DigitalOceanAPI
import Foundation

extension StepEnvironment {
    /// Polls `check` every `pollInterval` until it returns a value, failing permanently after `waitTimeout`.
    func poll<T: Sendable>(_ what: String, _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + waitTimeout
        while true {
            if let value = try await check() { return value }
            guard ContinuousClock.now < deadline else {
                throw StepError.permanent("timed out after \(waitTimeout) waiting for \(what)")
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Waits for a droplet action to finish; an `errored` action is a permanent failure.
    func waitForAction(_ action: Action, dropletID: Int) async throws {
        let finished = try await poll("\(action.type) action \(action.id) on droplet \(dropletID)") {
            let current = try await client.getDropletAction(dropletID: dropletID, actionID: action.id)
            return current.isDone ? current : nil
        }
        guard finished.status == "completed" else {
            throw StepError.permanent("DigitalOcean reports the \(action.type) action \(action.id) on droplet \(dropletID) as \(finished.status)")
        }
    }

    /// Waits until no action holds the droplet, so a new one is not refused with 422.
    func waitUntilUnlocked(dropletID: Int) async throws -> Droplet {
        try await poll("droplet \(dropletID) to be unlocked") {
            let droplet = try await client.getDroplet(id: dropletID)
            return droplet.locked ? nil : droplet
        }
    }

    /// Starts a droplet action once the droplet is unlocked and waits for it to complete.
    ///
    /// When the answer to the `POST` is lost, DigitalOcean may or may not have started the action, and
    /// starting it twice could, for a snapshot, leave a second one. So the droplet's recent actions are
    /// read: one of the same type started since just before the `POST` is adopted and waited for.
    func perform(_ request: DropletActionRequest, dropletID: Int) async throws {
        _ = try await waitUntilUnlocked(dropletID: dropletID)
        let posted = Date()
        let action: Action
        do {
            action = try await client.performDropletAction(dropletID: dropletID, request)
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let started = try await recentAction(of: request.type, dropletID: dropletID, since: posted) else { throw error }
            logger.info("adopting an action whose answer was lost", metadata: ["arcadia.action.id": "\(started.id)"])
            action = started
        }
        try await waitForAction(action, dropletID: dropletID)
    }

    /// An action of `type` on the droplet that started at `since` or later (allowing a minute of clock skew).
    private func recentAction(of type: String, dropletID: Int, since: Date) async throws -> Action? {
        let earliest = since.addingTimeInterval(-60)
        return try await client.recentDropletActions(dropletID: dropletID).first { action in
            guard action.type == type, let started = action.startedAt.flatMap({ try? Date($0, strategy: .iso8601) }) else { return false }
            return started >= earliest
        }
    }
}
