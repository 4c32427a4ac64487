import ArgumentParser
import DigitalOceanSimulator
import Logging

struct SimCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Serve a local DigitalOcean API (v2) until SIGINT or SIGTERM.",
        discussion: "Admin routes live outside /v2: GET /_sim/stats counts requests per route; POST /_sim/faults injects failures."
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

    func validate() throws {
        guard timeScale >= 0 else { throw ValidationError("--time-scale must be 0 or more") }
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    func execute() async throws {
        let configuration = SimulatorConfiguration(host: host, port: port, timeScale: timeScale, token: token, statePath: state)
        let simulator = try DigitalOceanSimulator(configuration: configuration, logger: Logger(label: "arcadia.sim"))
        let host = host
        let token = token
        try await simulator.run { port in
            Output.print("""
                DigitalOcean simulator listening on http://\(host):\(port)
                  export DIGITALOCEAN_API_URL=http://\(host):\(port)
                  export DIGITALOCEAN_TOKEN=\(token)
                Stop with Ctrl-C.
                """)
        }
    }
}
