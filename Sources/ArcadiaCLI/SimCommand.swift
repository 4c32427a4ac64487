import ArgumentParser
import DigitalOceanSimulator
import Foundation
import Logging
import NIOCore

struct SimCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a local DigitalOcean API (v2) until SIGINT or SIGTERM.",
        discussion: """
            Rate limits are on by default, as DigitalOcean documents them: 250 requests a minute and 5,000 an hour \
            per token, rolling; past either, 429 with retry-after.

            Admin routes live outside /v2: GET /_sim/stats (requests per route, 429s sent, faults injected); \
            GET and POST /_sim/faults (read or replace the fault plan; {"fail_next_action": {"type": "resize"}} adds one); \
            POST /_sim/seed {"droplets": N}. The fault file format is in the README.
            """
    )

    @Option(name: .long, help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(name: .long, help: "Port to listen on (0 picks a free one).")
    var port = 8089

    @Option(name: .long, help: "Multiplies DigitalOcean's real durations (1 = real time; 0.01 makes a 40 s boot take 0.4 s).")
    var timeScale = 1.0

    @Option(name: .long, help: "The bearer token the simulator accepts.")
    var token = "sim-token"

    @Option(name: .long, help: "Load the world from FILE and save it there after every change.")
    var state: String?

    @Option(name: .long, help: "Requests allowed per rolling minute (0 turns the limit off).")
    var rateLimitMinute = 250

    @Option(name: .long, help: "Requests allowed per rolling hour (0 turns the limit off).")
    var rateLimitHour = 5_000

    @Option(name: .long, help: "Inject the faults described in FILE (JSON; see the README).")
    var faults: String?

    @Option(name: .long, help: "Append every /v2 exchange to FILE as JSON lines, token masked, for check_traffic.py.")
    var record: String?

    @Option(name: .customLong("new-droplet-404-seconds"), help: "For this long after a create (before --time-scale), GET of the new droplet answers 404.")
    var newDropletNotFoundSeconds = 2.0

    @Flag(name: .long, help: "Print the /v2 operations served, one per line, and exit.")
    var listOperations = false

    func validate() throws {
        guard timeScale >= 0 else { throw ValidationError("--time-scale must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard rateLimitMinute >= 0, rateLimitHour >= 0 else { throw ValidationError("rate limits must be 0 (off) or more") }
        guard newDropletNotFoundSeconds >= 0 else { throw ValidationError("--new-droplet-404-seconds must be 0 or more") }
    }

    func execute() async throws {
        if listOperations {
            DigitalOceanSimulator.servedOperations.forEach { Output.print($0) }
            return
        }
        let configuration = SimulatorConfiguration(
            host: host, port: port, timeScale: timeScale, token: token, statePath: state,
            rateLimitPerMinute: rateLimitMinute, rateLimitPerHour: rateLimitHour,
            faults: try faults.map(FaultPlan.load(path:)) ?? .none, recordPath: record,
            newDropletNotFoundSeconds: newDropletNotFoundSeconds
        )
        let simulator = try DigitalOceanSimulator(configuration: configuration, logger: Logger(label: "arcadia.sim"))
        let host = host
        let token = token
        do {
            try await simulator.run { port in
                Output.print("""
                    DigitalOcean simulator listening on http://\(host):\(port)
                      export DIGITALOCEAN_API_URL=http://\(host):\(port)
                      export DIGITALOCEAN_TOKEN=\(token)
                    Stop with Ctrl-C.
                    """)
            }
        } catch let error as IOError where error.errnoCode == EADDRINUSE {
            Output.error("port \(port) on \(host) is already in use (another `arcadia sim`?); choose another with --port N, or --port 0 for a free one")
            throw ExitCode.failure
        } catch let error as IOError where error.errnoCode == EADDRNOTAVAIL {
            Output.error("cannot listen on \(host): no such address on this machine; give --host 127.0.0.1 or another local address")
            throw ExitCode.failure
        }
    }
}
