import Foundation
import Hummingbird

/// Firewalls, reserved IPs, domains and their records.
struct NetworkRoutes {
    let world: World

    func register(on book: RouteBook) {
        registerFirewalls(on: book)
        registerReservedIPs(on: book)
        registerDomains(on: book)
    }

    private func registerFirewalls(on book: RouteBook) {
        book.get("/v2/firewalls") { request, _ in
            try Pagination.page(await world.firewalls(), key: "firewalls", request: request, object: { Render.firewall($0, now: world.now) })
        }
        book.post("/v2/firewalls") { request, _ in
            let firewall = try await world.createFirewall(try await JSONBody.decode(FirewallBody.self, from: request).request)
            return JSONResponse.make(status: 202, ["firewall": Render.firewall(firewall, now: world.now)])
        }
        book.get("/v2/firewalls/{firewall_id}") { _, context in
            JSONResponse.make(status: 200, ["firewall": Render.firewall(try await world.firewall(id: try context.parameters.string("firewall_id")), now: world.now)])
        }
        book.put("/v2/firewalls/{firewall_id}") { request, context in
            let body = try await JSONBody.decode(FirewallBody.self, from: request)
            let firewall = try await world.updateFirewall(id: try context.parameters.string("firewall_id"), body.request)
            return JSONResponse.make(status: 200, ["firewall": Render.firewall(firewall, now: world.now)])
        }
        book.delete("/v2/firewalls/{firewall_id}") { _, context in
            try await world.deleteFirewall(id: try context.parameters.string("firewall_id"))
            return JSONResponse.noContent()
        }
        for path in ["droplets", "tags", "rules"] {
            let template = "/v2/firewalls/{firewall_id}/\(path)"
            let handler: (Bool) -> RouteBook.Handler = { add in
                { request, context in
                    let body = try await JSONBody.decode(FirewallBody.self, from: request)
                    try await world.changeFirewall(
                        id: try context.parameters.string("firewall_id"), add: add, dropletIDs: body.dropletIds ?? [], tags: body.tags ?? [],
                        inbound: body.inboundRules ?? [], outbound: body.outboundRules ?? []
                    )
                    return JSONResponse.noContent()
                }
            }
            book.post(template, handler(true))
            book.delete(template, handler(false))
        }
    }

    private func registerReservedIPs(on book: RouteBook) {
        book.get("/v2/reserved_ips") { request, _ in
            let view = await world.reservedIPView()
            return try Pagination.page(await world.reservedIPs(), key: "reserved_ips", request: request, render: view.render)
        }
        book.post("/v2/reserved_ips") { request, _ in
            let body = try await JSONBody.decode(ReservedIPBody.self, from: request)
            guard body.dropletId != nil || body.region != nil else {
                throw SimulatorError.unprocessable("Either droplet_id or region is required.")
            }
            let (reserved, action) = try await world.createReservedIP(dropletID: body.dropletId, region: body.region)
            let origin = Pagination.origin(of: request)
            let links = CreatedReservedIP.Links(
                droplets: body.dropletId.map { [.init(id: $0, rel: "droplet", href: "\(origin)/v2/droplets/\($0)")] } ?? [],
                actions: action.map { [.init(id: $0.id, rel: "assign_ip", href: "\(origin)/v2/actions/\($0.id)")] } ?? []
            )
            let view = await world.reservedIPView()
            return JSONResponse.encode(status: 202, CreatedReservedIP(reservedIp: view.render(reserved), links: links))
        }
        book.get("/v2/reserved_ips/{reserved_ip}") { _, context in
            let reserved = try await world.reservedIP(try context.parameters.string("reserved_ip"))
            return JSONResponse.encode(status: 200, Bodies.Single(key: "reserved_ip", value: await world.reservedIPView().render(reserved)))
        }
        book.delete("/v2/reserved_ips/{reserved_ip}") { _, context in
            try await world.deleteReservedIP(try context.parameters.string("reserved_ip"))
            return JSONResponse.noContent()
        }
        book.post("/v2/reserved_ips/{reserved_ip}/actions") { request, context in
            let body = try await JSONBody.decode(ReservedIPActionBody.self, from: request)
            let action = try await world.performReservedIPAction(try context.parameters.string("reserved_ip"), type: body.type, dropletID: body.dropletId)
            return JSONResponse.encode(status: 201, Bodies.Single(key: "action", value: Render.action(action)))
        }
        book.get("/v2/reserved_ips/{reserved_ip}/actions") { request, context in
            let ip = try context.parameters.string("reserved_ip")
            _ = try await world.reservedIP(ip)
            return try Pagination.page(await world.actions(resourceType: "reserved_ip", key: ip), key: "actions", request: request, render: Render.action)
        }
        book.get("/v2/reserved_ips/{reserved_ip}/actions/{action_id}") { _, context in
            let action = try await world.action(
                id: try context.parameters.int("action_id"), resourceType: "reserved_ip", key: try context.parameters.string("reserved_ip")
            )
            return JSONResponse.encode(status: 200, Bodies.Single(key: "action", value: Render.action(action)))
        }
    }

