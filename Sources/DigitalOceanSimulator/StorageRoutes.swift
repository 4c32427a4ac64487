import Foundation
import Hummingbird

/// Volumes and their actions and snapshots; `/v2/snapshots`; `/v2/images`.
struct StorageRoutes {
    let world: World

    func register(on book: RouteBook) {
        registerVolumes(on: book)
        registerSnapshots(on: book)
        registerImages(on: book)
    }

    private func registerVolumes(on book: RouteBook) {
        book.get("/v2/volumes") { request, _ in
            let query = request.uri.queryParameters
            let volumes = await world.volumes(name: query.get("name"), region: query.get("region"))
            return try Pagination.page(volumes, key: "volumes", request: request, object: Render.volume)
        }
        book.post("/v2/volumes") { request, _ in
            let body = try await JSONBody.decode(VolumeBody.self, from: request)
            guard let name = body.name else { throw SimulatorError.badRequest("name is required.") }
            let volume = try await world.createVolume(World.VolumeRequest(
                name: name, region: body.region, sizeGigabytes: body.sizeGigabytes, snapshotID: body.snapshotId,
                description: body.description ?? "", tags: body.tags ?? [], filesystemType: body.filesystemType ?? "",
                filesystemLabel: body.filesystemLabel ?? ""
            ))
            return JSONResponse.make(status: 201, ["volume": Render.volume(volume)])
        }
        book.delete("/v2/volumes") { request, _ in
            let query = request.uri.queryParameters
            guard let name = query.get("name"), let region = query.get("region") else {
                throw SimulatorError.badRequest("name and region are required to delete a volume by name.")
            }
            try await world.deleteVolume(id: try await world.volume(name: name, region: region).id)
            return JSONResponse.noContent()
        }
        book.get("/v2/volumes/{volume_id}") { _, context in
            JSONResponse.make(status: 200, ["volume": Render.volume(try await world.volume(id: try context.parameters.string("volume_id")))])
        }
        book.delete("/v2/volumes/{volume_id}") { _, context in
            try await world.deleteVolume(id: try context.parameters.string("volume_id"))
            return JSONResponse.noContent()
        }
        book.post("/v2/volumes/{volume_id}/actions") { request, context in
            let body = try await JSONBody.decode(VolumeActionBody.self, from: request)
            let action = try await world.performVolumeAction(
                volumeID: try context.parameters.string("volume_id"), type: body.type, dropletID: body.dropletId, sizeGigabytes: body.sizeGigabytes
            )
            return JSONResponse.encode(status: 202, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.post("/v2/volumes/actions") { request, _ in
            let body = try await JSONBody.decode(VolumeActionBody.self, from: request)
            guard let name = body.volumeName, let region = body.region else {
                throw SimulatorError.badRequest("volume_name and region are required to act on a volume by name.")
            }
            guard body.type != "resize" else { throw SimulatorError.unprocessable("Resize a volume by its id.") }
            let volume = try await world.volume(name: name, region: region)
            let action = try await world.performVolumeAction(volumeID: volume.id, type: body.type, dropletID: body.dropletId, sizeGigabytes: nil)
            return JSONResponse.encode(status: 202, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.get("/v2/volumes/{volume_id}/actions") { request, context in
            let id = try context.parameters.string("volume_id")
            _ = try await world.volume(id: id)
            return try Pagination.page(await world.actions(resourceType: "volume", key: id), key: "actions", request: request, render: Render.action)
        }
        book.get("/v2/volumes/{volume_id}/actions/{action_id}") { _, context in
            let action = try await world.action(
                id: try context.parameters.int("action_id"), resourceType: "volume", key: try context.parameters.string("volume_id")
            )
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.get("/v2/volumes/{volume_id}/snapshots") { request, context in
            let id = try context.parameters.string("volume_id")
            _ = try await world.volume(id: id)
            return try Pagination.page(await world.volumeSnapshots(volumeID: id), key: "snapshots", request: request, object: Render.volumeSnapshot)
        }
        book.post("/v2/volumes/{volume_id}/snapshots") { request, context in
            let body = try await JSONBody.decode(VolumeSnapshotBody.self, from: request)
            guard let name = body.name else { throw SimulatorError.badRequest("name is required.") }
            let snapshot = try await world.createVolumeSnapshot(volumeID: try context.parameters.string("volume_id"), name: name, tags: body.tags ?? [])
            return JSONResponse.make(status: 201, ["snapshot": Render.volumeSnapshot(snapshot)])
        }
        book.get("/v2/volumes/snapshots/{snapshot_id}") { _, context in
            let snapshot = try await world.volumeSnapshot(id: try context.parameters.string("snapshot_id"))
            return JSONResponse.make(status: 200, ["snapshot": Render.volumeSnapshot(snapshot)])
        }
        book.delete("/v2/volumes/snapshots/{snapshot_id}") { _, context in
            try await world.deleteVolumeSnapshot(id: try context.parameters.string("snapshot_id"))
            return JSONResponse.noContent()
        }
    }

    /// Droplet snapshots have numeric ids and volume snapshots UUIDs; both are strings here.
    private func registerSnapshots(on book: RouteBook) {
        book.get("/v2/snapshots") { request, _ in
            let type = request.uri.queryParameters.get("resource_type")
            var all: [[String: Any]] = []
            if type == nil || type == "droplet" {
                all += await world.snapshots().map { snapshot in Self.object(Render.snapshot(snapshot)) }
            }
            if type == nil || type == "volume" {
                all += await world.volumeSnapshots().map(Render.volumeSnapshot)
            }
            return try Pagination.page(all, key: "snapshots", request: request) { $0 }
        }
        book.get("/v2/snapshots/{snapshot_id}") { _, context in
            let id = try context.parameters.string("snapshot_id")
            if let number = Int(id) {
                return JSONResponse.encode(status: 200, Bodies.Single(key: "snapshot", value: Render.snapshot(try await world.snapshot(id: number))))
            }
            return JSONResponse.make(status: 200, ["snapshot": Render.volumeSnapshot(try await world.volumeSnapshot(id: id))])
        }
        book.delete("/v2/snapshots/{snapshot_id}") { _, context in
            let id = try context.parameters.string("snapshot_id")
            if let number = Int(id) {
                _ = try await world.snapshot(id: number)
                try await world.deleteImage(id: number)
            } else {
                try await world.deleteVolumeSnapshot(id: id)
            }
            return JSONResponse.noContent()
        }
    }

    /// Distributions from the catalogue and the account's snapshots and backups.
    private func registerImages(on book: RouteBook) {
        book.get("/v2/images") { request, _ in
            let query = request.uri.queryParameters
            let type = query.get("type")
            let privateOnly = query.get("private") == "true"
            var images: [Bodies.Image] = []
            if !privateOnly, type == nil || type == "distribution" {
                images += Catalogue.images.map(Render.image)
            }
            if type == nil || type == "snapshot" || type == "backup" || privateOnly {
                images += await world.accountImageBodies().filter { image in type.map { $0 == image.type } ?? true }
            }
            if let tag = query.get("tag") { images = images.filter { $0.tags.contains(tag) } }
            return try Pagination.page(images, key: "images", request: request) { $0 }
        }
        book.get("/v2/images/{image_id}") { _, context in
            let reference = try context.parameters.string("image_id")
            if let entry = Catalogue.image(reference) ?? Catalogue.images.first(where: { String($0.id) == reference }) {
                return JSONResponse.encode(status: 200, Bodies.Single(key: "image", value: Render.image(entry)))
            }
            guard let id = Int(reference) else { throw SimulatorError.notFound() }
            return JSONResponse.encode(status: 200, Bodies.Single(key: "image", value: try await world.accountImageBody(id: id)))
        }
        book.put("/v2/images/{image_id}") { request, context in
            let body = try await JSONBody.decode(ImageUpdateBody.self, from: request)
            let id = try context.parameters.int("image_id")
            _ = try await world.updateImage(id: id, name: body.name, description: body.description)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "image", value: try await world.accountImageBody(id: id)))
        }
        book.delete("/v2/images/{image_id}") { _, context in
            try await world.deleteImage(id: try context.parameters.int("image_id"))
            return JSONResponse.noContent()
        }
    }

    private static func object(_ value: some Encodable) -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        guard let data = try? encoder.encode(value), let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return [:] }
        return object
    }
}

extension World {
    func accountImageBodies() -> [Bodies.Image] {
        accountImages().map { Render.accountImage($0, distribution: distribution(of: $0)) }
    }

    func accountImageBody(id: Int) throws -> Bodies.Image {
        let image = try accountImage(id: id)
        return Render.accountImage(image, distribution: distribution(of: image))
    }
}

struct VolumeBody: Decodable {
    var name: String?
    var region: String?
    var sizeGigabytes: Int?
    var snapshotId: String?
    var description: String?
    var tags: [String]?
    var filesystemType: String?
    var filesystemLabel: String?
}

struct VolumeActionBody: Decodable {
    var type: String
    var dropletId: Int?
    var sizeGigabytes: Int?
    var volumeName: String?
    var region: String?
}

struct VolumeSnapshotBody: Decodable {
    var name: String?
    var tags: [String]?
}

struct ImageUpdateBody: Decodable {
    var name: String?
    var description: String?
}
