import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `Droplet` kind: a virtual machine.
public struct DropletKind: ResourceKindModule {
    public let kind = ResourceKind.droplet
    public var fieldNames: [String] { DropletSpec.fieldNames }
    public var ignorableFields: [String] { DropletSpecParser.ignorableFields }
    public var policyFieldNames: [String] { ResourcePolicy.commonFieldNames + ["snapshotBeforeResize", "keepSnapshots"] }

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        DropletSpecParser.spec(from: node, reader: &reader)?.resourceSpec
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        DropletSpecParser.validateName(name, node: node, reader: &reader)
    }

    /// `sshKeys` entries that are neither ids nor fingerprints name SSHKey specs.
    public func references(in spec: ResourceSpec) -> [SpecReference] {
        spec.strings("sshKeys").enumerated().compactMap { index, key in
            ProviderCatalogue.isKeyLiteral(key) ? nil : SpecReference(field: "sshKeys[\(index)]", kind: .sshKey, name: key)
        }
    }

    // MARK: Diff

    public let fields: [KindField] = [
        .scalar("region", mode: .replace),
        .scalar("image", mode: .replace),
        .scalar("size", mode: .inPlace),
        .set("tags", mode: .unsupported),
        // Keys are set at create only; DigitalOcean does not report them back.
        .set("sshKeys", live: false, mode: .replace),
        .scalar("monitoring", default: "false", mode: .replace),
        .scalar("ipv6", default: "false", mode: .unsupported),
        .scalar("backups", default: "false", mode: .unsupported),
        .scalar("userData", live: false, mode: .replace),
        // No vpc in the spec means the region's default VPC, whose id Arcadia does not know: compare only when set.
        .scalar("vpc", live: false, mode: .replace),
        .scalar("resizeDisk", default: "false", live: false, mode: .recordOnly),
    ]

    public func summary(of spec: ResourceSpec) -> String {
        "Droplet, \(spec.string("region") ?? "?"), \(spec.string("size") ?? "?"), \(spec.string("image") ?? "?")"
    }

    /// A spec'd droplet is meant to run: one powered off outside Arcadia is drift of `status`. `new`
    /// (still booting) is not, and a droplet an unfinished saga powered off never gets here (it is blocked).
    /// Powering it on is planned only with `policy.drift: revert`, or when a resize powers it on anyway.
    public func diffLiveOnly(
        _ resource: DesiredResource, live: LiveResource, revertingDrift: Bool, fields: inout [FieldChange], into result: inout Differ.Result
    ) {
        guard live.status == DropletPower.off, !resource.policy.ignore.contains(DropletPower.field) else { return }
        let resizes = fields.contains { $0.field == "size" && !$0.isAlreadyLive }
        let revert = resource.policy.drift == .revert || revertingDrift || resizes
        result.drift.append(DriftFinding(
            kind: .droplet, name: resource.name, resourceID: live.id, field: DropletPower.field,
            expected: DropletPower.active, actual: DropletPower.off, isRevertPlanned: revert
        ))
        if revert {
            fields.append(FieldChange(field: DropletPower.field, from: DropletPower.off, to: DropletPower.active, isDriftRevert: true))
        } else {
            result.warnings.append(Differ.warning(
                "drift_not_reverted", resource, field: DropletPower.field,
                "droplet '\(resource.name)' was powered off outside Arcadia; power it on, or set policy.drift: revert for apply to power it on"
            ))
        }
    }

    // MARK: Sagas

    public var steps: [any Step] {
        [CreateDroplet(), WaitDropletActive(), RegisterResource(.droplet), PowerOff(), Resize(), PowerOn(),
         SnapshotDroplet(), PruneSnapshots(), DestroyDroplet(), ForgetResource(.droplet)]
    }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [any Step], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        switch change.action {
        case .create:
            return planned("create", [CreateDroplet(), WaitDropletActive(), RegisterResource(.droplet)])
        case .replace:
            return planned(
                "replace", [CreateDroplet(), WaitDropletActive(), DestroyDroplet(), RegisterResource(.droplet)],
                irreversible: ["destroys droplet \(change.resourceID ?? "?") once its replacement is active"]
            )
        case .destroy:
            return change.isResourceGone
                ? planned("destroy", [ForgetResource(.droplet)])
                : planned("destroy", [DestroyDroplet(), ForgetResource(.droplet)], irreversible: ["destroys droplet \(change.resourceID ?? "?") and its disk"])
        case .update:
            guard let size = change.fields.first(where: { $0.field == "size" && !$0.isAlreadyLive }), let desired = change.desired else {
                if change.fields.contains(where: { $0.field == DropletPower.field && $0.isDriftRevert }) {
                    return planned("power-on", [PowerOn(), RecordApplied()])
                }
                return planned("update", [RecordApplied()])
            }
            var steps: [any Step] = [PowerOff(), Resize(), PowerOn(), WaitDropletActive(), RecordApplied()]
            if desired.policy.snapshotBeforeResize {
                steps.insert(SnapshotDroplet(), at: 0)
                if desired.policy.keepSnapshots != nil { steps.append(PruneSnapshots()) }
            }
            let irreversible = desired.spec.bool("resizeDisk")
                ? ["grows the disk to \(size.to ?? "?")'s size: disks never shrink, so this droplet can never be resized down"]
                : []
            return planned("resize", steps, irreversible: irreversible)
        }
    }

    // MARK: Inventory

    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        try await client.listDroplets().map(Self.normalise)
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        guard let number = Int(id) else { return nil }
        do {
            return Self.normalise(try await client.getDroplet(id: number))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    /// The values the diff compares, with Arcadia's own tags split from the operator's.
    public static func normalise(_ droplet: Droplet) -> LiveResource {
        var values: [String: SpecValue] = [
            "region": .string(droplet.region.slug),
            "size": .string(droplet.sizeSlug),
            "disk": .integer(droplet.disk),
            "image": .string(droplet.image.slug ?? droplet.image.id.map(String.init) ?? "unknown"),
            "tags": .strings(droplet.tags.filter { !Ownership.isOwnershipTag($0) }),
            "monitoring": .bool(droplet.features.contains("monitoring")),
            "ipv6": .bool(droplet.features.contains("ipv6")),
            "backups": .bool(droplet.features.contains("backups")),
        ]
        values["vpc"] = droplet.vpcUuid.map(SpecValue.string)
        return LiveResource(
            kind: .droplet, id: String(droplet.id), name: droplet.name, values: values, status: droplet.status,
            isManaged: droplet.tags.contains { $0.lowercased() == Ownership.managedTag },
            sagaTag: droplet.tags.first { $0.lowercased().hasPrefix(Ownership.sagaTagPrefix) }
        )
    }
}
