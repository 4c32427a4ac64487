import Foundation

/// The simulated DigitalOcean account. Progress is computed lazily from the wall clock on every
/// access, so nothing runs in the background and a saved world picks up where it stopped.
actor World {
    var state: WorldState
    let timings: SimulatorTimings
    let statePath: String?
    let faults: FaultInjector
    /// Droplets' bodies as listings last encoded them.
    let dropletJSON = DropletJSONCache()

    /// The simulated account's time.
    nonisolated var now: Date { timings.now }

    init(timings: SimulatorTimings, statePath: String?, faults: FaultInjector) throws {
        self.timings = timings
        self.statePath = statePath
        self.faults = faults
        if let statePath, FileManager.default.fileExists(atPath: statePath) {
            state = try Self.load(statePath)
        } else {
            state = WorldState()
        }
    }

    private static func load(_ path: String) throws -> WorldState {
        struct Format: Decodable { var format: Int? }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let format = (try? JSONDecoder().decode(Format.self, from: data))?.format
        guard format == WorldState.currentFormat else {
            throw SimulatorConfigurationError(
                message: "\(path): this world was saved by an older simulator (format \(format ?? 1), now \(WorldState.currentFormat)); delete the file to start a new world"
            )
        }
        do {
            return try JSONDecoder().decode(WorldState.self, from: data)
        } catch {
            throw SimulatorConfigurationError(message: "\(path): not a simulator world: \(error)")
        }
    }

    /// Completes every action whose time has come, applying its effect, in start order.
    func advance() {
        let now = timings.now
        let due = state.actions.values
            .filter { $0.status == "in-progress" && $0.completesAt <= now }
            .sorted { ($0.completesAt, $0.id) < ($1.completesAt, $1.id) }
        for var action in due {
            action.status = action.willError ? "errored" : "completed"
            action.completedAt = action.completesAt
            state.actions[action.id] = action
            if !action.willError { apply(action) }
        }
    }

    private func apply(_ action: SimAction) {
        switch action.resourceType {
        case "droplet": applyDropletAction(action)
        case "volume": applyVolumeAction(action)
        case "reserved_ip": applyReservedIPAction(action)
        default: break
        }
    }

    /// Resources with an action in progress, as `type:key`: DigitalOcean rejects new actions on them.
    func lockedKeys() -> Set<String> {
        Set(state.actions.values.filter { $0.status == "in-progress" }.map { "\($0.resourceType):\($0.resourceKey)" })
    }

    func isLocked(_ resourceType: String, _ key: String) -> Bool {
        state.actions.values.contains { $0.resourceType == resourceType && $0.resourceKey == key && $0.status == "in-progress" }
    }

    /// Starts an action; it completes after DigitalOcean's duration, scaled, unless a fault makes it error.
    @discardableResult
    func startAction(
        type: String, resourceType: String = "droplet", key: String, region: String,
        parameters: [String: String] = [:], duration: Double? = nil
    ) -> SimAction {
        let now = timings.now
        let id = state.nextActionID
        state.nextActionID += 1
        var action = SimAction(
            id: id, type: type, status: "in-progress", startedAt: now,
            completesAt: now.addingTimeInterval(duration ?? timings.duration(of: type)), completedAt: nil,
            resourceType: resourceType, resourceKey: key, region: region, parameters: parameters, willError: false
        )
        action.willError = faults.actionErrors(type: type, resourceID: action.resourceID)
        state.actions[id] = action
        return action
    }

    func action(id: Int, resourceType: String? = nil, key: String? = nil) throws -> SimAction {
        advance()
        guard let action = state.actions[id],
              resourceType.map({ $0 == action.resourceType }) ?? true,
              key.map({ $0 == action.resourceKey }) ?? true
        else { throw SimulatorError.notFound() }
        return action
    }

    /// Newest first, as DigitalOcean lists them.
    func actions(resourceType: String? = nil, key: String? = nil) -> [SimAction] {
        advance()
        return state.actions.values
            .filter { action in (resourceType.map { $0 == action.resourceType } ?? true) && (key.map { $0 == action.resourceKey } ?? true) }
            .sorted { $0.id > $1.id }
    }

    /// Writes the world to `--state FILE`, atomically, when one was given.
    func save() throws {
        guard let statePath else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = try encoder.encode(state)
        try data.write(to: URL(fileURLWithPath: statePath), options: .atomic)
    }

    func nextAddress() -> (public: String, private: String, v6: String) {
        let n = state.nextAddress
        state.nextAddress += 1
        // Documentation and benchmark ranges: 198.18.0.0/15 public, 10.0.0.0/8 private; 131,072 distinct addresses.
        let (high, middle, low) = ((n >> 16) & 1, (n >> 8) & 255, n & 255)
        return ("198.\(18 + high).\(middle).\(low)", "10.\(high).\(middle).\(low)", "2001:db8::\(String(n, radix: 16))")
    }

    /// A fresh UUID, deterministic within one world so saved worlds and test runs stay reproducible.
    func nextUUID(_ kind: UInt8) -> String {
        let n = state.nextUUID
        state.nextUUID += 1
        return String(format: "%08x-0000-4000-8%03x-%012x", Int(kind) << 24 | (n >> 48), 0, n & 0xFFFF_FFFF_FFFF)
    }

    /// Tags compare case-insensitively; the first spelling ever used is canonical from then on.
    func canonicalTags(_ names: [String]) throws -> [String] {
        var result: [String] = []
        for name in names {
            let canonical = try canonicalTag(name)
            if !result.contains(canonical) { result.append(canonical) }
        }
        return result
    }

    /// Letters, digits, colons, dashes and underscores; 1 to 255 of them.
    static func isValidTagName(_ name: String) -> Bool {
        name.range(of: #"^[A-Za-z0-9:_\-]{1,255}$"#, options: .regularExpression) != nil
    }

    func canonicalTag(_ name: String) throws -> String {
        guard Self.isValidTagName(name) else {
            throw SimulatorError.unprocessable("Tag '\(name)' is invalid: use letters, numbers, colons, dashes and underscores (at most 255).")
        }
        if let existing = state.tags.first(where: { $0.caseInsensitiveCompare(name) == .orderedSame }) { return existing }
        state.tags.append(name)
        return name
    }

    /// One VPC per region, as DigitalOcean's default VPCs are.
    func defaultVPC(for region: String) -> String {
        let hex = region.utf8.map { String(format: "%02x", $0) }.joined()
        let padded = String((hex + String(repeating: "0", count: 12)).prefix(12))
        return "5a4c0de0-0000-4000-8000-\(padded)"
    }
}
