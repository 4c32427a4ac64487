import ArcadiaController
import ArgumentParser
import ArcadiaSagas
import ArcadiaState
import Foundation

struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "The drift inbox: live values changed outside Arcadia.",
        subcommands: [DriftList.self, DriftShow.self, DriftAccept.self, DriftRevert.self, DriftIgnore.self],
        defaultSubcommand: DriftList.self
    )
}

struct DriftList: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List drift records (open ones unless --all), as the last plan found them; --refresh detects drift first.",
        discussion: "Drift is detected by `plan` (and `apply`), not by listing: the list says when it was last checked. --refresh syncs DigitalOcean's inventory and runs drift detection, as plan does (one list call per 200 droplets), then lists."
    )

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var connection: ConnectionOptions

    @Flag(name: .long, help: "Sync inventory and detect drift before listing (implied by --sim).")
    var refresh = false

    @Flag(name: .long, help: "Include resolved records (accepted, reverted, stale, ignored).")
    var all = false

    @Option(name: .long, help: "Only records with this status: open, accepted, reverted, stale, ignored.")
    var status: DriftRecord.Status?

    @Option(name: .long, help: "Only this kind of resource, e.g. Droplet.")
    var kind: String?

    @Option(name: .long, help: "Only the resource with this name.")
    var name: String?

    @Flag(name: .long, help: "Print JSON: {id, resource_id, resource_name, resource_kind, field, expected, actual, status, detected_at, last_seen_at, resolved_at, resolved_by, cause}.")
    var json = false

    func execute() async throws {
        let desired = (refresh || connection.sim) ? try specOptions.loadOrExit() : nil
        let refresh = refresh || connection.sim
        let filter = DriftFilter(status: status ?? (all ? nil : .open), kind: kind, name: name)
        let (records, checked) = try await runReporting {
            if refresh, let desired {
                return try await Session.with(connection) { session in
                    _ = try await Reconciler(client: session.client, store: session.store).plan(desired: desired)
                    return (try await session.store.drift(filter), try await session.store.lastDriftCheck())
                }
            }
            return try await Session.withStore(connection.state) { store in
                (try await store.drift(filter), try await store.lastDriftCheck())
            }
        }
        let hint = Self.hint(checked: checked, refreshed: refresh)
        if json {
            Output.print(try Output.json(records.map(DriftJSON.init)))
            Output.standardError("note: \(hint)")
            return
        }
        defer { Output.print(hint) }
        guard !records.isEmpty else {
            Output.print(filter.status.map { "No \($0 == .open ? "open drift" : "drift records \($0.rawValue)")." } ?? "No drift recorded.")
            return
        }
        Output.print(Table.render(
            header: ["ID", "STATUS", "KIND", "NAME", "FIELD", "EXPECTED", "ACTUAL", "DETECTED", "CAUSE"],
            rows: records.map {
                [String($0.id), $0.status.rawValue, $0.kind, $0.name, $0.field, $0.expected, $0.actual, Store.timestamp($0.detectedAt),
                 $0.cause.map { "\($0.type) action \($0.actionID)" } ?? "-"]
            }
        ))
    }

    /// How old the list is: drift is found by plan (and apply, and --refresh), not by listing.
    static func hint(checked: Date?, refreshed: Bool) -> String {
        guard let checked else {
            return "Drift has never been checked in this state: run `arcadia plan`, or `arcadia drift list --refresh`."
        }
        if refreshed { return "Checked just now (\(Store.timestamp(checked)))." }
        return "Last checked by a plan at \(Store.timestamp(checked)); `arcadia drift list --refresh` syncs inventory and checks again."
    }
}

extension DriftRecord.Status: ExpressibleByArgument {}
