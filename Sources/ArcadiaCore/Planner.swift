import ArcadiaSpecs

/// Turns the diff into sagas. Pure.
public enum Planner {
    /// - Parameter emptySpecs: where the specs were looked for, when none were found. A plan that would
    ///   then destroy every resource this state applied is refused (`empty_specs`): an empty or wrongly
    ///   named folder is far likelier than a wish to delete everything. Nil allows it (`--allow-empty`).
    public static func plan(_ diff: Differ.Result, fingerprint: String, appliedCount: Int = 0, emptySpecs: String? = nil) -> Plan {
        var plan = planned(diff, fingerprint: fingerprint)
        let destroys = plan.changes.filter { $0.change.action == .destroy }.count
        if let folder = emptySpecs, appliedCount > 0, destroys == appliedCount {
            plan.errors.append(Diagnostic(
                code: "empty_specs", location: SourceLocation(path: folder, line: 1, column: 1),
                message: "no specs were found here, so this plan would destroy every resource Arcadia manages (\(destroys)); "
                    + "check --specs, or pass --allow-empty if destroying them all is what you want"
            ))
        }
        return plan
    }

    private static func planned(_ diff: Differ.Result, fingerprint: String) -> Plan {
        Plan(
            changes: diff.changes.map(planned),
            drift: diff.drift,
            errors: diff.errors,
            warnings: diff.warnings,
            unmanaged: diff.unmanaged,
            foreignManagedCount: diff.foreignManagedCount,
            blocked: diff.blocked,
            fingerprint: fingerprint
        )
    }

    /// The saga kind and steps for one change.
    public static func planned(_ change: Change) -> PlannedChange {
        switch change.action {
        case .create:
            return PlannedChange(change: change, sagaKind: "create", steps: ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"])
        case .replace:
            return PlannedChange(
                change: change, sagaKind: "replace",
                steps: ["CreateDroplet", "WaitDropletActive", "DestroyDroplet", "RegisterDroplet"],
                irreversible: ["destroys droplet \(change.resourceID ?? "?") once its replacement is active"]
            )
        case .destroy:
            return PlannedChange(
                change: change, sagaKind: "destroy",
                steps: change.isResourceGone ? ["ForgetDroplet"] : ["DestroyDroplet", "ForgetDroplet"],
                irreversible: change.isResourceGone ? [] : ["destroys droplet \(change.resourceID ?? "?") and its disk"]
            )
        case .update:
            guard let size = change.fields.first(where: { $0.field == "size" && !$0.isAlreadyLive }),
                  let spec = change.desired.flatMap(dropletSpec)
            else {
                // A droplet powered off outside Arcadia, reverted: a resize powers it on anyway.
                if change.fields.contains(where: { $0.field == DropletPower.field && $0.isDriftRevert }) {
                    return PlannedChange(change: change, sagaKind: "power-on", steps: ["PowerOn", "RecordApplied"])
                }
                return PlannedChange(change: change, sagaKind: "update", steps: ["RecordApplied"])
            }
            var steps = ["PowerOff", "Resize", "PowerOn", "WaitDropletActive", "RecordApplied"]
            if change.desired?.policy.snapshotBeforeResize == true, change.desired?.policy.keepSnapshots != nil {
                steps.append("PruneSnapshots")
            }
            if change.desired?.policy.snapshotBeforeResize == true { steps.insert("SnapshotDroplet", at: 0) }
            let irreversible = spec.resizeDisk
                ? ["grows the disk to \(size.to ?? "?")'s size: disks never shrink, so this droplet can never be resized down"]
                : []
            return PlannedChange(change: change, sagaKind: "resize", steps: steps, irreversible: irreversible)
        }
    }

    private static func dropletSpec(_ resource: DesiredResource) -> DropletSpec? {
        guard case .droplet(let spec) = resource.spec else { return nil }
        return spec
    }
}
