import ArcadiaCore
import ArcadiaSpecs
import Yams

/// Reads the `spec` block of a `Domain` file: its records, each kept as one line of
/// ``DomainRecordEntry/text``. A record's data is written out, or taken from the Droplet spec
/// (`droplet`, its public IPv4) or the ReservedIP spec (`reservedIP`, its address) it names.
enum DomainSpecParser {
    static let fieldNames = ["records"]
    static let recordKeys = ["type", "name", "data", "droplet", "reservedIP", "ttl", "priority", "port", "weight", "flags", "tag"]
    static let caaTags = ["issue", "issuewild", "iodef"]
    /// A record's host relative to the domain: `@` for the domain itself, else DNS labels (`_` and a
    /// leading `*` allowed, as SRV and wildcard records need).
    static let hostPattern = "@|(\\*\\.)?[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*|\\*"
    static let domainPattern = "([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}"
    static let ipv4Pattern = "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"

    static func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        reader.requireKeys(["records"], in: entries, of: node, section: "spec")
        guard let recordsNode = entries["records"]?.value else { return nil }
        guard case .sequence(let items) = recordsNode else {
            reader.report(recordsNode, "'records' must be a list of records such as {type: A, name: www, droplet: web-1}")
            return nil
        }
        var lines: [String] = []
        var isValid = true
        var seen: [String: Node] = [:]
        for item in items {
            guard let entry = record(item, reader: &reader) else {
                isValid = false
                continue
            }
            // Two records alike would be matched to one live record: the second is a mistake.
            let identity = entry.key(data: entry.data ?? entry.referenceKey) ?? entry.text
            if seen[identity] != nil {
                reader.report(item, "this record repeats an earlier one (same type, name and data); remove one")
                isValid = false
            }
            seen[identity] = item
            lines.append(entry.text)
        }
        guard isValid else { return nil }
        var spec = ResourceSpec()
        spec["records"] = .strings(lines)
        return spec
    }

    /// One record: its type and name, exactly one of data, droplet and reservedIP, and the fields its
    /// type needs (MX and SRV a priority, SRV a port and weight, CAA flags and a tag) and no others.
    private static func record(_ node: Node, reader: inout NodeReader) -> DomainRecordEntry? {
        guard let entries = reader.entries(of: node, section: "record", allowedKeys: recordKeys) else { return nil }
        reader.requireKeys(["type", "name"], in: entries, of: node, section: "record")
        let before = reader.diagnostics.count
        guard let typeNode = entries["type"]?.value, let type = reader.string(typeNode, field: "type") else { return nil }
        guard DomainRecordEntry.types.contains(type) else {
            let hint = closestMatch(to: type.uppercased(), in: DomainRecordEntry.types).map { "; did you mean '\($0)'?" } ?? ""
            reader.report(typeNode, "'type' must be one of \(DomainRecordEntry.types.joined(separator: ", ")), not '\(type.shown)'\(hint)")
            return nil
        }
        guard let nameNode = entries["name"]?.value, let name = reader.string(nameNode, field: "name") else { return nil }
        if !name.wholly(matches: hostPattern) {
            reader.report(nameNode, "'name' must be '@' (the domain itself) or a host such as 'www' or '_sip._tcp', not '\(name.shown)'")
        }
        var entry = DomainRecordEntry(type: type, name: name)
        let sources = ["data", "droplet", "reservedIP"].filter { entries[$0] != nil }
        if sources.isEmpty {
            reader.report(node, "missing data in \(type) record '\(name)': set 'data'" + (type == "A" ? ", or 'droplet' or 'reservedIP' to take that spec's address" : ""))
        } else if sources.count > 1, let second = entries[sources[1]] {
            reader.report(second.key, "set only one of \(sources.joined(separator: " and ")): a record's data comes from one place")
        }
        if let dataNode = entries["data"]?.value, let data = reader.string(dataNode, field: "data") {
            entry.data = data
            if data.isEmpty {
                reader.report(dataNode, "'data' must not be empty")
            } else if type == "A", !data.wholly(matches: ipv4Pattern) {
                reader.report(dataNode, "an A record's data must be an IPv4 address, not '\(data.shown)'")
            } else if type == "AAAA", !data.contains(":") || !data.wholly(matches: "[0-9A-Fa-f:.]+") {
                reader.report(dataNode, "an AAAA record's data must be an IPv6 address, not '\(data.shown)'")
            }
        }
        for field in ["droplet", "reservedIP"] {
            guard let referenceNode = entries[field]?.value, let target = reader.string(referenceNode, field: field) else { continue }
            if type != "A" {
                reader.report(referenceNode, "'\(field)' gives an IPv4 address, so only an A record may take it; set 'data' for a \(type) record")
            } else if !target.wholly(matches: SpecFieldReading.dropletNamePattern) {
                reader.report(referenceNode, "'\(field)' must name a \(field == "droplet" ? "Droplet" : "ReservedIP") spec (letters, digits, '.' or '-'), not '\(target.shown)'")
            }
            if field == "droplet" { entry.droplet = target } else { entry.reservedIP = target }
        }
        if let ttlNode = entries["ttl"]?.value, let ttl = reader.positiveInteger(ttlNode, field: "ttl") {
            if ttl < 30 { reader.report(ttlNode, "'ttl' must be at least 30 seconds, as DigitalOcean requires, not \(ttl)") }
            entry.ttl = ttl
        }
        let needs: [String: [String]] = ["MX": ["priority"], "SRV": ["priority", "port", "weight"], "CAA": ["flags", "tag"]]
        for field in ["priority", "port", "weight", "flags", "tag"] {
            let needed = needs[type]?.contains(field) ?? false
            guard let valueNode = entries[field]?.value else {
                if needed { reader.report(node, "missing required field '\(field)' in \(type) record '\(name)'") }
                continue
            }
            guard needed else {
                reader.report(entries[field]?.key, "'\(field)' does not apply to a \(type) record")
                continue
            }
            switch field {
            case "tag":
                guard let tag = reader.string(valueNode, field: "tag") else { continue }
                if !caaTags.contains(tag) { reader.report(valueNode, "'tag' must be issue, issuewild or iodef, not '\(tag.shown)'") }
                entry.tag = tag
            default:
                guard let value = integer(valueNode, field: field, in: field == "flags" ? 0...255 : 0...65_535, reader: &reader) else { continue }
                switch field {
                case "priority": entry.priority = value
                case "port": entry.port = value
                case "weight": entry.weight = value
                default: entry.flags = value
                }
            }
        }
        return reader.diagnostics.count == before ? entry : nil
    }

    private static func integer(_ node: Node, field: String, in range: ClosedRange<Int>, reader: inout NodeReader) -> Int? {
        guard node.tag.description == Tag.Name.int.rawValue, let value = node.int, range.contains(value) else {
            reader.report(node, "'\(field)' must be a whole number from \(range.lowerBound) to \(range.upperBound), not '\(node.scalar?.string ?? "a collection")'")
            return nil
        }
        return value
    }

    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: domainPattern) {
            reader.report(node, "invalid domain name '\(name.shown)': the name is the domain itself, in lower case, such as 'example.com'")
        }
    }
}
