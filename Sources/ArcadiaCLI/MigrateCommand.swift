import ArgumentParser
import ArcadiaState
import Logging
import ArcadiaState

struct MigrateCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the state database, and nothing else. Every command does this on start."
    )

    @OptionGroup var stateOptions: StateOptions

    func execute() async throws {
        let url = try stateOptions.databaseURL()
        try await runReporting {
            try await Store.withStore(url, logger: Logger(label: "arcadia")) { _ in }
        }
        Output.print("State database \(url) is up to date.")
    }
}
