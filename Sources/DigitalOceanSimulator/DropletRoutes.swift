import Foundation
import Hummingbird

/// `/v2/droplets` and its actions.
struct DropletRoutes {
    let world: World

    func register(on book: RouteBook) {
        book.get("/v2/droplets") { request, _ in
            let query = request.uri.queryParameters
            let paging = try Pagination.Paging(request)
            let listed = await world.dropletPage(tagName: query.get("tag_name"), name: query.get("name"), paging: paging)
            let bodies = world.dropletJSON.json(for: listed.droplets.map(listed.view.appearance)).map { [$0.own, $0.catalogue] }
            return Pagination.page(json: bodies, key: "droplets", paging: paging, total: listed.total, request: request)
        }
        book.post("/v2/droplets") { request, _ in
            let body = try await JSONBody.read(request)
            let created = try await world.createDroplets(try DropletCreateBody.parse(body))
            let view = await world.dropletView()
            let links = created.map { _, action in
                Bodies.Link(id: action.id, rel: "create", href: "\(Pagination.origin(of: request))/v2/actions/\(action.id)")
            }
            if body["names"] != nil {
                return JSONResponse.encode(status: 202, CreatedDroplets(droplets: created.map { view.render($0.0) }, links: .init(actions: links)))
            }
            return JSONResponse.encode(status: 202, CreatedDroplet(droplet: view.render(created[0].0), links: .init(actions: links)))
        }
        book.delete("/v2/droplets") { request, _ in
            guard let tag = request.uri.queryParameters.get("tag_name") else {
                throw SimulatorError.badRequest("tag_name is required to delete Droplets by tag.")
            }
            try await world.deleteDroplets(tagName: tag)
            return JSONResponse.noContent()
        }
        book.get("/v2/droplets/{droplet_id}") { _, context in
            let droplet = try await world.droplet(id: try context.parameters.int("droplet_id"), fresh: true)
            return JSONResponse.encode(status: 200, Bodies.Single(key: "droplet", value: await world.dropletView().render(droplet)))
        }
        book.delete("/v2/droplets/{droplet_id}") { _, context in
            try await world.deleteDroplet(id: try context.parameters.int("droplet_id"))
            return JSONResponse.noContent()
        }
        book.get("/v2/droplets/{droplet_id}/snapshots") { request, context in
            let id = try context.parameters.int("droplet_id")
            _ = try await world.droplet(id: id)
            return try Pagination.page(await world.snapshots(dropletID: id), key: "snapshots", request: request, render: Render.dropletSnapshot)
        }
        book.get("/v2/droplets/{droplet_id}/backups") { request, context in
            let backups = try await world.backups(dropletID: try context.parameters.int("droplet_id"))
            return try Pagination.page(backups, key: "backups", request: request, render: Render.dropletSnapshot)
        }
        registerActions(on: book)
    }

    private func registerActions(on book: RouteBook) {
        book.post("/v2/droplets/{droplet_id}/actions") { request, context in
            let id = try context.parameters.int("droplet_id")
            let action = try await world.performAction(dropletID: id, try DropletActionBody.parse(try await JSONBody.read(request)))
            return JSONResponse.encode(status: 201, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.get("/v2/droplets/{droplet_id}/actions") { request, context in
            let id = try context.parameters.int("droplet_id")
            _ = try await world.droplet(id: id)
            let actions = await world.actions(resourceType: "droplet", key: String(id))
            return try Pagination.page(actions, key: "actions", request: request, render: Render.action)
        }
        book.get("/v2/droplets/{droplet_id}/actions/{action_id}") { _, context in
            let action = try await world.action(
                id: try context.parameters.int("action_id"), resourceType: "droplet", key: String(try context.parameters.int("droplet_id"))
            )
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.post("/v2/droplets/actions") { request, _ in
            guard let tag = request.uri.queryParameters.get("tag_name") else {
                throw SimulatorError.badRequest("tag_name is required to act on Droplets by tag.")
            }
            let actions = try await world.performTaggedAction(tagName: tag, try DropletActionBody.parse(try await JSONBody.read(request)))
            return JSONResponse.encode(status: 201, Bodies.Single(key: "actions", value: actions.map(Render.action)))
        }
        book.get("/v2/actions") { request, _ in
            try Pagination.page(await world.actions(), key: "actions", request: request, render: Render.action)
        }
        book.get("/v2/actions/{action_id}") { _, context in
            let action = try await world.action(id: try context.parameters.int("action_id"))
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(action)))
        }
    }
}

/// What rendering droplets needs from the rest of the world, read once per request.
struct DropletView: Sendable {
    var locked: Set<String>
    var volumeIDs: [Int: [String]]
    var snapshotImages: [Int: Bodies.Image]

    func appearance(_ droplet: SimDroplet) -> DropletAppearance {
        DropletAppearance(
            droplet: droplet, locked: locked.contains("droplet:\(droplet.id)"), volumeIDs: volumeIDs[droplet.id] ?? [],
            sourceImage: Int(droplet.image).flatMap { snapshotImages[$0] }
        )
    }

    func render(_ droplet: SimDroplet) -> Bodies.Droplet {
        appearance(droplet).body
    }
}

/// Everything a droplet's body shows: equal appearances render equal bodies (the catalogue never changes).
struct DropletAppearance: Equatable, Sendable {
    var droplet: SimDroplet
    var locked: Bool
    var volumeIDs: [String]
    /// The account's snapshot the droplet was built from, if it was.
    var sourceImage: Bodies.Image?

