import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Foundation

/// The spec file `arcadia import` writes for one live resource, in the examples' style: a header
/// saying where it came from, then `apiVersion`, `kind`, `metadata` and every field of `spec`.
/// References to droplets are by spec name, through `dropletNames` (droplet id → spec name).
struct ImportSpecText {
    var dropletNames: [String: String]
    /// Droplets another Arcadia state manages: naming one refuses the resource, saying so.
    var otherStatesDroplets: Set<String> = []
    /// Addresses of droplets and reserved IPs managed here or imported now: an A record at one names it.
    var recordTargets: [String: DomainRecordTarget] = [:]
    var date: String

    /// Why a resource cannot be written as a spec: the import is refused before anything is written.
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    func text(_ live: LiveResource, name: String) throws -> String {
        let body: [String]
        switch live.kind {
        case .droplet: body = droplet(live)
        case .sshKey: body = ["  publicKey: \(Self.quoted(live["publicKey"]?.text ?? ""))"]
        case .volume: body = try volume(live, name: name)
        case .reservedIP: body = try reservedIP(live, name: name)
        case .firewall: body = try firewall(live, name: name)
        case .domain: body = domain(live)
        }
        let header = "# imported from DigitalOcean \(live.kind.noun) \(live.id) on \(date) by arcadia import"
        return ([header, "apiVersion: arcadia/v1", "kind: \(live.kind.rawValue)", "metadata:", "  name: \(Self.quoted(name))", "spec:"] + body)
            .joined(separator: "\n") + "\n"
    }

    private func droplet(_ live: LiveResource) -> [String] {
        var lines = ["region", "size", "image"].map { "  \($0): \(Self.quoted(live[$0]?.text ?? ""))" }
        lines.append("  tags: \(Self.list(live["tags"]?.items ?? []))")
        for field in ["monitoring", "ipv6", "backups"] { lines.append("  \(field): \(live[field]?.description ?? "false")") }
        if let vpc = live["vpc"]?.text { lines.append("  vpc: \(Self.quoted(vpc))") }
        return lines
    }

    private func volume(_ live: LiveResource, name: String) throws -> [String] {
        var lines = ["  region: \(Self.quoted(live["region"]?.text ?? ""))", "  sizeGigabytes: \(live["sizeGigabytes"]?.description ?? "")"]
        if let type = live["filesystemType"]?.text, !type.isEmpty { lines.append("  filesystemType: \(type)") }
        lines.append("  description: \(Self.quoted(live["description"]?.text ?? ""))")
        lines.append("  tags: \(Self.list(live["tags"]?.items ?? []))")
        if let id = live[VolumeKind.liveDropletField]?.description {
            lines.append("  attachTo: \(Self.quoted(try dropletName(id, of: live, name: name)))")
        }
        return lines
    }

    private func reservedIP(_ live: LiveResource, name: String) throws -> [String] {
        var lines = ["  region: \(Self.quoted(live["region"]?.text ?? ""))"]
        if let id = live[ReservedIPKind.liveDropletField]?.description {
            lines.append("  droplet: \(Self.quoted(try dropletName(id, of: live, name: name)))")
        }
        return lines
    }

    private func firewall(_ live: LiveResource, name: String) throws -> [String] {
        let droplets = try (live[FirewallKind.liveDroplets]?.items ?? []).map { try dropletName($0, of: live, name: name) }
        var lines = ["  droplets: \(Self.list(droplets))", "  tags: \(Self.list(live["tags"]?.items ?? []))"]
        for (field, targets) in [("inbound", "sources"), ("outbound", "destinations")] {
            let rules = live[FirewallKind.liveRules(field)]?.items ?? []
            guard !rules.isEmpty else { continue }
            lines.append("  \(field):")
            for text in rules {
                guard let rule = FirewallRuleText.rule(text) else { throw Refusal(description: "firewall \(live.id) has a rule Arcadia cannot read: \(text)") }
                let t = rule.targets
                guard t.dropletIDs.isEmpty, t.kubernetesIDs.isEmpty else {
                    throw Refusal(description: "firewall \(live.id) ('\(live.name)') has a rule whose \(targets) name droplets or Kubernetes clusters by id "
                        + "(\(text)); a Firewall spec takes only addresses, tags and loadBalancers there: change the rule at DigitalOcean, or leave the firewall out")
                }
                var parts: [String] = []
                if !t.addresses.isEmpty { parts.append("addresses: \(Self.list(t.addresses))") }
                if !t.tags.isEmpty { parts.append("tags: \(Self.list(t.tags))") }
                if !t.loadBalancerUIDs.isEmpty { parts.append("loadBalancers: \(Self.list(t.loadBalancerUIDs))") }
                let ports = rule.proto == "icmp" ? "" : ", ports: \(Self.quoted(FirewallRuleText.ports(rule.ports), always: true))"
                lines.append("    - {protocol: \(rule.proto)\(ports), \(targets): {\(parts.joined(separator: ", "))}}")
            }
        }
        return lines
    }

