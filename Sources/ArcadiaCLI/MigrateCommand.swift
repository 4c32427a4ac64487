import ArgumentParser
import ArcadiaState

struct MigrateCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Create or upgrade the state database, and nothing else. Every command does this on start."
    )

    @OptionGroup var connection: ConnectionOptions

    func execute() async throws {
        let url = try connection.databaseURL()
        try await runReporting {
            try await Session.withStore(connection) { _ in }
        }
        Output.print("State database \(url) is up to date.")
    }
}
