import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import Logging

/// What steps work with: DigitalOcean, the store, and how patiently to wait.
public struct StepEnvironment: Sendable {
    public var client: DigitalOceanClient
    public var store: Store
    public var logger: Logger
    /// Between polls of a droplet or an action.
    public var pollInterval: Duration
    /// How long a wait may take before the step fails.
    public var waitTimeout: Duration
    /// Attempts per step for transient failures, including the first.
    public var maxAttempts: Int
    /// First back-off delay; doubles with each attempt, with jitter.
    public var retryBaseDelay: Duration
    /// No retry of a step starts after this long since its first attempt.
    public var stepDeadline: Duration
    /// The attempt being run, set by the runner; nil when a step is called on its own.
    public var invocation: StepInvocation?
    /// Shared by every saga run with this environment (or a copy of it): one listing answers them all.
    let pollers: SharedPollers

    public init(
        client: DigitalOceanClient, store: Store, logger: Logger, pollInterval: Duration = .seconds(3),
        waitTimeout: Duration = .seconds(900), maxAttempts: Int = 5, retryBaseDelay: Duration = .seconds(1),
        stepDeadline: Duration = .seconds(1_800)
    ) {
        self.client = client
        self.store = store
        self.logger = logger
        self.pollInterval = pollInterval
        self.waitTimeout = waitTimeout
        self.maxAttempts = maxAttempts
        self.retryBaseDelay = retryBaseDelay
        self.stepDeadline = stepDeadline
        pollers = SharedPollers(client: client)
    }
}

extension StepEnvironment {
    /// The droplet id Arcadia recorded for each Droplet spec, by spec name: read when a step runs, so a
    /// droplet created or replaced earlier in the same apply is there once its saga registered it.
    func recordedDropletIDs() async throws -> [String: Int] {
        let records = try await store.provisioned(kind: ResourceKind.droplet.rawValue)
        return Dictionary(records.compactMap { record in Int(record.resourceID).map { (record.name, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    /// A droplet's public IPv4 address, with one `GET`; transient while DigitalOcean has not given it one.
    func publicIPv4(ofDroplet id: Int, named name: String) async throws -> String {
        guard let address = try await client.getDroplet(id: id).networks.v4.first(where: { $0.type == "public" })?.ipAddress else {
            throw StepError.transient("droplet '\(name)' (\(id)) has no public IPv4 address yet")
        }
        return address
    }
}
