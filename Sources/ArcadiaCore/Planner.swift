import ArcadiaSpecs

/// Turns the diff into sagas, each kind's through its ``KindDefinition``, in the order references
/// demand. Pure.
public enum Planner {
    /// - Parameter emptySpecs: where the specs were looked for, when none were found. A plan that would
    ///   then destroy every resource this state applied is refused (`empty_specs`): an empty or wrongly
    ///   named folder is far likelier than a wish to delete everything. Nil allows it (`--allow-empty`).
    public static func plan(
        _ diff: Differ.Result, kinds: KindBook, fingerprint: String, appliedCount: Int = 0, emptySpecs: String? = nil
    ) -> Plan {
        var plan = Plan(
            changes: ordered(diff.changes.compactMap { change in
                guard let definition = kinds[change.kind] else { return nil }
                var planned = definition.plan(change)
                if change.action == .create, let spec = change.desired?.spec { planned.summary = definition.summary(of: spec) }
                return planned
            }, kinds: kinds),
            drift: diff.drift,
            errors: diff.errors,
            warnings: diff.warnings,
            unmanaged: diff.unmanaged,
            foreignManagedCount: diff.foreignManagedCount,
            blocked: diff.blocked,
            fingerprint: fingerprint
        )
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

    /// The changes with what each must wait for, in an order that respects it (ties by kind and name).
    /// A change that creates or updates a resource waits for the changes to the resources its spec
    /// names. A destroy waits for every other change whose resource named the destroyed one (a volume
    /// is detached and deleted before its droplet goes), and for the destroys of resources that named it.
    /// Creates of a kind that ``KindDefinition/createsOneAtATimePerRegion`` wait for the one before.
    static func ordered(_ changes: [PlannedChange], kinds: KindBook) -> [PlannedChange] {
        let actions = Dictionary(changes.map { ($0.change.key, $0.change.action) }, uniquingKeysWith: { first, _ in first })
        func references(_ kind: ResourceKind, _ spec: ResourceSpec?) -> [String] {
            guard let spec, let definition = kinds[kind] else { return [] }
            return definition.references(in: spec).map { "\($0.kind.rawValue)/\($0.name)" }
        }
        var after: [String: Set<String>] = [:]
        for planned in changes {
            let change = planned.change
            if change.action != .destroy {
                for target in references(change.kind, change.desired?.spec) where target != change.key {
                    if let action = actions[target], action != .destroy { after[change.key, default: []].insert(target) }
                }
            }
            // Whatever named a resource (before or after this plan) lets go of it before it is destroyed.
            for target in Set(references(change.kind, change.applied?.spec) + references(change.kind, change.desired?.spec))
            where target != change.key && actions[target] == .destroy {
                after[target, default: []].insert(change.key)
            }
        }
        // Creates that cannot be told apart once posted (reserved IPs in one region) run one at a time.
        let tagless = changes.filter { planned in
            [.create, .replace].contains(planned.change.action) && kinds[planned.change.kind]?.createsOneAtATimePerRegion == true
        }
        let byRegion = Dictionary(grouping: tagless) { "\($0.change.kind.rawValue)/\($0.change.desired?.spec.string("region") ?? "")" }
        for group in byRegion.values {
            let keys = group.map(\.change.key).sorted()
            for (previous, next) in zip(keys, keys.dropFirst()) { after[next, default: []].insert(previous) }
        }
        // Kahn's algorithm, linear in changes and references; what is ready goes in kind and name order.
        let sorted = changes.sorted { ($0.change.kind, $0.change.name) < ($1.change.kind, $1.change.name) }
        var waitingOn = after.mapValues(\.count)
        var followers: [String: [String]] = [:]
        for (key, predecessors) in after { for predecessor in predecessors { followers[predecessor, default: []].append(key) } }
        let byKey = Dictionary(sorted.map { ($0.change.key, $0) }, uniquingKeysWith: { first, _ in first })
        var ready = sorted.filter { (waitingOn[$0.change.key] ?? 0) == 0 }.map(\.change.key)
        var result: [PlannedChange] = []
        var index = 0
        while index < ready.count {
            let key = ready[index]
            index += 1
            guard var next = byKey[key] else { continue }
            next.after = (after[key] ?? []).sorted()
            result.append(next)
            for follower in (followers[key] ?? []).sorted() {
                waitingOn[follower, default: 0] -= 1
                if waitingOn[follower] == 0 { ready.append(follower) }
            }
        }
        // References were checked for cycles when the specs were loaded; should one remain, the rest go in name order.
        let placed = Set(result.map(\.change.key))
        for var rest in sorted where !placed.contains(rest.change.key) {
            rest.after = (after[rest.change.key] ?? []).sorted()
            result.append(rest)
        }
        return result
    }
}
