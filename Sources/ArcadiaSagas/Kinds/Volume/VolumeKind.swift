import ArcadiaCore
import ArcadiaSpecs
import DigitalOceanAPI
import Yams

/// The `Volume` kind: block storage, optionally attached to a droplet that a Droplet spec names.
/// Volumes carry tags, so Arcadia's are tagged `managed-by-arcadia` as droplets are; DigitalOcean allows
/// one volume of a name per region.
public struct VolumeKind: ResourceKindModule {
    public let kind = ResourceKind.volume
    public var fieldNames: [String] { VolumeSpecParser.fieldNames }
    public var policyFieldNames: [String] { ResourcePolicy.commonFieldNames + ["snapshotBeforeDestroy"] }
    public var namesAreUnique: Bool { true }

    /// `attachTo`'s value when the volume is attached to nothing.
    static let detached = "none"

    public init() {}

    // MARK: Spec

    public func spec(from node: Node, reader: inout NodeReader) -> ResourceSpec? {
        VolumeSpecParser.spec(from: node, reader: &reader)
    }

    public func validateName(_ name: String, node: Node, reader: inout NodeReader) {
        VolumeSpecParser.validateName(name, node: node, reader: &reader)
    }

    public func references(in spec: ResourceSpec) -> [SpecReference] {
        spec.string("attachTo").map { [SpecReference(field: "attachTo", kind: .droplet, name: $0)] } ?? []
    }

    /// DigitalOcean attaches a volume only to a droplet in its own region.
    public func problem(with reference: SpecReference, to target: DesiredResource, in resource: DesiredResource) -> String? {
        guard reference.field == "attachTo", let region = resource.spec.string("region"), let dropletRegion = target.spec.string("region"),
              region != dropletRegion
        else { return nil }
        return "attachTo names Droplet '\(target.name)', which is in \(dropletRegion), but volume '\(resource.name)' is in \(region); "
            + "DigitalOcean attaches a volume only to a droplet in its region: move one of them, or name a droplet in \(region)"
    }

    // MARK: Diff

    public let fields: [KindField] = [
        .scalar("region", mode: .replace),
        .scalar("sizeGigabytes", mode: .inPlace, impossible: { from, to in
            guard let from = Int(from), let to = Int(to), to < from else { return nil }
            return "volumes never shrink: it is \(from) GiB and cannot become \(to); set sizeGigabytes to \(from) or more"
        }),
        // Absent means unformatted, which DigitalOcean reports as no filesystem.
        .scalar("filesystemType", default: detached, mode: .replace),
        // DigitalOcean cannot change a description after the create, and does not report one it could
        // compare usefully: a new one is Arcadia's record only, given to the volume if it is ever replaced.
        .scalar("description", live: false, mode: .recordOnly),
        .set("tags", mode: .inPlace),
        // Compared by droplet id: the spec's name as Arcadia recorded it, against the volume's droplet_ids.
        // A droplet this plan creates has no id yet; its name stands in, and AttachVolume reads the id then.
        KindField(
            name: "attachTo",
            desired: { spec, ids in
                spec.string("attachTo").map { name in ids.id(of: .droplet, named: name) ?? "\(name) (not created yet)" } ?? detached
            },
            live: { $0[liveDropletField]?.description ?? detached },
            mode: .inPlace
        ),
    ]

    /// Where a live volume's droplet id is kept: not under `attachTo`, which names a spec, so accepting
    /// attachment drift never writes a droplet id where a spec's name belongs.
    static let liveDropletField = "dropletID"

    public func pointers(to dropletID: String, address: String?, in live: LiveResource) -> [String] {
        live[Self.liveDropletField]?.description == dropletID ? ["attachTo"] : []
    }

    public func summary(of spec: ResourceSpec) -> String {
        var parts = ["Volume", spec.string("region") ?? "?", "\(spec.integer("sizeGigabytes").map(String.init) ?? "?") GiB"]
        if let type = spec.string("filesystemType") { parts.append(type) }
        if let droplet = spec.string("attachTo") { parts.append("attached to \(droplet)") }
        return parts.joined(separator: ", ")
    }

    /// A new description is recorded, not applied: DigitalOcean has no way to change it. Said so.
    public func diffLiveOnly(
        _ resource: DesiredResource, live: LiveResource, revertingDrift: Bool, driftReverts: DriftReverts, fields: inout [FieldChange],
        into result: inout Differ.Result
    ) {
        guard fields.contains(where: { $0.field == "description" }) else { return }
        result.warnings.append(Differ.warning(
            "description_recorded_only", resource, field: "description",
            "volume '\(resource.name)': DigitalOcean cannot change a volume's description after it is created; the new description "
                + "is recorded, and given to the volume if it is ever replaced"
        ))
    }

    // MARK: Sagas

    public var steps: [any Step] {
        [CreateVolume(), AttachVolume(), DetachVolume(), ResizeVolume(), SetVolumeTags(), SnapshotVolume(), DestroyVolume(),
         RegisterResource(.volume), ForgetResource(.volume)]
    }

