/// A domain as `GET /v2/domains` returns it (the fields Arcadia reads). Its name is its id.
public struct Domain: Sendable, Hashable, Codable {
    public var name: String
    /// The default TTL of its records, in seconds; DigitalOcean may leave it out.
    public var ttl: Int?

    public init(name: String, ttl: Int? = nil) {
        self.name = name
        self.ttl = ttl
    }
}

/// One DNS record of a domain, as `GET /v2/domains/{name}/records` returns it and as a `POST` or `PUT`
/// sends it. Fields that do not apply to the record's type are `null` both ways: DigitalOcean's
/// request schemas require some of them to be sent even then (a TXT record's `flags` and `tag`), so
/// every one is always encoded, `null` included.
public struct DomainRecord: Sendable, Hashable, Codable {
    /// DigitalOcean's id; 0 in a request.
    public var id: Int
    /// `A`, `AAAA`, `CAA`, `CNAME`, `MX`, `NS`, `SOA`, `SRV` or `TXT`.
    public var type: String
    /// The host, relative to the domain; `@` for the domain itself.
    public var name: String
    public var data: String
    /// Seconds; DigitalOcean's default is 1800.
    public var ttl: Int?
    /// MX and SRV.
    public var priority: Int?
    /// SRV.
    public var port: Int?
    /// SRV.
    public var weight: Int?
    /// CAA: 0-255.
    public var flags: Int?
    /// CAA: `issue`, `issuewild` or `iodef`.
    public var tag: String?

    public init(
        id: Int = 0, type: String, name: String, data: String, ttl: Int? = nil, priority: Int? = nil, port: Int? = nil, weight: Int? = nil,
        flags: Int? = nil, tag: String? = nil
    ) {
        self.id = id
        self.type = type
        self.name = name
        self.data = data
        self.ttl = ttl
        self.priority = priority
        self.port = port
        self.weight = weight
        self.flags = flags
        self.tag = tag
    }

    private enum CodingKeys: String, CodingKey { case id, type, name, data, ttl, priority, port, weight, flags, tag }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(Int.self, forKey: .id)
        type = try container.decode(String.self, forKey: .type)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? "@"
        data = try container.decodeIfPresent(String.self, forKey: .data) ?? ""
        ttl = try container.decodeIfPresent(Int.self, forKey: .ttl)
        priority = try container.decodeIfPresent(Int.self, forKey: .priority)
        port = try container.decodeIfPresent(Int.self, forKey: .port)
        weight = try container.decodeIfPresent(Int.self, forKey: .weight)
        flags = try container.decodeIfPresent(Int.self, forKey: .flags)
        tag = try container.decodeIfPresent(String.self, forKey: .tag)
    }

    /// The request body: no id, every other field, `null` where it does not apply.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(name, forKey: .name)
        try container.encode(data, forKey: .data)
        try container.encodeIfPresent(ttl, forKey: .ttl)
        try container.encode(priority, forKey: .priority)
        try container.encode(port, forKey: .port)
        try container.encode(weight, forKey: .weight)
        try container.encode(flags, forKey: .flags)
        try container.encode(tag, forKey: .tag)
    }
}
