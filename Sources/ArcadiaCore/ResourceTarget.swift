import ArcadiaSpecs

/// One `--target KIND/NAME`: a resource a plan is limited to, as Terraform's `-target` limits one.
public struct ResourceTarget: Sendable, Hashable, CustomStringConvertible {
    public var kind: ResourceKind
    public var name: String

    public init(kind: ResourceKind, name: String) {
        self.kind = kind
        self.name = name
    }

    /// Reads `Droplet/web-1`; the kind in any case.
    public init(parsing text: String) throws(TargetError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[1].isEmpty else {
            throw TargetError("--target '\(text)' is not KIND/NAME, e.g. Droplet/web-1")
        }
        guard let kind = ResourceKind.allCases.first(where: { $0.rawValue.lowercased() == parts[0].lowercased() }) else {
            let known = ResourceKind.allCases.map(\.rawValue)
            throw TargetError("--target '\(text)': unknown kind '\(parts[0])' (known kinds: \(known.joined(separator: ", ")))")
        }
        self.init(kind: kind, name: parts[1])
    }

    public var description: String { "\(kind.rawValue)/\(name)" }

    func matches(kind: String?, name: String?) -> Bool {
        kind == self.kind.rawValue && name == self.name
    }
}

public struct TargetError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension Differ.Result {
    /// The part of this result about `targets`: their changes (with the record-only changes of what a
    /// targeted replace moves), errors, warnings and blocks. Drift is
    /// kept whole (it was observed, whatever is planned). A target that is neither in the specs nor in
    /// the state is an error, with a suggestion. No targets: the result as it is.
    public func limited(to targets: Set<ResourceTarget>, known: [(kind: ResourceKind, name: String)]) -> Differ.Result {
        guard !targets.isEmpty else { return self }
        func targeted(_ kind: String?, _ name: String?) -> Bool { targets.contains { $0.matches(kind: kind, name: name) } }
        var result = self
        let kept = changes.filter { targeted($0.kind.rawValue, $0.name) }
        let keptKeys = Set(kept.map(\.key))
        // A kept replace moves what names the droplet; their changes that only record those moves go too.
        // A change that only records a move made by a replace left out has nothing to record.
        let moving = Set(kept.flatMap { $0.dependents ?? [] }.map(\.key))
        func onlyRecords(_ change: Change) -> Bool { !change.fields.isEmpty && change.fields.allSatisfy { $0.movedBy != nil } }
        result.changes = changes.filter { change in
            if onlyRecords(change) { return change.fields.contains { keptKeys.contains($0.movedBy ?? "") } }
            return targeted(change.kind.rawValue, change.name) || (moving.contains(change.key) && onlyRecords(change))
        }
        var notes: [Diagnostic] = []
        for change in changes where targeted(change.kind.rawValue, change.name) && onlyRecords(change) && !result.changes.contains(change) {
            let replaces = Set(change.fields.compactMap(\.movedBy)).sorted().joined(separator: ", ")
            notes.append(Diagnostic(
                code: "targeted_follower", severity: .warning, kind: change.kind.rawValue, name: change.name,
                message: "\(change.key) only follows \(replaces)'s replace, which this plan leaves out; target \(replaces) to carry it out"
            ))
        }
        // What points at a droplet a kept replace destroys, and whose own change is left out, would point at nothing.
        for replace in kept {
            for key in replace.pointedAtBy ?? [] where !result.changes.contains(where: { $0.key == key }) && changes.contains(where: { $0.key == key }) {
                let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
                notes.append(Diagnostic(
                    code: "targeted_replace_leaves", severity: .warning, kind: parts.first, name: parts.last,
                    message: "\(key) points at droplet \(replace.resourceID ?? "?"), which this plan replaces and destroys, but its own change "
                        + "is left out by --target, so it will point at a destroyed droplet: add --target \(key), or plan without --target"
                ))
            }
        }
        result.errors = errors.filter { $0.name == nil || targeted($0.kind, $0.name) }
        result.warnings = warnings.filter { $0.name == nil || targeted($0.kind, $0.name) } + notes
        result.blocked = blocked.filter { targeted($0.kind.rawValue, $0.name) }
        let names = Set(known.map { "\($0.kind.rawValue)/\($0.name)" })
        for target in targets.sorted(by: { $0.description < $1.description }) where !names.contains(target.description) {
            let hint = closestMatch(to: target.description, in: Array(names)).map { "; did you mean '\($0)'?" } ?? ""
            result.errors.append(Diagnostic(
                code: "unknown_target", kind: target.kind.rawValue, name: target.name,
                message: "--target \(target) is neither in the specs nor in this state\(hint)"
            ))
        }
        result.warnings.append(Diagnostic(
            code: "targeted_plan", severity: .warning,
            message: "this plan is limited to \(targets.sorted(by: { $0.description < $1.description }).map(\.description).joined(separator: ", ")) (--target); "
                + "other resources may still differ from their specs"
        ))
        return result
    }
}
