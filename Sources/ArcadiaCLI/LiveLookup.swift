import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation
import Logging

/// `show`'s live read: one GET of the droplet (a list by name when no id is known), from the embedded simulator
/// with --sim, or from DigitalOcean when DIGITALOCEAN_TOKEN is set; otherwise the inventory row as it was.
enum LiveLookup {
    static func fetch(kind: ResourceKind, name: String, knownID: String?, inventory: ResourceView.LiveView?, sim: Bool) async throws -> ResourceView.LiveView? {
        let logger = Logger(label: "arcadia")
        let read: @Sendable (DigitalOceanClient) async throws -> ResourceView.LiveView = { client in
            ResourceView.LiveView(source: "digitalocean", droplet: try await droplet(named: name, id: knownID, client: client))
        }
        if sim {
            // No world yet: nothing was ever created there, and starting the simulator would write one.
            guard FileManager.default.fileExists(atPath: Session.simulatorWorldPath) else { return ResourceView.LiveView(source: "digitalocean", droplet: nil) }
            return try await Session.withEmbeddedSimulator(logger: logger) { client, _ in try await read(client) }
        }
        guard ProcessInfo.processInfo.environment["DIGITALOCEAN_TOKEN"].map({ !$0.isEmpty }) ?? false else { return inventory }
        return try await read(try DigitalOceanClient.fromEnvironment(ProcessInfo.processInfo.environment, logger: logger, onRetry: { Output.standardError($0) }))
    }

    private static func droplet(named name: String, id: String?, client: DigitalOceanClient) async throws -> LiveDroplet? {
        if let id = id.flatMap(Int.init) {
            do {
                return InventorySync.normalise(try await client.getDroplet(id: id))
            } catch let error as DigitalOceanError where error.isNotFound {
                return nil
            }
        }
        return try await client.listDroplets().first { $0.name == name }.map(InventorySync.normalise)
    }
}
