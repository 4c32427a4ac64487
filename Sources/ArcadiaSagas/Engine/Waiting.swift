import ArcadiaState
import DigitalOceanAPI
import Foundation

extension StepEnvironment {
    /// Polls `check` every `pollInterval` until it returns a value, failing permanently after `waitTimeout`.
    /// - Parameter firstAfter: how long to wait before the first look: for something just started, the
    ///   time it plausibly takes (``typicalWait(for:)``), so waiting spends one or two requests, not
    ///   one per poll interval from the start.
    func poll<T: Sendable>(_ what: String, firstAfter: Duration = .zero, _ check: () async throws -> T?) async throws -> T {
        let deadline = ContinuousClock.now + waitTimeout
        if firstAfter > .zero { try await Task.sleep(for: min(firstAfter, waitTimeout)) }
        while true {
            if let value = try await check() { return value }
            guard ContinuousClock.now < deadline else {
                throw StepError.permanent("timed out after \(waitTimeout) waiting for \(what)")
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// The time DigitalOcean usually takes for an action of `type`, at this environment's clock:
    /// `pollInterval` stands for 3 of DigitalOcean's seconds (3 s against DigitalOcean, scaled against
    /// the simulator). Zero for a type without a usual duration. Polls follow every interval after it.
    func typicalWait(for type: String) -> Duration {
        let seconds: [String: Double] = [
            "attach_volume": 6, "detach_volume": 6, "resize_volume": 8, "create": 40, "power_off": 8, "shutdown": 12, "power_on": 10, "resize": 60, "snapshot": 150,
            "enable_backups": 3, "disable_backups": 3, "enable_ipv6": 5,
        ]
        return pollInterval * ((seconds[type] ?? 0) / 3)
    }

    /// Waits for a droplet action to finish; an `errored` action is a permanent failure. One this step
    /// just posted is first looked at when it can plausibly be done.
    func waitForAction(_ action: Action, dropletID: Int, justPosted: Bool = false) async throws {
        try await waitForAction(action, on: "droplet \(dropletID)", justPosted: justPosted) { [client] in
            try await client.getDropletAction(dropletID: dropletID, actionID: action.id)
        }
    }

    /// Waits for an action, looking through the account's newest actions that every waiting saga
    /// shares, or with `read` when that is cheaper or the action is not among them.
    func waitForAction(
        _ action: Action, on resource: String, justPosted: Bool, read: @escaping @Sendable () async throws -> Action
    ) async throws {
        let first = justPosted ? typicalWait(for: action.type) : .zero
        let finished = try await watch("\(action.type) action \(action.id) on \(resource)", on: pollers.actions, key: action.id, firstAfter: first) { listed in
            let current = if let listed { listed } else { try await read() }
            return current.isDone ? current : nil
        }
        guard finished.status == "completed" else {
            throw StepError.permanent("DigitalOcean reports the \(action.type) action \(action.id) on \(resource) as \(finished.status)")
        }
    }

    /// Waits until no action holds the droplet, so a new one is not refused with 422.
    func waitUntilUnlocked(dropletID: Int) async throws -> Droplet {
        try await watch("droplet \(dropletID) to be unlocked", on: pollers.droplets, key: dropletID) { [client] listed in
            let droplet = if let listed { listed } else { try await client.getDroplet(id: dropletID) }
            return droplet.locked ? nil : droplet
        }
    }

    /// Polls as ``poll(_:firstAfter:_:)`` does, through `poller`: `check` is handed what the shared
    /// listing holds of `key`, or nil when it should read the item itself.
    func watch<Value: Sendable, T: Sendable>(
        _ what: String, on poller: SharedPoller<Value>, key: Int, firstAfter: Duration = .zero,
        _ check: @escaping @Sendable (Value?) async throws -> T?
    ) async throws -> T {
        let deadline = ContinuousClock.now + waitTimeout
        // Gathering may hold a look up to the first wait again: under pacing, sagas post a request
        // slot apart, and a listing that waits for them all spends one slot instead of several.
        let patience = max(pollInterval, firstAfter)
        let waiter = await poller.register(due: .now + min(firstAfter, waitTimeout))
        do {
            while true {
                try await Task.sleep(until: await poller.dueMoment(of: waiter), clock: .continuous)
                let listed: Value? = switch try await poller.look(waiter, key: key, patience: patience) {
                case .listed(let value): value
                case .ask: nil
                }
                if let value = try await check(listed) {
                    await poller.unregister(waiter)
                    return value
                }
                guard ContinuousClock.now < deadline else {
                    throw StepError.permanent("timed out after \(waitTimeout) waiting for \(what)")
                }
                await poller.reschedule(waiter, due: .now + pollInterval)
            }
        } catch {
            await poller.unregister(waiter)
            throw error
        }
    }

    /// Starts a droplet action and waits for it to complete, never starting one this step already started.
    ///
    /// - A re-run first waits for the action of this type that the ledger says this step started.
    /// - When an earlier attempt may have posted without the ledger knowing (it was killed between the
    ///   POST and the ledger write, or the answer was lost), an action of the same type on the droplet
    ///   that started since that attempt and is newer than any recorded one is adopted instead of posting.
    /// - Otherwise it posts, once the droplet is unlocked, and records the action's id at once. A caller
    ///   that has just read the droplet unlocked passes it as `unlocked`, which spares a second read.
    func perform(_ request: DropletActionRequest, dropletID: Int, unlocked: Droplet? = nil) async throws {
        if let action = try await startedEarlier(request.type, dropletID: dropletID) {
            try await waitForAction(action, dropletID: dropletID)
            return
        }
        if unlocked == nil { _ = try await waitUntilUnlocked(dropletID: dropletID) }
        let posted = Date()
        let action: Action
        do {
            action = try await client.performDropletAction(dropletID: dropletID, request)
        } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
            guard let started = try await unusedAction(request.type, dropletID: dropletID, since: posted) else { throw error }
            logger.info("adopting an action whose answer was lost", metadata: ["arcadia.action.id": "\(started.id)"])
            action = started
        }
        try await invocation?.at(.afterPost)
        try await record(action, dropletID: dropletID)
        try await invocation?.at(.polling)
        try await waitForAction(action, dropletID: dropletID, justPosted: true)
    }

    /// The action of `type` on the droplet that this step's earlier attempt started, from the ledger or,
    /// when that attempt may have acted unrecorded, from the droplet's recent actions; nil if none.
    /// With `phase: .execute`, a compensation asks for the forward action it must wait for.
    func startedEarlier(_ type: String, dropletID: Int, phase: SagaActionRecord.Phase? = nil) async throws -> Action? {
        guard let invocation else { return nil }
        let known = (phase == .execute ? invocation.forwardActions : invocation.ownActions)
            .last { $0.actionType == type && $0.resourceID == String(dropletID) }
        if let known {
            return try await client.getDropletAction(dropletID: dropletID, actionID: known.actionID)
        }
        let since = phase == .execute ? (invocation.forwardSince ?? invocation.adoptSince) : invocation.adoptSince
        guard invocation.mayHaveActed || phase == .execute, let found = try await unusedAction(type, dropletID: dropletID, since: since) else { return nil }
        logger.info("adopting an action an interrupted attempt started", metadata: ["arcadia.action.id": "\(found.id)"])
        try await record(found, dropletID: dropletID)
        return found
    }

    /// An action of `type` on the droplet that started at `since` or later (DigitalOcean's clock may
    /// run a few seconds apart from ours) and is newer than every action any saga of this state has
    /// recorded on the droplet, this one's included: action ids grow, so an older one was another
    /// POST's answer, never this one's.
    private func unusedAction(_ type: String, dropletID: Int, since: Date) async throws -> Action? {
        let earliest = since.addingTimeInterval(-Self.clockSkewAllowance)
        let newest = try await store.recordedActionIDs(resourceID: String(dropletID)).max() ?? 0
        return try await client.recentDropletActions(dropletID: dropletID).first { action in
            guard action.type == type, action.id > newest,
                  let started = action.startedAt.flatMap({ try? Date($0, strategy: .iso8601) })
            else { return false }
            return started >= earliest
        }
    }

    /// Seconds DigitalOcean's timestamps may lead or lag ours.
    static let clockSkewAllowance: TimeInterval = 5

    /// Records, before it is sent, a request that acts without a DigitalOcean action (a `DELETE`):
    /// once recorded, the step counts as possibly having acted.
    func recordSending(_ type: String, dropletID: Int) async throws {
        try await record(actionID: -dropletID, type: type, dropletID: dropletID)
        try await invocation?.at(.sending)
    }

    /// Whether this step's forward run recorded one of `types` (``recordSending``, or the action it
    /// started): what a point of no return's `hasActed` reads. True when the step runs outside a saga.
    func forwardRecorded(_ types: String...) -> Bool {
        guard let invocation else { return true }
        return invocation.forwardActions.contains { types.contains($0.actionType) }
    }

    /// The same for a resource not numbered as droplets are (a volume, a key): recorded under minus
    /// the step's position plus one, unique within the saga.
    func recordSending(_ type: String, resourceID: String) async throws {
        guard let invocation else { return }
        try await record(actionID: -(invocation.position + 1), type: type, resourceID: resourceID)
        try await invocation.at(.sending)
    }

    private func record(_ action: Action, dropletID: Int) async throws {
        try await record(actionID: action.id, type: action.type, dropletID: dropletID)
    }

    /// Writes to the saga's ledger, fenced by the lease, what this step started on the droplet.
    private func record(actionID: Int, type: String, dropletID: Int) async throws {
        try await record(actionID: actionID, type: type, resourceID: String(dropletID))
    }

    func record(actionID: Int, type: String, resourceID: String) async throws {
        guard let invocation else { return }
        let record = SagaActionRecord(
            position: invocation.position, phase: invocation.phase, actionID: actionID, actionType: type, resourceID: resourceID
        )
        try await store.recordAction(sagaID: invocation.sagaID, record, owner: invocation.owner)
        invocation.ledger.append(record)
    }
}
