import ArgumentParser
import ArcadiaCore
import ArcadiaSagas
import Foundation
import Logging

/// `arcadia`: keeps DigitalOcean equal to the specs in git.
public struct Arcadia: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "arcadia",
        abstract: "Keep DigitalOcean infrastructure equal to the YAML specs in git.",
        discussion: """
            Specs are YAML files, one resource per file, under --specs (default specs/). `plan` compares them with \
            DigitalOcean and with what Arcadia last applied; `apply` carries the changes out as sagas that roll \
            themselves back on failure.

            DigitalOcean: DIGITALOCEAN_TOKEN (and DIGITALOCEAN_API_URL for another endpoint), or --sim for a local \
            simulator kept under .arcadia/. State: --database or ARCADIA_DATABASE_URL, default sqlite:.arcadia/state.sqlite.
            """,
        version: "arcadia \(Arcadia.version) (plan format \(PlanDocument.currentFormat))",
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, ImportCommand.self, SnapshotCommand.self, ShowCommand.self, DriftCommand.self, EventsCommand.self, SagasCommand.self,
            ControllerCommand.self, TokensCommand.self, SimCommand.self, MigrateCommand.self,
        ]
    )

    public static let version = "0.3.0"

    /// Settings read from the environment, checked before anything runs: a typo must not be ignored.
    static func checkEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let levels = Logger.Level.allCases.map(\.rawValue)
        if let level = environment["ARCADIA_LOG_LEVEL"], Logger.Level(rawValue: level) == nil {
            Output.error("ARCADIA_LOG_LEVEL=\(level) is not a log level; use one of \(levels.joined(separator: ", ")), or unset it (warning)")
            throw ExitCode.failure
        }
        if let point = environment["ARCADIA_CRASH_AT"], SagaPoint(parsing: point) == nil {
            Output.error("ARCADIA_CRASH_AT=\(point) is not <saga-kind>:<step>:<moment> (a test hook); unset it")
            throw ExitCode.failure
        }
        // Seconds (and a scale) past a day make no sense, and past Int64 nanoseconds would crash.
        for (name, example) in [("ARCADIA_POLL_INTERVAL", "3"), ("ARCADIA_LEASE_SECONDS", "30"), ("ARCADIA_SIM_TIME_SCALE", "0.05")] {
            if let text = environment[name], !(Double(text).map { $0 > 0 && $0 <= 86_400 } ?? false) {
                Output.error("\(name)=\(text) is not a positive number of at most 86400; give e.g. \(example), or unset it")
                throw ExitCode.failure
            }
        }
    }

    public init() {}
}

/// A command with one unambiguous async entry point. ArgumentParser's `run()` has a synchronous and an
/// asynchronous requirement of the same name, and a call through an existential picks the synchronous one on Linux.
protocol RunnableCommand: AsyncParsableCommand {
    func execute() async throws
}

extension RunnableCommand {
    func run() async throws { try await execute() }
}

extension Arcadia {
    /// Parses the command line, runs the command, and exits with its status.
    public static func runMain() async -> Never {
        do {
            let command = try parseAsRoot()
            try checkEnvironment()
            if let runnable = command as? any RunnableCommand {
                try await runnable.execute()
            } else {
                var command = command
                try command.run()
            }
            Output.flush()
            Foundation.exit(0)
        } catch {
            Output.flush()
            exit(withError: error)
        }
    }
}
