import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `Firewall` kind: inbound and outbound rules over the droplets Droplet specs name and the
/// droplets carrying some tags. DigitalOcean's firewalls carry no tags of their own, so a firewall is
/// Arcadia's by its record alone. Every change is made in place with one `PUT` of the whole firewall.
public struct FirewallKind: ResourceKindModule {
    public let kind = ResourceKind.firewall
    public var fieldNames: [String] { FirewallSpecParser.fieldNames }
    public var isTagged: Bool { false }

    /// Where a live firewall's droplet ids and rules are kept: not under the spec's field names, so
    /// `drift accept` never writes ids or rule lines where spec names and rule mappings belong.
    static let liveDroplets = "dropletIDs"
    static func liveRules(_ field: String) -> String { "live-\(field)" }

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        FirewallSpecParser.spec(from: node, reader: &reader)
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        FirewallSpecParser.validateName(name, node: node, reader: &reader)
    }

    public func references(in spec: ResourceSpec) -> [SpecReference] {
        spec.strings("droplets").enumerated().map { SpecReference(field: "droplets[\($0.offset)]", kind: .droplet, name: $0.element) }
    }

    // MARK: Diff

    public let fields: [KindField] = [
        // By droplet id, as Arcadia recorded each droplet; one this plan creates stands in by name.
        KindField(
            name: "droplets",
            desired: { spec, ids in
                KindField.setText(spec.strings("droplets").map { ids.id(of: .droplet, named: $0) ?? "\($0) (not created yet)" })
            },
            live: { KindField.setText($0[liveDroplets]?.items ?? []) },
            mode: .inPlace
        ),
        .set("tags", mode: .inPlace),
        // Rules as sets of lines (FirewallRuleText): order and the spelling of "all ports" do not matter.
        KindField(name: "inbound", desired: { spec, _ in KindField.setText(spec.strings("inbound")) },
                  live: { KindField.setText($0[liveRules("inbound")]?.items ?? []) }, mode: .inPlace),
        KindField(name: "outbound", desired: { spec, _ in KindField.setText(spec.strings("outbound")) },
                  live: { KindField.setText($0[liveRules("outbound")]?.items ?? []) }, mode: .inPlace),
    ]

    public func summary(of spec: ResourceSpec) -> String {
        var parts = ["Firewall", "\(spec.strings("inbound").count) inbound and \(spec.strings("outbound").count) outbound rules"]
        if !spec.strings("droplets").isEmpty { parts.append("droplets " + spec.strings("droplets").joined(separator: " ")) }
        if !spec.strings("tags").isEmpty { parts.append("tags " + spec.strings("tags").joined(separator: " ")) }
        return parts.joined(separator: ", ")
    }

    // MARK: Sagas

    public var steps: [any Step] { [CreateFirewall(), UpdateFirewall(), DestroyFirewall(), RegisterResource(.firewall), ForgetResource(.firewall)] }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [any Step], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        switch change.action {
        case .create:
            return planned("create", [CreateFirewall(), RegisterResource(.firewall)])
        case .destroy:
            guard !change.isResourceGone else { return planned("destroy", [ForgetResource(.firewall)]) }
            return planned("destroy", [DestroyFirewall(), ForgetResource(.firewall)],
                           irreversible: ["deletes firewall \(change.resourceID ?? "?"): its droplets are no longer filtered by it"])
        case .replace, .update:
            // Every field changes in place; only record-only changes need no PUT.
            let moves = change.fields.contains { !$0.isAlreadyLive && $0.field != "policy" }
            return planned("update", moves ? [UpdateFirewall(), RecordApplied()] : [RecordApplied()])
        }
    }

    // MARK: Inventory

    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        try await client.listFirewalls().map(Self.normalise)
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        do {
            return Self.normalise(try await client.getFirewall(id: id))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    public static func normalise(_ firewall: Firewall) -> LiveResource {
        LiveResource(
            kind: .firewall, id: firewall.id, name: firewall.name,
            values: [
                "tags": .strings(firewall.tags), liveDroplets: .strings(firewall.dropletIDs.map(String.init)),
                liveRules("inbound"): .strings(firewall.inboundRules.map(FirewallRuleText.text)),
                liveRules("outbound"): .strings(firewall.outboundRules.map(FirewallRuleText.text)),
            ],
            isManaged: true
        )
    }
}
