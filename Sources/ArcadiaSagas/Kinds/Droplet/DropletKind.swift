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
        .set("tags", mode: .inPlace),
        // Keys are set at create only; DigitalOcean does not report them back.
        .set("sshKeys", live: false, mode: .replace),
        .scalar("monitoring", default: "false", mode: .replace),
        // DigitalOcean can enable IPv6 but never disable it: off again takes a new droplet.
        .scalar("ipv6", default: "false", mode: .inPlace, impossible: { from, to in
            from == "true" && to == "false" ? DropletKind.ipv6CannotBeTurnedOff : nil
        }),
        .scalar("backups", default: "false", mode: .inPlace),
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
    /// A droplet powered off by hand: drift on `status`, powered on by policy (unless the controller
    /// holds the revert back as a loop), by `drift revert`, or by a resize, which powers it on anyway.
    public func diffLiveOnly(
        _ resource: DesiredResource, live: LiveResource, revertingDrift: Bool, driftReverts: DriftReverts, fields: inout [FieldChange],
        into result: inout Differ.Result
    ) {
        guard live.status == DropletPower.off, !resource.policy.ignore.contains(DropletPower.field) else { return }
        let resizes = fields.contains { $0.field == "size" && !$0.isAlreadyLive }
        let byPolicy = resource.policy.drift == .revert && !driftReverts.isHeld(kind: .droplet, name: resource.name, field: DropletPower.field)
        let revert = byPolicy || revertingDrift || resizes
        result.drift.append(DriftFinding(
            kind: .droplet, name: resource.name, resourceID: live.id, field: DropletPower.field,
            expected: DropletPower.active, actual: DropletPower.off, isRevertPlanned: revert
        ))
        if revert {
            fields.append(FieldChange(field: DropletPower.field, from: DropletPower.off, to: DropletPower.active, isDriftRevert: true))
        } else if resource.policy.drift == .revert {
            result.warnings.append(Differ.warning(
                "revert_held", resource, field: DropletPower.field,
                "droplet '\(resource.name)' keeps being powered off outside Arcadia; powering it on is held off as a revert loop "
                    + "(the controller's status says until when); find what powers it off, or set policy.drift: report"
            ))
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
         SnapshotDroplet(), PruneSnapshots(), MoveDependents(), DestroyDroplet(), ForgetResource(.droplet),
         SetDropletTags(), SetDropletBackups(), EnableIPv6(), RecordSnapshot()]
    }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [any Step], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        switch change.action {
        case .create:
            return planned("create", [CreateDroplet(), WaitDropletActive(), RegisterResource(.droplet)])
        case .replace:
            // What names the droplet moves to the new one while the old one still runs.
            let moves: [any Step] = change.dependents?.isEmpty == false ? [MoveDependents()] : []
            return planned(
                "replace", [CreateDroplet(), WaitDropletActive()] + moves + [DestroyDroplet(), RegisterResource(.droplet)],
                irreversible: ["destroys droplet \(change.resourceID ?? "?") once its replacement is active"]
            )
        case .destroy:
            return change.isResourceGone
                ? planned("destroy", [ForgetResource(.droplet)])
                : planned("destroy", [DestroyDroplet(), ForgetResource(.droplet)], irreversible: ["destroys droplet \(change.resourceID ?? "?") and its disk"])
        case .update:
            return planUpdate(change)
        }
    }

    /// An update: a resize if the size moves, then each in-place field's step (the irreversible
    /// EnableIPv6 last, so nothing after it can fail and want it undone), then the record. A power-on
    /// first when `status` drift is reverted without a resize, which powers the droplet on anyway.
    private func planUpdate(_ change: Change) -> PlannedChange {
        let moving = change.fields.filter { !$0.isAlreadyLive }
        func moves(_ field: String) -> FieldChange? { moving.first { $0.field == field } }
        var inPlace: [any Step] = []
        var irreversible: [String] = []
        if moves("tags") != nil { inPlace.append(SetDropletTags()) }
        if moves("backups") != nil { inPlace.append(SetDropletBackups()) }
        if moves("ipv6")?.to == "true" {
            inPlace.append(EnableIPv6())
            irreversible.append("enables IPv6 on droplet \(change.resourceID ?? "?"): DigitalOcean cannot turn it off again; only a replacement droplet can be without it")
        }
        let powersOn = change.fields.contains { $0.field == DropletPower.field && $0.isDriftRevert }
        func planned(_ sagaKind: String, _ steps: [any Step]) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.map(\.name), irreversible: irreversible)
        }
        guard let size = moves("size"), let desired = change.desired else {
            if !inPlace.isEmpty { return planned("update", (powersOn ? [PowerOn()] : []) + inPlace + [RecordApplied()]) }
            return powersOn ? planned("power-on", [PowerOn(), RecordApplied()]) : planned("update", [RecordApplied()])
        }
        var steps: [any Step] = [PowerOff(), Resize(), PowerOn(), WaitDropletActive()] + inPlace + [RecordApplied()]
        if desired.policy.snapshotBeforeResize {
            steps.insert(SnapshotDroplet(), at: 0)
            if desired.policy.keepSnapshots != nil { steps.append(PruneSnapshots()) }
        }
        if desired.spec.bool("resizeDisk") {
            irreversible.insert("grows the disk to \(size.to ?? "?")'s size: disks never shrink, so this droplet can never be resized down", at: 0)
        }
        return planned("resize", steps)
    }

    /// Why `ipv6: false` cannot follow `true`, and what to do instead: the plan's error at the field, and
    /// the warning of an ipv6 drift (enabled by hand) that cannot be reverted.
    static let ipv6CannotBeTurnedOff = "ipv6 cannot be turned off: DigitalOcean can enable IPv6 on a droplet but never disable it, "
        + "so only a new droplet can be without it. Keep ipv6: true; or replace the droplet: remove this spec and apply "
        + "(the droplet is destroyed), then add it back with ipv6: false and apply again; or add a spec with ipv6: false under "
        + "another name, apply, then remove this one and apply"

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

    /// Where a live droplet's public IPv4 address is kept: no spec field, read by the records that name the droplet.
    public static let publicIPv4 = "publicIPv4"

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
        // Live-only: what a domain's A record naming the droplet points at.
        values[publicIPv4] = droplet.networks.v4.first { $0.type == "public" }.map { .string($0.ipAddress) }
        return LiveResource(
            kind: .droplet, id: String(droplet.id), name: droplet.name, values: values, status: droplet.status,
            isManaged: droplet.tags.contains { $0.lowercased() == Ownership.managedTag },
            sagaTag: droplet.tags.first { $0.lowercased().hasPrefix(Ownership.sagaTagPrefix) }
        )
    }
}
