import ArcadiaSpecs

/// The three-way diff: desired (specs) against applied (`provisioned`) against live (inventory). Pure.
public enum Differ {
    public struct Result: Sendable, Hashable {
        public var changes: [Change] = []
        public var drift: [DriftFinding] = []
        /// Problems that make the plan unsafe to apply, each naming the resource and what to do.
        public var errors: [String] = []
        /// Things the plan will not do, said so the operator is not surprised.
        public var warnings: [String] = []
        /// Droplets without `managed-by-arcadia`, as `name (id)`: never touched.
        public var unmanaged: [String] = []
        public var unmanagedCount: Int { unmanaged.count }
        /// Droplets tagged `managed-by-arcadia` that this state did not create: never touched.
        public var foreignManagedCount = 0
    }

    /// - Parameter unfinishedSagas: saga tag → saga id, for this state's sagas that never reached a final status,
    ///   so a droplet one of them created is named as such rather than as a stranger's.
    public static func diff(
        desired: [DesiredResource], applied: [AppliedResource], live: [LiveDroplet], unfinishedSagas: [String: String] = [:]
    ) -> Result {
        var result = Result()
        let appliedByName = Dictionary(applied.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let liveByID = Dictionary(live.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let desiredNames = Set(desired.map(\.name))
        let ownedIDs = Set(applied.map(\.resourceID))
        // Managed droplets this state did not create, by name: a spec naming one must not create a second.
        let strangersByName = Dictionary(
            live.filter { $0.isManaged && !ownedIDs.contains($0.id) }.map { ($0.name, $0) },
            uniquingKeysWith: { first, _ in first }
        )

        for resource in desired.sorted(by: { $0.name < $1.name }) {
            guard case .droplet(let spec) = resource.spec else { continue }
            guard let record = appliedByName[resource.name] else {
                if let stranger = strangersByName[resource.name], let tag = stranger.sagaTag?.lowercased(), let sagaID = unfinishedSagas[tag] {
                    result.errors.append(
                        "\(resource.source): droplet '\(resource.name)' (id \(stranger.id)) was created by saga \(sagaID.prefix(8)) of this state, "
                            + "which did not finish (see `arcadia sagas show \(sagaID.prefix(8))`): run `arcadia sagas resume` to finish it, "
                            + "or `arcadia sagas cancel \(sagaID.prefix(8))` to undo it"
                    )
                } else if let stranger = strangersByName[resource.name] {
                    result.errors.append(
                        "\(resource.source): droplet '\(resource.name)' already exists (id \(stranger.id), tagged \(Ownership.managedTag)) "
                            + "but this state did not create it; delete it, or rename the spec, before applying"
                    )
                } else {
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
            diffDroplet(resource, spec: spec, record: record, droplet: droplet, into: &result)
        }

        for record in applied.sorted(by: { $0.name < $1.name }) where !desiredNames.contains(record.name) {
            let exists = liveByID[record.resourceID] != nil
            if record.policy.protect && exists {
                result.errors.append(
                    "droplet '\(record.name)' is protected (policy.protect: true) and its spec file was removed; "
                        + "restore the spec, or set protect: false and apply before removing it"
                )
                continue
            }
            result.changes.append(Change(
                action: .destroy, kind: .droplet, name: record.name, resourceID: record.resourceID,
                reason: exists ? nil : "already gone from DigitalOcean; only Arcadia's record is removed",
                isResourceGone: !exists
            ))
        }

        for droplet in live where !ownedIDs.contains(droplet.id) {
            if !droplet.isManaged {
                result.unmanaged.append("\(droplet.name) (\(droplet.id))")
            } else if !desiredNames.contains(droplet.name) {
                result.foreignManagedCount += 1
            }
        }
        return result
    }

    private static func diffDroplet(_ resource: DesiredResource, spec: DropletSpec, record: AppliedResource, droplet: LiveDroplet, into result: inout Result) {
        var fields: [FieldChange] = []
        var modes: Set<FieldChangeMode> = []
        for field in DropletField.all where !resource.policy.ignore.contains(field.name) {
            let want = field.desired(spec)
            let had = field.desired(record.spec)
            let now = field.live?(droplet)
            if want != had {
                let isAlreadyLive = now != nil && now == want
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
                    result.warnings.append("droplet '\(resource.name)': \(field.name) drifted to \(now); Arcadia cannot revert \(field.name) in place yet")
                }
            }
        }
        if resource.policy != record.policy {
            fields.append(FieldChange(field: "policy", from: describe(record.policy), to: describe(resource.policy)))
            modes.insert(.recordOnly)
        }

        let unsupported = fields.filter { change in
            !change.isAlreadyLive && DropletField.all.first { $0.name == change.field }?.mode == .unsupported
        }
        for change in unsupported {
            result.warnings.append(
                "droplet '\(resource.name)': changing \(change.field) in place is not supported yet; the change is not planned"
            )
        }
        fields.removeAll { unsupported.contains($0) }
        modes.remove(.unsupported)
        guard !fields.isEmpty else { return }

        if modes.contains(.replace) {
            if record.policy.protect || resource.policy.protect {
                let names = fields.filter { change in
                    !change.isAlreadyLive && DropletField.all.first { $0.name == change.field }?.mode == .replace
                }.map(\.field)
                result.errors.append(
                    "\(resource.source): changing \(names.joined(separator: ", ")) of droplet '\(resource.name)' needs a replacement, "
                        + "but it is protected (policy.protect: true); revert the change, or set protect: false and apply first"
                )
                return
            }
            result.changes.append(Change(action: .replace, kind: .droplet, name: resource.name, fields: fields, resourceID: droplet.id, desired: resource))
        } else {
            result.changes.append(Change(action: .update, kind: .droplet, name: resource.name, fields: fields, resourceID: droplet.id, desired: resource))
        }
    }

    static func describe(_ policy: ResourcePolicy) -> String {
        var parts = ["protect=\(policy.protect)", "drift=\(policy.drift.rawValue)", "snapshotBeforeResize=\(policy.snapshotBeforeResize)"]
        if !policy.ignore.isEmpty { parts.append("ignore=[\(policy.ignore.joined(separator: ", "))]") }
        return parts.joined(separator: " ")
    }
}
