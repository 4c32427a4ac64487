import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `ReservedIP` kind: an address reserved in a region, optionally assigned to the droplet a Droplet
/// spec names. DigitalOcean's reserved IPs have no name and no tags: `metadata.name` is Arcadia's
/// name, the address is the resource's id (kept in the state, shown by plan and `show`), and a
/// reserved IP is Arcadia's by its record alone, as an SSH key is.
public struct ReservedIPKind: ResourceKindModule {
    public let kind = ResourceKind.reservedIP
    public var fieldNames: [String] { ReservedIPSpecParser.fieldNames }
    public var isTagged: Bool { false }

    /// `droplet`'s value when the address is assigned to nothing.
    static let unassigned = "none"
    /// Where a live reserved IP's droplet id is kept: not under `droplet`, which names a spec, so
    /// accepting assignment drift never writes a droplet id where a spec's name belongs.
    static let liveDropletField = "dropletID"

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        ReservedIPSpecParser.spec(from: node, reader: &reader)
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        ReservedIPSpecParser.validateName(name, node: node, reader: &reader)
    }

    public func references(in spec: ResourceSpec) -> [SpecReference] {
        spec.string("droplet").map { [SpecReference(field: "droplet", kind: .droplet, name: $0)] } ?? []
    }

    /// DigitalOcean assigns a reserved IP only to a droplet in its region.
    public func problem(with reference: SpecReference, to target: DesiredResource, in resource: DesiredResource) -> String? {
        guard reference.field == "droplet", let region = resource.spec.string("region"), let dropletRegion = target.spec.string("region"),
              region != dropletRegion
        else { return nil }
        return "droplet names Droplet '\(target.name)', which is in \(dropletRegion), but reserved IP '\(resource.name)' is in \(region); "
            + "DigitalOcean assigns a reserved IP only to a droplet in its region: move one of them, or name a droplet in \(region)"
    }

    /// Nothing on an address says which saga reserved it: two creates in a region run one at a time.
    public var createsOneAtATimePerRegion: Bool { true }

    // MARK: Diff

    public let fields: [KindField] = [
        // A reserved IP never moves: another region is another address.
        .scalar("region", mode: .replace),
        // Compared by droplet id, as a volume's attachTo is; a droplet this plan creates has no id yet.
        KindField(
            name: "droplet",
            desired: { spec, ids in
                spec.string("droplet").map { name in ids.id(of: .droplet, named: name) ?? "\(name) (not created yet)" } ?? unassigned
            },
            live: { $0[liveDropletField]?.description ?? unassigned },
            mode: .inPlace
        ),
    ]

    public func summary(of spec: ResourceSpec) -> String {
        "ReservedIP, " + (spec.string("region") ?? "?") + (spec.string("droplet").map { ", assigned to \($0)" } ?? "")
    }

    // MARK: Sagas

    public var steps: [any Step] {
        [CreateReservedIP(), AssignReservedIP(), UnassignReservedIP(), DestroyReservedIP(), RegisterResource(.reservedIP), ForgetResource(.reservedIP)]
    }

    public func plan(_ change: Change) -> PlannedChange {
        let address = change.resourceID ?? "?"
        func planned(_ sagaKind: String, _ steps: [(any Step)?], irreversible: [String] = []) -> PlannedChange {
            var planned = PlannedChange(change: change, sagaKind: sagaKind, steps: steps.compactMap { $0 }.map(\.name), irreversible: irreversible)
            // The address is the resource: plan shows it on every line that names an existing one.
            if change.action != .create { planned.summary = "ReservedIP \(address)" }
            return planned
        }
        let assign = change.desired?.spec.string("droplet") != nil ? AssignReservedIP() : nil
        switch change.action {
        case .create:
            return planned("create", [CreateReservedIP(), assign, RegisterResource(.reservedIP)])
        case .destroy:
            guard !change.isResourceGone else { return planned("destroy", [ForgetResource(.reservedIP)]) }
            return planned("destroy", [DestroyReservedIP(), ForgetResource(.reservedIP)],
                           irreversible: ["releases \(address): the address cannot be had back"])
        case .replace:
            return planned("replace", [CreateReservedIP(), assign, DestroyReservedIP(), RegisterResource(.reservedIP)],
                           irreversible: ["releases \(address) once a new address is reserved in the new region: the address changes"])
        case .update:
            guard let move = change.fields.first(where: { $0.field == "droplet" && !$0.isAlreadyLive }) else {
                return planned("update", [RecordApplied()])
            }
            switch (move.from ?? Self.unassigned, move.to ?? Self.unassigned) {
            case (Self.unassigned, _): return planned("assign", [AssignReservedIP(), RecordApplied()])
            case (_, Self.unassigned): return planned("unassign", [UnassignReservedIP(), RecordApplied()])
            default: return planned("reassign", [AssignReservedIP(), RecordApplied()])
            }
        }
    }

    // MARK: Inventory

    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        try await client.listReservedIPs().map(Self.normalise)
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        do {
            return Self.normalise(try await client.getReservedIP(id))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    /// The values the diff compares; the address is the id, and stands for the name DigitalOcean lacks.
    public static func normalise(_ reserved: ReservedIP) -> LiveResource {
        var values: [String: SpecValue] = ["region": .string(reserved.region)]
        values[liveDropletField] = reserved.dropletID.map { .string(String($0)) }
        return LiveResource(kind: .reservedIP, id: reserved.ip, name: reserved.ip, values: values, isManaged: true)
    }
}