    /// Every record but the SOA and NS records DigitalOcean keeps for the domain itself: an A record at
    /// the address of a droplet or a reserved IP this state manages or imports names it (`droplet:
    /// web-0`), so it follows a replace; any other data is literal.
    private func domain(_ live: LiveResource) -> [String] {
        let entries = (live[DomainKind.liveRecords]?.items ?? []).compactMap(DomainRecordEntry.init(text:))
            .filter { !DomainRecordEntry.keptTypes.contains($0.type.uppercased()) }
        guard !entries.isEmpty else { return ["  records: []"] }
        return ["  records:"] + entries.map { entry in
            var parts = ["type: \(entry.type)", "name: \(Self.quoted(entry.name, always: entry.name == "@"))"]
            if entry.type.uppercased() == "A", let data = entry.data, let target = recordTargets[data] {
                parts.append(target.specField(quoted: Self.quoted))
            } else {
                parts.append("data: \(Self.quoted(entry.data ?? "", always: true))")
            }
            parts.append("ttl: \(entry.ttl ?? DomainRecordEntry.defaultTTL)")
            for (key, value) in [("priority", entry.priority), ("port", entry.port), ("weight", entry.weight), ("flags", entry.flags)] {
                if let value { parts.append("\(key): \(value)") }
            }
            if let tag = entry.tag { parts.append("tag: \(Self.quoted(tag, always: true))") }
            return "    - {\(parts.joined(separator: ", "))}"
        }
    }

    private func dropletName(_ id: String, of live: LiveResource, name: String) throws -> String {
        if otherStatesDroplets.contains(id) {
            throw Refusal(description: "\(live.kind.rawValue) '\(name)' (\(live.kind.noun) \(live.id)) names droplet \(id), which another Arcadia state "
                + "manages (it carries \(Ownership.managedTag)): import it from that state, or leave it out with --kind or --name")
        }
        guard let spec = dropletNames[id] else {
            throw Refusal(description: "\(live.kind.rawValue) '\(name)' (\(live.kind.noun) \(live.id)) names droplet \(id), which this state does not "
                + "manage and this import does not take: import the droplet too (--all, or --kind Droplet first), or detach it at DigitalOcean")
        }
        return spec
    }

    // MARK: YAML scalars

    /// Plain when it is safely a string in YAML, else JSON-quoted (a JSON string is a YAML double-quoted one).
    static func quoted(_ text: String, always: Bool = false) -> String {
        let plain = text.wholly(matches: "[A-Za-z_][A-Za-z0-9._/-]*") && !["true", "false", "yes", "no", "on", "off", "null", "y", "n"].contains(text.lowercased())
        if plain && !always { return text }
        let data = (try? JSONEncoder().encode(text)) ?? Data()
        return String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
    }

    static func list(_ items: [String]) -> String {
        "[" + items.map { quoted($0, always: !$0.wholly(matches: "[A-Za-z_][A-Za-z0-9._-]*")) }.joined(separator: ", ") + "]"
    }
}

/// What an imported A record's address belongs to.
enum DomainRecordTarget: Sendable, Hashable {
    case droplet(String)
    case reservedIP(String)

    /// `Droplet/web-0`, as a record's reference is keyed.
    var referenceKey: String {
        switch self {
        case .droplet(let name): "Droplet/\(name)"
        case .reservedIP(let name): "ReservedIP/\(name)"
        }
    }

    func specField(quoted: (String, Bool) -> String) -> String {
        switch self {
        case .droplet(let name): "droplet: \(quoted(name, false))"
        case .reservedIP(let name): "reservedIP: \(quoted(name, false))"
        }
    }
}