    public func plan(_ change: Change) -> PlannedChange {
        func planned(_ sagaKind: String, _ steps: [(any Step)?], irreversible: [String] = []) -> PlannedChange {
            PlannedChange(change: change, sagaKind: sagaKind, steps: steps.compactMap { $0 }.map(\.name), irreversible: irreversible)
        }
        let id = change.resourceID ?? "?"
        switch change.action {
        case .create:
            let attach = change.desired?.spec.string("attachTo") != nil
            return planned("create", [CreateVolume(), attach ? AttachVolume() : nil, RegisterResource(.volume)])
        case .destroy:
            guard !change.isResourceGone else { return planned("destroy", [ForgetResource(.volume)]) }
            let snapshot = change.applied?.policy.snapshotBeforeDestroy ?? false
            return planned(
                "destroy", [DetachVolume(), snapshot ? SnapshotVolume() : nil, DestroyVolume(), ForgetResource(.volume)],
                irreversible: ["deletes volume \(id) and its data" + Self.dataNote(snapshot)]
            )
        case .replace:
            let snapshot = change.desired?.policy.snapshotBeforeDestroy ?? false
            let attach = change.desired?.spec.string("attachTo") != nil ? AttachVolume() : nil
            let snapshotStep = snapshot ? SnapshotVolume() : nil
            // In another region the new volume can exist beside the old, so it comes first and takes
            // over the attachment; in the same region DigitalOcean allows one volume of the name, so the
            // old one must go first.
            let movesRegion = change.fields.contains { $0.field == "region" && !$0.isAlreadyLive }
            let steps: [(any Step)?] = movesRegion
                ? [CreateVolume(), DetachVolume(), attach, snapshotStep, DestroyVolume(), RegisterResource(.volume)]
                : [DetachVolume(), snapshotStep, DestroyVolume(), CreateVolume(), attach, RegisterResource(.volume)]
            let order = movesRegion ? "once the new volume is created" : "before the new, empty volume is created (one volume of a name per region)"
            return planned("replace", steps, irreversible: ["deletes volume \(id) and its data \(order)" + Self.dataNote(snapshot)])
        case .update:
            return plannedUpdate(change)
        }
    }

    private func plannedUpdate(_ change: Change) -> PlannedChange {
        let fields = change.fields.filter { !$0.isAlreadyLive }
        var steps: [any Step] = []
        var irreversible: [String] = []
        var kinds: [String] = []
        if let size = fields.first(where: { $0.field == "sizeGigabytes" }) {
            steps.append(ResizeVolume())
            irreversible.append("grows volume \(change.resourceID ?? "?") to \(size.to ?? "?") GiB: volumes never shrink")
            kinds.append("resize")
        }
        if fields.contains(where: { $0.field == "tags" }) {
            steps.append(SetVolumeTags())
            kinds.append("tag")
        }
        if let attachment = fields.first(where: { $0.field == "attachTo" }) {
            switch (attachment.from ?? Self.detached, attachment.to ?? Self.detached) {
            case (Self.detached, _):
                steps.append(AttachVolume())
                kinds.append("attach")
            case (_, Self.detached):
                steps.append(DetachVolume())
                kinds.append("detach")
            default:
                steps += [DetachVolume(), AttachVolume()] as [any Step]
                kinds.append("move")
            }
        }
        return PlannedChange(
            change: change, sagaKind: kinds.count == 1 ? kinds[0] : "update", steps: (steps + [RecordApplied()]).map(\.name),
            irreversible: irreversible
        )
    }

    private static func dataNote(_ snapshot: Bool) -> String {
        snapshot ? "; a snapshot of it is taken first and kept (policy.snapshotBeforeDestroy)"
            : "; the data is lost (policy.snapshotBeforeDestroy: true keeps a snapshot)"
    }

    // MARK: Inventory

    public func inventory(_ client: DigitalOceanClient) async throws -> [LiveResource] {
        try await client.listVolumes().map(Self.normalise)
    }

    public func live(id: String, client: DigitalOceanClient) async throws -> LiveResource? {
        do {
            return Self.normalise(try await client.getVolume(id: id))
        } catch let error as DigitalOceanError where error.isNotFound {
            return nil
        }
    }

    /// The values the diff compares, with Arcadia's own tags split from the operator's and the
    /// attached droplet's id apart from `attachTo` (which names a spec).
    public static func normalise(_ volume: Volume) -> LiveResource {
        var values: [String: SpecValue] = [
            "region": .string(volume.region),
            "sizeGigabytes": .integer(volume.sizeGigabytes),
            "description": .string(volume.description),
            "tags": .strings(volume.tags.filter { !Ownership.isOwnershipTag($0) }),
        ]
        values["filesystemType"] = volume.filesystemType.map(SpecValue.string)
        values[liveDropletField] = volume.dropletIDs.first.map { .string(String($0)) }
        return LiveResource(
            kind: .volume, id: volume.id, name: volume.name, values: values,
            isManaged: volume.carries(Ownership.managedTag),
            sagaTag: volume.tags.first { $0.lowercased().hasPrefix(Ownership.sagaTagPrefix) }
        )
    }
}
