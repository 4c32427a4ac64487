import ArcadiaCore
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// `arcadia snapshot DROPLET`: a snapshot of a droplet Arcadia manages, taken now, as a saga of its own
/// (SnapshotDroplet → RecordSnapshot) that `sagas list`, `sagas resume` and `events` know like any
/// other. It is no spec change: it plans nothing, and resume never supersedes it.
public enum DropletSnapshotSaga {
    /// The saga kind, in the ledger and in crash points.
    public static let kind = "snapshot"

    /// Why a snapshot cannot be taken now, said to the operator.
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// The snapshot's name: `<droplet>-<label>-arcadia-<8 hex of the saga>`, `snapshot` standing for a
    /// missing label. Fixed when the saga is made, so a re-run finds the snapshot by name instead of
    /// taking a second; never `<droplet>-arcadia-<8 hex>`, so `keepSnapshots` (which prunes only resize
    /// snapshots) never deletes one.
    public static func snapshotName(droplet: String, label: String?, sagaTag: String) -> String {
        "\(droplet)-\(label ?? "snapshot")-arcadia-\(sagaTag.dropFirst(Ownership.sagaTagPrefix.count))"
    }

    /// Nil for a usable label, else why not: it becomes part of the snapshot's name.
    public static func labelProblem(_ label: String) -> String? {
        let allowed = label.count <= 64 && !label.isEmpty
            && label.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0)) }
        return allowed ? nil : "--label '\(label)' is not a usable label: use 1 to 64 letters, digits, '.', '_' or '-' (it becomes part of the snapshot's name)"
    }

    /// The saga for a snapshot of the droplet Arcadia applied as `name`, after checking that it may run:
    /// Arcadia has a record of the droplet and no saga on it is unfinished. Call it under the apply
    /// lock, so no apply plans a saga on the droplet between the check and the insert.
    public static func make(
        droplet name: String, label: String?, store: Store, id: String = UUID().uuidString.lowercased()
    ) async throws -> SagaRecord {
        if let label, let problem = labelProblem(label) { throw Refusal(message: problem) }
        let resourceKind = ResourceKind.droplet.rawValue
        let droplets = try await store.provisioned(kind: resourceKind)
        guard let record = droplets.first(where: { $0.name == name }) else {
            let hint = closestMatch(to: name, in: droplets.map(\.name)).map { "; did you mean '\($0)'?" }
                ?? (droplets.isEmpty ? "; it manages no droplet in this state (is --database the state you apply with?)" : "")
            throw Refusal(message: "Arcadia has no record of a droplet '\(name)' in this state, so it has no droplet of that name to snapshot\(hint)")
        }
        if let busy = try await store.unfinishedSagas().first(where: { $0.resourceKind == resourceKind && $0.resourceName == name }) {
            throw Refusal(message: "droplet '\(name)' has an unfinished \(busy.kind) saga (\(busy.id.prefix(8)), \(busy.status.rawValue)); "
                + "`arcadia sagas resume` finishes it, or `arcadia sagas cancel \(busy.id.prefix(8))` undoes it; then snapshot again")
        }
        let sagaTag = Ownership.sagaTag(forSagaID: id)
        let input = SagaInput(
            kind: .droplet, name: name, sagaID: id, sagaTag: sagaTag, resourceID: record.resourceID,
            snapshotName: snapshotName(droplet: name, label: label, sagaTag: sagaTag)
        )
        let steps = [SnapshotDroplet(), RecordSnapshot()] as [any Step]
        return SagaRecord(
            id: id, kind: kind, resourceKind: resourceKind, resourceName: name, context: SagaContext(input).encoded(),
            steps: steps.enumerated().map { SagaStepRecord(position: $0.offset, name: $0.element.name) }
        )
    }

    /// The snapshot's name, as the saga was made with it.
    public static func snapshotName(of saga: SagaRecord) -> String? {
        (try? SagaContext.decode(saga.context))?.input.snapshotName
    }

    /// The snapshot's id, once SnapshotDroplet has found or taken it.
    public static func snapshotID(of saga: SagaRecord) -> String? {
        (try? SagaContext.decode(saga.context))?[.snapshotID]
    }
}
