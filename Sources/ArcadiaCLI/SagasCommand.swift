import ArcadiaController
import ArgumentParser
import ArcadiaSagas
import ArcadiaState
import Foundation

struct SagasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sagas",
        abstract: "The saga ledger: what apply ran, step by step; resume or cancel what is unfinished.",
        subcommands: [SagasList.self, SagasShow.self, SagasResume.self, SagasCancel.self],
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
        Hints.remember(stateOptions)
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
            Output.print(try Output.json(sagas.map(SagaJSON.init)))
        } else if sagas.isEmpty {
            Output.print("No sagas.")
        } else {
            Output.print(Table.render(
                header: ["ID", "KIND", "RESOURCE", "STATUS", "UPDATED"],
                rows: sagas.map { [String($0.id.prefix(8)), $0.kind, "\($0.resourceKind)/\($0.resourceName)", $0.status.rawValue, Store.timestamp($0.updatedAt)] }
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
        Hints.remember(stateOptions)
        let id = id
        let found = try await runReporting {
            try await Session.withStore(stateOptions) { store in try await store.saga(id: id) }
        }
        guard let saga = found else {
            Output.error("no saga with id '\(id)'; \(Hints.command("sagas list", talksToDigitalOcean: false)) shows them")
            throw ExitCode.failure
        }
        if json {
            Output.print(try Output.json(SagaJSON(saga)))
            return
        }
        Output.print("saga \(saga.id)\n  kind: \(saga.kind)\n  resource: \(saga.resourceKind)/\(saga.resourceName)\n  status: \(saga.status.rawValue)")
        if let error = saga.error { Output.print("  \(saga.status == .completed ? "note" : "error"): \(error)") }
        if saga.status == .failed { Output.print("  halted: \(Hints.command("sagas resume", takesSpecs: true)) carries on once the cause is fixed") }
        if let owner = saga.owner { Output.print("  worker: \(owner), lease until \(saga.leaseExpiresAt.map { Store.timestamp($0) } ?? "?")") }
        if saga.cancelRequested && !saga.status.isFinal { Output.print("  cancel requested: its worker compensates at the next step") }
        Output.print("")
        Output.print(Table.render(
            header: ["#", "STEP", "STATUS", "ATTEMPTS", "ERROR"],
            rows: saga.steps.map { [String($0.position + 1), $0.name, $0.status.rawValue, String($0.attempts), $0.error ?? ""] }
        ))
    }
}

struct SagasResume: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Run every unfinished saga to the end: forward, or on with its compensation.",
        discussion: """
            Claims each runnable saga (pending; left running or compensating by an apply or a worker that died; or \
            halted failed) with a lease, so several workers, in one process or many, never run the same saga at once. \
            A saga held by a live worker is left to it; one whose worker died is taken over when its lease runs out \
            (at once when that worker provably died on this host). A saga that stops unfinished (its lease taken \
            over, its database gone) is left for the next resume.

            Before it runs a saga, resume checks it against the specs as they are now: a saga the specs no longer \
            want (a destroy whose spec is back, a create or change whose spec was removed or changed since) is \
            compensated and ends superseded, unless it has passed its point of no return (a destroy has started), \
            in which case it is finished. Plan again afterwards.

            Exit status: 0 when every saga it ran completed or was superseded, 1 otherwise, and 1 when a live \
            worker still holds an unfinished saga (each is named, with its worker and lease; --wait waits for them).
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: "How many sagas run at once.")
    var parallelism = 10

    @Option(name: .long, help: "Seconds a claim lasts without a heartbeat. Default: ARCADIA_LEASE_SECONDS, else 30.")
    var leaseSeconds: Double?

    @Flag(name: .long, help: "Keep going until no saga is unfinished, taking over other workers' sagas when their leases run out.")
    var wait = false

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be 1 or more") }
        if let leaseSeconds, leaseSeconds < 1 { throw ValidationError("--lease-seconds must be 1 or more") }
    }

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        guard FileManager.default.fileExists(atPath: specOptions.specs) else {
            Output.error(
                "no specs directory at \(specOptions.specs): resume checks every saga against the current specs before it acts, "
                    + "so it needs them; pass --specs DIR"
            )
            throw ExitCode.failure
        }
        let recheck = SagaRecheck(desired: try specOptions.loadOrExit())
        let (parallelism, leaseSeconds, wait) = (parallelism, leaseSeconds ?? WorkerSettings.leaseSeconds, wait)
        try await runReporting {
            try await Interrupt.reportingUnfinishedSagas {
                try await Session.with(connection) { session in
                    let runner = session.runner(leaseSeconds: leaseSeconds, recheck: recheck)
                    let results = try await runner.resume(parallelism: parallelism, waitForOthers: wait)
                    let completed = results.filter { $0.status == .completed }.count
                    let superseded = results.filter { $0.status == .superseded }
                    var summary = results.isEmpty ? "Nothing to resume." : "Resumed \(results.count) saga\(results.count == 1 ? "" : "s"): \(completed) completed"
                    if !superseded.isEmpty { summary += ", \(superseded.count) superseded by the specs (\(Hints.command("plan", takesSpecs: true)) shows what they want now)" }
                    Output.print(results.isEmpty ? summary : summary + ".")
                    for result in results where ![.completed, .superseded].contains(result.status) {
                        Output.error(ProgressPrinter.notCompleted(id: result.id, status: result.status))
                    }
                    // Sagas this run did not take: held by a live worker's lease (an apply still running).
                    let ran = Set(results.map(\.id))
                    let held = try await session.store.unfinishedSagas().filter { !ran.contains($0.id) && $0.owner != nil }
                    for saga in held {
                        Output.error(
                            "saga \(saga.id.prefix(8)) (\(saga.kind) \(saga.resourceName)) is held by worker \(saga.owner ?? "?") until "
                                + "\(saga.leaseExpiresAt.map { Store.timestamp($0) } ?? "?"); it was left to it. "
                                + "\(Hints.command("sagas resume --wait", takesSpecs: true)) waits and takes it over if that worker dies"
                        )
                    }
                    if !held.isEmpty || results.contains(where: { ![.completed, .superseded].contains($0.status) }) { throw ExitCode.failure }
                }
            }
        }
    }
}

struct SagasCancel: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel",
        abstract: "Cancel an unfinished saga: its steps are compensated and it ends 'cancelled'.",
        discussion: """
            If no live worker holds the saga, this command compensates it now. If one does, the request is recorded \
            and that worker compensates at its next step boundary. Sagas the plan ordered after it that have not \
            started (a replaced droplet's reserved IPs, firewalls and domains, which only record what it moved) \
            end cancelled with it.

            A saga whose point of no return has started (a destroy of any kind, EnableIPv6 or ResizeVolume) cannot be \
            cancelled: undoing the \
            steps before it would destroy what replaces the destroyed droplet. Cancel then refuses, changes \
            nothing, and says so; `arcadia sagas resume` finishes the saga.
            """
    )

    @Argument(help: "The saga id, or its first characters.")
    var id: String

    @OptionGroup var connection: ConnectionOptions

    func execute() async throws {
        Hints.remember(connection)
        let id = id
        try await runReporting {
            try await Session.with(connection) { session in
                guard let saga = try await session.store.saga(id: id) else {
                    Output.error("no saga with id '\(id)'; \(Hints.command("sagas list", talksToDigitalOcean: false)) shows them")
                    throw ExitCode.failure
                }
                let short = saga.id.prefix(8)
                switch try await session.runner().cancel(sagaID: saga.id) {
                case .notFound:
                    Output.error("saga \(short) vanished from the state while it was being cancelled")
                    throw ExitCode.failure
                case .alreadyFinished(let status):
                    Output.error("saga \(short) already ended \(status.rawValue); there is nothing to cancel")
                    throw ExitCode.failure
                case .refused(let step):
                    Output.error(
                        "saga \(short) cannot be cancelled: its point of no return, \(step), has started (it may already have acted), "
                            + "so the saga can only go forward. Nothing was changed. \(Hints.command("sagas resume", takesSpecs: true)) finishes it"
                            + (saga.status == .failed ? " once the cause of its failure is fixed (see \(Hints.command("sagas show \(short)", talksToDigitalOcean: false)))" : "")
                    )
                    throw ExitCode.failure
                case .requested(let holder):
                    Output.print(
                        "Cancel requested: \(holder) is running saga \(short) and compensates it at its next step, "
                            + "unless that step is its point of no return, which a cancel can no longer stop."
                    )
                case .ended(let status):
                    Output.print("Saga \(short) ended \(status.rawValue).")
                    if status != .cancelled { throw ExitCode.failure }
                }
            }
        }
    }
}
