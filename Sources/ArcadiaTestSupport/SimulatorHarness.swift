import ArcadiaSagas
import ArcadiaState
import AsyncHTTPClient
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore

/// A simulator running in-process on a free loopback port, with a client that talks to it over real HTTP.
public struct SimulatorHarness: Sendable {
    public static let token = "test-token"

    public let baseURL: String
    /// The token this simulator accepts.
    public let token: String
    public let client: DigitalOceanClient
    /// When set, ``request(_:_:body:token:sendsToken:)`` sends bodies as generated clients do: with every
    /// optional string or list field of the contract present, empty where the caller left it out.
    public let generatedClient: GeneratedClientLog?
    /// The simulated account's time: tests move it forward instead of sleeping.
    public let clock: SimulatorClock
    /// The simulator's time scale: DigitalOcean's seconds times this are the clock's seconds.
    public let timeScale: Double

    /// A harness for a simulator already running at `baseURL`, with a client of the caller's choosing.
    public init(
        baseURL: String, token: String, client: DigitalOceanClient, clock: SimulatorClock, timeScale: Double,
        generatedClient: GeneratedClientLog? = nil
    ) {
        self.baseURL = baseURL
        self.token = token
        self.client = client
        self.clock = clock
        self.timeScale = timeScale
        self.generatedClient = generatedClient
    }

    /// Moves the simulated account forward by `seconds` of DigitalOcean's time (before the time scale):
    /// actions that would have finished by then have finished.
    public func advance(byDigitalOceanSeconds seconds: Double) {
        clock.advance(by: seconds * timeScale)
    }

    /// Starts a simulator (fast clock by default; DigitalOcean's real rate limits), runs `body`, stops it.
    /// With `ARCADIA_SIM_RECORD=FILE` in the environment, every simulator records its traffic there.
    public static func with<T: Sendable>(
        timeScale: Double = 0.002,
        token: String = SimulatorHarness.token,
        sendingEmptyOptionalFields: Bool = false,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (SimulatorHarness) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "test.sim")
        logger.logLevel = .warning
        var configuration = SimulatorConfiguration(
            host: "127.0.0.1", port: 0, timeScale: timeScale, token: token,
            recordPath: ProcessInfo.processInfo.environment["ARCADIA_SIM_RECORD"]
        )
        // Padded requests break the contract's letter on purpose (`"project_id": ""` is no uuid): they
        // test the simulator, and stay out of the recording that is checked against the contract.
        if sendingEmptyOptionalFields { configuration.recordPath = nil }
        configure(&configuration)
        let simulator = try DigitalOceanSimulator(configuration: configuration, logger: logger)
        let log = sendingEmptyOptionalFields ? GeneratedClientLog(contract: try ContractBodies.load()) : nil
        let (clock, scale) = (configuration.clock, configuration.timeScale)
        return try await simulator.withRunning { url in
            let client = DigitalOceanClient(apiURL: url, token: APIToken(token), retryPolicy: RetryPolicy(maxAttempts: 5, baseDelay: 0.01))
            return try await body(SimulatorHarness(
                baseURL: url, token: token, client: client, clock: clock, timeScale: scale, generatedClient: log
            ))
        }
    }

    /// Step settings in step with a fast simulator clock.
    public func stepEnvironment(store: Store) -> StepEnvironment {
        var logger = Logger(label: "test.saga")
        logger.logLevel = .warning
        return StepEnvironment(
            client: client, store: store, logger: logger, pollInterval: .milliseconds(10),
            waitTimeout: .seconds(60), maxAttempts: 3, retryBaseDelay: .milliseconds(10)
        )
    }

    /// A raw request, for what the typed client does not expose (admin routes, bad tokens).
    /// `token` replaces the accepted token; `sendsToken: false` sends no Authorization header.
    public func request(
        _ method: String, _ path: String, body: String? = nil, token: String? = nil, sendsToken: Bool = true
    ) async throws -> (status: Int, headers: [String: String], body: Data) {
        let token = sendsToken ? (token ?? self.token) : nil
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        var body = body
        var operation: String?
        if let log = generatedClient, let text = body, let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
           let padded = log.contract.withEmptyOptionalFields(method: method, path: path, body: object),
           let data = try? JSONSerialization.data(withJSONObject: padded, options: .sortedKeys) {
            body = String(decoding: data, as: UTF8.self)
            operation = log.contract.operation(method: method, path: path)
        }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        var headers: [String: String] = [:]
        for header in response.headers { headers[header.name.lowercased()] = header.value }
        if let operation, let log = generatedClient { log.record(operation, status: Int(response.status.code)) }
        return (Int(response.status.code), headers, Data(bytes.readableBytesView))
    }

    /// A JSON object from a raw request.
    public func json(_ method: String, _ path: String, body: String? = nil) async throws -> (status: Int, object: [String: Any]) {
        let response = try await request(method, path, body: body)
        let object = (try? JSONSerialization.jsonObject(with: response.body)) as? [String: Any] ?? [:]
        return (response.status, object)
    }

    /// Makes the next `count` actions of `type` end `errored` (the simulator's fault hook).
    public func failNextAction(_ type: String, count: Int = 1) async throws {
        let response = try await request("POST", "/_sim/faults", body: #"{"fail_next_action": {"type": "\#(type)", "count": \#(count)}}"#)
        guard response.status == 200 else {
            throw DigitalOceanError(code: .api, status: response.status, message: "fault hook refused", request: "POST /_sim/faults")
        }
    }

    /// Waits until the droplet has no action in progress (a new droplet's 404s count as not yet), by
    /// moving the simulated clock forward five of DigitalOcean's seconds at a time: no real waiting.
    public func waitUntilIdle(dropletID: Int) async throws -> Droplet {
        for _ in 0..<2_000 {
            do {
                let droplet = try await client.getDroplet(id: dropletID)
                if !droplet.locked { return droplet }
            } catch let error as DigitalOceanError where error.isNotFound {}
            advance(byDigitalOceanSeconds: 5)
        }
        throw DigitalOceanError(code: .transport, message: "droplet \(dropletID) stayed locked for 10,000 simulated seconds", request: "test")
    }

    /// Runs a droplet action "by hand", as an operator using the API directly would, and waits for it.
    public func performByHand(_ action: DropletActionRequest, dropletID: Int) async throws {
        _ = try await waitUntilIdle(dropletID: dropletID)
        _ = try await client.performDropletAction(dropletID: dropletID, action)
        _ = try await waitUntilIdle(dropletID: dropletID)
    }
}

/// The padded requests a generated-client harness sent: operation (`METHOD /v2/template`) → statuses.
public final class GeneratedClientLog: Sendable {
    public let contract: ContractBodies
    private let box = NIOLockedValueBox<[String: [Int]]>([:])

    init(contract: ContractBodies) {
        self.contract = contract
    }

    func record(_ operation: String, status: Int) {
        box.withLockedValue { $0[operation, default: []].append(status) }
    }

    public var statuses: [String: [Int]] { box.withLockedValue { $0 } }
}
