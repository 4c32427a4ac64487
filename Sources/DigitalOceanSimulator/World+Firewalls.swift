import Foundation

extension World {
    struct FirewallRequest {
        var name: String?
        var inboundRules: [JSONValue]
        var outboundRules: [JSONValue]
        var dropletIDs: [Int]
        var tags: [String]
        /// Whether the body had `inbound_rules` or `outbound_rules` at all; the API requires one.
        var sentRules: Bool
    }

    func createFirewall(_ request: FirewallRequest) throws -> SimFirewall {
        advance()
        let now = timings.now
        var firewall = SimFirewall(
            id: nextUUID(0xf1), name: "", createdAt: now, settledAt: now, dropletIDs: [], tags: [], inboundRules: [], outboundRules: []
        )
        try replace(&firewall, with: request)
        state.firewalls[firewall.id] = firewall
        return firewall
    }

    /// `PUT` replaces the whole firewall: rules, droplets and tags left out are removed.
    func updateFirewall(id: String, _ request: FirewallRequest) throws -> SimFirewall {
        var firewall = try firewall(id: id)
        try replace(&firewall, with: request)
        state.firewalls[id] = firewall
        return firewall
    }

    private func replace(_ firewall: inout SimFirewall, with request: FirewallRequest) throws {
        guard let name = request.name, name.range(of: #"^[A-Za-z0-9.-]{1,255}$"#, options: .regularExpression) != nil else {
            throw SimulatorError.badRequest("name: a firewall name of letters, numbers, '.' and '-' is required.")
        }
        guard request.sentRules else {
            throw SimulatorError.badRequest("inbound_rules or outbound_rules is required.")
        }
        try checkRules(request.inboundRules, targets: "sources")
        try checkRules(request.outboundRules, targets: "destinations")
        try checkDroplets(request.dropletIDs)
        firewall.name = name
        firewall.inboundRules = request.inboundRules
        firewall.outboundRules = request.outboundRules
        firewall.dropletIDs = unique(request.dropletIDs)
        firewall.tags = try canonicalTags(request.tags)
        firewall.settledAt = timings.now.addingTimeInterval(timings.duration(of: "firewall"))
    }

    func firewalls() -> [SimFirewall] {
        state.firewalls.values.sorted { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
    }

    func firewall(id: String) throws -> SimFirewall {
        guard let firewall = state.firewalls[id] else { throw SimulatorError.notFound() }
        return firewall
    }

    func deleteFirewall(id: String) throws {
        guard state.firewalls.removeValue(forKey: id) != nil else { throw SimulatorError.notFound() }
    }

    /// The `droplets`, `tags` and `rules` sub-resources: add (`POST`) or remove (`DELETE`) members.
    func changeFirewall(
        id: String, add: Bool, dropletIDs: [Int] = [], tags: [String] = [], inbound: [JSONValue] = [], outbound: [JSONValue] = []
    ) throws {
        var firewall = try firewall(id: id)
        try checkDroplets(dropletIDs)
        try checkRules(inbound, targets: "sources")
        try checkRules(outbound, targets: "destinations")
        if add {
            firewall.dropletIDs = unique(firewall.dropletIDs + dropletIDs)
            firewall.tags = unique(firewall.tags + (try canonicalTags(tags)))
            firewall.inboundRules += inbound.filter { !firewall.inboundRules.contains($0) }
            firewall.outboundRules += outbound.filter { !firewall.outboundRules.contains($0) }
        } else {
            firewall.dropletIDs.removeAll { dropletIDs.contains($0) }
            firewall.tags.removeAll { tag in tags.contains { $0.caseInsensitiveCompare(tag) == .orderedSame } }
            firewall.inboundRules.removeAll { inbound.contains($0) }
            firewall.outboundRules.removeAll { outbound.contains($0) }
        }
        firewall.settledAt = timings.now.addingTimeInterval(timings.duration(of: "firewall"))
        state.firewalls[id] = firewall
    }

    private func checkDroplets(_ ids: [Int]) throws {
        if let missing = ids.first(where: { state.droplets[$0] == nil }) {
            throw SimulatorError.badRequest("droplet_ids: Droplet \(missing) was not found.")
        }
    }

    private func checkRules(_ rules: [JSONValue], targets: String) throws {
        for rule in rules {
            guard case .object(let fields) = rule,
                  case .string(let proto) = fields["protocol"], ["tcp", "udp", "icmp"].contains(proto)
            else { throw SimulatorError.badRequest("rules: protocol must be tcp, udp or icmp.") }
            // The API requires `ports` on every rule, icmp included (where "0" or "all" is usual).
            guard case .string(let ports) = fields["ports"],
                  ports == "all" || ports == "0" || ports.range(of: #"^\d{1,5}(-\d{1,5})?$"#, options: .regularExpression) != nil
            else { throw SimulatorError.badRequest("rules: ports must be a port, a range such as 8000-9000, or all.") }
            guard case .object = fields[targets] else {
                throw SimulatorError.badRequest("rules: each rule needs \(targets).")
            }
        }
    }

    private func unique<T: Equatable>(_ items: [T]) -> [T] {
        items.reduce(into: []) { result, item in if !result.contains(item) { result.append(item) } }
    }
}