    var body: Bodies.Droplet {
        Render.droplet(droplet, locked: locked, volumeIDs: volumeIDs, sourceImage: sourceImage)
    }
}

extension World {
    func dropletView() -> DropletView {
        advance()
        var volumeIDs: [Int: [String]] = [:]
        for volume in state.volumes.values {
            for id in volume.dropletIDs { volumeIDs[id, default: []].append(volume.id) }
        }
        let images = state.snapshots.values.map { ($0.id, Render.accountImage($0, distribution: distribution(of: $0))) }
        return DropletView(locked: lockedKeys(), volumeIDs: volumeIDs, snapshotImages: Dictionary(uniqueKeysWithValues: images))
    }

    /// The distribution of the image the snapshot's droplet was built from.
    func distribution(of snapshot: SimSnapshot) -> String {
        state.droplets[snapshot.dropletID].flatMap { Catalogue.image($0.image)?.distribution } ?? "Unknown"
    }
}

/// `POST /v2/droplets`'s answer for `name`: the droplet and a link to its create action.
struct CreatedDroplet: Encodable {
    var droplet: Bodies.Droplet
    var links: CreatedDroplets.Links
}

/// `POST /v2/droplets`'s answer for `names`.
struct CreatedDroplets: Encodable {
    struct Links: Encodable {
        var actions: [Bodies.Link]
    }

    var droplets: [Bodies.Droplet]
    var links: Links
}

enum DropletCreateBody {
    static func parse(_ body: [String: Any]) throws -> World.CreateRequest {
        let names: [String]
        if let many = body["names"] as? [String] {
            names = many
        } else if let name = body["name"] as? String {
            names = [name]
        } else {
            throw SimulatorError.unprocessable("Name is required; to create several Droplets, use 'names'.")
        }
        guard let size = body["size"] as? String else { throw SimulatorError.unprocessable("Size is required.") }
        let image = (body["image"] as? String) ?? (body["image"] as? Int).map(String.init)
        guard let image else { throw SimulatorError.unprocessable("Image is required.") }
        let keys = (body["ssh_keys"] as? [Any] ?? []).map { "\($0)" }
        return World.CreateRequest(
            names: names, region: body["region"] as? String ?? "nyc3", size: size, image: image,
            tags: body["tags"] as? [String] ?? [], backups: body["backups"] as? Bool ?? false,
            ipv6: body["ipv6"] as? Bool ?? false, monitoring: body["monitoring"] as? Bool ?? false,
            vpcUUID: body["vpc_uuid"] as? String, sshKeys: keys
        )
    }
}

enum DropletActionBody {
    static func parse(_ body: [String: Any]) throws -> World.DropletActionRequest {
        guard let type = body["type"] as? String else { throw SimulatorError.unprocessable("Action type is required.") }
        var parameters: [String: String] = [:]
        if let size = body["size"] as? String { parameters["size"] = size }
        if let disk = body["disk"] as? Bool { parameters["disk"] = String(disk) }
        if let name = body["name"] as? String { parameters["name"] = name }
        if let image = body["image"] { parameters["image"] = "\(image)" }
        return World.DropletActionRequest(type: type, parameters: parameters)
    }
}

/// Request bodies. DigitalOcean treats a field sent empty (`""`, `[]`) as a field not sent, and
/// generated clients (godo, pydo) send every optional field, empty or not: so every body is read with
/// such fields removed, at any depth, before a route looks at it. `null` is kept: for domain records
/// the contract requires some fields to be sent, `null` where they do not apply.
enum JSONBody {
    static func read(_ request: Request) async throws -> [String: Any] {
        guard let data = try await body(of: request) else { return [:] }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw SimulatorError.badRequest("The request body is not a JSON object.")
        }
        return withoutEmptyFields(object) as? [String: Any] ?? [:]
    }

    /// Decodes a typed body (snake_case keys); a body of the wrong shape is a 400 naming the field.
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        var data = try await body(of: request) ?? Data("{}".utf8)
        if let object = try? JSONSerialization.jsonObject(with: data),
           let normalised = try? JSONSerialization.data(withJSONObject: withoutEmptyFields(object)) {
            data = normalised
        }
        do {
            return try FaultPlan.decoder.decode(type, from: data)
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw SimulatorError.badRequest("\(field): \(context.debugDescription)")
        } catch {
            throw SimulatorError.badRequest("The request body is not valid JSON for this operation.")
        }
    }

    private static func body(of request: Request) async throws -> Data? {
        var request = request
        let buffer = try await request.collectBody(upTo: 1024 * 1024)
        return buffer.readableBytes > 0 ? Data(buffer.readableBytesView) : nil
    }

    /// The value with every object field whose value is `""` or `[]` removed, recursively.
    static func withoutEmptyFields(_ value: Any) -> Any {
        switch value {
        case let object as [String: Any]:
            return object.compactMapValues { field -> Any? in
                let cleaned = withoutEmptyFields(field)
                if let text = cleaned as? String, text.isEmpty { return nil }
                if let list = cleaned as? [Any], list.isEmpty { return nil }
                return cleaned
            }
        case let list as [Any]:
            return list.map(withoutEmptyFields)
        default:
            return value
        }
    }
}
