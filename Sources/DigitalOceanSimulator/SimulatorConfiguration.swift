/// How `arcadia sim` (or an embedded simulator) runs.
public struct SimulatorConfiguration: Sendable {
    public var host: String
    /// 0 picks a free port; read it back from ``DigitalOceanSimulator/withRunning(_:)``.
    public var port: Int
    /// Multiplies DigitalOcean's real durations: 1 is real time, 0.001 makes a 40 s boot take 40 ms.
    public var timeScale: Double
    /// The bearer token the simulator accepts.
    public var token: String
    /// Where the world is saved after every change, and loaded from on start; nil keeps it in memory.
    public var statePath: String?

    public init(host: String = "127.0.0.1", port: Int = 8089, timeScale: Double = 1, token: String = "sim-token", statePath: String? = nil) {
        self.host = host
        self.port = port
        self.timeScale = timeScale
        self.token = token
        self.statePath = statePath
    }
}