    private func registerDomains(on book: RouteBook) {
        book.get("/v2/domains") { request, _ in
            try Pagination.page(await world.domains(), key: "domains", request: request, object: Render.domain)
        }
        book.post("/v2/domains") { request, _ in
            let body = try await JSONBody.decode(DomainBody.self, from: request)
            guard let name = body.name else { throw SimulatorError.unprocessable("Name is required.") }
            return JSONResponse.make(status: 201, ["domain": Render.domain(try await world.createDomain(name: name, ipAddress: body.ipAddress))])
        }
        book.get("/v2/domains/{domain_name}") { _, context in
            JSONResponse.make(status: 200, ["domain": Render.domain(try await world.domain(try context.parameters.string("domain_name")))])
        }
        book.delete("/v2/domains/{domain_name}") { _, context in
            try await world.deleteDomain(try context.parameters.string("domain_name"))
            return JSONResponse.noContent()
        }
        book.get("/v2/domains/{domain_name}/records") { request, context in
            let query = request.uri.queryParameters
            let records = try await world.records(domain: try context.parameters.string("domain_name"), fullName: query.get("name"), type: query.get("type"))
            return try Pagination.page(records, key: "domain_records", request: request, object: Render.record)
        }
        book.post("/v2/domains/{domain_name}/records") { request, context in
            let body = try await RecordBody.read(request)
            let record = try await world.createRecord(domain: try context.parameters.string("domain_name"), body.record(updating: nil))
            return JSONResponse.make(status: 201, ["domain_record": Render.record(record)])
        }
        book.get("/v2/domains/{domain_name}/records/{domain_record_id}") { _, context in
            let record = try await world.record(domain: try context.parameters.string("domain_name"), id: try context.parameters.int("domain_record_id"))
            return JSONResponse.make(status: 200, ["domain_record": Render.record(record)])
        }
        // PUT and PATCH both change only the fields sent; both need `type` and that type's fields, as POST does.
        let update: RouteBook.Handler = { request, context in
            let body = try await RecordBody.read(request)
            let record = try await world.updateRecord(
                domain: try context.parameters.string("domain_name"), id: try context.parameters.int("domain_record_id")
            ) { record in record = body.record(updating: record) }
            return JSONResponse.make(status: 200, ["domain_record": Render.record(record)])
        }
        book.put("/v2/domains/{domain_name}/records/{domain_record_id}", update)
        book.patch("/v2/domains/{domain_name}/records/{domain_record_id}", update)
        book.delete("/v2/domains/{domain_name}/records/{domain_record_id}") { _, context in
            try await world.deleteRecord(domain: try context.parameters.string("domain_name"), id: try context.parameters.int("domain_record_id"))
            return JSONResponse.noContent()
        }
    }
}

