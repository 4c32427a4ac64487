/// Closes a standalone snapshot saga: a `snapshot_created` event naming the snapshot and its id, so
/// `arcadia events` says where the snapshot is. Written once per saga, however often the step runs.
public struct RecordSnapshot: Step {
    public let name = "RecordSnapshot"
    static let eventType = "snapshot_created"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let input = context.input
        let snapshotID = try context.require(.snapshotID, step: name)
        try await environment.store.appendSagaEventOnce(
            kind: input.kind.rawValue, name: input.name, type: Self.eventType, sagaID: input.sagaID,
            detail: "snapshot \(input.snapshotName ?? "?") (id \(snapshotID)) of droplet \(context.resourceID ?? "?")"
        )
        return context
    }

    /// The event log is history: an undone snapshot leaves its event, and SnapshotDroplet's
    /// compensation deletes the snapshot.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {}
}
