import Foundation

extension DigitalOceanClient {
    private struct FirewallEnvelope: Decodable { var firewall: Firewall }
    private struct DropletIDs: Encodable { var dropletIds: [Int] }

    /// Every firewall of the account.
    public func listFirewalls() async throws -> [Firewall] {
        try await list("/v2/firewalls", key: "firewalls", as: Firewall.self)
    }

    /// One firewall, by its UUID.
    public func getFirewall(id: String) async throws -> Firewall {
        let path = "/v2/firewalls/\(id)"
        return try decode(FirewallEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").firewall
    }

    /// Creates a firewall. Not idempotent, and DigitalOcean allows two of a name: a caller that may
    /// repeat it looks for one of its name created since it first tried.
    public func createFirewall(_ firewall: Firewall) async throws -> Firewall {
        let data = try await send(.POST, "/v2/firewalls", body: try Self.encoder.encode(firewall))
        return try decode(FirewallEnvelope.self, from: data, request: "POST /v2/firewalls").firewall
    }

    /// Replaces the whole firewall: rules, droplets and tags left out are removed. Idempotent.
    public func updateFirewall(id: String, _ firewall: Firewall) async throws -> Firewall {
        let path = "/v2/firewalls/\(id)"
        let data = try await send(.PUT, path, body: try Self.encoder.encode(firewall))
        return try decode(FirewallEnvelope.self, from: data, request: "PUT \(path)").firewall
    }

    /// Deletes a firewall; one already gone counts as deleted.
    public func deleteFirewall(id: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/firewalls/\(id)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// Adds droplets to a firewall, leaving its other droplets, tags and rules as they are. Adding one
    /// already there changes nothing, so a repeat is safe.
    public func addDropletsToFirewall(id: String, dropletIDs: [Int]) async throws {
        _ = try await send(.POST, "/v2/firewalls/\(id)/droplets", body: try Self.encoder.encode(DropletIDs(dropletIds: dropletIDs)))
    }

    /// Removes droplets from a firewall; removing one that is not there changes nothing.
    public func removeDropletsFromFirewall(id: String, dropletIDs: [Int]) async throws {
        _ = try await send(.DELETE, "/v2/firewalls/\(id)/droplets", body: try Self.encoder.encode(DropletIDs(dropletIds: dropletIDs)))
    }
}
