import Foundation

extension DigitalOceanClient {
    private struct VolumeEnvelope: Decodable { var volume: Volume }
    private struct ActionEnvelope: Decodable { var action: Action }
    private struct ActionsEnvelope: Decodable { var actions: [Action] }
    private struct SnapshotEnvelope: Decodable { var snapshot: Snapshot }
    private struct VolumeSnapshotRequest: Encodable {
        var name: String
        var tags: [String]
    }

    /// Every block-storage volume of the account.
    public func listVolumes() async throws -> [Volume] {
        try await list("/v2/volumes", key: "volumes", as: Volume.self)
    }

    /// The volumes named `name` (DigitalOcean allows one per region), in `region` when it is given.
    public func listVolumes(name: String, region: String? = nil) async throws -> [Volume] {
        let query = [("name", name)] + (region.map { [("region", $0)] } ?? [])
        return try await list("/v2/volumes", key: "volumes", query: query, as: Volume.self)
    }

    /// One volume, by its UUID.
    public func getVolume(id: String) async throws -> Volume {
        let path = "/v2/volumes/\(id)"
        return try decode(VolumeEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").volume
    }

    /// Creates a volume. Not idempotent, but a second volume of the same name in the same region is
    /// refused (409), so a caller that may repeat it can look it up by name afterwards.
    public func createVolume(_ request: VolumeCreateRequest) async throws -> Volume {
        let data = try await send(.POST, "/v2/volumes", body: try Self.encoder.encode(request))
        return try decode(VolumeEnvelope.self, from: data, request: "POST /v2/volumes").volume
    }

    /// Deletes a volume and its data; one already gone counts as deleted. An attached volume is refused (409).
    public func deleteVolume(id: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/volumes/\(id)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// Starts an attach, detach or resize; the volume is busy until the returned action is done.
    public func performVolumeAction(volumeID: String, _ action: VolumeActionRequest) async throws -> Action {
        let path = "/v2/volumes/\(volumeID)/actions"
        let data = try await send(.POST, path, body: try Self.encoder.encode(action))
        return try decode(ActionEnvelope.self, from: data, request: "POST \(path)").action
    }

    /// The volume's newest actions (one page of up to 50, newest first): where a step that may have
    /// posted an attach, detach or resize without hearing back finds it.
    public func recentVolumeActions(volumeID: String) async throws -> [Action] {
        let path = "/v2/volumes/\(volumeID)/actions"
        let data = try await send(.GET, path, query: [("page", "1"), ("per_page", "50")])
        return try decode(ActionsEnvelope.self, from: data, request: "GET \(path)").actions
    }

    /// The snapshots taken of the volume.
    public func listVolumeSnapshots(volumeID: String) async throws -> [Snapshot] {
        try await list("/v2/volumes/\(volumeID)/snapshots", key: "snapshots", as: Snapshot.self)
    }

    /// Snapshots the volume. DigitalOcean answers with the snapshot itself (no action to follow). Not
    /// idempotent: a caller that may repeat it names the snapshot so it can look it up first.
    public func createVolumeSnapshot(volumeID: String, name: String, tags: [String] = []) async throws -> Snapshot {
        let path = "/v2/volumes/\(volumeID)/snapshots"
        let data = try await send(.POST, path, body: try Self.encoder.encode(VolumeSnapshotRequest(name: name, tags: tags)))
        return try decode(SnapshotEnvelope.self, from: data, request: "POST \(path)").snapshot
    }

    /// One of the volume's actions, to follow it until it is `completed` or `errored`.
    public func getVolumeAction(volumeID: String, actionID: Int) async throws -> Action {
        let path = "/v2/volumes/\(volumeID)/actions/\(actionID)"
        return try decode(ActionEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").action
    }
}
