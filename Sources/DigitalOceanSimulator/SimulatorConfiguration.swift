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
    /// DigitalOcean's documented budgets per token, rolling: 250 a minute and 5,000 an hour. 0 turns one off.
    public var rateLimitPerMinute: Int
    public var rateLimitPerHour: Int
    /// Injected failures; ``FaultPlan/none`` by default.
    public var faults: FaultPlan
    /// Every `/v2` exchange is appended here as a JSON line, in the format `check_traffic.py` reads.
    public var recordPath: String?
    /// For this many real seconds (before the time scale) after a create, `GET /v2/droplets/{id}` answers 404,
    /// as DigitalOcean's eventually consistent reads sometimes do.
    public var newDropletNotFoundSeconds: Double
    /// The account's time: the wall clock unless a test brings its own.
    public var clock: SimulatorClock

    public init(
        host: String = "127.0.0.1", port: Int = 8089, timeScale: Double = 1, token: String = "sim-token",
        statePath: String? = nil, rateLimitPerMinute: Int = 250, rateLimitPerHour: Int = 5_000,
        faults: FaultPlan = .none, recordPath: String? = nil, newDropletNotFoundSeconds: Double = 2,
        clock: SimulatorClock = SimulatorClock()
    ) {
        self.host = host
        self.port = port
        self.timeScale = timeScale
        self.token = token
        self.statePath = statePath
        self.rateLimitPerMinute = rateLimitPerMinute
        self.rateLimitPerHour = rateLimitPerHour
        self.faults = faults
        self.recordPath = recordPath
        self.newDropletNotFoundSeconds = newDropletNotFoundSeconds
        self.clock = clock
    }
}
