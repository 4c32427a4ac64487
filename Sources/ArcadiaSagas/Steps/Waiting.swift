import DigitalOceanAPI

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
    func perform(_ request: DropletActionRequest, dropletID: Int) async throws {
        _ = try await waitUntilUnlocked(dropletID: dropletID)
        let action = try await client.performDropletAction(dropletID: dropletID, request)
        try await waitForAction(action, dropletID: dropletID)
    }
}
