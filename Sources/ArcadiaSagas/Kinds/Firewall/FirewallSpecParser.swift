import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// Reads the `spec` block of a `Firewall` file: the droplets it protects (Droplet specs by name, and
/// tags) and its rules, each kept as one line of ``FirewallRuleText``.
enum FirewallSpecParser {
    static let fieldNames = ["droplets", "tags", "inbound", "outbound"]
    static let ruleKeys = ["protocol", "ports", "sources", "destinations"]
    static let targetKeys = ["addresses", "tags", "loadBalancers"]
    static let protocols = ["tcp", "udp", "icmp"]
    /// DigitalOcean's firewall names: letters, digits, '.' and '-', starting with a letter or digit.
    static let namePattern = "[A-Za-z0-9][A-Za-z0-9.-]{0,254}"

    static func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        guard let entries = reader.entries(of: node, section: "spec", allowedKeys: fieldNames) else { return nil }
        var spec = ResourceSpec()
        var isValid = true
        if let dropletsNode = entries["droplets"]?.value {
            if let droplets = reader.stringItems(dropletsNode, field: "droplets") {
                for (name, item) in droplets where !name.wholly(matches: SpecFieldReading.dropletNamePattern) {
                    reader.report(item, "'droplets' must name Droplet specs (droplet names: letters, digits, '.' or '-'), not '\(name.shown)'")
                    isValid = false
                }
                spec["droplets"] = .strings(droplets.map(\.value))
            } else {
                isValid = false
            }
        }
        if let tagsNode = entries["tags"]?.value {
            if let tags = reader.stringItems(tagsNode, field: "tags") {
                VolumeSpecParser.validateTags(tags, reader: &reader)
                spec["tags"] = .strings(tags.map(\.value))
            } else {
                isValid = false
            }
        }
        for (field, targets) in [("inbound", "sources"), ("outbound", "destinations")] {
            guard let rulesNode = entries[field]?.value else { continue }
            guard case .sequence(let items) = rulesNode else {
                reader.report(rulesNode, "'\(field)' must be a list of rules such as {protocol: tcp, ports: \"22\", \(targets): {addresses: [\"0.0.0.0/0\"]}}")
                isValid = false
                continue
            }
            var lines: [String] = []
            for item in items {
                if let rule = rule(item, field: field, targets: targets, reader: &reader) { lines.append(FirewallRuleText.text(rule)) } else { isValid = false }
            }
            spec[field] = .strings(lines)
        }
        if spec.strings("inbound").isEmpty && spec.strings("outbound").isEmpty && isValid {
            reader.report(node, "a firewall needs at least one rule under 'inbound' or 'outbound'")
            isValid = false
        }
        return isValid ? spec : nil
    }

    /// One rule: `protocol` (tcp, udp, icmp), `ports` (a port, a range, or all; icmp takes none) and
    /// its targets, at least one.
    private static func rule(_ node: Node, field: String, targets: String, reader: inout NodeReader) -> FirewallRule? {
        let allowed = ruleKeys.filter { $0 != (targets == "sources" ? "destinations" : "sources") }
        guard let entries = reader.entries(of: node, section: "\(field) rule", allowedKeys: allowed) else { return nil }
        reader.requireKeys(["protocol", targets], in: entries, of: node, section: "\(field) rule")
        guard let protoNode = entries["protocol"]?.value, let proto = reader.string(protoNode, field: "protocol") else { return nil }
        guard protocols.contains(proto) else {
            reader.report(protoNode, "'protocol' must be tcp, udp or icmp, not '\(proto.shown)'")
            return nil
        }
        var ports = "0"
        if let portsNode = entries["ports"]?.value {
            guard let text = reader.string(portsNode, field: "ports") else { return nil }
            guard isPorts(text) else {
                reader.report(portsNode, "'ports' must be a port (\"22\"), a range (\"8000-9000\") or \"all\", not '\(text.shown)'")
                return nil
            }
            if proto == "icmp" && FirewallRuleText.ports(text) != "all" {
                reader.report(portsNode, "icmp has no ports: leave 'ports' out, or write \"all\"")
                return nil
            }
            ports = FirewallRuleText.ports(text) == "all" ? "0" : text
        } else if proto != "icmp" {
            reader.report(node, "missing required field 'ports' in \(field) rule: a port (\"22\"), a range (\"8000-9000\") or \"all\"")
            return nil
        }
        guard let targetsNode = entries[targets]?.value, let parsed = self.targets(targetsNode, section: targets, reader: &reader) else { return nil }
        return FirewallRule(proto: proto, ports: ports, targets: parsed)
    }

    private static func targets(_ node: Node, section: String, reader: inout NodeReader) -> FirewallTargets? {
        guard let entries = reader.entries(of: node, section: section, allowedKeys: targetKeys) else { return nil }
        var targets = FirewallTargets()
        var isValid = true
        func items(_ key: String, pattern: String, what: String) -> [String] {
            guard let listNode = entries[key]?.value else { return [] }
            guard let items = reader.stringItems(listNode, field: key) else {
                isValid = false
                return []
            }
            for (value, item) in items where !value.wholly(matches: pattern) {
                reader.report(item, "'\(value.shown)' is not \(what)")
                isValid = false
            }
            return items.map(\.value)
        }
        targets.addresses = items("addresses", pattern: "[0-9A-Fa-f:.]+(/[0-9]{1,3})?", what: "an IPv4 or IPv6 address or CIDR block")
        targets.tags = items("tags", pattern: "[A-Za-z0-9_:-]{1,255}", what: "a tag (1-255 letters, digits, '_', '-' or ':')")
        targets.loadBalancerUIDs = items("loadBalancers", pattern: "[0-9a-f-]{1,64}", what: "a load balancer's id")
        guard isValid else { return nil }
        if targets == FirewallTargets() {
            reader.report(node, "\(section) must name at least one of addresses, tags or loadBalancers")
            return nil
        }
        return targets
    }

    private static func isPorts(_ text: String) -> Bool {
        if FirewallRuleText.ports(text) == "all" { return true }
        let bounds = text.split(separator: "-", omittingEmptySubsequences: false).map { Int($0) }
        guard (1...2).contains(bounds.count), bounds.allSatisfy({ $0.map { (1...65_535).contains($0) } ?? false }), text.wholly(matches: "[0-9]+(-[0-9]+)?") else {
            return false
        }
        return bounds.count == 1 || (bounds[0] ?? 0) <= (bounds[1] ?? 0)
    }

    static func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        if !name.wholly(matches: namePattern) {
            reader.report(node, "invalid firewall name '\(name.shown)': DigitalOcean takes 1-255 letters, digits, '.' or '-', starting with a letter or digit")
        }
    }
}
