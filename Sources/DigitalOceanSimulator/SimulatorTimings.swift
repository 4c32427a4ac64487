import Foundation

/// How long DigitalOcean takes, in real seconds, before the simulator's time scale applies.
struct SimulatorTimings: Sendable {
    var timeScale: Double
    /// After a create, `GET /v2/droplets/{id}` answers 404 for this long (real seconds, before scaling).
    var newDropletNotFoundSeconds: Double = 0
    /// What "now" is in the simulated account.
    var clock = SimulatorClock()
    var now: Date { clock.now }

    static let baseSeconds: [String: Double] = [
        "create": 40,
        "power_off": 8,
        "shutdown": 12,
        "power_on": 10,
        "power_cycle": 20,
        "reboot": 20,
        "rebuild": 45,
        "rename": 2,
        "resize": 60,
        "snapshot": 150,
        "enable_backups": 3,
        "disable_backups": 3,
        "enable_ipv6": 5,
        "attach_volume": 6,
        "detach_volume": 6,
        "resize_volume": 8,
        "assign": 4,
        "unassign": 4,
        "firewall": 3,
    ]
    /// A snapshot lists this long after its action completes.
    static let snapshotListingDelay: Double = 5

    func duration(of actionType: String) -> Double {
        (Self.baseSeconds[actionType] ?? 10) * timeScale
    }

    var snapshotListingDelay: Double { Self.snapshotListingDelay * timeScale }
    var newDropletNotFound: Double { newDropletNotFoundSeconds * timeScale }
}
