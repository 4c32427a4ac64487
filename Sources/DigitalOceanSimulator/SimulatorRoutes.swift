import Foundation
import Hummingbird

/// Every route: the `/v2` API, named with the OpenAPI document's path templates so stats and recordings
/// use the same names, and the `/_sim` admin hooks.
struct SimulatorRoutes {
    let world: World
    let stats: SimulatorStats
    let faults: FaultInjector

    func register(on book: RouteBook) {
        book.get("/v2/regions") { request, _ in
            try Pagination.page(Catalogue.regions, key: "regions", request: request) { Render.region($0.slug) }
        }
        book.get("/v2/sizes") { request, _ in
            try Pagination.page(Catalogue.sizes, key: "sizes", request: request, render: Render.size)
        }
        AccountRoutes(world: world).register(on: book)
        DropletRoutes(world: world).register(on: book)
        StorageRoutes(world: world).register(on: book)
        NetworkRoutes(world: world).register(on: book)
        registerAdmin(on: book)
    }

    /// `/_sim/*`: test and benchmark hooks, outside the DigitalOcean namespace.
    private func registerAdmin(on book: RouteBook) {
        book.get("/_sim/stats") { _, _ in JSONResponse.make(status: 200, stats.snapshot()) }
        book.post("/_sim/seed") { request, _ in
            let body = try await JSONBody.read(request)
            guard let count = body["droplets"] as? Int, (1...100_000).contains(count) else {
                throw SimulatorError.badRequest(#"Expected {"droplets": N, "prefix": "seed", "tags": []} with 1 ≤ N ≤ 100000."#)
            }
            let created = try await world.seedDroplets(
                count: count, prefix: body["prefix"] as? String ?? "seed", tags: body["tags"] as? [String] ?? []
            )
            return JSONResponse.make(status: 201, ["created": created])
        }
        book.get("/_sim/faults") { _, _ in JSONResponse.encode(status: 200, faults.plan) }
        // A whole plan replaces the current one; {"fail_next_action": {"type", "count", "resource_id"}} adds one-shots.
        book.post("/_sim/faults") { request, _ in
            var request = request
            let data = Data(try await request.collectBody(upTo: 1024 * 1024).readableBytesView)
            if let shortcut = try? FaultPlan.decoder.decode(FailNextAction.self, from: data) {
                let shot = FaultPlan.OneShot(fault: .actionError, actionType: shortcut.failNextAction.type, resourceId: shortcut.failNextAction.resourceId)
                faults.add(Array(repeating: shot, count: shortcut.failNextAction.count ?? 1))
            } else {
                do {
                    faults.replace(with: try FaultPlan.parse(data, source: "POST /_sim/faults"))
                } catch let error as SimulatorConfigurationError {
                    throw SimulatorError.badRequest(error.message)
                }
            }
            return JSONResponse.encode(status: 200, faults.plan)
        }
    }
}

private struct FailNextAction: Decodable {
    struct Target: Decodable {
        var type: String
        var count: Int?
        var resourceId: Int?
    }

    var failNextAction: Target
}
