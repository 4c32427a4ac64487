/// How long DigitalOcean takes, in real seconds, before the simulator's time scale applies.
struct SimulatorTimings: Sendable {
    var timeScale: Double

    static let baseSeconds: [String: Double] = [
        "create": 40,
        "power_off": 8,
        "shutdown": 12,
        "power_on": 10,
        "resize": 60,
        "snapshot": 150,
    ]
    /// A snapshot lists this long after its action completes.
    static let snapshotListingDelay: Double = 5

    func duration(of actionType: String) -> Double {
        (Self.baseSeconds[actionType] ?? 10) * timeScale
    }

    var snapshotListingDelay: Double { Self.snapshotListingDelay * timeScale }
}
