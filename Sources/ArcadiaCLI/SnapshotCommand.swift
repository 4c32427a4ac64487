import ArgumentParser
import ArcadiaSagas
import ArcadiaState
import Foundation

struct SnapshotCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Snapshot a droplet Arcadia manages, now, as a saga.",
        discussion: """
            Snapshots the droplet Arcadia applied under the spec name DROPLET, as DROPLET-LABEL-arcadia-<8 hex> \
            (LABEL is 'snapshot' unless --label is given; the 8 hex are the saga's, so the name is fixed before \
            anything runs). The droplet keeps running: DigitalOcean snapshots a running droplet without powering \
            it off, so power it off first if the disk must be consistent to the byte. Arcadia's resize snapshots \
            are pruned by policy.keepSnapshots; these never are.

            The saga (SnapshotDroplet → RecordSnapshot) shows in `arcadia sagas list` (kind snapshot) and \
            `arcadia events` (snapshot_created names the snapshot and its id). If the command is killed, \
            `arcadia sagas resume` finishes it without taking a second snapshot; `arcadia sagas cancel` deletes \
            the snapshot instead. Refused, changing nothing, when Arcadia has no record of the droplet or a saga \
            on it is unfinished. Holds the apply lock while it runs. The specs are not read: --specs is only \
            repeated in the hints it prints, for `arcadia sagas resume`, which reads them.

            Exit status: 0 when the snapshot was taken, 1 otherwise (64 for a usage error).
            """
    )

    @Argument(help: "The droplet's spec name (metadata.name).")
    var droplet: String

    @Option(name: .long, help: "A word for the snapshot's name: 1 to 64 letters, digits, '.', '_' or '-'. Default: snapshot.")
    var label: String?

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    func validate() throws {
        if let label, let problem = DropletSnapshotSaga.labelProblem(label) { throw ValidationError(problem) }
    }

    func execute() async throws {
        // The specs are not read: --specs is repeated in the hints (resume reads them).
        Hints.remember(connection, specs: specOptions)
        let (droplet, label) = (droplet, label)
        try await runReporting {
            try await Interrupt.reportingUnfinishedSagas {
                try await Session.with(connection) { session in
                    try await session.store.withApplyLock(
                        holder: "arcadia snapshot, pid \(getpid()) on \(WorkerSettings.identity.host)", owner: WorkerSettings.identity.description,
                        tookOver: { Output.standardError("note: \($0)") }
                    ) {
                        let saga: SagaRecord
                        do {
                            saga = try await DropletSnapshotSaga.make(droplet: droplet, label: label, store: session.store)
                        } catch let refusal as DropletSnapshotSaga.Refusal {
                            Output.error("\(refusal.message); nothing was changed")
                            throw ExitCode.failure
                        }
                        try await session.store.insertSagas([saga], applyLockOwner: WorkerSettings.identity.description)
                        let snapshotName = DropletSnapshotSaga.snapshotName(of: saga) ?? "?"
                        Output.print("Snapshotting droplet \(droplet) as \(snapshotName).\n")
                        let runner = session.runner()
                        let status = try await runner.runContained(sagaID: saga.id) { try await runner.run(sagaID: saga.id) }
                        guard status == .completed else {
                            Output.error(ProgressPrinter.notCompleted(id: saga.id, status: status, name: droplet))
                            throw ExitCode.failure
                        }
                        let finished = try await session.store.saga(id: saga.id)
                        let id = finished.flatMap(DropletSnapshotSaga.snapshotID(of:)) ?? "?"
                        Output.print("\nSnapshot \(snapshotName) (id \(id)) of droplet \(droplet) taken.")
                    }
                }
            }
        }
    }
}
