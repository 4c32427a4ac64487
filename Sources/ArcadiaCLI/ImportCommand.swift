import ArgumentParser
import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import Foundation
import Synchronization

struct ImportCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring live resources under management: write a spec file for each, record it applied, tag it managed-by-arcadia.",
        discussion: """
            Lists the live resources of --kind (every kind without it) and takes those this state does not manage: one \
            with --name (its DigitalOcean name, or a reserved IP's address), or every one with --all. For each it writes \
            one spec file into --out (default the specs folder) with every field set, references by spec name (a volume's \
            attachTo, a reserved IP's droplet, a firewall's droplets), and a header saying where it came from; then tags \
            droplets and volumes managed-by-arcadia and records every resource as applied, so `arcadia plan` right after \
            finds nothing to do.

            Refused, before anything is written: a droplet or volume carrying managed-by-arcadia that this state has no \
            record of (another Arcadia state manages it; with --all it is left out and named), a name that clashes with \
            an existing spec, record or file, a reference to a droplet neither managed here nor imported, and a firewall \
            rule naming droplets by id. A reserved IP has no name at DigitalOcean: its spec is named ip-A-B-C-D. SOA and NS \
            records are DigitalOcean's own and are left out of a Domain spec; an A record at the address of a droplet or \
            reserved IP managed here or imported with it names that spec (droplet: or reservedIP:), so it follows a \
            replacement; other record data stays literal. \
            --dry-run prints the files and changes nothing.

            Exit status: 0 when everything chosen was imported (or printed), 1 otherwise.
            """
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Option(name: .long, help: ArgumentHelp("Import only resources of this kind.", valueName: "KIND"))
    var kind: String?

    @Option(name: .long, help: "Import the one resource of this DigitalOcean name (a reserved IP: its address).")
    var name: String?

    @Flag(name: .long, help: "Import every unmanaged resource (of --kind, or of every kind).")
    var all = false

    @Option(name: .long, help: "Write the spec files here (default: the --specs folder).")
    var out: String?

    @Flag(name: .long, help: "Print the spec files; write, tag and record nothing.")
    var dryRun = false

    func validate() throws {
        if (name == nil) == !all { throw ValidationError("give --name NAME for one resource, or --all") }
        if let kind, ResourceKind(rawValue: kind) == nil {
            throw ValidationError("unknown kind '\(kind)'; use one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
    }

    func execute() async throws {
        Hints.remember(connection, specs: specOptions)
        let kinds = kind.flatMap(ResourceKind.init(rawValue:)).map { [$0] } ?? ResourceKind.allCases
        let request = Importer.Request(kinds: kinds, name: name, specsFolder: specOptions.specs, outFolder: out ?? specOptions.specs)
        let (dryRun, outFolder) = (dryRun, request.outFolder)
        let counter = RequestCounter()
        do {
            let files = try await Session.with(connection, onResponse: { _ in counter.add() }) { session -> Int in
                let importer = Importer(client: session.client, store: session.store)
                if dryRun {
                    let preparation = try await importer.prepare(request)
                    preparation.notes.forEach { Output.standardError("note: \($0)") }
                    for file in preparation.files { Output.print("--- \(file.path)\n\(file.text)") }
                    return preparation.files.count
                }
                // Under the apply lock: no apply plans or destroys between the checks and the records.
                return try await session.store.withApplyLock(
                    holder: "arcadia import, pid \(getpid()) on \(WorkerSettings.identity.host)", owner: WorkerSettings.identity.description,
                    tookOver: { Output.standardError("note: \($0)") }
                ) {
                    let preparation = try await importer.prepare(request)
                    preparation.notes.forEach { Output.standardError("note: \($0)") }
                    try await importer.commit(preparation, outFolder: outFolder)
                    for file in preparation.files { Output.print("imported \(file.resource.key) (\(file.resource.kind.noun) \(file.resourceID)) to \(file.path)") }
                    return preparation.files.count
                }
            }
            let spent = "\(counter.total) DigitalOcean request\(counter.total == 1 ? "" : "s")"
            if dryRun {
                Output.print("Dry run: \(files) spec file\(files == 1 ? "" : "s") printed; nothing written or recorded (\(spent)).")
            } else {
                Output.print("Imported \(files) resource\(files == 1 ? "" : "s") into \(outFolder) (\(spent)). Check with: \(Hints.command("plan", takesSpecs: true))")
            }
        } catch let refused as Importer.Refused {
            refused.problems.forEach { Output.error($0) }
            Output.error("nothing was imported")
            throw ExitCode.failure
        } catch let exit as ExitCode {
            throw exit
        } catch {
            Output.error("\(error)")
            throw ExitCode.failure
        }
    }
}

/// Counts DigitalOcean's answers, for the request total an import reports.
final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)
    func add() { count.add(1, ordering: .relaxed) }
    var total: Int { count.load(ordering: .relaxed) }
}
