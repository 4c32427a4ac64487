import ArcadiaCore
import ArcadiaSpecs

/// Droplets as plain values, for code that builds them by hand (tests, benchmarks, seeds).
extension LiveResource {
    public static func droplet(
        id: String, name: String, region: String, size: String, disk: Int = 0, image: String, tags: [String],
        monitoring: Bool, ipv6: Bool, backups: Bool, vpc: String?, status: String, isManaged: Bool, sagaTag: String?
    ) -> LiveResource {
        var values: [String: SpecValue] = [
            "region": .string(region), "size": .string(size), "disk": .integer(disk), "image": .string(image), "tags": .strings(tags),
            "monitoring": .bool(monitoring), "ipv6": .bool(ipv6), "backups": .bool(backups),
        ]
        values["vpc"] = vpc.map(SpecValue.string)
        return LiveResource(kind: .droplet, id: id, name: name, values: values, status: status, isManaged: isManaged, sagaTag: sagaTag)
    }
}

extension DesiredResource {
    public static func droplet(
        name: String, labels: [String: String] = [:], policy: ResourcePolicy = ResourcePolicy(), spec: DropletSpec, source: SourceLocation,
        fieldLocations: [String: SourceLocation] = [:]
    ) -> DesiredResource {
        DesiredResource(kind: .droplet, name: name, labels: labels, policy: policy, spec: spec.resourceSpec, source: source, fieldLocations: fieldLocations)
    }
}

extension AppliedResource {
    public static func droplet(name: String, resourceID: String, spec: DropletSpec, policy: ResourcePolicy, specVersion: Int) -> AppliedResource {
        AppliedResource(kind: .droplet, name: name, resourceID: resourceID, spec: spec.resourceSpec, policy: policy, specVersion: specVersion)
    }
}

extension Differ {
    /// The diff over every kind Arcadia manages.
    public static func diff(
        desired: [DesiredResource], applied: [AppliedResource], live: [LiveResource],
        unfinishedSagas: [UnfinishedSaga] = [], revertingDrift: Set<ResourceTarget> = []
    ) -> Result {
        diff(desired: desired, applied: applied, live: live, kinds: Kinds.book, unfinishedSagas: unfinishedSagas, revertingDrift: revertingDrift)
    }
}

extension Planner {
    /// The saga one change becomes, as its kind plans it.
    public static func planned(_ change: Change) -> PlannedChange {
        Kinds.module(for: change.kind).plan(change)
    }

    public static func plan(_ diff: Differ.Result, fingerprint: String, appliedCount: Int = 0, emptySpecs: String? = nil) -> Plan {
        plan(diff, kinds: Kinds.book, fingerprint: fingerprint, appliedCount: appliedCount, emptySpecs: emptySpecs)
    }
}
