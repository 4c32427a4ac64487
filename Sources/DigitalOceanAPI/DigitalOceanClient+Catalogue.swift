import Foundation

extension DigitalOceanClient {
    private struct AccountEnvelope: Decodable { var account: Account }

    /// Snapshots of the account; `resourceType` is `droplet` or `volume`.
    public func listSnapshots(resourceType: String? = nil) async throws -> [Snapshot] {
        try await list("/v2/snapshots", key: "snapshots", query: resourceType.map { [("resource_type", $0)] } ?? [], as: Snapshot.self)
    }

    /// Deletes a snapshot; one already gone counts as deleted.
    public func deleteSnapshot(id: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/snapshots/\(id)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    public func listSizes() async throws -> [Size] {
        try await list("/v2/sizes", key: "sizes", as: Size.self)
    }

    public func listRegions() async throws -> [Region] {
        try await list("/v2/regions", key: "regions", as: Region.self)
    }

    /// Images; `type` is `distribution` or `application`, or nil for all.
    public func listImages(type: String? = nil) async throws -> [Image] {
        try await list("/v2/images", key: "images", query: type.map { [("type", $0)] } ?? [], as: Image.self)
    }

    public func getAccount() async throws -> Account {
        try decode(AccountEnvelope.self, from: try await send(.GET, "/v2/account"), request: "GET /v2/account").account
    }
}
