import Foundation
import NIOHTTP1

extension DigitalOceanClient {
    private struct TagEnvelope: Decodable {
        struct Tag: Decodable { var name: String }
        var tag: Tag
    }

    private struct TagRequest: Encodable { var name: String }

    private struct TagResourcesRequest: Encodable {
        struct Resource: Encodable {
            var resourceId: String
            var resourceType: String
        }

        var resources: [Resource]
    }

    /// Creates a tag, or finds it: idempotent. Returns the canonical spelling, which every later request
    /// naming the tag must use (the first spelling ever created wins; names compare case-insensitively).
    public func createTag(name: String) async throws -> String {
        do {
            let data = try await send(.POST, "/v2/tags", body: try Self.encoder.encode(TagRequest(name: name)))
            return try decode(TagEnvelope.self, from: data, request: "POST /v2/tags").tag.name
        } catch let error as DigitalOceanError where error.isAlreadyExists {
            // DigitalOcean answers an existing name with 201 and the canonical spelling; a refusal that
            // says the tag exists leaves it there all the same, spelled as asked or canonically.
            return name
        }
    }

    /// Tags droplets and volumes with `tag` (its canonical spelling; the tag must exist). Tagging a
    /// resource twice changes nothing.
    public func tagResources(tag: String, droplets: [Int] = [], volumes: [String] = []) async throws {
        try await retag(.POST, tag: tag, droplets: droplets, volumes: volumes)
    }

    /// Takes `tag` off droplets and volumes. A tag that no longer exists is on nothing: that counts as done.
    public func untagResources(tag: String, droplets: [Int] = [], volumes: [String] = []) async throws {
        do {
            try await retag(.DELETE, tag: tag, droplets: droplets, volumes: volumes)
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    private func retag(_ method: HTTPMethod, tag: String, droplets: [Int], volumes: [String]) async throws {
        let resources = droplets.map { TagResourcesRequest.Resource(resourceId: String($0), resourceType: "droplet") }
            + volumes.map { TagResourcesRequest.Resource(resourceId: $0, resourceType: "volume") }
        guard !resources.isEmpty else { return }
        _ = try await send(method, "/v2/tags/\(tag)/resources", body: try Self.encoder.encode(TagResourcesRequest(resources: resources)))
    }
}

extension DigitalOceanError {
    /// A refusal because the thing asked for exists already.
    fileprivate var isAlreadyExists: Bool {
        status == 409 || (status == 422 && message.localizedCaseInsensitiveContains("already exists"))
    }
}
