import ArgumentParser
import ArcadiaCore
import ArcadiaSagas
import ArcadiaState
import Foundation

struct DriftRevert: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revert",
        abstract: "Put DigitalOcean back at the spec for these drift records now, as sagas (whatever policy.drift says).",
        discussion: """
            Plans the records' resources alone, with their drift reverted, shows the plan, asks for 'yes' (unless \
            --auto-approve) and runs it under the apply lock. A record closes `reverted` when its saga completes. A \
            drift Arcadia cannot put back (ipv6 enabled outside Arcadia: DigitalOcean cannot turn it off; a size whose \
            disk grew) is refused with why, and so is a resource that also has spec changes to apply (use `arcadia apply --target KIND/NAME`).

            Exit status: 0 when every chosen record was reverted, 1 otherwise.
            """
    )

    @OptionGroup var selection: DriftSelection
    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Do not ask for confirmation.")
    var autoApprove = false

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        let desired = try specOptions.loadOrExit()
        let (selection, autoApprove) = (selection, autoApprove)
        let refusedAny = try await runReporting {
            try await Session.with(connection) { session -> Bool in
                try await session.store.withApplyLock(
                    holder: "arcadia drift revert, pid \(getpid()) on \(WorkerSettings.identity.host)", owner: WorkerSettings.identity.description,
                    tookOver: { Output.standardError("note: \($0)") }
                ) {
                    let records = try await selection.records(in: session.store)
                    guard !records.isEmpty else {
                        Output.print("No open drift to revert.")
                        return false
                    }
                    let reconciler = Reconciler(client: session.client, store: session.store)
                    let outcome = try await DriftReverter(reconciler: reconciler).plan(reverting: records, desired: desired)
                    for (record, reason) in outcome.refused {
                        Output.error("drift \(record.id) (\(record.kind)/\(record.name) \(record.field)) cannot be reverted: \(reason)")
                    }
                    guard outcome.plan.hasChanges else { return !outcome.refused.isEmpty }
                    Output.print(PlanRenderer(useColor: Output.useColor).text(outcome.plan))
                    if !autoApprove && !ApplyCommand.confirm() {
                        Output.print("Revert cancelled; nothing was changed.")
                        throw ExitCode.failure
                    }
                    Output.print("")
                    let result = try await PlanExecutor(runner: session.runner(), applyLockOwner: WorkerSettings.identity.description)
                        .apply(outcome.plan)
                    try ApplyCommand.report(result, blocked: [])
                    return !outcome.refused.isEmpty
                }
            }
        }
        if refusedAny { throw ExitCode.failure }
    }
}
