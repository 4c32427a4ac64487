import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The local DigitalOcean API: `arcadia sim`, the tests' and the benchmarks' DigitalOcean.
public struct DigitalOceanSimulator: Sendable {
    public let configuration: SimulatorConfiguration
    let world: World
    let stats = SimulatorStats()
    let faults: FaultInjector
    let recorder: TrafficRecorder?
    let logger: Logger

    /// Loads the world from `configuration.statePath` when that file exists, and opens the recording.
    public init(configuration: SimulatorConfiguration, logger: Logger = Logger(label: "arcadia.sim")) throws {
        self.configuration = configuration
        self.faults = FaultInjector(plan: configuration.faults)
        let timings = SimulatorTimings(timeScale: configuration.timeScale, newDropletNotFoundSeconds: configuration.newDropletNotFoundSeconds, clock: configuration.clock)
        self.world = try World(timings: timings, statePath: configuration.statePath, faults: faults)
        self.recorder = try configuration.recordPath.map(TrafficRecorder.init(path:))
        self.logger = logger
    }

    /// The `/v2` operations served, as `METHOD /v2/template`, in the OpenAPI document's spelling.
    public static var servedOperations: [String] {
        let book = RouteBook(router: Router(context: SimRequestContext.self))
        // A throwaway world: registering routes only captures it.
        guard let world = try? World(timings: SimulatorTimings(timeScale: 0), statePath: nil, faults: FaultInjector(plan: .none)) else { return [] }
        SimulatorRoutes(world: world, stats: SimulatorStats(), faults: FaultInjector(plan: .none)).register(on: book)
        return book.operations
    }

    func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router(context: SimRequestContext.self)
        router.middlewares.add(SimulatorMiddleware(
            token: configuration.token, stats: stats,
            rateLimiter: RateLimiter(perMinute: configuration.rateLimitPerMinute, perHour: configuration.rateLimitPerHour),
            faults: faults, recorder: recorder, world: world
        ))
        SimulatorRoutes(world: world, stats: stats, faults: faults).register(on: RouteBook(router: router))
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "arcadia-sim"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? 0) },
            logger: logger
        )
    }

    /// Serves until SIGINT or SIGTERM; `onRunning` receives the bound port.
    public func run(onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await makeApplication(onRunning: onRunning).runService()
    }

    /// Serves while `body` runs and stops afterwards; `body` gets the base URL, e.g. `http://127.0.0.1:40123`.
    public func withRunning<T: Sendable>(_ body: @Sendable (String) async throws -> T) async throws -> T {
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let application = makeApplication { port in continuation.yield(port) }
        let services = ServiceGroup(configuration: .init(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else {
                throw SimulatorError(status: 500, id: "server_error", message: "simulator did not start")
            }
            do {
                let result = try await body("http://\(configuration.host):\(port)")
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
