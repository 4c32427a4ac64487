import Foundation

extension World {
    static let recordTypes: Set<String> = ["A", "AAAA", "CAA", "CNAME", "MX", "NS", "SOA", "SRV", "TXT"]

    func createDomain(name: String, ipAddress: String?) throws -> SimDomain {
        let name = name.lowercased()
        guard name.range(of: #"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"#, options: .regularExpression) != nil else {
            throw SimulatorError.unprocessable("Name is not a valid domain name.")
        }
        guard state.domains[name] == nil else { throw SimulatorError.unprocessable("Name already exists.") }
        var domain = SimDomain(name: name, ttl: 1800, records: [])
        domain.records.append(newRecord(type: "SOA", name: "@", data: "1800", ttl: 1800))
        for server in ["ns1", "ns2", "ns3"] {
            domain.records.append(newRecord(type: "NS", name: "@", data: "\(server).digitalocean.com", ttl: 1800))
        }
        if let ipAddress {
            domain.records.append(newRecord(type: "A", name: "@", data: ipAddress, ttl: 1800))
        }
        state.domains[name] = domain
        return domain
    }

    private func newRecord(type: String, name: String, data: String, ttl: Int) -> SimRecord {
        defer { state.nextRecordID += 1 }
        return SimRecord(id: state.nextRecordID, type: type, name: name, data: data, ttl: ttl)
    }

    func domains() -> [SimDomain] {
        state.domains.values.sorted { $0.name < $1.name }
    }

    func domain(_ name: String) throws -> SimDomain {
        guard let domain = state.domains[name.lowercased()] else { throw SimulatorError.notFound() }
        return domain
    }

    func deleteDomain(_ name: String) throws {
        guard state.domains.removeValue(forKey: name.lowercased()) != nil else { throw SimulatorError.notFound() }
    }

    /// `name` filters by fully qualified name (`www.example.com`, or the domain itself for `@`).
    func records(domain name: String, fullName: String?, type: String?) throws -> [SimRecord] {
        let domain = try domain(name)
        return domain.records.filter { record in
            let qualified = record.name == "@" ? domain.name : "\(record.name).\(domain.name)"
            return (fullName.map { $0 == qualified } ?? true) && (type.map { $0 == record.type } ?? true)
        }
    }

    func record(domain name: String, id: Int) throws -> SimRecord {
        guard let record = try domain(name).records.first(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        return record
    }

    func createRecord(domain name: String, _ record: SimRecord) throws -> SimRecord {
        var domain = try domain(name)
        var record = record
        record.id = state.nextRecordID
        state.nextRecordID += 1
        try check(record)
        domain.records.append(record)
        state.domains[domain.name] = domain
        return record
    }

    /// Replaces the stored record with `change(record)`, after checking the result.
    func updateRecord(domain name: String, id: Int, _ change: (inout SimRecord) -> Void) throws -> SimRecord {
        var domain = try domain(name)
        guard let index = domain.records.firstIndex(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        var record = domain.records[index]
        change(&record)
        record.id = id
        try check(record)
        domain.records[index] = record
        state.domains[domain.name] = domain
        return record
    }

    func deleteRecord(domain name: String, id: Int) throws {
        var domain = try domain(name)
        guard let index = domain.records.firstIndex(where: { $0.id == id }) else { throw SimulatorError.notFound() }
        domain.records.remove(at: index)
        state.domains[domain.name] = domain
    }

    private func check(_ record: SimRecord) throws {
        guard Self.recordTypes.contains(record.type) else {
            throw SimulatorError.unprocessable("Type must be one of \(Self.recordTypes.sorted().joined(separator: ", ")).")
        }
        guard !record.data.isEmpty else { throw SimulatorError.unprocessable("Data needs to be present.") }
        guard !record.name.isEmpty else { throw SimulatorError.unprocessable("Name needs to be present.") }
        if ["MX", "SRV"].contains(record.type), record.priority == nil {
            throw SimulatorError.unprocessable("Priority is required for \(record.type) records.")
        }
        if record.type == "SRV", record.port == nil || record.weight == nil {
            throw SimulatorError.unprocessable("Port and weight are required for SRV records.")
        }
        guard record.ttl >= 30 else { throw SimulatorError.unprocessable("TTL must be at least 30 seconds.") }
    }
}
