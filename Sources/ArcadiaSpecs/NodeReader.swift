import Yams

/// Reads typed values out of a composed YAML node, recording a positioned diagnostic for every problem
/// instead of stopping at the first, so one `validate` run shows them all.
public struct NodeReader {
    public let path: String
    public private(set) var diagnostics: [SpecDiagnostic] = []
    /// The document's kind (as written) and name, once both are read: duplicates are found among
    /// documents with other problems too, so one run reports everything.
    var identity: (kind: String, name: String, source: SourceLocation)?

    public init(path: String) {
        self.path = path
    }

    public func location(of node: Node?) -> SourceLocation {
        let mark = node?.mark
        return SourceLocation(path: path, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    public mutating func report(_ node: Node?, _ message: String) {
        diagnostics.append(SpecDiagnostic(location(of: node), message))
    }

    /// The mapping's entries by key, after reporting duplicate and unknown keys.
    public mutating func entries(
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

    public mutating func requireKeys(_ keys: [String], in entries: [String: (key: Node, value: Node)], of node: Node, section: String) {
        for key in keys where entries[key] == nil {
            report(node, "missing required field '\(key)' in \(section)")
        }
    }

    /// A string, as YAML resolves it and the published schema reads it: `size: 42`, `name: OFF` or
    /// `tags: [2001-12-14]` are a number, a boolean and a date, not text, and an explicit tag other
    /// than `!!str` (`!!int nyc3`, `!custom nyc3`) is never silently dropped.
    public mutating func string(_ node: Node?, field: String) -> String? {
        guard let node else { return nil }
        guard let scalar = node.scalar else {
            report(node, "'\(field)' must be a string, not a \(node.mapping != nil ? "mapping" : "list")")
            return nil
        }
        let tag = node.tag.description
        guard tag == Tag.Name.str.rawValue else {
            report(node, "'\(field)' must be a string, not \(Self.describe(tag, scalar.string)); quote it (\"\(scalar.string)\") if you mean the text")
            return nil
        }
        return scalar.string
    }

    public mutating func bool(_ node: Node?, field: String) -> Bool? {
        guard let node else { return nil }
        guard node.tag.description == Tag.Name.bool.rawValue, let value = node.bool else {
            report(node, "'\(field)' must be true or false, not \(node.scalar.map { Self.describe(node.tag.description, $0.string) } ?? "a collection")")
            return nil
        }
        return value
    }

    /// A whole number of 1 or more, written as a YAML integer (not a string, not 2.0).
    public mutating func positiveInteger(_ node: Node?, field: String) -> Int? {
        guard let node else { return nil }
        guard node.tag.description == Tag.Name.int.rawValue, let value = node.int, value >= 1 else {
            report(node, "'\(field)' must be a whole number of 1 or more, not \(node.scalar.map { Self.describe(node.tag.description, $0.string) } ?? "a collection")")
            return nil
        }
        return value
    }

    /// What YAML made of a scalar, in words: `the number 42`, `the string 'true'`, `a value tagged !custom`.
    private static func describe(_ tag: String, _ text: String) -> String {
        switch tag {
        case Tag.Name.str.rawValue: "the string '\(text)'"
        case Tag.Name.int.rawValue, Tag.Name.float.rawValue: "the number \(text)"
        case Tag.Name.bool.rawValue: "the boolean \(text)"
        case Tag.Name.null.rawValue: "null"
        case Tag.Name.timestamp.rawValue: "the date \(text)"
        default: "a value tagged \(tag.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!"))"
        }
    }

    public mutating func strings(_ node: Node?, field: String) -> [String]? {
        stringItems(node, field: field)?.map(\.value)
    }

    /// The list's string items, each with its own node (for positions); items that are not strings are reported and left out.
    public mutating func stringItems(_ node: Node?, field: String) -> [(value: String, node: Node)]? {
        guard let node else { return nil }
        guard case .sequence(let sequence) = node else {
            report(node, "'\(field)' must be a list of strings, e.g. [a, b]")
            return nil
        }
        var values: [(value: String, node: Node)] = []
        for item in sequence {
            if let value = string(item, field: "\(field)[]") { values.append((value, item)) }
        }
        return values
    }

    public mutating func stringMap(_ node: Node?, field: String) -> [String: String]? {
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

}

extension String {
    /// The string as a message shows it: invisible characters escaped (`nyc3\r`, `web\u{2028}`).
    public var shown: String {
        unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .lineSeparator
                || scalar.properties.generalCategory == .paragraphSeparator || scalar.properties.generalCategory == .format
                ? scalar.escaped(asASCII: true) : String(scalar)
        }.joined()
    }

    /// Whether the whole string matches `pattern`: anchored at the very start and end, so a trailing
    /// line break (`"nyc3\r"`, `"web\u{2028}"`) never passes, as it does with `^…$`.
    public func wholly(matches pattern: String) -> Bool {
        range(of: "\\A(?:\(pattern))\\z", options: .regularExpression) != nil
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
