import ArcadiaState
import DigitalOceanAPI
import Foundation

/// Volume actions (attach, detach, resize) as steps start them: never twice for one step, each
/// followed to its end. DigitalOcean reports them as `attach_volume`, `detach_volume` and
/// `resize_volume`, with no resource id, so the ledger records them under the volume's id.
extension StepEnvironment {
    /// Starts a volume action and waits for it to complete, never starting one this step already started.
    ///
    /// - A re-run first waits for the action of this type the ledger says this step started.
    /// - When an earlier attempt may have posted unrecorded (killed between the POST and the ledger
    ///   write, or its answer lost), an action of the type on the volume that started since that
    ///   attempt and is newer than any recorded one is adopted instead of posting.
    /// - Otherwise it posts, waiting out another action on the volume or the droplet (422 "pending
    ///   event"), and records the action's id at once.
    /// - Returns: the DigitalOcean error that refused the POST when `accepting` says the refusal means
    ///   the work is done (an attach refused as "already attached"); nil when an action ran.
    @discardableResult
    func performVolumeAction(
        _ request: VolumeActionRequest, volumeID: String, accepting: (DigitalOceanError) -> Bool = { _ in false }
    ) async throws -> DigitalOceanError? {
        let type = "\(request.type)_volume"
        if let action = try await volumeActionStartedEarlier(type, volumeID: volumeID) {
            try await waitForVolumeAction(action, volumeID: volumeID)
            return nil
        }
        let deadline = ContinuousClock.now + waitTimeout
        let posted = Date()
        var action: Action?
        while action == nil {
            do {
                action = try await client.performVolumeAction(volumeID: volumeID, request)
            } catch let error as DigitalOceanError where error.code == .outcomeUnknown {
                guard let started = try await unusedVolumeAction(type, volumeID: volumeID, since: posted) else { throw error }
                logger.info("adopting a volume action whose answer was lost", metadata: ["arcadia.action.id": "\(started.id)"])
                action = started
            } catch let error as DigitalOceanError where accepting(error) {
                return error
            } catch let error as DigitalOceanError where error.isPendingEvent {
                // Another action holds the volume or the droplet: DigitalOcean refuses until it ends.
                guard ContinuousClock.now < deadline else {
                    throw StepError.transient("volume \(volumeID) stayed busy for \(waitTimeout): \(error.message)")
                }
                try await Task.sleep(for: pollInterval)
            }
        }
        guard let action else { throw StepError.permanent("no \(type) action was started on volume \(volumeID)") }
        try await invocation?.at(.afterPost)
        try await record(actionID: action.id, type: type, resourceID: volumeID)
        try await invocation?.at(.polling)
        try await waitForVolumeAction(action, volumeID: volumeID, justPosted: true)
        return nil
    }

    /// Waits for a volume action to finish; an `errored` one is a permanent failure. One just posted is
    /// first looked at when it can plausibly be done (DigitalOcean attaches and detaches in a few
    /// seconds and resizes in about ten).
    func waitForVolumeAction(_ action: Action, volumeID: String, justPosted: Bool = false) async throws {
        try await waitForAction(action, on: "volume \(volumeID)", justPosted: justPosted) { [client] in
            try await client.getVolumeAction(volumeID: volumeID, actionID: action.id)
        }
    }

    /// Waits for every forward action of this step (a compensation's first job): those the ledger
    /// knows, and one the forward attempt may have started unrecorded. Their outcome does not matter:
    /// the compensation reads the volume afterwards.
    func settleForwardVolumeActions(_ type: String, volumeID: String) async throws {
        guard let invocation else { return }
        var actions: [Action] = []
        for known in invocation.forwardActions where known.actionType == type && known.actionID > 0 && known.resourceID == volumeID {
            actions.append(try await client.getVolumeAction(volumeID: volumeID, actionID: known.actionID))
        }
        if actions.isEmpty, let since = invocation.forwardSince,
           let found = try await unusedVolumeAction(type, volumeID: volumeID, since: since) {
            actions.append(found)
        }
        for action in actions where !action.isDone {
            _ = try await poll("\(action.type) action \(action.id) on volume \(volumeID) to finish") {
                let current = try await client.getVolumeAction(volumeID: volumeID, actionID: action.id)
                return current.isDone ? current : nil
            }
        }
    }

    /// The action of `type` on the volume that this step's earlier attempt started: from the ledger,
    /// or, when that attempt may have acted unrecorded, from the volume's recent actions; nil if none.
    private func volumeActionStartedEarlier(_ type: String, volumeID: String) async throws -> Action? {
        guard let invocation else { return nil }
        if let known = invocation.ownActions.last(where: { $0.actionType == type && $0.actionID > 0 && $0.resourceID == volumeID }) {
            return try await client.getVolumeAction(volumeID: volumeID, actionID: known.actionID)
        }
        guard invocation.mayHaveActed, let found = try await unusedVolumeAction(type, volumeID: volumeID, since: invocation.adoptSince) else {
            return nil
        }
        logger.info("adopting a volume action an interrupted attempt started", metadata: ["arcadia.action.id": "\(found.id)"])
        try await record(actionID: found.id, type: type, resourceID: volumeID)
        return found
    }

    /// An action of `type` on the volume that started at `since` or later (allowing for clock skew)
    /// and is newer than every action any saga of this state has recorded on the volume.
    private func unusedVolumeAction(_ type: String, volumeID: String, since: Date) async throws -> Action? {
        let earliest = since.addingTimeInterval(-Self.clockSkewAllowance)
        let newest = try await store.recordedActionIDs(resourceID: volumeID).max() ?? 0
        return try await client.recentVolumeActions(volumeID: volumeID).first { action in
            guard action.type == type, action.id > newest, action.status != "errored",
                  let started = action.startedAt.flatMap({ try? Date($0, strategy: .iso8601) })
            else { return false }
            return started >= earliest
        }
    }

    /// Notes in the ledger, before the POST, the droplet a step attaches the volume to or detaches it
    /// from, so its compensation knows which droplet to undo it on even if the step never finished.
    func recordDroplet(_ dropletID: Int, for type: String, volumeID: String) async throws {
        guard let invocation else { return }
        try await record(actionID: -(invocation.position + 1), type: "\(type):\(volumeID)", resourceID: String(dropletID))
    }

    /// The droplet ``recordDroplet(_:for:volumeID:)`` noted for this step's forward run.
    func recordedDroplet(for type: String, volumeID: String) -> Int? {
        invocation?.forwardActions.last { $0.actionID < 0 && $0.actionType == "\(type):\(volumeID)" }.flatMap { Int($0.resourceID) }
    }
}

extension DigitalOceanError {
    /// 422 because an action already holds the volume or its droplet; retrying later succeeds.
    var isPendingEvent: Bool { status == 422 && message.localizedCaseInsensitiveContains("pending event") }
    /// 422 because the volume is attached already (DigitalOcean's wording).
    var isAlreadyAttached: Bool { status == 422 && message.localizedCaseInsensitiveContains("already attached") }
    /// 422 because the volume is not attached to that droplet (DigitalOcean's wording).
    var isAttachmentNotFound: Bool { status == 422 && message.localizedCaseInsensitiveContains("attachment not found") }
}
