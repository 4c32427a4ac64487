import ArcadiaSpecs

/// The three-way diff: desired (specs) against applied (`provisioned`) against live (inventory). Pure.
public enum Differ {
    public struct Result: Sendable, Hashable {
        public var changes: [Change] = []
        public var drift: [DriftFinding] = []
        /// Problems that make the plan unsafe to apply, each naming the resource and what to do.
        public var errors: [Diagnostic] = []
        /// Things the plan will not do, said so the operator is not surprised.
        public var warnings: [Diagnostic] = []
        /// Droplets without `managed-by-arcadia`, as `name (id)`: never touched.
        public var unmanaged: [String] = []
        public var unmanagedCount: Int { unmanaged.count }
        /// Droplets tagged `managed-by-arcadia` that this state did not create: never touched.
        public var foreignManagedCount = 0
        /// Resources left alone although the specs may want them changed.
        public var blocked: [BlockedResource] = []
        /// Fields whose spec now says what is live although Arcadia applied something else: drift the
        /// operator accepted by editing the spec. `expected` is the old applied value, `actual` the live one.
        public var acceptedInSpec: [DriftFinding] = []
    }

    /// - Parameter unfinishedSagas: this state's sagas that have not reached a final status. A resource
    ///   one of them works on gets no new change until it is finished or cancelled: it is blocked.
    /// - Parameter revertingDrift: resources whose drift is reverted whatever their `policy.drift` says
    ///   (`arcadia drift revert`).
    public static func diff(
        desired: [DesiredResource], applied: [AppliedResource], live: [LiveDroplet], unfinishedSagas: [UnfinishedSaga] = [],
        revertingDrift: Set<ResourceTarget> = []
    ) -> Result {
        var result = Result()
        let busy = Dictionary(unfinishedSagas.map { ("\($0.resourceKind)/\($0.resourceName)", $0) }, uniquingKeysWith: { first, _ in first })
        let appliedByName = Dictionary(applied.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let liveByID = Dictionary(live.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let desiredNames = Set(desired.map(\.name))
        let ownedIDs = Set(applied.map(\.resourceID))
        // Managed droplets this state did not create, by name: a spec naming one must not create a second.
        let strangersByName = Dictionary(
            live.filter { $0.isManaged && !ownedIDs.contains($0.id) }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // Droplets without `managed-by-arcadia`, by name: a create of the same name makes a second droplet.
        let unmanagedByName = Dictionary(live.filter { !$0.isManaged }.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })

        for resource in desired.sorted(by: { $0.name < $1.name }) {
            guard case .droplet(let spec) = resource.spec else { continue }
            if let saga = busy["\(resource.kind.rawValue)/\(resource.name)"] {
                result.blocked.append(.blocked(by: saga, kind: resource.kind, name: resource.name))
                continue
            }
            guard let record = appliedByName[resource.name] else {
                if let stranger = strangersByName[resource.name] {
                    result.errors.append(.error(
                        "name_taken", resource,
                        "droplet '\(resource.name)' already exists (id \(stranger.id), tagged \(Ownership.managedTag)) "
                            + "but this state did not create it; delete it, or rename the spec, before applying"
                    ))
                } else {
                    if let namesake = unmanagedByName[resource.name] {
                        result.warnings.append(Diagnostic(
                            code: "name_clash_unmanaged", severity: .warning, kind: resource.kind.rawValue, name: resource.name,
                            location: resource.source,
                            message: "a droplet named '\(resource.name)' already exists (id \(namesake.id)) without the tag \(Ownership.managedTag), "
                                + "so Arcadia does not manage it and this plan creates a second droplet of that name; importing an existing "
                                + "droplet is not supported yet (a future `arcadia import`): rename the spec, or rename or delete the existing droplet"
                        ))
                    }
                    result.changes.append(Change(action: .create, kind: .droplet, name: resource.name, desired: resource))
                }
                continue
            }
            guard let droplet = liveByID[record.resourceID] else {
                result.changes.append(Change(
                    action: .create, kind: .droplet, name: resource.name, desired: resource,
                    reason: "droplet \(record.resourceID) was deleted outside Arcadia"
                ))
                continue
            }
            let reverts = revertingDrift.contains(ResourceTarget(kind: resource.kind, name: resource.name))
            diffDroplet(resource, spec: spec, record: record, droplet: droplet, revertingDrift: reverts, into: &result)
        }

        for record in applied.sorted(by: { $0.name < $1.name }) where !desiredNames.contains(record.name) {
            if let saga = busy["\(ResourceKind.droplet.rawValue)/\(record.name)"] {
                result.blocked.append(.blocked(by: saga, kind: .droplet, name: record.name))
                continue
            }
            let exists = liveByID[record.resourceID] != nil
            if let droplet = liveByID[record.resourceID], !droplet.isManaged {
                result.blocked.append(untagged(droplet, name: record.name, wanted: "destroy"))
                continue
            }
            if record.policy.protect && exists {
                result.errors.append(Diagnostic(
                    code: "protected_destroy", kind: ResourceKind.droplet.rawValue, name: record.name,
                    message: "droplet '\(record.name)' is protected (policy.protect: true) and its spec file was removed; "
                        + "restore the spec, or set protect: false and apply before removing it"
                ))
                continue
            }
            result.changes.append(Change(
                action: .destroy, kind: .droplet, name: record.name, resourceID: record.resourceID,
                reason: exists ? nil : "already gone from DigitalOcean; only Arcadia's record is removed",
                isResourceGone: !exists
            ))
        }

        // Unfinished sagas on resources neither specified nor recorded (a create killed after it
        // posted, whose spec was then removed): never "in sync" while one is there.
        for saga in unfinishedSagas where !result.blocked.contains(where: { "\($0.kind.rawValue)/\($0.name)" == "\(saga.resourceKind)/\(saga.resourceName)" }) {
            result.blocked.append(.blocked(by: saga, kind: ResourceKind(rawValue: saga.resourceKind) ?? .droplet, name: saga.resourceName))
        }
        let unfinishedTags = Set(unfinishedSagas.map { Ownership.sagaTag(forSagaID: $0.id) })
        for droplet in live where !ownedIDs.contains(droplet.id) {
            if !droplet.isManaged {
                result.unmanaged.append("\(droplet.name) (\(droplet.id))")
            } else if !desiredNames.contains(droplet.name), droplet.sagaTag.map({ unfinishedTags.contains($0.lowercased()) }) != true {
                result.foreignManagedCount += 1
            }
        }
        return result
    }

    private static func diffDroplet(
        _ resource: DesiredResource, spec: DropletSpec, record: AppliedResource, droplet: LiveDroplet, revertingDrift: Bool, into result: inout Result
    ) {
        var fields: [FieldChange] = []
        var modes: Set<FieldChangeMode> = []
        for field in DropletField.all where !resource.policy.ignore.contains(field.name) {
            let want = field.desired(spec)
            let had = field.desired(record.spec)
            let now = field.live?(droplet)
            if want != had {
                let isAlreadyLive = now != nil && now == want
                if isAlreadyLive, let had, let want {
                    result.acceptedInSpec.append(DriftFinding(
                        kind: .droplet, name: resource.name, resourceID: droplet.id, field: field.name, expected: had, actual: want, isRevertPlanned: false
                    ))
                }
                fields.append(FieldChange(field: field.name, from: isAlreadyLive ? had : (now ?? had), to: want, isAlreadyLive: isAlreadyLive))
                modes.insert(isAlreadyLive ? .recordOnly : field.mode)
            } else if let now, now != had, let had {
                let revertible = field.mode == .resize
                result.drift.append(DriftFinding(
                    kind: .droplet, name: resource.name, resourceID: droplet.id, field: field.name,
                    expected: had, actual: now, isRevertPlanned: revertible
                ))
                if revertible {
                    fields.append(FieldChange(field: field.name, from: now, to: want, isDriftRevert: true))
                    modes.insert(field.mode)
                } else {
                    result.warnings.append(warning(
                        "drift_not_revertible", resource, field: field.name,
                        "droplet '\(resource.name)': \(field.name) drifted to \(now); Arcadia cannot revert \(field.name) in place yet"
                    ))
                }
            }
        }
        // A resize ends by powering the droplet on: if it is off, the plan says so (a status revert) rather
        // than calling the power-off "reported only" and then powering it on anyway.
        let resizes = fields.contains { $0.field == "size" && !$0.isAlreadyLive }
        diffPower(resource, droplet: droplet, revertingDrift: revertingDrift || resizes, fields: &fields, into: &result)
        if resource.policy != record.policy {
            fields.append(FieldChange(field: "policy", from: describe(record.policy), to: describe(resource.policy)))
            modes.insert(.recordOnly)
        }

        let unsupported = fields.filter { change in
            !change.isAlreadyLive && DropletField.all.first { $0.name == change.field }?.mode == .unsupported
        }
        for change in unsupported {
            result.warnings.append(warning(
                "change_not_supported", resource, field: change.field,
                "droplet '\(resource.name)': changing \(change.field) in place is not supported yet; the change is not planned"
            ))
        }
        fields.removeAll { unsupported.contains($0) }
        modes.remove(.unsupported)
        guard !fields.isEmpty else { return }
        guard droplet.isManaged else {
            result.blocked.append(untagged(droplet, name: resource.name, wanted: modes.contains(.replace) ? "replace" : "update"))
            return
        }

        if modes.contains(.replace) {
            if record.policy.protect || resource.policy.protect {
                let names = fields.filter { change in
                    !change.isAlreadyLive && DropletField.all.first { $0.name == change.field }?.mode == .replace
                }.map(\.field)
                result.errors.append(.error(
                    "protected_replace", resource, at: names.first.map(resource.location(of:)),
                    "changing \(names.joined(separator: ", ")) of droplet '\(resource.name)' needs a replacement, "
                        + "but it is protected (policy.protect: true); revert the change, or set protect: false and apply first"
                ))
                return
            }
            result.changes.append(Change(
                action: .replace, kind: .droplet, name: resource.name, fields: fields, resourceID: droplet.id, desired: resource,
                applied: AppliedDocument(spec: record.spec, policy: record.policy)
            ))
        } else {
            result.changes.append(Change(
                action: .update, kind: .droplet, name: resource.name, fields: fields, resourceID: droplet.id, desired: resource,
                applied: AppliedDocument(spec: record.spec, policy: record.policy)
            ))
        }
    }

    /// A spec'd droplet is meant to run: one powered off outside Arcadia is drift of `status`. `new`
    /// (still booting) is not, and a droplet an unfinished saga powered off never gets here (it is blocked).
    /// Powering it on is planned only with `policy.drift: revert`; otherwise it is reported.
    private static func diffPower(
        _ resource: DesiredResource, droplet: LiveDroplet, revertingDrift: Bool, fields: inout [FieldChange], into result: inout Result
    ) {
        guard droplet.status == DropletPower.off, !resource.policy.ignore.contains(DropletPower.field) else { return }
        let revert = resource.policy.drift == .revert || revertingDrift
        result.drift.append(DriftFinding(
            kind: .droplet, name: resource.name, resourceID: droplet.id, field: DropletPower.field,
            expected: DropletPower.active, actual: DropletPower.off, isRevertPlanned: revert
        ))
        if revert {
            fields.append(FieldChange(field: DropletPower.field, from: DropletPower.off, to: DropletPower.active, isDriftRevert: true))
        } else {
            result.warnings.append(warning(
                "drift_not_reverted", resource, field: DropletPower.field,
                "droplet '\(resource.name)' was powered off outside Arcadia; power it on, or set policy.drift: revert for apply to power it on"
            ))
        }
    }

    private static func warning(_ code: String, _ resource: DesiredResource, field: String, _ message: String) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, kind: resource.kind.rawValue, name: resource.name, location: resource.location(of: field), message: message)
    }

    /// Arcadia never touches a droplet without `managed-by-arcadia`, even one it created: someone took
    /// the tag away, and only someone putting it back hands the droplet to Arcadia again.
    private static func untagged(_ droplet: LiveDroplet, name: String, wanted: String) -> BlockedResource {
        BlockedResource(
            kind: .droplet, name: name,
            reason: "the plan would \(wanted) droplet \(droplet.id), but it no longer carries the tag \(Ownership.managedTag) "
                + "(removed outside Arcadia), so Arcadia leaves it alone; tag it \(Ownership.managedTag) again to let Arcadia act on it"
        )
    }

    static func describe(_ policy: ResourcePolicy) -> String {
        var parts = ["protect=\(policy.protect)", "drift=\(policy.drift.rawValue)", "snapshotBeforeResize=\(policy.snapshotBeforeResize)"]
        if !policy.ignore.isEmpty { parts.append("ignore=[\(policy.ignore.joined(separator: ", "))]") }
        return parts.joined(separator: " ")
    }
}
