import ArgumentParser
import ArcadiaController
import ArcadiaCore
import ArcadiaSagas
import ArcadiaState
import Foundation

struct DriftAccept: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "accept",
        abstract: "Make the live value the desired one: edit the spec file in place, close the record `accepted`.",
        discussion: """
            Only the field's value changes in the file: comments, key order, quoting, indentation, blank lines and line \
            endings stay as they were; a field the spec left to its default is added. Arcadia's applied record takes the \
            live value too (its spec_version is bumped), so the next plan finds nothing to do for that field. Refused when \
            the live value changed again since the record was made (run `arcadia drift list --refresh`), and for the power \
            state (`status`: revert or ignore it). In a git work tree the diff is printed and a commit suggested; \
            --commit makes it ("arcadia: accept drift KIND/NAME.FIELD"). Reads the droplet once per record.

            Exit status: 0 when every chosen record was accepted, 1 otherwise.
            """
    )

    @OptionGroup var options: DriftFileOptions

    func execute() async throws {
        try await DriftFileEdits.run(options, verb: "accept") { acceptor, record, specs, check in
            try await acceptor.accept(record, specs: specs, beforeWriting: check)
        }
    }
}

struct DriftIgnore: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ignore",
        abstract: "Stop diffing the field: add it to the spec's policy.ignore (edited in place), close the record `ignored`.",
        discussion: "Edits the spec file as `drift accept` does, and prints the diff (or commits it with --commit) in a git work tree."
    )

    @OptionGroup var options: DriftFileOptions

    func execute() async throws {
        try await DriftFileEdits.run(options, verb: "ignore") { acceptor, record, specs, check in
            try await acceptor.ignore(record, specs: specs, beforeWriting: check)
        }
    }
}

/// What `drift accept` and `drift ignore` take.
struct DriftFileOptions: ParsableArguments {
    @OptionGroup var selection: DriftSelection
    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Commit each edited spec file (in a git work tree).")
    var commit = false
}

/// What accept and ignore share: choose the records, edit each spec file, show or commit the edit.
enum DriftFileEdits {
    static func run(
        _ options: DriftFileOptions, verb: String,
        _ edit: @escaping @Sendable (DriftAcceptor, DriftRecord, String, @escaping (String) throws -> Void) async throws -> DriftAcceptor.Edit
    ) async throws {
        Hints.remember(options.connection, specs: options.specOptions)
        let (selection, specs, commit) = (options.selection, options.specOptions.specs, options.commit)
        let failed = try await runReporting {
            try await Session.with(options.connection) { session -> Bool in
                // Under the apply lock: an accept and an ignore (or two accepts) of one record never both
                // edit the file, and no apply runs between reading the record and closing it.
                try await session.store.withApplyLock(
                    holder: "arcadia drift \(verb), pid \(getpid()) on \(WorkerSettings.identity.host)", owner: WorkerSettings.identity.description,
                    tookOver: { Output.standardError("note: \($0)") }
                ) {
                    try await resolve(selection: selection, specs: specs, session: session, commit: commit, verb: verb, edit)
                }
            }
        }
        if failed { throw ExitCode.failure }
    }

    private static func resolve(
        selection: DriftSelection, specs: String, session: Session, commit: Bool, verb: String,
        _ edit: @escaping @Sendable (DriftAcceptor, DriftRecord, String, @escaping (String) throws -> Void) async throws -> DriftAcceptor.Edit
    ) async throws -> Bool {
                let records = try await selection.records(in: session.store)
                if records.isEmpty { Output.print("No open drift to \(verb).") }
                var failed = false
                for record in records {
                    let subject = "\(record.kind)/\(record.name).\(record.field)"
                    do {
                        let done = try await edit(DriftAcceptor(client: session.client, store: session.store), record, specs) { file in
                            // A commit of the accepted value alone: a file with edits of its own is not swept into it.
                            if commit, let tree = GitWorkTree.containing(file), try tree.hasChanges(file) {
                                throw DriftNotAcceptable("\(file) has uncommitted changes of its own; commit or stash them first, or run without --commit")
                            }
                        }
                        Output.print("drift \(record.id) (\(subject)) \(verb == "accept" ? "accepted" : "ignored"): \(done.file) edited.")
                        try show(done, subject: subject, verb: verb, commit: commit)
                    } catch let refusal as DriftNotAcceptable {
                        Output.error("drift \(record.id) (\(subject)) was not \(verb == "accept" ? "accepted" : "ignored"): \(refusal)")
                        failed = true
                    }
                }
                return failed
    }

    private static func show(_ edit: DriftAcceptor.Edit, subject: String, verb: String, commit: Bool) throws {
        guard let tree = GitWorkTree.containing(edit.file) else {
            if commit { Output.standardError("note: \(edit.file) is not in a git work tree; nothing was committed") }
            return
        }
        let message = "arcadia: \(verb) drift \(subject)"
        if commit {
            try tree.commit(edit.file, message: message)
            Output.print("Committed: \(message)")
            return
        }
        let diff = try tree.diff(edit.file)
        if !diff.isEmpty { Output.print(diff.trimmingCharacters(in: .newlines)) }
        Output.print("Commit it: git -C \(tree.directory) commit -m \"\(message)\" -- \((edit.file as NSString).lastPathComponent)")
    }
}
