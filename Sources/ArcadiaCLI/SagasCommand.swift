import ArgumentParser
import ArcadiaState

struct SagasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sagas",
        abstract: "The saga ledger: what apply ran, step by step.",
        subcommands: [SagasList.self, SagasShow.self],
        defaultSubcommand: SagasList.self
    )
}

struct SagasList: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List sagas, newest first.")

    @OptionGroup var stateOptions: StateOptions

    @Option(name: .long, help: "Only sagas in this state: \(SagaStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var state: String?

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func execute() async throws {
        var status: SagaStatus?
        if let state {
            guard let parsed = SagaStatus(rawValue: state) else {
                Output.error("unknown saga state '\(state)'; use one of \(SagaStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                throw ExitCode.failure
            }
            status = parsed
        }
        let filter = status
        let sagas = try await runReporting {
            try await Session.withStore(stateOptions) { store in try await store.sagas(status: filter) }
        }
        if json {
            Output.print(try Output.json(sagas))
        } else if sagas.isEmpty {
            Output.print("No sagas.")
        } else {
            Output.print(Table.render(
                header: ["ID", "KIND", "RESOURCE", "STATUS", "UPDATED"],
                rows: sagas.map { [String($0.id.prefix(8)), $0.kind, "\($0.resourceKind)/\($0.resourceName)", $0.status.rawValue, $0.updatedAt] }
            ))
        }
    }
}

struct SagasShow: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one saga and its steps.")

    @Argument(help: "The saga id, or its first characters.")
    var id: String

    @OptionGroup var stateOptions: StateOptions

    @Flag(name: .long, help: "Print JSON.")
    var json = false

    func execute() async throws {
        let id = id
        let found = try await runReporting {
            try await Session.withStore(stateOptions) { store in try await store.saga(id: id) }
        }
        guard let saga = found else {
            Output.error("no saga with id '\(id)'; `arcadia sagas list` shows them")
            throw ExitCode.failure
        }
        if json {
            Output.print(try Output.json(saga))
            return
        }
        Output.print("saga \(saga.id)\n  kind: \(saga.kind)\n  resource: \(saga.resourceKind)/\(saga.resourceName)\n  status: \(saga.status.rawValue)")
        if let error = saga.error { Output.print("  error: \(error)") }
        Output.print("")
        Output.print(Table.render(
            header: ["#", "STEP", "STATUS", "ATTEMPTS", "ERROR"],
            rows: saga.steps.map { [String($0.position + 1), $0.name, $0.status.rawValue, String($0.attempts), $0.error ?? ""] }
        ))
    }
}
