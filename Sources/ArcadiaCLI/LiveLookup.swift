import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation
import Logging

/// `show`'s live read: one GET of the resource (a list of its kind when no id is known), from the embedded simulator
/// with --sim, or from DigitalOcean when DIGITALOCEAN_TOKEN is set; otherwise the inventory row as it was.
enum LiveLookup {
    static func fetch(kind: ResourceKind, name: String, knownID: String?, inventory: ResourceView.LiveView?, sim: Bool) async throws -> ResourceView.LiveView? {
        let logger = Logger(label: "arcadia")
        let read: @Sendable (DigitalOceanClient) async throws -> ResourceView.LiveView = { client in
            ResourceView.LiveView(source: "digitalocean", resource: try await resource(kind: kind, named: name, id: knownID, client: client))
        }
        if sim {
            // No world yet: nothing was ever created there, and starting the simulator would write one.
            guard FileManager.default.fileExists(atPath: Session.simulatorWorldPath) else { return ResourceView.LiveView(source: "digitalocean", resource: nil) }
            return try await Session.withEmbeddedSimulator(logger: logger) { client, _ in try await read(client) }
        }
        guard ProcessInfo.processInfo.environment["DIGITALOCEAN_TOKEN"].map({ !$0.isEmpty }) ?? false else { return inventory }
        return try await read(try DigitalOceanClient.fromEnvironment(ProcessInfo.processInfo.environment, logger: logger, onRetry: { Output.standardError($0) }))
    }

    private static func resource(kind: ResourceKind, named name: String, id: String?, client: DigitalOceanClient) async throws -> LiveResource? {
        let module = Kinds.module(for: kind)
        if let id { return try await module.live(id: id, client: client) }
        return try await module.inventory(client).first { $0.name == name }
    }
}
