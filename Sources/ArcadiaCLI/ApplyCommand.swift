import ArgumentParser
import ArcadiaCore
import ArcadiaSagas
import ArcadiaState
import Foundation

struct ApplyCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Carry out the plan as sagas, showing each step as it runs.",
        discussion: """
            Makes a fresh plan and asks for 'yes' before changing anything, unless --auto-approve is given. With \
            PLANFILE (from `arcadia plan --out`), applies that plan without asking, but only if specs, state and \
            DigitalOcean are still exactly as they were when it was made. A saga whose step fails rolls itself back.

            Apply holds the state's lock from planning to the end (a file lock for SQLite, a lease row on \
            PostgreSQL, renewed every 10 s and void 30 s after its holder stops); a second apply exits at once, naming the holder. Independent sagas run --parallelism at a \
            time. If apply is killed, `arcadia sagas resume` finishes or rolls back what it left; on Ctrl-C it \
            says which sagas it left unfinished first. A resource with an \
            unfinished saga, or a droplet that lost its managed-by-arcadia tag, is left alone and named.

            The plan and each step go to standard output; warnings and errors go to standard error. A plan with \
            errors applies nothing, and says so.

            Exit status: 0 when every saga completed (or nothing needed doing), 1 otherwise (including when a \
            resource was left alone).
            """
    )

    @Argument(help: "A plan saved by `arcadia plan --out FILE`.")
    var planFile: String?

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var emptySpecs: EmptySpecsOption
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var targetOptions: TargetOptions

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var autoApprove = false

    @Option(name: .long, help: "How many sagas run at once.")
    var parallelism = 10

    func validate() throws {
        guard parallelism >= 1 else { throw ValidationError("--parallelism must be 1 or more") }
        if planFile != nil && !targetOptions.target.isEmpty {
            throw ValidationError("a saved plan keeps the --target it was made with; give PLANFILE or --target, not both")
        }
    }

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        let saved = try planFile.map(Self.readPlan)
        let desired = try specOptions.loadOrExit()
        let (specsFolder, allowEmpty) = (specOptions.specs, emptySpecs.allowEmpty)
        let (autoApprove, parallelism, planFile) = (autoApprove, parallelism, planFile)
        // A saved plan is planned again with the targets it was made with, so it applies no more than it showed.
        let targets = saved.map { Set(($0.targets ?? []).compactMap { try? ResourceTarget(parsing: $0) }) } ?? targetOptions.targets
        try await runReporting {
            try await Interrupt.reportingUnfinishedSagas {
                try await Session.with(connection) { session in
                    try await session.store.withApplyLock(
                        holder: "arcadia apply, pid \(getpid()) on \(WorkerSettings.identity.host)", owner: WorkerSettings.identity.description,
                        tookOver: { Output.standardError("note: \($0)") }
                    ) {
                        let plan = try await Reconciler(client: session.client, store: session.store).plan(
                            desired: desired, specsFolder: specsFolder, allowEmpty: allowEmpty, targets: targets
                        )
                        if let saved, let planFile, saved.fingerprint != plan.fingerprint {
                            let changed = saved.differences(from: PlanDocument(plan))
                            Output.error(
                                "the saved plan \(planFile) no longer matches: specs, state or DigitalOcean changed since it was made:\n"
                                    + changed.map { "  \($0)\n" }.joined()
                                    + "Nothing was applied; run \(Hints.command("plan --out \(planFile)" + (saved.targets ?? []).map { " --target \($0)" }.joined(), takesSpecs: true)) again and review it."
                            )
                            throw ExitCode.failure
                        }
                        Output.print("\(desired.count) spec\(desired.count == 1 ? "" : "s") loaded from \(specsFolder).")
                        Output.print(PlanRenderer(useColor: Output.useColor).text(plan))
                        PlanRenderer(useColor: Output.useColorOnStandardError).diagnostics(plan).forEach(Output.standardError)
                        guard plan.errors.isEmpty else {
                            Output.error(
                                "nothing was applied: the plan has \(plan.errors.count) error\(plan.errors.count == 1 ? "" : "s") (above), "
                                    + "and apply runs no saga while any remains; fix \(plan.errors.count == 1 ? "it" : "them") and apply again"
                            )
                            throw ExitCode.failure
                        }
                        guard plan.hasChanges else {
                            try Self.reportBlocked(plan.blocked)
                            return
                        }
                        if saved == nil && !autoApprove && !Self.confirm() {
                            Output.print("Apply cancelled; nothing was changed.")
                            throw ExitCode.failure
                        }
                        Output.print("")
                        let outcome = try await PlanExecutor(runner: session.runner(), parallelism: parallelism, applyLockOwner: WorkerSettings.identity.description).apply(plan)
                        try Self.report(outcome, blocked: plan.blocked)
                    }
                }
            }
        }
    }

    static func readPlan(_ path: String) throws -> PlanDocument {
        do {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            // The version first: a plan of another format says so, not that it is not a plan.
            struct Version: Decodable {
                var formatVersion: String
                enum CodingKeys: String, CodingKey { case formatVersion = "format_version" }
            }
            let version = try JSONDecoder().decode(Version.self, from: data).formatVersion
            guard version == PlanDocument.currentFormat else {
                Output.error(
                    "\(path): plan format \(version) is not supported by this Arcadia (it reads format \(PlanDocument.currentFormat)); "
                        + "run \(Hints.command("plan --out \(path)", takesSpecs: true)) again"
                )
                throw ExitCode.failure
            }
            return try JSONDecoder().decode(PlanDocument.self, from: data)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("\(path): not a plan saved by `arcadia plan --out`: \(error.localizedDescription)")
            throw ExitCode.failure
        }
    }

    static func confirm() -> Bool {
        Output.flush()
        Swift.print("\nApply these changes? Only 'yes' is accepted: ", terminator: "")
        fflush(nil)
        return readLine()?.trimmingCharacters(in: .whitespaces) == "yes"
    }

    static func report(_ outcome: PlanExecutor.Outcome, blocked: [BlockedResource]) throws {
        let completed = outcome.sagas.filter { $0.status == .completed }.count
        Output.print("\nApplied: \(completed) of \(outcome.sagas.count) saga\(outcome.sagas.count == 1 ? "" : "s") completed.")
        for saga in outcome.sagas where saga.status != .completed {
            Output.error(ProgressPrinter.notCompleted(id: saga.id, status: saga.status, name: saga.name))
        }
        try reportBlocked(blocked)
        if !outcome.isSuccess { throw ExitCode.failure }
    }

    /// Exits 1 when resources were left alone: the specs are not applied until they are resolved.
    static func reportBlocked(_ blocked: [BlockedResource]) throws {
        guard !blocked.isEmpty else { return }
        Output.error(
            "\(blocked.count) resource\(blocked.count == 1 ? " was" : "s were") left alone and not brought in line with the specs "
                + "(see \"Left alone\" above): " + blocked.map { "\($0.kind.rawValue)/\($0.name)" }.joined(separator: ", ")
        )
        throw ExitCode.failure
    }
}
