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
    let logger: Logger

    /// Loads the world from `configuration.statePath` when that file exists.
    public init(configuration: SimulatorConfiguration, logger: Logger = Logger(label: "arcadia.sim")) throws {
        self.configuration = configuration
        self.world = try World(timeScale: configuration.timeScale, statePath: configuration.statePath)
        self.logger = logger
    }

    func makeApplication(onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router(context: BasicRequestContext.self)
        router.middlewares.add(SimulatorMiddleware(token: configuration.token, stats: stats, rateLimiter: RateLimiter(), world: world))
        SimulatorRoutes(world: world, stats: stats).register(on: router)
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
