import Foundation
import Hummingbird

/// The account, its SSH keys and tags.
struct AccountRoutes {
    let world: World

    func register(on book: RouteBook) {
        book.get("/v2/account") { _, _ in JSONResponse.make(status: 200, ["account": Render.account()]) }
        book.get("/v2/account/keys") { request, _ in
            try Pagination.page(await world.sshKeys(), key: "ssh_keys", request: request, object: Render.sshKey)
        }
        book.post("/v2/account/keys") { request, _ in
            let body = try await JSONBody.decode(SSHKeyBody.self, from: request)
            let key = try await world.createSSHKey(name: body.name ?? "", publicKey: body.publicKey ?? "")
            return JSONResponse.make(status: 201, ["ssh_key": Render.sshKey(key)])
        }
        book.get("/v2/account/keys/{ssh_key_identifier}") { _, context in
            JSONResponse.make(status: 200, ["ssh_key": Render.sshKey(try await world.requireSSHKey(try context.parameters.string("ssh_key_identifier")))])
        }
        book.put("/v2/account/keys/{ssh_key_identifier}") { request, context in
            let body = try await JSONBody.decode(SSHKeyBody.self, from: request)
            let key = try await world.renameSSHKey(try context.parameters.string("ssh_key_identifier"), to: body.name)
            return JSONResponse.make(status: 200, ["ssh_key": Render.sshKey(key)])
        }
        book.delete("/v2/account/keys/{ssh_key_identifier}") { _, context in
            try await world.deleteSSHKey(try context.parameters.string("ssh_key_identifier"))
            return JSONResponse.noContent()
        }
        registerTags(on: book)
    }

    private func registerTags(on book: RouteBook) {
        book.get("/v2/tags") { request, _ in
            let names = await world.tagNames()
            var tags: [[String: Any]] = []
            for name in names { tags.append(Render.tag(name, counts: await world.tagCounts(name))) }
            return try Pagination.page(tags, key: "tags", request: request, object: { $0 })
        }
        book.post("/v2/tags") { request, _ in
            let body = try await JSONBody.decode(TagBody.self, from: request)
            guard let name = body.name else { return Self.tagRefused("tag-name is required") }
            guard World.isValidTagName(name) else {
                return Self.tagRefused(name.count > 255 ? "tag-name is longer than 255 characters" : "tag-name \"\(name)\" contains invalid characters")
            }
            // An existing name, in any spelling, answers 201 with the tag as first spelled: creating is idempotent.
            let canonical = try await world.createTag(name)
            return JSONResponse.make(status: 201, ["tag": Render.tag(canonical, counts: await world.tagCounts(canonical))])
        }
        book.get("/v2/tags/{tag_id}") { _, context in
            let name = try await world.tag(try context.parameters.string("tag_id"))
            return JSONResponse.make(status: 200, ["tag": Render.tag(name, counts: await world.tagCounts(name))])
        }
        book.delete("/v2/tags/{tag_id}") { _, context in
            try await world.deleteTag(try context.parameters.string("tag_id"))
            return JSONResponse.noContent()
        }
        for (method, add) in [("POST", true), ("DELETE", false)] {
            let handler: RouteBook.Handler = { request, context in
                let body = try await JSONBody.decode(TagResourcesBody.self, from: request)
                guard let resources = body.resources, !resources.isEmpty else {
                    throw SimulatorError.badRequest("resources is required.")
                }
                if let bad = resources.first(where: { !["droplet", "image", "volume", "volume_snapshot"].contains($0.resourceType) }) {
                    throw SimulatorError.unprocessable("resource_type '\(bad.resourceType)' cannot be tagged.")
                }
                try await world.retag(
                    try context.parameters.string("tag_id"), resources: resources.map { ($0.resourceId, $0.resourceType) }, add: add
                )
                return JSONResponse.noContent()
            }
            if method == "POST" { book.post("/v2/tags/{tag_id}/resources", handler) } else { book.delete("/v2/tags/{tag_id}/resources", handler) }
        }
    }
}

extension AccountRoutes {
    /// `POST /v2/tags`'s refusal, which the contract gives its own body: `error` and `root_causes`, not `id` and `message`.
    static func tagRefused(_ reason: String) -> Response {
        let error = "Error validating resource tag: \(reason)"
        return JSONResponse.make(status: 400, [
            "error": error, "messages": NSNull(), "root_causes": ["rpc error: code = InvalidArgument desc = \(error)"],
        ])
    }
}

struct SSHKeyBody: Decodable {
    var name: String?
    var publicKey: String?
}

struct TagBody: Decodable {
    var name: String?
}

struct TagResourcesBody: Decodable {
    struct Resource: Decodable {
        var resourceId: String
        var resourceType: String
    }

    var resources: [Resource]?
}
