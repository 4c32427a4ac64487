import Foundation
import Yams

/// DigitalOcean's published contract (`../shared/do-api/openapi.yaml`), read for one thing: which
/// optional fields each operation's request body may carry. Generated clients (godo, pydo) send every
/// optional field, empty when unset; ``withEmptyOptionalFields(method:path:body:)`` does the same to a
/// body, so a test can check the simulator treats empty as DigitalOcean does: as not sent.
public struct ContractBodies: Sendable {
    struct Operation: Sendable {
        var method: String
        var segments: [String]
        /// Optional string and list fields: name → `""` or `[]`.
        var emptyFields: [String: EmptyValue]
    }

    enum EmptyValue: Sendable {
        case string, list

        var json: Any { self == .string ? "" : [Any]() }
    }

    let operations: [Operation]

    /// The contract beside this checkout, `../shared/do-api/openapi.yaml`.
    public static func load() throws -> ContractBodies {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.deletingLastPathComponent().appendingPathComponent("shared/do-api/openapi.yaml").path
        guard let document = try Yams.load(yaml: try String(contentsOfFile: path, encoding: .utf8)) as? [String: Any] else {
            throw CocoaError(.fileReadCorruptFile, userInfo: [NSFilePathErrorKey: path])
        }
        return ContractBodies(document: document)
    }

    init(document: [String: Any]) {
        var operations: [Operation] = []
        for (template, item) in document["paths"] as? [String: Any] ?? [:] {
            for (method, value) in item as? [String: Any] ?? [:] {
                guard let operation = value as? [String: Any], let body = operation["requestBody"] else { continue }
                let resolved = Self.resolve(body, in: document)
                let content = (resolved["content"] as? [String: Any])?["application/json"] as? [String: Any]
                guard let schema = content?["schema"] else { continue }
                let (properties, required) = Self.fields(of: schema, in: document, depth: 0)
                let empty = properties.filter { !required.contains($0.key) }
                operations.append(Operation(method: method.uppercased(), segments: template.split(separator: "/").map(String.init), emptyFields: empty))
            }
        }
        self.operations = operations
    }

    /// `METHOD /v2/template` for a concrete request, if the contract has it.
    public func operation(method: String, path: String) -> String? {
        find(method: method, path: path).map { "\($0.method) /" + $0.segments.joined(separator: "/") }
    }

    /// `body` with every optional string or list field of the operation added, empty, where absent.
    /// Nil when the contract has no request body for the operation.
    public func withEmptyOptionalFields(method: String, path: String, body: [String: Any]) -> [String: Any]? {
        guard let operation = find(method: method, path: path) else { return nil }
        var body = body
        for (name, empty) in operation.emptyFields where body[name] == nil {
            body[name] = empty.json
        }
        return body
    }

    private func find(method: String, path: String) -> Operation? {
        let segments = (path.split(separator: "?").first ?? "").split(separator: "/").map(String.init)
        let candidates = operations.filter { operation in
            operation.method == method && operation.segments.count == segments.count
                && zip(operation.segments, segments).allSatisfy { template, actual in template.hasPrefix("{") || template == actual }
        }
        // A literal segment beats a parameter: `/v2/droplets/actions` over `/v2/droplets/{droplet_id}`.
        return candidates.max { $0.segments.filter { !$0.hasPrefix("{") }.count < $1.segments.filter { !$0.hasPrefix("{") }.count }
    }

    private static func resolve(_ value: Any, in document: [String: Any]) -> [String: Any] {
        guard let object = value as? [String: Any] else { return [:] }
        guard let reference = object["$ref"] as? String, reference.hasPrefix("#/") else { return object }
        var current: Any = document
        for part in reference.dropFirst(2).split(separator: "/") {
            current = (current as? [String: Any])?[String(part)] ?? [:]
        }
        return resolve(current, in: document)
    }

    /// The string and list properties of a schema, and those every variant requires.
    private static func fields(of value: Any, in document: [String: Any], depth: Int) -> ([String: EmptyValue], Set<String>) {
        let schema = resolve(value, in: document)
        guard depth < 12 else { return ([:], []) }
        var properties: [String: EmptyValue] = [:]
        var required = Set(schema["required"] as? [String] ?? [])
        for (name, property) in schema["properties"] as? [String: Any] ?? [:] {
            switch resolve(property, in: document)["type"] as? String {
            case "string": properties[name] = .string
            case "array": properties[name] = .list
            default: break
            }
        }
        for part in schema["allOf"] as? [Any] ?? [] {
            let (more, needed) = fields(of: part, in: document, depth: depth + 1)
            properties.merge(more) { first, _ in first }
            required.formUnion(needed)
        }
        let variants = (schema["oneOf"] as? [Any] ?? []) + (schema["anyOf"] as? [Any] ?? [])
        var neededByAll: Set<String>?
        for part in variants {
            let (more, needed) = fields(of: part, in: document, depth: depth + 1)
            properties.merge(more) { first, _ in first }
            neededByAll = neededByAll.map { $0.intersection(needed) } ?? needed
        }
        return (properties, required.union(neededByAll ?? []))
    }
}
