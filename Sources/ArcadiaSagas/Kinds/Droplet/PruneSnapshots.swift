import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// After a resize, deletes Arcadia's older resize snapshots of the droplet beyond `policy.keepSnapshots`,
/// newest kept. Only snapshots named as SnapshotDroplet names them (`<droplet>-arcadia-<8 hex>`), whose
/// tag is one of this state's saga ids, are candidates: an operator's own snapshots are never touched,
/// even one named like Arcadia's. Best effort: the resize is done and
/// recorded by now, so a failure to prune is logged and left for the next resize, never rolled back.
public struct PruneSnapshots: Step {
    public let name = "PruneSnapshots"

    public init() {}

    public func execute(_ context: SagaContext, in environment: StepEnvironment) async throws -> SagaContext {
        let dropletID = try context.requireNumericResourceID(step: name)
        let resourceName = context.input.name
        guard let keep = context.input.desired?.policy.keepSnapshots, keep >= 1 else { return context }
        do {
            // Only snapshots a saga of this state took: the name's tag is one of its sagas' ids.
            let tags = Set(try await environment.store.sagaIDs(resourceKind: ResourceKind.droplet.rawValue, resourceName: resourceName).map {
                String(Ownership.sagaTag(forSagaID: $0).dropFirst(Ownership.sagaTagPrefix.count))
            })
            let ours = try await environment.client.listDropletSnapshots(dropletID: dropletID)
                .filter { Self.isResizeSnapshot($0.name, of: resourceName) && tags.contains(String($0.name.suffix(8)).lowercased()) }
                .sorted { (Self.date($0.createdAt), $0.name) > (Self.date($1.createdAt), $1.name) }
            for snapshot in ours.dropFirst(keep) {
                try await environment.client.deleteSnapshot(id: snapshot.id)
                environment.logger.info("deleted an old resize snapshot", metadata: ["arcadia.snapshot": "\(snapshot.name)"])
            }
        } catch {
            environment.logger.warning(
                "could not prune old resize snapshots; the next resize tries again",
                metadata: ["arcadia.droplet": "\(resourceName)", "arcadia.error": "\(error)"]
            )
        }
        return context
    }

    /// Deleting is not undone; a later step never fails after this one, since it is the last.
    public func compensate(_ context: SagaContext, in environment: StepEnvironment) async throws {}

    static func isResizeSnapshot(_ name: String, of droplet: String) -> Bool {
        let prefix = "\(droplet)-arcadia-"
        guard name.hasPrefix(prefix) else { return false }
        let tag = name.dropFirst(prefix.count)
        return tag.count == 8 && tag.allSatisfy(\.isHexDigit)
    }

    private static func date(_ text: String) -> Date {
        (try? Date(text, strategy: .iso8601)) ?? .distantPast
    }
}
