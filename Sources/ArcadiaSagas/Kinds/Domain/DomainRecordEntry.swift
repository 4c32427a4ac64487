import DigitalOceanAPI
import Foundation

/// One DNS record as Arcadia keeps and compares it: as a spec writes it (its data, or the Droplet or
/// ReservedIP spec whose address it takes), as Arcadia applied it (with the address it took then), or
/// as DigitalOcean lists it (with its id). Kept in specs, records and plans as one line of `key=value`
/// words (``text``), a value JSON-quoted where it holds a space, a quote or an `=`, so a TXT record's
/// data survives the round trip.
struct DomainRecordEntry: Sendable, Hashable {
    var type: String
    var name: String
    var data: String?
    var droplet: String?
    var reservedIP: String?
    var ttl: Int?
    var priority: Int?
    var port: Int?
    var weight: Int?
    var flags: Int?
    var tag: String?
    /// DigitalOcean's id: live records only.
    var id: Int?

    /// DigitalOcean's TTL when a record is sent without one.
    static let defaultTTL = 1800
    /// The types a spec may list. SOA is DigitalOcean's alone.
    static let types = ["A", "AAAA", "CAA", "CNAME", "MX", "NS", "SRV", "TXT"]
    /// Types DigitalOcean keeps for the domain itself: never deleted, pruned or not.
    static let keptTypes: Set<String> = ["SOA", "NS"]
    /// Types whose data is a host name, compared without case or a final dot.
    static let hostTypes: Set<String> = ["CNAME", "MX", "NS", "SRV"]

    init(type: String, name: String, data: String? = nil, droplet: String? = nil, reservedIP: String? = nil, ttl: Int? = nil) {
        self.type = type
        self.name = name
        self.data = data
        self.droplet = droplet
        self.reservedIP = reservedIP
        self.ttl = ttl
    }

    init(live record: DomainRecord) {
        self.init(type: record.type, name: record.name, data: record.data, ttl: record.ttl)
        priority = record.priority
        port = record.port
        weight = record.weight
        flags = record.flags
        tag = record.tag
        id = record.id
    }

    /// Whether the data is another spec's address, resolved when a step runs.
    var isReference: Bool { droplet != nil || reservedIP != nil }

    /// The spec a reference names, as `Kind/name`.
    var referenceKey: String? {
        droplet.map { "Droplet/\($0)" } ?? reservedIP.map { "ReservedIP/\($0)" }
    }

    /// Records are matched by type, name and data; nil while the data is not known.
    func key(data resolved: String? = nil) -> String? {
        guard let data = resolved ?? data else { return nil }
        return "\(type.uppercased()) \(name.lowercased()) \(Self.comparable(data, type: type))"
    }

    static func comparable(_ data: String, type: String) -> String {
        guard hostTypes.contains(type.uppercased()) else { return data }
        let lowered = data.lowercased()
        return lowered.count > 1 && lowered.hasSuffix(".") ? String(lowered.dropLast()) : lowered
    }

    /// The fields compared once a record is matched: every one DigitalOcean reports, the TTL with its default.
    var compared: String {
        var parts = ["ttl=\(ttl ?? Self.defaultTTL)"]
        for (key, value) in [("priority", priority), ("port", port), ("weight", weight), ("flags", flags)] {
            if let value { parts.append("\(key)=\(value)") }
        }
        if let tag { parts.append("tag=\(Self.quoted(tag))") }
        return parts.joined(separator: " ")
    }

    /// The record's name in plans and drift: `records[A www 203.0.113.7]`.
    func label(data shown: String? = nil) -> String {
        let data = shown ?? data ?? droplet.map { "\($0)'s address" } ?? reservedIP.map { "\($0)'s address" } ?? "?"
        return "records[\(type) \(name) \(Self.quoted(data))]"
    }

    /// A spec record's field changes look like this: whether one is a record operation.
    static func isRecordField(_ field: String) -> Bool { field.hasPrefix("records[") }

    /// The record as one line of `key=value` words.
    var text: String {
        var parts = ["type=\(Self.quoted(type))", "name=\(Self.quoted(name))"]
        if let data { parts.append("data=\(Self.quoted(data))") }
        if let droplet { parts.append("droplet=\(Self.quoted(droplet))") }
        if let reservedIP { parts.append("reservedIP=\(Self.quoted(reservedIP))") }
        for (key, value) in [("ttl", ttl), ("priority", priority), ("port", port), ("weight", weight), ("flags", flags)] {
            if let value { parts.append("\(key)=\(value)") }
        }
        if let tag { parts.append("tag=\(Self.quoted(tag))") }
        if let id { parts.append("id=\(id)") }
        return parts.joined(separator: " ")
    }

    /// Reads ``text`` back; nil for a line it did not write.
    init?(text: String) {
        guard let words = Self.words(text) else { return nil }
        var values: [String: String] = [:]
        for (key, value) in words { values[key] = value }
        guard let type = values["type"], let name = values["name"] else { return nil }
        self.init(type: type, name: name, data: values["data"], droplet: values["droplet"], reservedIP: values["reservedIP"], ttl: values["ttl"].flatMap { Int($0) })
        priority = values["priority"].flatMap { Int($0) }
        port = values["port"].flatMap { Int($0) }
        weight = values["weight"].flatMap { Int($0) }
        flags = values["flags"].flatMap { Int($0) }
        tag = values["tag"]
        id = values["id"].flatMap { Int($0) }
    }

    /// The request body, with the data the step resolved.
    func request(data resolved: String) -> DomainRecord {
        DomainRecord(
            type: type, name: name, data: resolved, ttl: ttl ?? Self.defaultTTL, priority: priority, port: port, weight: weight, flags: flags, tag: tag
        )
    }

    static func quoted(_ value: String) -> String {
        let plain = !value.isEmpty && !value.contains { $0.isWhitespace || $0 == "\"" || $0 == "=" || $0 == "\\" || $0 == "]" }
        guard !plain else { return value }
        // A string always encodes.
        let encoded = (try? JSONEncoder().encode(value)).flatMap { String(data: $0, encoding: .utf8) }
        return encoded ?? "\"\""
    }

    /// `key=value` words; a value starting with `"` runs to its closing quote, JSON-escaped.
    private static func words(_ text: String) -> [(String, String)]? {
        var result: [(String, String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { return result }
            guard let equals = rest.firstIndex(of: "=") else { return nil }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            if rest.first == "\"" {
                var index = rest.index(after: rest.startIndex)
                var escaped = false
                while index < rest.endIndex, escaped || rest[index] != "\"" {
                    escaped = !escaped && rest[index] == "\\"
                    index = rest.index(after: index)
                }
                guard index < rest.endIndex else { return nil }
                let literal = rest[rest.startIndex...index]
                guard let value = try? JSONDecoder().decode(String.self, from: Data(literal.utf8)) else { return nil }
                result.append((key, value))
                rest = rest[rest.index(after: index)...]
            } else {
                let end = rest.firstIndex(of: " ") ?? rest.endIndex
                result.append((key, String(rest[..<end])))
                rest = rest[end...]
            }
        }
    }
}
