import Foundation
import Yams

/// Turns one composed document into a ``DesiredResource``, reporting through a ``NodeReader``.
enum DocumentParser {
    static let envelopeKeys = ["apiVersion", "kind", "metadata", "spec", "policy"]

    static func resource(from root: Node, kinds: SpecKinds, reader: inout NodeReader) -> DesiredResource? {
        guard let envelope = reader.entries(of: root, section: "the document", allowedKeys: envelopeKeys) else { return nil }
        reader.requireKeys(["apiVersion", "kind", "metadata", "spec"], in: envelope, of: root, section: "the document")

        if let node = envelope["apiVersion"]?.value, let version = reader.string(node, field: "apiVersion"), version != arcadiaAPIVersion {
            reader.report(node, "unknown apiVersion '\(version)'; use '\(arcadiaAPIVersion)'")
        }
        var kind: ResourceKind?
        var kindText: String?
        if let node = envelope["kind"]?.value, let text = reader.string(node, field: "kind") {
            kindText = text
            kind = ResourceKind(rawValue: text)
            if kind == nil {
                let known = ResourceKind.allCases.map(\.rawValue)
                let suggestion = closestMatch(to: text, in: known)
                let hint = suggestion.map { "; did you mean '\($0)'?" } ?? " (known kinds: \(known.joined(separator: ", ")))"
                reader.report(node, "unknown kind '\(text)'\(hint)")
                // A misspelt kind: the rest is checked as the kind it was probably meant to be, so one
                // run reports every problem (the document is refused anyway).
                kind = suggestion.flatMap(ResourceKind.init(rawValue:))
            }
        }
        let metadata = envelope["metadata"].flatMap { self.metadata(from: $0.value, reader: &reader) }
        if let kindText, let metadata {
            reader.identity = (kind?.rawValue ?? kindText, metadata.name, reader.location(of: root))
        }
        let parser = kind.flatMap(kinds.parser(for:))
        let policy = envelope["policy"].map {
            self.policy(from: $0.value, allowed: parser?.policyFieldNames ?? ResourcePolicy.commonFieldNames, ignorable: parser?.ignorableFields ?? [], reader: &reader)
        } ?? ResourcePolicy()

        var spec: ResourceSpec?
        var fieldLocations: [String: SourceLocation] = [:]
        if let parser, let node = envelope["spec"]?.value {
            if case .mapping(let mapping) = node {
                for (key, value) in mapping {
                    guard let name = key.scalar?.string else { continue }
                    fieldLocations[name] = reader.location(of: value)
                    // A list's items too, as `field[index]`, so a problem with one item points at it.
                    if case .sequence(let items) = value {
                        for (index, item) in items.enumerated() { fieldLocations["\(name)[\(index)]"] = reader.location(of: item) }
                    }
                }
            }
            spec = parser.spec(from: node, reader: &reader)
        }
        if let parser, let metadata {
            parser.validateName(metadata.name, node: metadata.nameNode, reader: &reader)
        }
        guard let kind, let metadata, let spec else { return nil }
        return DesiredResource(
            kind: kind,
            name: metadata.name,
            labels: metadata.labels,
            policy: policy,
            spec: spec,
            source: reader.location(of: root),
            fieldLocations: fieldLocations
        )
    }

    private static func metadata(from node: Node, reader: inout NodeReader) -> (name: String, nameNode: Node, labels: [String: String])? {
        guard let entries = reader.entries(of: node, section: "metadata", allowedKeys: ["name", "labels"]) else { return nil }
        reader.requireKeys(["name"], in: entries, of: node, section: "metadata")
        let labels = reader.stringMap(entries["labels"]?.value, field: "labels") ?? [:]
        guard let nameNode = entries["name"]?.value, let name = reader.string(nameNode, field: "name") else { return nil }
        return (name, nameNode, labels)
    }

    private static func policy(from node: Node, allowed: [String], ignorable: [String], reader: inout NodeReader) -> ResourcePolicy {
        var policy = ResourcePolicy()
        guard let entries = reader.entries(of: node, section: "policy", allowedKeys: allowed) else { return policy }
        if let value = reader.bool(entries["protect"]?.value, field: "protect") { policy.protect = value }
        if let value = reader.bool(entries["snapshotBeforeResize"]?.value, field: "snapshotBeforeResize") {
            policy.snapshotBeforeResize = value
        }
        if let value = reader.positiveInteger(entries["keepSnapshots"]?.value, field: "keepSnapshots") {
            policy.keepSnapshots = value
        }
        if let value = reader.bool(entries["snapshotBeforeDestroy"]?.value, field: "snapshotBeforeDestroy") {
            policy.snapshotBeforeDestroy = value
        }
        if let value = reader.bool(entries["pruneRecords"]?.value, field: "pruneRecords") {
            policy.pruneRecords = value
        }
        if let node = entries["drift"]?.value, let text = reader.string(node, field: "drift") {
            if let action = ResourcePolicy.DriftAction(rawValue: text) {
                policy.drift = action
            } else {
                reader.report(node, "policy.drift must be 'report' or 'revert', not '\(text)'")
            }
        }
        if let node = entries["ignore"]?.value, let fields = reader.strings(node, field: "ignore") {
            for field in fields where !ignorable.contains(field) {
                let hint = closestMatch(to: field, in: ignorable).map { "; did you mean '\($0)'?" } ?? ""
                reader.report(node, "policy.ignore names unknown field '\(field)'\(hint)")
            }
            policy.ignore = fields
        }
        return policy
    }
}
