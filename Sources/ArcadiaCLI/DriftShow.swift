import ArcadiaController
import ArgumentParser
import ArcadiaSpecs
import ArcadiaState
import Foundation

struct DriftShow: AsyncParsableCommand, RunnableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One drift record: the field and where the spec says it, expected and actual, when seen, its cause, and the resource's recent events.",
        discussion: "Read-only: reads the state and the spec files, not DigitalOcean."
    )

    @Argument(help: "The record's id (from `arcadia drift list`).")
    var id: Int

    @OptionGroup var specOptions: SpecOptions
    @OptionGroup var stateOptions: StateOptions

    @Flag(name: .long, help: "Print JSON: the record (as drift list --json), `spec` {file, line, column} and `events`.")
    var json = false

    func execute() async throws {
        let id = id
        let (record, events) = try await runReporting {
            try await Session.withStore(stateOptions) { store -> (DriftRecord?, [EventRecord]) in
                guard let record = try await store.driftRecord(id: id) else { return (nil, []) }
                return (record, try await store.events(EventFilter(kind: record.kind, name: record.name, limit: 10)))
            }
        }
        guard let record else {
            Output.error(DriftNotOpen(id: id, status: nil).description)
            throw ExitCode.failure
        }
        let location = Self.location(of: record, in: specOptions.specs)
        if json {
            Output.print(try Output.json(ShownDrift(record: DriftJSON(record), spec: location, events: events)))
            return
        }
        var lines = [
            "drift \(record.id): \(record.kind)/\(record.name) \(record.field) (\(record.status.rawValue))",
            "  expected  \(record.expected)",
            "  actual    \(record.actual)",
            "  spec      " + (location.map { "\($0)" } ?? "not in the specs under \(specOptions.specs)"),
            "  seen      first \(Store.timestamp(record.detectedAt)), last \(Store.timestamp(record.lastSeenAt))",
            "  cause     " + (record.cause.map { "a \($0.type) action (\($0.actionID))" + ($0.startedAt.map { " started \($0)" } ?? "") + " that no saga of Arcadia's started" }
                ?? "not seen in DigitalOcean's action history"),
        ]
        if let resolved = record.resolvedAt {
            lines.append("  resolved  \(Store.timestamp(resolved))" + (record.resolvedBy.map { " by \($0)" } ?? ""))
        }
        if record.status == .open {
            lines.append("  resolve   `arcadia drift accept \(record.id)` (the spec takes the live value), `arcadia drift revert \(record.id)`, or `arcadia drift ignore \(record.id)`")
        }
        lines.append("Recent events of \(record.kind)/\(record.name):")
        lines += events.isEmpty ? ["  none"] : events.map {
            "  \(Store.timestamp($0.at))  \($0.type)  \($0.detail)" + ($0.actor.map { "  (\($0))" } ?? "")
        }
        Output.print(lines.joined(separator: "\n"))
    }

    /// Where the spec sets the field (or, for a field the spec leaves out, where the resource starts).
    static func location(of record: DriftRecord, in specs: String) -> SourceLocation? {
        guard let resources = try? SpecLoader.load(directory: specs),
              let resource = resources.first(where: { $0.kind.rawValue == record.kind && $0.name == record.name })
        else { return nil }
        return resource.fieldLocations[record.field] ?? resource.source
    }

    private struct ShownDrift: Encodable {
        let record: DriftJSON
        let spec: SourceLocation?
        let events: [EventRecord]

        private enum CodingKeys: String, CodingKey { case spec, events }

        func encode(to encoder: any Encoder) throws {
            try record.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(spec, forKey: .spec)
            try container.encode(events, forKey: .events)
        }
    }
}
