import ArcadiaSpecs
import Foundation

/// The three-way diff: desired (specs) against applied (`provisioned`) against live (inventory), for
/// every kind through its ``KindDefinition``. Pure. A resource is `(kind, name)`: a Droplet `web` and a
/// Volume `web` are two resources.
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
        /// Resources tagged `managed-by-arcadia` that this state did not create: never touched.
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
    /// - Parameter driftReverts: which other drift to revert (all of it, for `arcadia apply`).
    public static func diff(
        desired: [DesiredResource], applied: [AppliedResource], live: [LiveResource], kinds: KindBook,
        unfinishedSagas: [UnfinishedSaga] = [], revertingDrift: Set<ResourceTarget> = [], driftReverts: DriftReverts = .always
    ) -> Result {
        var result = Result()
        let busy = Dictionary(unfinishedSagas.map { ("\($0.resourceKind)/\($0.resourceName)", $0) }, uniquingKeysWith: { first, _ in first })
        let appliedByKey = Dictionary(applied.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let liveByID = Dictionary(live.map { (liveKey($0.kind, $0.id), $0) }, uniquingKeysWith: { first, _ in first })
        let desiredKeys = Set(desired.map(\.key))
        let ownedIDs = Set(applied.map { liveKey($0.kind, $0.resourceID) })
        let references = ReferenceIDs(applied, live: live)
        let tagged = live.filter { kinds[$0.kind]?.isTagged ?? false }
        // Managed resources this state did not create, by name: a spec naming one must not create a second.
        let strangersByName = Dictionary(
            tagged.filter { $0.isManaged && !ownedIDs.contains(liveKey($0.kind, $0.id)) }.map { ("\($0.kind.rawValue)/\($0.name)", $0) },
            uniquingKeysWith: { first, _ in first }
        )
        // Resources without `managed-by-arcadia`, by name: a create of the same name makes a second one.
        let unmanagedByName = Dictionary(grouping: tagged.filter { !$0.isManaged }, by: { "\($0.kind.rawValue)/\($0.name)" })

        for resource in desired.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }) {
            guard let definition = kinds[resource.kind] else { continue }
            let noun = resource.kind.noun
            if let saga = busy[resource.key] {
                result.blocked.append(.blocked(by: saga, kind: resource.kind, name: resource.name))
                continue
            }
            guard let record = appliedByKey[resource.key] else {
                if let stranger = strangersByName[resource.key] {
                    result.errors.append(.error(
                        "name_taken", resource,
                        "\(noun) '\(resource.name)' already exists (id \(stranger.id), tagged \(Ownership.managedTag)) "
                            + "but this state did not create it; delete it, or rename the spec, before applying"
                    ))
                    continue
                }
                if let namesake = unmanagedByName[resource.key]?.first(where: { !definition.namesAreUnique || sharesRegion($0, resource) }) {
                    if definition.namesAreUnique {
                        result.errors.append(.error(
                            "name_taken_unmanaged", resource,
                            "a \(noun) named '\(resource.name)' already exists (id \(namesake.id)) without the tag \(Ownership.managedTag), and DigitalOcean "
                                + "allows one of that name; rename the spec, or rename or delete the existing \(noun)"
                        ))
                        continue
                    }
                    result.warnings.append(Diagnostic(
                        code: "name_clash_unmanaged", severity: .warning, kind: resource.kind.rawValue, name: resource.name,
                        location: resource.source,
                        message: "a \(noun) named '\(resource.name)' already exists (id \(namesake.id)) without the tag \(Ownership.managedTag), "
                            + "so Arcadia does not manage it and this plan creates a second \(noun) of that name; to manage the existing one "
                            + "instead, remove this spec and run `arcadia import --kind \(resource.kind.rawValue) --name \(resource.name)`; "
                            + "or rename the spec, or rename or delete the existing \(noun)"
                    ))
                }
                result.changes.append(Change(action: .create, kind: resource.kind, name: resource.name, desired: resource))
                continue
            }
            guard let current = liveByID[liveKey(resource.kind, record.resourceID)] else {
                result.changes.append(Change(
                    action: .create, kind: resource.kind, name: resource.name, desired: resource,
                    reason: "\(noun) \(record.resourceID) was deleted outside Arcadia"
                ))
                continue
            }
            let reverts = revertingDrift.contains(ResourceTarget(kind: resource.kind, name: resource.name))
            diffResource(
                resource, definition: definition, record: record, live: current, references: references, revertingDrift: reverts,
                driftReverts: driftReverts, into: &result
            )
        }

        for record in applied.sorted(by: { ($0.kind, $0.name) < ($1.kind, $1.name) }) where !desiredKeys.contains(record.key) {
            let noun = record.kind.noun
            if let saga = busy[record.key] {
                result.blocked.append(.blocked(by: saga, kind: record.kind, name: record.name))
                continue
            }
            let current = liveByID[liveKey(record.kind, record.resourceID)]
            if let current, !current.isManaged {
                result.blocked.append(untagged(current, name: record.name, wanted: "destroy"))
                continue
            }
            if record.policy.protect && current != nil {
                result.errors.append(Diagnostic(
                    code: "protected_destroy", kind: record.kind.rawValue, name: record.name,
                    message: "\(noun) '\(record.name)' is protected (policy.protect: true) and its spec file was removed; "
                        + "restore the spec, or set protect: false and apply before removing it"
                ))
                continue
            }
            result.changes.append(Change(
                action: .destroy, kind: record.kind, name: record.name, resourceID: record.resourceID,
                reason: current != nil ? nil : "already gone from DigitalOcean; only Arcadia's record is removed",
                isResourceGone: current == nil, applied: AppliedDocument(spec: record.spec, policy: record.policy)
            ))
        }

        followReplacements(desired: desired, applied: appliedByKey, live: liveByID, kinds: kinds, busy: busy, into: &result)
        notePointersToReplaced(applied: appliedByKey, live: liveByID, kinds: kinds, into: &result)

        // Unfinished sagas on resources neither specified nor recorded (a create killed after it
        // posted, whose spec was then removed): never "in sync" while one is there.
        for saga in unfinishedSagas where !result.blocked.contains(where: { "\($0.kind.rawValue)/\($0.name)" == "\(saga.resourceKind)/\(saga.resourceName)" }) {
            result.blocked.append(.blocked(by: saga, kind: ResourceKind(rawValue: saga.resourceKind) ?? .droplet, name: saga.resourceName))
        }
        let unfinishedTags = Set(unfinishedSagas.map { Ownership.sagaTag(forSagaID: $0.id) })
        for resource in tagged where !ownedIDs.contains(liveKey(resource.kind, resource.id)) {
            if !resource.isManaged {
                if resource.kind == .droplet { result.unmanaged.append("\(resource.name) (\(resource.id))") }
            } else if !desiredKeys.contains("\(resource.kind.rawValue)/\(resource.name)"),
                      resource.sagaTag.map({ unfinishedTags.contains($0.lowercased()) }) != true {
                result.foreignManagedCount += 1
            }
        }
        return result
    }

    private static func liveKey(_ kind: ResourceKind, _ id: String) -> String { "\(kind.rawValue)#\(id)" }

    /// A resource replaced in this plan gets a new id, and whatever names it by id in place (a volume's
    /// `attachTo`) must follow it to the replacement in the same apply: DigitalOcean detaches a volume
    /// from a droplet it destroys, and without this the next plan would call that drift. A kind that
    /// ``KindDefinition/movesWithReplacedDroplet`` is moved by the droplet's replace saga itself, before
    /// the old droplet is destroyed (the replace change's `dependents`); its own change then only
    /// records the move (`movedBy`).
    private static func followReplacements(
        desired: [DesiredResource], applied: [String: AppliedResource], live: [String: LiveResource], kinds: KindBook,
        busy: [String: UnfinishedSaga], into result: inout Result
    ) {
        let replaced = Set(result.changes.filter { $0.action == .replace }.map(\.key))
        guard !replaced.isEmpty else { return }
        // What each replaced resource was, by key: the id its followers see give way.
        let oldIDs = Dictionary(result.changes.filter { $0.action == .replace }.compactMap { change in change.resourceID.map { (change.key, $0) } },
                                uniquingKeysWith: { first, _ in first })
        for resource in desired where busy[resource.key] == nil {
            guard let definition = kinds[resource.kind], let record = applied[resource.key],
                  let current = live[liveKey(resource.kind, record.resourceID)], current.isManaged else { continue }
            let moves = definition.follow(replaced: replaced, resource: resource, record: record, live: current)
                ?? fieldMoves(resource, definition: definition, live: current, replaced: replaced, oldIDs: oldIDs)
            guard let first = moves.first else { continue }
            // Moves the droplet's replace saga makes itself; the rest follow in this resource's own saga.
            let inReplaceSaga = moves.filter { definition.movesWithReplacedDroplet && $0.follows.hasPrefix("\(ResourceKind.droplet.rawValue)/") }
            var recorded: [FieldChange] = []
            for (move, follows) in moves where !recorded.contains(where: { $0.field == move.field }) {
                let byReplace = inReplaceSaga.contains { $0.follows == follows && $0.move.field == move.field }
                recorded.append(byReplace ? FieldChange(field: move.field, from: move.from, to: move.to, movedBy: follows) : move)
            }
            if let index = result.changes.firstIndex(where: { $0.key == resource.key }) {
                // A resource changed anyway takes the moves into its change, but for the fields it moves itself
                // (they end where its spec says, after the replace); the replace saga still moves it first.
                guard result.changes[index].action == .update else { continue }
                let own = result.changes[index].fields
                result.changes[index].fields += recorded.filter { move in !own.contains { $0.field == move.field } }
                // Its own targets name the replaced droplet's id, which is gone by the time its saga runs.
                for (_, follows) in inReplaceSaga {
                    guard let oldID = oldIDs[follows] else { continue }
                    let shown = "\(follows.split(separator: "/").last ?? "")'s replacement"
                    for at in result.changes[index].fields.indices where result.changes[index].fields[at].movedBy == nil {
                        result.changes[index].fields[at].to = result.changes[index].fields[at].to.map { replacingID(oldID, with: shown, in: $0) }
                    }
                }
            } else {
                let reason = recorded.allSatisfy { $0.movedBy != nil }
                    ? "\(first.follows) is replaced; its replace saga moves this to the new one before destroying the old, and this records it"
                    : "\(first.follows) is replaced, so its \(first.move.field) follows it to the new one"
                result.changes.append(Change(
                    action: .update, kind: resource.kind, name: resource.name, fields: recorded, resourceID: current.id, desired: resource,
                    reason: reason, applied: AppliedDocument(spec: record.spec, policy: record.policy)
                ))
            }
            for (move, follows) in inReplaceSaga {
                guard let owner = result.changes.firstIndex(where: { $0.key == follows && $0.action == .replace }) else { continue }
                var dependents = result.changes[owner].dependents ?? []
                if let at = dependents.firstIndex(where: { $0.key == resource.key }) {
                    dependents[at].fields.append(move)
                } else {
                    dependents.append(DependentMove(kind: resource.kind, name: resource.name, resourceID: current.id, fields: [move]))
                }
                result.changes[owner].dependents = dependents
            }
        }
    }

    /// The moves of a kind whose references map to one in-place field each: every such field that names
    /// a replaced resource, to `web's replacement` (in a list, only the replaced one's id gives way:
    /// `[web's replacement, 410000002]`), once per field and replaced resource.
    private static func fieldMoves(
        _ resource: DesiredResource, definition: any KindDefinition, live: LiveResource, replaced: Set<String>, oldIDs: [String: String]
    ) -> [(move: FieldChange, follows: String)] {
        var moves: [(move: FieldChange, follows: String)] = []
        for reference in definition.references(in: resource.spec) {
            let follows = "\(reference.kind.rawValue)/\(reference.name)"
            let name = String(reference.field.prefix { $0 != "[" })
            guard replaced.contains(follows), let field = definition.field(named: name), field.mode == .inPlace, !resource.policy.ignore.contains(name),
                  !moves.contains(where: { $0.move.field == name && $0.follows == follows }) else { continue }
            let from = field.live?(live)
            let replacement = "\(reference.name)'s replacement"
            // Two replaced droplets in one list: each swap applies to what the one before left.
            let shown = moves.last { $0.move.field == name }?.move.to ?? from
            var to = replacement
            if let shown, let oldID = oldIDs[follows], replacingID(oldID, with: replacement, in: shown) != shown {
                to = replacingID(oldID, with: replacement, in: shown)
            }
            moves = moves.map { $0.move.field == name ? (FieldChange(field: name, from: $0.move.from, to: to), $0.follows) : $0 }
            moves.append((FieldChange(field: name, from: from, to: to), follows))
        }
        return moves
    }

    /// What Arcadia manages that points at a replaced droplet live and that the replace saga does not
    /// move (`Change.pointedAtBy`). One with no change of its own to repoint it (an A record whose data
    /// is the address written out, as import writes it) would point at a destroyed droplet: a warning
    /// says so, and how to make it follow.
    private static func notePointersToReplaced(
        applied: [String: AppliedResource], live: [String: LiveResource], kinds: KindBook, into result: inout Result
    ) {
        for index in result.changes.indices where result.changes[index].action == .replace && result.changes[index].kind == .droplet {
            guard let oldID = result.changes[index].resourceID else { continue }
            let replace = result.changes[index]
            let address = live[liveKey(.droplet, oldID)]?["publicIPv4"]?.text
            let moved = Set((replace.dependents ?? []).map(\.key))
            var pointers: [String] = []
            for record in applied.values.sorted(by: { $0.key < $1.key }) where record.kind != .droplet && !moved.contains(record.key) {
                guard let definition = kinds[record.kind], let current = live[liveKey(record.kind, record.resourceID)] else { continue }
                let fields = definition.pointers(to: oldID, address: address, in: current)
                guard !fields.isEmpty else { continue }
                pointers.append(record.key)
                guard !result.changes.contains(where: { $0.key == record.key }) else { continue }
                result.warnings.append(Diagnostic(
                    code: "left_pointing_at_replaced", severity: .warning, kind: record.kind.rawValue, name: record.name,
                    message: "\(record.kind.noun) '\(record.name)': \(fields.joined(separator: ", ")) point\(fields.count == 1 ? "s" : "") at droplet \(oldID) "
                        + "('\(replace.name)'), which this plan replaces and destroys, and nothing in the plan moves \(fields.count == 1 ? "it" : "them"); "
                        + "name the Droplet spec (droplet: \(replace.name)) instead of its address or id so it follows, or change it after the apply"
                ))
            }
            result.changes[index].pointedAtBy = pointers.isEmpty ? nil : pointers
        }
    }

    /// `text` (an id, or a list of ids as `[a, b]`) with the id `old` shown as `replacement`.
    private static func replacingID(_ old: String, with replacement: String, in text: String) -> String {
        guard text.hasPrefix("["), text.hasSuffix("]") else { return text == old ? replacement : text }
        let items = text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        return "[" + items.map { $0 == old ? replacement : $0 }.joined(separator: ", ") + "]"
    }

    /// Whether a live namesake is in the spec's region, where a kind's names are unique per region
    /// (volumes); true when either has no region.
    private static func sharesRegion(_ live: LiveResource, _ resource: DesiredResource) -> Bool {
        guard let region = resource.spec.string("region"), let liveRegion = live["region"]?.text else { return true }
        return region == liveRegion
    }

    private static func diffResource(
        _ resource: DesiredResource, definition: any KindDefinition, record: AppliedResource, live: LiveResource,
        references: ReferenceIDs, revertingDrift: Bool, driftReverts: DriftReverts, into result: inout Result
    ) {
        let noun = resource.kind.noun
        var fields: [FieldChange] = []
        var modes: Set<FieldChangeMode> = []
        for field in definition.fields where !resource.policy.ignore.contains(field.name) {
            let want = field.desired(resource.spec, references)
            let had = field.desired(record.spec, references)
            let now = field.live?(live)
            if want != had {
                let isAlreadyLive = now != nil && now == want
                if isAlreadyLive, let had, let want {
                    result.acceptedInSpec.append(DriftFinding(
                        kind: resource.kind, name: resource.name, resourceID: live.id, field: field.name, expected: had, actual: want, isRevertPlanned: false
                    ))
                }
                let from = isAlreadyLive ? had : (now ?? had)
                if !isAlreadyLive, let from, let want, let why = field.impossible?(from, want) {
                    result.errors.append(.error("change_impossible", resource, at: resource.location(of: field.name), "\(noun) '\(resource.name)': \(why)"))
                    continue
                }
                fields.append(FieldChange(field: field.name, from: from, to: want, isAlreadyLive: isAlreadyLive))
                modes.insert(isAlreadyLive ? .recordOnly : field.mode)
            } else if let now, now != had, let had {
                let impossible = want.flatMap { field.impossible?(now, $0) }
                let revertible = field.mode == .inPlace && impossible == nil
                let reverting = revertible && (revertingDrift || driftReverts.reverts(resource, field: field.name))
                result.drift.append(DriftFinding(
                    kind: resource.kind, name: resource.name, resourceID: live.id, field: field.name,
                    expected: had, actual: now, isRevertPlanned: reverting
                ))
                if reverting {
                    fields.append(FieldChange(field: field.name, from: now, to: want, isDriftRevert: true))
                    modes.insert(field.mode)
                } else if !revertible {
                    result.warnings.append(warning(
                        "drift_not_revertible", resource, field: field.name,
                        "\(noun) '\(resource.name)': \(field.name) drifted to \(now); " + (impossible.map { "Arcadia cannot put it back: \($0)" }
                            ?? (field.mode == .unsupported ? "Arcadia cannot revert \(field.name) in place yet"
                                : "Arcadia cannot revert \(field.name) in place (only a replacement could); set it in the spec to accept it"))
                    ))
                }
            }
        }
        definition.diffLiveOnly(resource, live: live, revertingDrift: revertingDrift, driftReverts: driftReverts, fields: &fields, into: &result)
        definition.diffContents(
            resource, record: record, live: live, references: references, revertingDrift: revertingDrift, driftReverts: driftReverts,
            fields: &fields, into: &result
        )
        if resource.policy != record.policy {
            fields.append(FieldChange(field: "policy", from: describe(record.policy), to: describe(resource.policy)))
            modes.insert(.recordOnly)
        }

        let unsupported = fields.filter { change in
            !change.isAlreadyLive && definition.field(named: change.field)?.mode == .unsupported
        }
        for change in unsupported {
            result.warnings.append(warning(
                "change_not_supported", resource, field: change.field,
                "\(noun) '\(resource.name)': changing \(change.field) in place is not supported yet; the change is not planned"
            ))
        }
        fields.removeAll { unsupported.contains($0) }
        modes.remove(.unsupported)
        guard !fields.isEmpty else { return }
        guard live.isManaged else {
            result.blocked.append(untagged(live, name: resource.name, wanted: modes.contains(.replace) ? "replace" : "update"))
            return
        }
        let applied = AppliedDocument(spec: record.spec, policy: record.policy)
        if modes.contains(.replace) {
            if record.policy.protect || resource.policy.protect {
                let names = fields.filter { change in
                    !change.isAlreadyLive && definition.field(named: change.field)?.mode == .replace
                }.map(\.field)
                result.errors.append(.error(
                    "protected_replace", resource, at: names.first.map(resource.location(of:)),
                    "changing \(names.joined(separator: ", ")) of \(noun) '\(resource.name)' needs a replacement, "
                        + "but it is protected (policy.protect: true); revert the change, or set protect: false and apply first"
                ))
                return
            }
            result.changes.append(Change(
                action: .replace, kind: resource.kind, name: resource.name, fields: fields, resourceID: live.id, desired: resource, applied: applied
            ))
        } else {
            result.changes.append(Change(
                action: .update, kind: resource.kind, name: resource.name, fields: fields, resourceID: live.id, desired: resource, applied: applied
            ))
        }
    }

    public static func warning(_ code: String, _ resource: DesiredResource, field: String, _ message: String) -> Diagnostic {
        Diagnostic(code: code, severity: .warning, kind: resource.kind.rawValue, name: resource.name, location: resource.location(of: field), message: message)
    }

    /// Arcadia never touches a resource without `managed-by-arcadia`, even one it created: someone took
    /// the tag away, and only someone putting it back hands the resource to Arcadia again.
    private static func untagged(_ live: LiveResource, name: String, wanted: String) -> BlockedResource {
        BlockedResource(
            kind: live.kind, name: name,
            reason: "the plan would \(wanted) \(live.kind.noun) \(live.id), but it no longer carries the tag \(Ownership.managedTag) "
                + "(removed outside Arcadia), so Arcadia leaves it alone; tag it \(Ownership.managedTag) again to let Arcadia act on it"
        )
    }

    static func describe(_ policy: ResourcePolicy) -> String {
        var parts = ["protect=\(policy.protect)", "drift=\(policy.drift.rawValue)", "snapshotBeforeResize=\(policy.snapshotBeforeResize)"]
        if let keep = policy.keepSnapshots { parts.append("keepSnapshots=\(keep)") }
        if policy.snapshotBeforeDestroy { parts.append("snapshotBeforeDestroy=true") }
        if policy.pruneRecords { parts.append("pruneRecords=true") }
        if !policy.ignore.isEmpty { parts.append("ignore=[\(policy.ignore.joined(separator: ", "))]") }
        return parts.joined(separator: " ")
    }
}
