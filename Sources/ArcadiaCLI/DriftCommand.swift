import ArgumentParser
import ArcadiaSagas
import ArcadiaState

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "The drift inbox: live values changed outside Arcadia.",
        subcommands: [DriftList.self],
        defaultSubcommand: DriftList.self
    )
}

struct DriftList: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List drift records (open ones unless --all). `plan` records drift; --refresh detects it first."
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Sync inventory and detect drift before listing (implied by --sim).")
    var refresh = false

    @Flag(name: .long, help: "Include resolved records (accepted, reverted, stale).")
    var all = false

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func execute() async throws {
        let desired = (refresh || connection.sim) ? try specOptions.loadOrExit() : nil
        let (refresh, all) = (refresh || connection.sim, all)
        let records = try await runReporting {
            if refresh, let desired {
                return try await Session.with(connection) { session in
                    _ = try await Reconciler(client: session.client, store: session.store).plan(desired: desired)
                    return try await session.store.drift(status: all ? nil : .open)
                }
            }
            return try await Session.withStore(connection.state) { store in try await store.drift(status: all ? nil : .open) }
        }
        if json {
            Output.print(try Output.json(records))
            return
        }
        guard !records.isEmpty else {
            Output.print(all ? "No drift recorded." : "No open drift.")
            return
        }
        Output.print(Table.render(
            header: ["ID", "STATUS", "KIND", "NAME", "FIELD", "EXPECTED", "ACTUAL", "DETECTED"],
            rows: records.map { [String($0.id), $0.status.rawValue, $0.kind, $0.name, $0.field, $0.expected, $0.actual, Store.timestamp($0.detectedAt)] }
        ))
    }
}
