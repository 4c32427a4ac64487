import Foundation

/// The simulated DigitalOcean account. Progress is computed lazily from the wall clock on every
/// access, so nothing runs in the background and a saved world picks up where it stopped.
actor World {
    var state: WorldState
    let timings: SimulatorTimings
    let statePath: String?

    init(timeScale: Double, statePath: String?) throws {
        self.timings = SimulatorTimings(timeScale: timeScale)
        self.statePath = statePath
        if let statePath, FileManager.default.fileExists(atPath: statePath) {
            let data = try Data(contentsOf: URL(fileURLWithPath: statePath))
            state = try JSONDecoder().decode(WorldState.self, from: data)
        } else {
            state = WorldState()
        }
    }

    /// Completes every action whose time has come, applying its effect, in start order.
    func advance(to now: Date = Date()) {
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
        guard var droplet = state.droplets[action.dropletID] else { return }
        switch action.type {
        case "create", "power_on":
            droplet.status = "active"
        case "power_off", "shutdown":
            droplet.status = "off"
        case "resize":
            if let size = action.size, let entry = Catalogue.size(size) {
                droplet.size = size
                if action.resizeDisk { droplet.disk = entry.disk }
            }
        case "snapshot":
            let id = state.nextSnapshotID
            state.nextSnapshotID += 1
            let completed = action.completesAt
            state.snapshots[id] = SimSnapshot(
                id: id,
                name: action.snapshotName ?? "\(droplet.name)-\(Int(completed.timeIntervalSince1970 * 1000))",
                createdAt: completed,
                visibleAt: completed.addingTimeInterval(timings.snapshotListingDelay),
                dropletID: droplet.id,
                regions: [droplet.region],
                minDiskSize: droplet.disk,
                sizeGigabytes: (Double(droplet.disk) * 0.09 * 100).rounded() / 100
            )
            droplet.snapshotIDs.append(id)
        default:
            break
        }
        state.droplets[droplet.id] = droplet
    }

    /// Droplets with an action in progress.
    func lockedDropletIDs() -> Set<Int> {
        Set(state.actions.values.filter { $0.status == "in-progress" }.map(\.dropletID))
    }

    /// Adds `count` active droplets at once (`POST /_sim/seed`), for benchmarks and large-inventory tests.
    func seedDroplets(count: Int, prefix: String, tags: [String]) -> Int {
        let region = "nyc3"
        for index in 0..<count {
            let id = state.nextDropletID
            state.nextDropletID += 1
            let addresses = nextAddress()
            state.droplets[id] = SimDroplet(
                id: id, name: "\(prefix)-\(index)", region: region, size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64",
                disk: 25, status: "active", tags: tags, features: ["private_networking"], vpcUUID: defaultVPC(for: region),
                createdAt: Date(), snapshotIDs: [], publicIPv4: addresses.public, privateIPv4: addresses.private, ipv6: nil
            )
        }
        return count
    }

    /// True while an action on the droplet is in progress: DigitalOcean rejects new ones then.
    func isLocked(_ dropletID: Int) -> Bool {
        state.actions.values.contains { $0.dropletID == dropletID && $0.status == "in-progress" }
    }

    /// Starts an action; it completes after DigitalOcean's duration, scaled.
    @discardableResult
    func startAction(type: String, droplet: SimDroplet, size: String? = nil, resizeDisk: Bool = false, snapshotName: String? = nil) -> SimAction {
        let now = Date()
        let id = state.nextActionID
        state.nextActionID += 1
        var willError = false
        if let remaining = state.pendingActionFailures[type], remaining > 0 {
            willError = true
            state.pendingActionFailures[type] = remaining - 1
        }
        let action = SimAction(
            id: id, type: type, status: "in-progress", startedAt: now,
            completesAt: now.addingTimeInterval(timings.duration(of: type)), completedAt: nil,
            dropletID: droplet.id, region: droplet.region, size: size, resizeDisk: resizeDisk,
            snapshotName: snapshotName, willError: willError
        )
        state.actions[id] = action
        return action
    }

    /// Makes the next `count` actions of `type` end `errored`.
    func failNextActions(type: String, count: Int) {
        state.pendingActionFailures[type, default: 0] += count
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
}
