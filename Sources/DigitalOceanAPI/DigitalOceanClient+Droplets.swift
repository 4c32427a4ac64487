import Foundation

extension DigitalOceanClient {
    private struct DropletEnvelope: Decodable { var droplet: Droplet }
    private struct CreateEnvelope: Decodable {
        struct Links: Decodable {
            struct ActionLink: Decodable { var id: Int }
            var actions: [ActionLink]?
        }
        var droplet: Droplet
        var links: Links?
    }
    private struct ActionEnvelope: Decodable { var action: Action }
    private struct ActionsEnvelope: Decodable { var actions: [Action] }

    /// Every droplet, or those carrying `tagName`.
    public func listDroplets(tagName: String? = nil) async throws -> [Droplet] {
        try await list("/v2/droplets", key: "droplets", query: tagName.map { [("tag_name", $0)] } ?? [], as: Droplet.self)
    }

    public func getDroplet(id: Int) async throws -> Droplet {
        let path = "/v2/droplets/\(id)"
        return try decode(DropletEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").droplet
    }

    /// Creates a droplet. Not idempotent: callers that may repeat it must look for their tag first.
    /// - Returns: the new droplet and the id of its `create` action, when DigitalOcean names one.
    public func createDroplet(_ request: DropletCreateRequest) async throws -> (droplet: Droplet, createActionID: Int?) {
        let body = try Self.encoder.encode(request)
        let data = try await send(.POST, "/v2/droplets", body: body)
        let envelope = try decode(CreateEnvelope.self, from: data, request: "POST /v2/droplets")
        return (envelope.droplet, envelope.links?.actions?.first?.id)
    }

    /// Deletes a droplet. A droplet that is already gone counts as deleted.
    public func deleteDroplet(id: Int) async throws {
        do {
            _ = try await send(.DELETE, "/v2/droplets/\(id)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    public func performDropletAction(dropletID: Int, _ action: DropletActionRequest) async throws -> Action {
        let path = "/v2/droplets/\(dropletID)/actions"
        let data = try await send(.POST, path, body: try Self.encoder.encode(action))
        return try decode(ActionEnvelope.self, from: data, request: "POST \(path)").action
    }

    public func getDropletAction(dropletID: Int, actionID: Int) async throws -> Action {
        let path = "/v2/droplets/\(dropletID)/actions/\(actionID)"
        return try decode(ActionEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").action
    }

    /// The droplet's newest actions (one page of up to 50, newest first).
    public func recentDropletActions(dropletID: Int) async throws -> [Action] {
        let path = "/v2/droplets/\(dropletID)/actions"
        let data = try await send(.GET, path, query: [("page", "1"), ("per_page", "50")])
        return try decode(ActionsEnvelope.self, from: data, request: "GET \(path)").actions
    }

    /// The account's newest actions, of every resource (one page of up to 200, newest first): what
    /// many waiting sagas ask for with one request.
    public func newestActions() async throws -> [Action] {
        try await page("/v2/actions", key: "actions", number: 1, as: Action.self).items
    }

    public func getAction(id: Int) async throws -> Action {
        let path = "/v2/actions/\(id)"
        return try decode(ActionEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").action
    }

    public func listDropletSnapshots(dropletID: Int) async throws -> [Snapshot] {
        try await list("/v2/droplets/\(dropletID)/snapshots", key: "snapshots", as: DropletSnapshot.self).map(\.snapshot)
    }
}

/// `GET /v2/droplets/{id}/snapshots` returns numeric ids and no resource fields; normalise to ``Snapshot``.
private struct DropletSnapshot: Decodable {
    var id: Int
    var name: String
    var createdAt: String
    var regions: [String]
    var minDiskSize: Int
    var sizeGigabytes: Double

    var snapshot: Snapshot {
        Snapshot(
            id: String(id), name: name, createdAt: createdAt, resourceId: "", resourceType: "droplet",
            regions: regions, minDiskSize: minDiskSize, sizeGigabytes: sizeGigabytes
        )
    }
}
