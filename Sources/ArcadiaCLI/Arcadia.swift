import ArgumentParser
import Foundation

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
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, DriftCommand.self, SagasCommand.self,
            SimCommand.self, MigrateCommand.self,
        ]
    )

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
