import Foundation

extension DigitalOceanClient {
    private struct DomainEnvelope: Decodable { var domain: Domain }
    private struct RecordEnvelope: Decodable { var domainRecord: DomainRecord }
    private struct CreateDomainRequest: Encodable { var name: String }

    /// Every domain of the account.
    public func listDomains() async throws -> [Domain] {
        try await list("/v2/domains", key: "domains", as: Domain.self)
    }

    /// One domain, by its name.
    public func getDomain(_ name: String) async throws -> Domain {
        let path = "/v2/domains/\(name)"
        return try decode(DomainEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").domain
    }

    /// Adds a domain; DigitalOcean gives it its SOA and NS records. A name is unique in all of
    /// DigitalOcean, so a second `POST` of the same name is refused (422), never a second domain.
    public func createDomain(_ name: String) async throws -> Domain {
        let data = try await send(.POST, "/v2/domains", body: try Self.encoder.encode(CreateDomainRequest(name: name)))
        return try decode(DomainEnvelope.self, from: data, request: "POST /v2/domains").domain
    }

    /// Deletes a domain and every record in it; one already gone counts as deleted.
    public func deleteDomain(_ name: String) async throws {
        do {
            _ = try await send(.DELETE, "/v2/domains/\(name)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }

    /// Every record of a domain, SOA and NS included.
    public func listDomainRecords(_ domain: String) async throws -> [DomainRecord] {
        try await list("/v2/domains/\(domain)/records", key: "domainRecords", as: DomainRecord.self)
    }

    /// One record, by its id.
    public func getDomainRecord(_ domain: String, id: Int) async throws -> DomainRecord {
        let path = "/v2/domains/\(domain)/records/\(id)"
        return try decode(RecordEnvelope.self, from: try await send(.GET, path), request: "GET \(path)").domainRecord
    }

    /// Adds a record. Not idempotent: DigitalOcean takes two records alike, so a caller that may repeat
    /// it looks for the record first.
    public func createDomainRecord(_ domain: String, _ record: DomainRecord) async throws -> DomainRecord {
        let path = "/v2/domains/\(domain)/records"
        let data = try await send(.POST, path, body: try Self.encoder.encode(record))
        return try decode(RecordEnvelope.self, from: data, request: "POST \(path)").domainRecord
    }

    /// Sets every field of a record (a `PUT`): idempotent.
    public func updateDomainRecord(_ domain: String, id: Int, _ record: DomainRecord) async throws -> DomainRecord {
        let path = "/v2/domains/\(domain)/records/\(id)"
        let data = try await send(.PUT, path, body: try Self.encoder.encode(record))
        return try decode(RecordEnvelope.self, from: data, request: "PUT \(path)").domainRecord
    }

    /// Deletes a record; one already gone counts as deleted.
    public func deleteDomainRecord(_ domain: String, id: Int) async throws {
        do {
            _ = try await send(.DELETE, "/v2/domains/\(domain)/records/\(id)")
        } catch let error as DigitalOceanError where error.isNotFound {
            return
        }
    }
}
