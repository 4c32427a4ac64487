import DigitalOceanAPI

/// A firewall rule as one line of text, which is how a spec keeps it and the diff compares it:
/// `tcp:22 addresses=0.0.0.0/0,::/0 tags=lb`. Lists are sorted, empty ones left out, and all ports
/// are `all` whether written `all` or `0` (DigitalOcean reports `"0"`), so two rules that mean the
/// same compare equal. Lower case throughout, since the diff compares sets case-folded.
enum FirewallRuleText {
    /// The target keys, in the order a line lists them.
    static let keys = ["addresses", "droplets", "kubernetes", "loadbalancers", "tags"]

    static func text(_ rule: FirewallRule) -> String {
        let targets = rule.targets
        let lists: [(String, [String])] = [
            ("addresses", targets.addresses), ("droplets", targets.dropletIDs.map(String.init)), ("kubernetes", targets.kubernetesIDs),
            ("loadbalancers", targets.loadBalancerUIDs), ("tags", targets.tags),
        ]
        let parts = lists.filter { !$0.1.isEmpty }.map { "\($0.0)=" + Set($0.1.map { $0.lowercased() }).sorted().joined(separator: ",") }
        return ([rule.proto.lowercased() + ":" + ports(rule.ports)] + parts).joined(separator: " ")
    }

    /// `all` for every spelling of all ports.
    static func ports(_ ports: String) -> String {
        ports == "0" || ports.lowercased() == "all" || ports.isEmpty ? "all" : ports
    }

    /// The rule a line stands for, with all ports sent as `"0"`, as DigitalOcean's contract has it.
    static func rule(_ text: String) -> FirewallRule? {
        let words = text.split(separator: " ").map(String.init)
        guard let head = words.first, let colon = head.firstIndex(of: ":") else { return nil }
        var targets = FirewallTargets()
        for word in words.dropFirst() {
            guard let equals = word.firstIndex(of: "=") else { return nil }
            let items = word[word.index(after: equals)...].split(separator: ",").map(String.init)
            switch word[..<equals] {
            case "addresses": targets.addresses = items
            case "droplets": targets.dropletIDs = items.compactMap(Int.init)
            case "kubernetes": targets.kubernetesIDs = items
            case "loadbalancers": targets.loadBalancerUIDs = items
            case "tags": targets.tags = items
            default: return nil
            }
        }
        let ports = String(head[head.index(after: colon)...])
        return FirewallRule(proto: String(head[..<colon]), ports: ports == "all" ? "0" : ports, targets: targets)
    }
}