struct ReservedIPView: Sendable {
    var droplets: DropletView
    var byID: [Int: SimDroplet]
    var locked: Set<String>

    func render(_ reserved: SimReservedIP) -> Bodies.ReservedIP {
        Bodies.ReservedIP(
            ip: reserved.ip, region: Render.region(reserved.region),
            droplet: .init(reserved.dropletID.flatMap { byID[$0] }.map(droplets.render)),
            locked: locked.contains("reserved_ip:\(reserved.ip)"), projectId: reserved.projectID
        )
    }
}

extension World {
    func reservedIPView() -> ReservedIPView {
        let assigned = Set(state.reservedIPs.values.compactMap(\.dropletID))
        return ReservedIPView(
            droplets: dropletView(), byID: state.droplets.filter { assigned.contains($0.key) }, locked: lockedKeys()
        )
    }
}

struct CreatedReservedIP: Encodable {
    struct Links: Encodable {
        var droplets: [Bodies.Link]
        var actions: [Bodies.Link]
    }

    var reservedIp: Bodies.ReservedIP
    var links: Links
}

struct FirewallBody: Decodable {
    var name: String?
    var inboundRules: [JSONValue]?
    var outboundRules: [JSONValue]?
    var dropletIds: [Int]?
    var tags: [String]?

    var request: World.FirewallRequest {
        World.FirewallRequest(
            name: name, inboundRules: inboundRules ?? [], outboundRules: outboundRules ?? [], dropletIDs: dropletIds ?? [],
            tags: tags ?? [], sentRules: inboundRules != nil || outboundRules != nil
        )
    }
}

struct ReservedIPBody: Decodable {
    var dropletId: Int?
    var region: String?
}

struct ReservedIPActionBody: Decodable {
    var type: String
    var dropletId: Int?
}

struct DomainBody: Decodable {
    var name: String?
    var ipAddress: String?
}

struct RecordBody: Decodable {
    var type: String?
    var name: String?
    var data: String?
    var priority: Int?
    var port: Int?
    var ttl: Int?
    var weight: Int?
    var flags: Int?
    var tag: String?

    /// The fields each record type must send (`null` counts as sent), as the API's request schemas say.
    static let requiredFields: [String: [String]] = [
        "A": ["name", "data"], "AAAA": ["name", "data"], "CNAME": ["name", "data"], "NS": ["name", "data"],
        "SOA": ["name", "data"], "CAA": ["name", "data", "flags", "tag"], "TXT": ["name", "data", "flags", "tag"],
        "MX": ["data", "priority"], "SRV": ["name", "data", "priority", "port", "weight"],
    ]

    /// Decodes the body after checking that `type` and the fields its type requires are present.
    static func read(_ request: Request) async throws -> RecordBody {
        let keys = Set(try await JSONBody.read(request).keys)
        let body = try await JSONBody.decode(RecordBody.self, from: request)
        guard let type = body.type else { throw SimulatorError.unprocessable("Type needs to be present.") }
        guard let required = requiredFields[type] else {
            throw SimulatorError.unprocessable("Type must be one of \(requiredFields.keys.sorted().joined(separator: ", ")).")
        }
        let missing = required.filter { !keys.contains($0) }
        guard missing.isEmpty else {
            throw SimulatorError.unprocessable("A \(type) record needs \(missing.joined(separator: ", ")) (null where it does not apply).")
        }
        return body
    }

    /// The fields sent, over `existing` (or over defaults for a new record).
    func record(updating existing: SimRecord?) -> SimRecord {
        var record = existing ?? SimRecord(id: 0, type: "", name: "", data: "", ttl: 1800)
        if let type { record.type = type }
        if let name { record.name = name }
        if let data { record.data = data }
        if let ttl { record.ttl = ttl }
        record.priority = priority ?? record.priority
        record.port = port ?? record.port
        record.weight = weight ?? record.weight
        record.flags = flags ?? record.flags
        record.tag = tag ?? record.tag
        return record
    }
}
