import ArgumentParser
import ArcadiaState
import Foundation

struct EventsCommand: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "The resources' event log: drift detected and resolved, sagas started and ended, resources created and destroyed.",
        discussion: """
            Types: drift_detected, drift_accepted, drift_reverted, drift_ignored, drift_stale, saga_started, saga_completed, \
            saga_rolled_back, saga_failed, saga_cancelled, saga_superseded, saga_step_completed, resource_created, \
            resource_destroyed, snapshot_created (by `arcadia snapshot`, naming the snapshot and its id). Each names its actor ($USER@host for the CLI). Read-only.
            """
    )

    @OptionGroup var stateOptions: StateOptions

    @Option(name: .long, help: "Only this kind of resource, e.g. Droplet.")
    var kind: String?

    @Option(name: .long, help: "Only the resource with this name.")
    var name: String?

    @Option(name: .long, help: ArgumentHelp("Only events this recent: a number and a unit, e.g. 30m, 12h, 7d.", valueName: "DURATION"))
    var since: String?

    @Flag(name: .long, help: "Print JSON: [{id, at, kind, name, type, sagaID, detail, actor}].")
    var json = false

    func validate() throws {
        if let since, Self.seconds(since) == nil {
            throw ValidationError("--since \(since) is not a duration; give a number and a unit: s, m, h or d (e.g. 30m, 12h, 7d)")
        }
    }

    func execute() async throws {
        let filter = EventFilter(kind: kind, name: name, since: since.flatMap(Self.seconds).map { Date().addingTimeInterval(-$0) })
        let events = try await runReporting {
            try await Session.withStore(stateOptions) { store in try await store.events(filter) }
        }
        if json {
            Output.print(try Output.json(events))
            return
        }
        guard !events.isEmpty else {
            Output.print("No events" + (since.map { " in the last \($0)" } ?? "") + ".")
            return
        }
        Output.print(Table.render(
            header: ["AT", "RESOURCE", "TYPE", "ACTOR", "DETAIL"],
            rows: events.map { [Store.timestamp($0.at), "\($0.kind)/\($0.name)", $0.type, $0.actor ?? "-", $0.detail] }
        ))
    }

    /// `90s`, `30m`, `12h`, `7d` in seconds (decimal digits only; at most a century, which is "all").
    static func seconds(_ text: String) -> Double? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        let digits = text.dropLast()
        guard let unit = text.last.flatMap({ units[$0] }), !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
              let value = Double(digits) else { return nil }
        return min(value * unit, 100 * 365 * 86_400)
    }
}
