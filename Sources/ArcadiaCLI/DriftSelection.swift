import ArgumentParser
import ArcadiaState

/// Which open drift records `drift accept|revert|ignore` act on: ids, or `--all` with filters.
struct DriftSelection: ParsableArguments {
    @Argument(help: "Drift record ids (from `arcadia drift list`).")
    var ids: [Int] = []

    @Flag(name: .long, help: "Every open record (narrowed by --kind and --name).")
    var all = false

    @Option(name: .long, help: "With --all: only this kind, e.g. Droplet.")
    var kind: String?

    @Option(name: .long, help: "With --all: only the resource with this name.")
    var name: String?

    func validate() throws {
        if ids.isEmpty && !all { throw ValidationError("name the drift records (ids from `arcadia drift list`), or give --all") }
        if !ids.isEmpty && all { throw ValidationError("give drift ids or --all, not both") }
        if !all && (kind != nil || name != nil) { throw ValidationError("--kind and --name narrow --all; with ids, the ids say which records") }
    }

    /// The chosen records; every id must name an open record (else ``DriftNotOpen``), and --all that
    /// finds none is an empty list.
    func records(in store: Store) async throws -> [DriftRecord] {
        if all { return try await store.drift(DriftFilter(status: .open, kind: kind, name: name)) }
        var records: [DriftRecord] = []
        for id in ids {
            guard let record = try await store.driftRecord(id: id) else { throw DriftNotOpen(id: id, status: nil) }
            guard record.status == .open else { throw DriftNotOpen(id: id, status: record.status) }
            records.append(record)
        }
        return records
    }
}
