import Foundation
import Hummingbird

/// The `/v2` routes, named with the OpenAPI document's path templates so stats use the same names.
struct SimulatorRoutes {
    let world: World
    let stats: SimulatorStats

    func register(on router: Router<BasicRequestContext>) {
        router.get("/v2/account") { _, _ in JSONResponse.make(status: 200, ["account": Render.account()]) }
        router.get("/v2/regions") { request, _ in
            try Pagination.page(Catalogue.regions, key: "regions", request: request) { Render.region($0.slug) }
        }
        router.get("/v2/sizes") { request, _ in
            try Pagination.page(Catalogue.sizes, key: "sizes", request: request, render: Render.size)
        }
        router.get("/v2/images") { request, _ in
            let type = request.uri.queryParameters.get("type")
            let images = (type == nil || type == "distribution") ? Catalogue.images : []
            return try Pagination.page(images, key: "images", request: request, render: Render.image)
        }
        registerDroplets(on: router)
        registerActions(on: router)
        registerSnapshots(on: router)
        registerAdmin(on: router)
    }

    private func registerDroplets(on router: Router<BasicRequestContext>) {
        router.get("/v2/droplets") { request, _ in
            let query = request.uri.queryParameters
            let droplets = await world.droplets(tagName: query.get("tag_name"), name: query.get("name"))
            let locked = await world.lockedDropletIDs()
            return try Pagination.page(droplets, key: "droplets", request: request) { Render.droplet($0, locked: locked.contains($0.id)) }
        }
        router.post("/v2/droplets") { request, _ in
            let body = try await JSONBody.read(request)
            let (droplet, action) = try await world.createDroplet(try DropletCreateBody.parse(body))
            let link = CreatedDroplet.ActionLink(id: action.id, rel: "create", href: "\(Pagination.origin(of: request))/v2/actions/\(action.id)")
            return JSONResponse.encode(status: 202, CreatedDroplet(droplet: Render.droplet(droplet, locked: false), links: .init(actions: [link])))
        }
        router.get("/v2/droplets/{droplet_id}") { request, context in
            let id = try context.parameters.require("droplet_id", as: Int.self)
            let droplet = try await world.droplet(id: id)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "droplet", value: Render.droplet(droplet, locked: await world.isLocked(id))))
        }
        router.delete("/v2/droplets/{droplet_id}") { _, context in
            try await world.deleteDroplet(id: try context.parameters.require("droplet_id", as: Int.self))
            return JSONResponse.noContent()
        }
        router.get("/v2/droplets/{droplet_id}/snapshots") { request, context in
            let id = try context.parameters.require("droplet_id", as: Int.self)
            _ = try await world.droplet(id: id)
            let snapshots = await world.snapshots(dropletID: id)
            return try Pagination.page(snapshots, key: "snapshots", request: request, render: Render.dropletSnapshot)
        }
    }

    private func registerActions(on router: Router<BasicRequestContext>) {
        router.post("/v2/droplets/{droplet_id}/actions") { request, context in
            let id = try context.parameters.require("droplet_id", as: Int.self)
            let body = try await JSONBody.read(request)
            guard let type = body["type"] as? String else { throw SimulatorError.unprocessable("Action type is required.") }
            let action = try await world.performAction(
                dropletID: id, type: type, size: body["size"] as? String,
                resizeDisk: body["disk"] as? Bool ?? false, name: body["name"] as? String
            )
            return JSONResponse.encode(status: 201, Bodies.Single(key: "action", value: Render.action(action)))
        }
        router.get("/v2/droplets/{droplet_id}/actions/{action_id}") { _, context in
            let dropletID = try context.parameters.require("droplet_id", as: Int.self)
            let actionID = try context.parameters.require("action_id", as: Int.self)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(try await world.action(id: actionID, dropletID: dropletID))))
        }
        router.get("/v2/actions") { request, _ in
            try Pagination.page(await world.allActions(), key: "actions", request: request, render: Render.action)
        }
        router.get("/v2/actions/{action_id}") { _, context in
            let id = try context.parameters.require("action_id", as: Int.self)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(try await world.action(id: id))))
        }
    }

    private func registerSnapshots(on router: Router<BasicRequestContext>) {
        router.get("/v2/snapshots") { request, _ in
            let type = request.uri.queryParameters.get("resource_type")
            let snapshots = (type == nil || type == "droplet") ? await world.snapshots() : []
            return try Pagination.page(snapshots, key: "snapshots", request: request, render: Render.snapshot)
        }
        router.get("/v2/snapshots/{snapshot_id}") { _, context in
            let id = try context.parameters.require("snapshot_id", as: Int.self)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "snapshot", value: Render.snapshot(try await world.snapshot(id: id))))
        }
        router.delete("/v2/snapshots/{snapshot_id}") { _, context in
            try await world.deleteSnapshot(id: try context.parameters.require("snapshot_id", as: Int.self))
            return JSONResponse.noContent()
        }
    }

    /// `/_sim/*`: test and benchmark hooks, outside the DigitalOcean namespace.
    private func registerAdmin(on router: Router<BasicRequestContext>) {
        router.get("/_sim/stats") { _, _ in JSONResponse.make(status: 200, stats.snapshot()) }
        router.post("/_sim/seed") { request, _ in
            let body = try await JSONBody.read(request)
            guard let count = body["droplets"] as? Int, (1...100_000).contains(count) else {
                throw SimulatorError.badRequest(#"Expected {"droplets": N, "prefix": "seed", "tags": []} with 1 ≤ N ≤ 100000."#)
            }
            let created = await world.seedDroplets(
                count: count, prefix: body["prefix"] as? String ?? "seed", tags: body["tags"] as? [String] ?? []
            )
            return JSONResponse.make(status: 201, ["created": created])
        }
        router.post("/_sim/faults") { request, _ in
            let body = try await JSONBody.read(request)
            guard let failure = body["fail_next_action"] as? [String: Any], let type = failure["type"] as? String else {
                throw SimulatorError.badRequest(#"Expected {"fail_next_action": {"type": "resize", "count": 1}}."#)
            }
            await world.failNextActions(type: type, count: failure["count"] as? Int ?? 1)
            return JSONResponse.make(status: 200, ["fail_next_action": ["type": type, "count": failure["count"] as? Int ?? 1]])
        }
    }
}

/// `POST /v2/droplets`'s answer: the droplet and a link to its create action.
struct CreatedDroplet: Encodable {
    struct ActionLink: Encodable {
        var id: Int
        var rel: String
        var href: String
    }

    struct Links: Encodable {
        var actions: [ActionLink]
    }

    var droplet: Bodies.Droplet
    var links: Links
}

enum JSONBody {
    static func read(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: 1024 * 1024)
        guard buffer.readableBytes > 0 else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any] else {
            throw SimulatorError.badRequest("The request body is not a JSON object.")
        }
        return object
    }
}

enum DropletCreateBody {
    static func parse(_ body: [String: Any]) throws -> World.CreateRequest {
        guard let name = body["name"] as? String else {
            throw SimulatorError.unprocessable("Name is required; to create several Droplets, use 'names'.")
        }
        guard let size = body["size"] as? String else { throw SimulatorError.unprocessable("Size is required.") }
        let image = (body["image"] as? String) ?? (body["image"] as? Int).map(String.init)
        guard let image else { throw SimulatorError.unprocessable("Image is required.") }
        return World.CreateRequest(
            name: name, region: body["region"] as? String ?? "nyc3", size: size, image: image,
            tags: body["tags"] as? [String] ?? [], backups: body["backups"] as? Bool ?? false,
            ipv6: body["ipv6"] as? Bool ?? false, monitoring: body["monitoring"] as? Bool ?? false,
            vpcUUID: body["vpc_uuid"] as? String
        )
    }
}
