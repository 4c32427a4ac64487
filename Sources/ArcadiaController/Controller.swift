import ArcadiaSagas
import ArcadiaState
import DigitalOceanAPI
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// `arcadia controller`: one ServiceGroup holding the HTTP API, the leader election and the
/// reconcile loop (and the webhook deliveries, when a webhook is set). SIGTERM or SIGINT starts a
/// graceful shutdown: the loop starts nothing new and its sagas stop at their next step boundary,
/// the lease is given up, the server stops; steps still running after `shutdownGrace` are cancelled
/// (the ledger is built for that: the next leader finishes them).
public struct Controller: Sendable {
    public let settings: ControllerSettings
    public let store: Store
    public let client: DigitalOceanClient
    public let metrics: ControllerMetrics
    /// A worker for sagas, writing through `store` (the caller's, for API writes) and stopping when `drain` drains.
    public let makeRunner: @Sendable (Store, Drain) -> SagaRunner
    /// The caller a bearer header names, or nil for any token that does not authenticate.
    public let authenticate: @Sendable (String?) async throws -> Caller?
    /// Further services to run in the group (the webhook dispatcher).
    public let services: [any Service]
    public let events: ControllerEvents
    public let logger: Logger

    public init(
        settings: ControllerSettings, store: Store, client: DigitalOceanClient, metrics: ControllerMetrics,
        makeRunner: @escaping @Sendable (Store, Drain) -> SagaRunner, authenticate: @escaping @Sendable (String?) async throws -> Caller?,
        services: [any Service] = [], events: ControllerEvents, logger: Logger
    ) {
        self.settings = settings
        self.store = store
        self.client = client
        self.metrics = metrics
        self.makeRunner = makeRunner
        self.authenticate = authenticate
        self.services = services
        self.events = events
        self.logger = logger
    }

    /// Runs until a graceful shutdown ends it. `onListening` hears the port the API is served on.
    public func run(owner: String, onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let status = ControllerStatus()
        let drain = Drain()
        let work = BackgroundWork(logger: logger)
        let pass = ReconcilePass(
            settings: settings, store: store, client: client, runner: makeRunner(store, drain), status: status, metrics: metrics,
            events: events, owner: owner, logger: logger
        )
        let reconcile = ReconcileService(pass: pass, status: status, drain: drain, work: work)
        let elector = LeaderElector(
            store: store, owner: owner, holder: "\(ProcessInfo.processInfo.hostName) pid \(getpid()) (\(settings.host):\(settings.port))",
            settings: settings, status: status, metrics: metrics, logger: logger, onChange: { reconcile.leadershipChanged($0) },
            onRequest: { _ in reconcile.trigger("api") }
        )
        let actions = DriftActions(
            settings: settings, store: store, client: client, owner: owner, makeRunner: { makeRunner($0, drain) }, work: work, logger: logger
        )
        let router = Router(context: APIContext.self)
        ControllerAPI(
            settings: settings, store: store, status: status, metrics: metrics, actions: actions, reconcile: reconcile,
            authenticate: authenticate, logger: logger
        ).register(on: router)
        PageRoutes().register(on: router)
        let application = Application(
            router: router,
            configuration: .init(address: .hostname(settings.host, port: settings.port), serverName: "arcadia-controller"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        // Shut down in reverse: the loop drains first, then the lease is given up, then the server stops.
        var configuration = ServiceGroupConfiguration(
            services: [.init(service: application)] + services.map { .init(service: $0) } + [.init(service: elector), .init(service: reconcile)],
            logger: logger
        )
        configuration.gracefulShutdownSignals = [.sigterm, .sigint]
        configuration.maximumGracefulShutdownDuration = settings.shutdownGrace
        configuration.maximumCancellationDuration = .seconds(5)
        try await ServiceGroup(configuration: configuration).run()
    }
}
