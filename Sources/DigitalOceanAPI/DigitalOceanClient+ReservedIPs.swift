import Foundation

/// A reserved IP as `GET /v2/reserved_ips` returns it (the fields Arcadia reads). Its address is its id.
public struct ReservedIP: Sendable, Hashable, Decodable {
    public var ip: String
    /// The region's slug: DigitalOcean sends the whole region object, and a reserved IP never moves.
    public var region: String
    /// The droplet it is assigned to, if any (DigitalOcean sends the whole droplet).
    public var dropletID: Int?
    /// An action on it is in progress: DigitalOcean refuses another until it ends.
    public var locked: Bool

    public init(ip: String, region: String, dropletID: Int? = nil, locked: Bool = false) {
        self.ip = ip
        self.region = region
        self.dropletID = dropletID
        self.locked = locked
    }

    private enum CodingKeys: String, CodingKey { case ip, region, droplet, locked }
    private struct RegionRef: Decodable { var slug: String }
    private struct DropletRef: Decodable { var id: Int }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        ip = try container.decode(String.self, forKey: .ip)
        region = try container.decode(RegionRef.self, forKey: .region).slug
        dropletID = try container.decodeIfPresent(DropletRef.self, forKey: .droplet)?.id
        locked = try container.decodeIfPresent(Bool.self, forKey: .locked) ?? false
    }
}

extension DigitalOceanClient {
    private struct ReservedIPEnvelope: Decodable { var reservedIp: ReservedIP }
    private struct ActionEnvelope: Decodable { var action: Action }
    private struct CreateRequest: Encodable { var region: String }
    private struct ActionRequest: Encodable {
        var type: String
        var dropletId: Int?
    }

    /// Every reserved IP of the account.
    public func listReservedIPs() async throws -> [ReservedIP] {
        try await list("/v2/reserved_ips", key: "reservedIps", as: ReservedIP.self)
    }

    /// One reserved IP, by its address.
    public func getReservedIP(_ ip: String) async throws -> ReservedIP {
        let path = "/v2/reserved_ips/\(ip)"
        return try decode(ReservedIPEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").reservedIp
    }

    /// Reserves a new address in the region, assigned to nothing. Not idempotent, and DigitalOcean
    /// gives a reserved IP neither name nor tags: a caller that may repeat it notes the region's
    /// addresses first, so the new one can be told apart afterwards.
    public func createReservedIP(region: String) async throws -> ReservedIP {
        let data = try await send(.POST, "/v2/reserved_ips", body: try Self.encoder.encode(CreateRequest(region: region)))
        return try decode(ReservedIPEnvelope.self, from: data, request: "POST /v2/reserved_ips").reservedIp
    }

    /// Releases the address; one already gone counts as released. An assigned one is unassigned by it.
    public func deleteReservedIP(_ ip: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/reserved_ips/\(ip)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// Starts an `assign` (to `dropletID`, moving it from any other droplet) or an `unassign`.
    public func performReservedIPAction(_ ip: String, type: String, dropletID: Int? = nil) async throws -> Action {
        let path = "/v2/reserved_ips/\(ip)/actions"
        let data = try await send(.POST, path, body: try Self.encoder.encode(ActionRequest(type: type, dropletId: dropletID)))
        return try decode(ActionEnvelope.self, from: data, request: "POST \(path)").action
    }

    /// One of the reserved IP's actions, to follow it until it is `completed` or `errored`.
    public func getReservedIPAction(_ ip: String, actionID: Int) async throws -> Action {
        let path = "/v2/reserved_ips/\(ip)/actions/\(actionID)"
        return try decode(ActionEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").action
    }

    /// The reserved IP's actions, newest first (one page of up to 50): where a step that may have posted
    /// an assign without hearing back finds it.
    public func recentReservedIPActions(_ ip: String) async throws -> [Action] {
        let path = "/v2/reserved_ips/\(ip)/actions"
        struct Envelope: Decodable { var actions: [Action] }
        let data = try await send(.GET, path, query: [("page", "1"), ("per_page", "50")])
        return try decode(Envelope.self, from: data, request: "GET \(path)").actions
    }
}
