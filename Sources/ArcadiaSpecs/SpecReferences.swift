/// Checks that every reference between specs names a spec, and that no references go round in a circle.
enum SpecReferences {
    /// - Parameter declared: every document's kind and name, those with problems of their own too: a
    ///   reference to a spec that exists but does not load is that spec's problem, not the reference's.
    static func problems(in resources: [DesiredResource], declared: [(kind: String, name: String)], kinds: SpecKinds) -> [SpecDiagnostic] {
        var problems: [SpecDiagnostic] = []
        var names: [ResourceKind: [String]] = [:]
        for identity in declared {
            if let kind = ResourceKind(rawValue: identity.kind) { names[kind, default: []].append(identity.name) }
        }
        let byKey = Dictionary(resources.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        for resource in resources {
            for reference in kinds.references(of: resource) {
                if let target = byKey["\(reference.kind.rawValue)/\(reference.name)"] {
                    if let problem = kinds.problem(with: reference, to: target, in: resource) {
                        problems.append(SpecDiagnostic(resource.location(of: reference.field), problem))
                    }
                    continue
                }
                // Declared by a document with problems of its own: those are reported there.
                if (names[reference.kind] ?? []).contains(reference.name) { continue }
                let hint = closestMatch(to: reference.name, in: names[reference.kind] ?? []).map { "; did you mean '\($0)'?" }
                    ?? " (no \(reference.kind.rawValue) spec is named so; add one, or fix the name)"
                problems.append(SpecDiagnostic(
                    resource.location(of: reference.field),
                    "\(reference.field) names \(reference.kind.rawValue) '\(reference.name.shown)', which no spec defines\(hint)"
                ))
            }
        }
        return problems + cycles(in: resources, kinds: kinds)
    }

    /// One problem per cycle, naming the files in it in the order the references go.
    private static func cycles(in resources: [DesiredResource], kinds: SpecKinds) -> [SpecDiagnostic] {
        let byKey = Dictionary(resources.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let edges = Dictionary(resources.map { resource in
            (resource.key, kinds.references(of: resource).map { "\($0.kind.rawValue)/\($0.name)" }.filter { byKey[$0] != nil })
        }, uniquingKeysWith: { first, _ in first })
        var state: [String: Bool] = [:]  // false: on the current path; true: done
        var path: [String] = []
        var problems: [SpecDiagnostic] = []

        func visit(_ key: String) {
            state[key] = false
            path.append(key)
            for next in edges[key] ?? [] {
                switch state[next] {
                case nil: visit(next)
                case false?:
                    let loop = Array(path[path.firstIndex(of: next)!...]) + [next]
                    let files = loop.compactMap { byKey[$0].map { "\($0.key) (\($0.source.path))" } }
                    problems.append(SpecDiagnostic(
                        byKey[next]!.source,
                        "references go round in a circle: \(files.joined(separator: " → ")); Arcadia cannot order these, so remove one reference"
                    ))
                case true?: break
                }
            }
            path.removeLast()
            state[key] = true
        }
        for key in byKey.keys.sorted() where state[key] == nil { visit(key) }
        return problems
    }
}
