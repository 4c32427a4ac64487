import Yams

/// Reads typed values out of a composed YAML node, recording a positioned diagnostic for every problem
/// instead of stopping at the first, so one `validate` run shows them all.
struct NodeReader {
    let path: String
    private(set) var diagnostics: [SpecDiagnostic] = []

    init(path: String) {
        self.path = path
    }

    func location(of node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    mutating func report(_ node: Node?, _ message: String) {
        diagnostics.append(SpecDiagnostic(location(of: node), message))
    }

    /// The mapping's entries by key, after reporting duplicate and unknown keys.
    mutating func entries(
        of node: Node,
        section: String,
        allowedKeys: [String]
    ) -> [String: (key: Node, value: Node)]? {
        guard case .mapping(let mapping) = node else {
            report(node, "\(section) must be a mapping of keys to values")
            return nil
        }
        var result: [String: (key: Node, value: Node)] = [:]
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                report(key, "\(section) keys must be plain names")
                continue
            }
            if result[name] != nil {
                report(key, "duplicate key '\(name)' in \(section)")
                continue
            }
            if !allowedKeys.contains(name) {
                var message = "unknown key '\(name)' in \(section)"
                if let suggestion = closestMatch(to: name, in: allowedKeys) {
                    message += "; did you mean '\(suggestion)'?"
                } else {
                    message += " (allowed: \(allowedKeys.joined(separator: ", ")))"
                }
                report(key, message)
                continue
            }
            result[name] = (key, value)
        }
        return result
    }

    mutating func requireKeys(_ keys: [String], in entries: [String: (key: Node, value: Node)], of node: Node, section: String) {
        for key in keys where entries[key] == nil {
            report(node, "missing required field '\(key)' in \(section)")
        }
    }

    mutating func string(_ node: Node?, field: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar, !isNull(scalar) else {
            report(node, "'\(field)' must be a string")
            return nil
        }
        return scalar.string
    }

    mutating func bool(_ node: Node?, field: String) -> Bool? {
        guard let node else { return nil }
        guard let value = node.bool else {
            report(node, "'\(field)' must be true or false, not '\(node.scalar?.string ?? "a collection")'")
            return nil
        }
        return value
    }

    mutating func strings(_ node: Node?, field: String) -> [String]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            report(node, "'\(field)' must be a list of strings, e.g. [a, b]")
            return nil
        }
        var values: [String] = []
        for item in sequence {
            if let value = string(item, field: "\(field)[]") { values.append(value) }
        }
        return values
    }

    mutating func stringMap(_ node: Node?, field: String) -> [String: String]? {
        guard let node else { return nil }
        guard case .mapping(let mapping) = node else {
            report(node, "'\(field)' must be a mapping of strings to strings")
            return nil
        }
        var values: [String: String] = [:]
        for (key, value) in mapping {
            guard let name = string(key, field: "\(field) key"), let text = string(value, field: "\(field).\(name)") else {
                continue
            }
            values[name] = text
        }
        return values
    }

    private func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }
}

/// The allowed name closest to a misspelt one, when it is close enough to be a typo.
public func closestMatch(to name: String, in candidates: [String]) -> String? {
    let lowered = name.lowercased()
    let scored = candidates.map { ($0, editDistance(lowered, $0.lowercased())) }
    guard let best = scored.min(by: { $0.1 < $1.1 }) else { return nil }
    return best.1 <= max(2, name.count / 3) ? best.0 : nil
}

/// Levenshtein distance over characters.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        for j in 1...b.count {
            let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
            current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
        }
        swap(&previous, &current)
    }
    return previous[b.count]
}
