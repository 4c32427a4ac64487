import ArcadiaSagas
import ArcadiaState
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Logging

/// A command's connections: the DigitalOcean client (real, or an embedded simulator) and the open store.
struct Session: Sendable {
    var client: DigitalOceanClient
    var store: Store
    var logger: Logger
    var pollInterval: Duration
    var retryBaseDelay: Duration

    var stepEnvironment: StepEnvironment {
        StepEnvironment(client: client, store: store, logger: logger, pollInterval: pollInterval, retryBaseDelay: retryBaseDelay)
    }

    /// The embedded simulator runs this much faster than DigitalOcean (a 40 s boot takes 2 s);
    /// `ARCADIA_SIM_TIME_SCALE` overrides it. `ARCADIA_SIM_RECORD=FILE` records its traffic.
    static let embeddedTimeScale = 0.05
    static let simulatorWorldPath = ".arcadia/sim-world.json"

    /// Who is acting, for the event log and hand-closed drift: `$USER@host`.
    static let actor: String = {
        let environment = ProcessInfo.processInfo.environment
        let user = environment["USER"] ?? environment["LOGNAME"] ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) } ?? "uid \(getuid())"
        return "\(user)@\(ProcessInfo.processInfo.hostName)"
    }()

    /// For commands that read only the state: no DigitalOcean, no token.
    /// A read-only command never creates state: a SQLite file that does not exist is an error saying so.
    static func withStore<T: Sendable>(_ options: StateOptions, _ body: @Sendable (Store) async throws -> T) async throws -> T {
        let url = try options.databaseURL()
        if case .sqlite(let path) = url, !FileManager.default.fileExists(atPath: path) {
            throw StoreError(
                "no Arcadia state at \(path) (nothing has been planned or applied from here); run it where you apply, "
                    + "or point at the state with --database or ARCADIA_DATABASE_URL"
            )
        }
        return try await Store.withStore(url, logger: Logger(label: "arcadia"), actor: actor, mustExist: true, body)
    }

    /// - Parameter onResponse: hears every DigitalOcean answer's status (the controller's metrics).
    static func with<T: Sendable>(
        _ options: ConnectionOptions, onResponse: @escaping @Sendable (String) -> Void = { _ in }, _ body: @Sendable (Session) async throws -> T
    ) async throws -> T {
        let logger = Logger(label: "arcadia")
        let databaseURL = try options.state.databaseURL()
        guard options.sim else {
            let client = try DigitalOceanClient.fromEnvironment(
                ProcessInfo.processInfo.environment, logger: logger, onRetry: { Output.standardError($0) }, onResponse: onResponse
            )
            // ARCADIA_POLL_INTERVAL (seconds, default 3): how often waits poll DigitalOcean.
            let seconds = ProcessInfo.processInfo.environment["ARCADIA_POLL_INTERVAL"].flatMap(Double.init).map { max(0.01, $0) } ?? 3
            let poll = Duration.milliseconds(Int(seconds * 1000))
            return try await Store.withStore(databaseURL, logger: logger, actor: actor) { store in
                try await body(Session(client: client, store: store, logger: logger, pollInterval: poll, retryBaseDelay: min(poll, .seconds(1))))
            }
        }
        return try await withEmbeddedSimulator(logger: logger, onResponse: onResponse) { client, timeScale in
            try await Store.withStore(databaseURL, logger: logger, actor: actor) { store in
                // Poll in step with the simulator's clock: 3 s at DigitalOcean's pace, scaled.
                let poll = Duration.milliseconds(max(10, Int(3000 * timeScale)))
                return try await body(Session(client: client, store: store, logger: logger, pollInterval: poll, retryBaseDelay: poll))
            }
        }
    }

    /// Runs the embedded simulator on its world in `.arcadia/sim-world.json` (created if missing) for `body`,
    /// with a client for it and its time scale.
    static func withEmbeddedSimulator<T: Sendable>(
        logger: Logger, onResponse: @escaping @Sendable (String) -> Void = { _ in }, _ body: @Sendable (DigitalOceanClient, Double) async throws -> T
    ) async throws -> T {
        let environment = ProcessInfo.processInfo.environment
        if let other = environment["DIGITALOCEAN_API_URL"] {
            Output.standardError("note: --sim talks to the embedded simulator; DIGITALOCEAN_API_URL (\(other)) is ignored")
        }
        let timeScale = environment["ARCADIA_SIM_TIME_SCALE"].flatMap(Double.init) ?? embeddedTimeScale
        try FileManager.default.createDirectory(atPath: ".arcadia", withIntermediateDirectories: true)
        let token = "embedded-sim"
        let simulator = try DigitalOceanSimulator(
            configuration: SimulatorConfiguration(
                host: "127.0.0.1", port: 0, timeScale: timeScale, token: token, statePath: simulatorWorldPath,
                recordPath: environment["ARCADIA_SIM_RECORD"]
            ),
            logger: logger
        )
        return try await simulator.withRunning { url in
            let client = DigitalOceanClient(
                apiURL: url, token: APIToken(token), logger: logger, onRetry: { Output.standardError($0) }, onResponse: onResponse
            )
            return try await body(client, timeScale)
        }
    }
}
