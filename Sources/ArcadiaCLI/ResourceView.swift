import ArcadiaController
import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// What `arcadia show KIND/NAME` prints: one resource seen from the specs, DigitalOcean and the state.
struct ResourceView: Sendable, Encodable {
    struct SpecView: Sendable, Encodable {
        var file: String
        var yaml: String
    }

    struct LiveView: Sendable, Encodable {
        /// `digitalocean` (one GET just now) or `inventory` (as `plan` last synced it).
        var source: String
        /// Nil when DigitalOcean has no such resource.
        var resource: LiveResource?

        enum CodingKeys: String, CodingKey { case source, resource }

        /// `{"source": …, "resource": {"id", "name", "status", "managed", and the values by field name}}`.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            guard let resource else { return try container.encodeNil(forKey: .resource) }
            var fields = resource.values
            fields["id"] = .string(resource.id)
            fields["name"] = .string(resource.name)
            fields["managed"] = .bool(resource.isManaged)
            if let status = resource.status { fields["status"] = .string(status) }
            try container.encode(fields, forKey: .resource)
        }
    }

    struct SagaView: Sendable, Encodable {
        var id: String
        var kind: String
        var status: String
        var failedStep: String?
        var error: String?
        var updatedAt: Date

        enum CodingKeys: String, CodingKey {
            case id, kind, status, error
            case failedStep = "failed_step"
            case updatedAt = "updated_at"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(kind, forKey: .kind)
            try container.encode(status, forKey: .status)
            try container.encode(failedStep, forKey: .failedStep)
            try container.encode(error, forKey: .error)
            try container.encode(updatedAt, forKey: .updatedAt)
        }
    }

    var kind: String
    var name: String
    var spec: SpecView?
    var live: LiveView?
    var lastSaga: SagaView?
    var drift: [DriftRecord]
    /// The droplet id Arcadia knows from its record or the inventory, for the GET.
    var knownID: String?
    var isKnown: Bool
    /// Other names of this kind the state knows, for a did-you-mean.
    var knownNames: [String] = []

    enum CodingKeys: String, CodingKey {
        case kind, name, spec, live, drift
        case lastSaga = "last_saga"
    }

    /// Every key always present, `null` where there is nothing, so a program need not guess.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        try container.encode(name, forKey: .name)
        try container.encode(spec, forKey: .spec)
        try container.encode(live, forKey: .live)
        try container.encode(lastSaga, forKey: .lastSaga)
        try container.encode(drift.map(DriftJSON.init), forKey: .drift)
    }

    /// Reads the resource's record, inventory row, sagas and open drift; writes nothing.
    static func read(kind: ResourceKind, name: String, spec: DesiredResource?, store: Store) async throws -> ResourceView {
        let inventory = try await store.presentResources(kind: kind.rawValue)
        let row = inventory.first { $0.name == name }
        let provisioned = try await store.provisioned(kind: kind.rawValue).first { $0.name == name }
        let sagas = try await store.sagas().filter { $0.resourceKind == kind.rawValue && $0.resourceName == name }
        let last = sagas.max { ($0.createdAt, $0.id) < ($1.createdAt, $1.id) }
        let drift = try await store.drift(DriftFilter(status: .open, kind: kind.rawValue, name: name))
        let specView = spec.map { resource in
            SpecView(file: resource.source.path, yaml: (try? String(contentsOfFile: resource.source.path, encoding: .utf8)) ?? "")
        }
        let live = row.flatMap { try? JSONDecoder().decode(LiveResource.self, from: Data($0.attributes.utf8)) }.map { LiveView(source: "inventory", resource: $0) }
        return ResourceView(
            kind: kind.rawValue, name: name, spec: specView, live: live,
            lastSaga: last.map { saga in
                SagaView(
                    id: saga.id, kind: saga.kind, status: saga.status.rawValue,
                    failedStep: saga.steps.first { $0.status == .failed || $0.status == .compensationFailed }?.name,
                    error: saga.error, updatedAt: saga.updatedAt
                )
            },
            drift: drift, knownID: provisioned?.resourceID ?? row?.id,
            isKnown: spec != nil || row != nil || provisioned != nil || last != nil,
            knownNames: Array(Set(inventory.map(\.name) + sagas.map(\.resourceName)))
        )
    }

    /// The text form: four sections, each saying plainly when there is nothing to show.
    func text(specsFolder: String) -> String {
        var lines = ["\(kind)/\(name)", "", "Spec:"]
        if let spec {
            lines.append("  \(spec.file)")
            lines += spec.yaml.split(separator: "\n", omittingEmptySubsequences: false).dropLast(spec.yaml.hasSuffix("\n") ? 1 : 0).map { "    \($0)" }
        } else {
            lines.append("  none in \(specsFolder) (a plan would destroy a \(ResourceKind(rawValue: kind)?.noun ?? "resource") Arcadia applied)")
        }
        lines += ["", "Live:"]
        switch live {
        case nil:
            lines.append("  not in the inventory (not created yet, or `plan` has not seen it)")
        case let live?:
            let from = live.source == "inventory" ? " (the inventory as `plan` last synced it; --sim or DIGITALOCEAN_TOKEN reads it now)" : ""
            if let resource = live.resource {
                lines.append("  \(resource.kind.noun) \(resource.id)\(resource.status.map { ", \($0)" } ?? "")\(from)")
                // In the order the kind's spec lists its fields, then what only DigitalOcean reports (a droplet's disk).
                let order = Kinds.module(for: resource.kind).fieldNames
                let values = resource.values.filter { $0.key != "tags" }.sorted {
                    (order.firstIndex(of: $0.key) ?? order.count, $0.key) < (order.firstIndex(of: $1.key) ?? order.count, $1.key)
                }
                lines.append("  " + values.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
                if let tags = resource["tags"]?.items {
                    lines.append("  tags \(tags.isEmpty ? "none" : tags.joined(separator: ", "))\(resource.isManaged ? "; managed-by-arcadia" : "; not managed-by-arcadia")")
                }
            } else {
                lines.append("  no such \(ResourceKind(rawValue: kind)?.noun ?? "resource") at DigitalOcean\(from)")
            }
        }
        lines += ["", "Last saga:"]
        if let saga = lastSaga {
            lines.append("  \(saga.id.prefix(8)) \(saga.kind), \(saga.status), \(Store.timestamp(saga.updatedAt))")
            if let step = saga.failedStep { lines.append("  failed at \(step)") }
            if let error = saga.error { lines.append("  \(saga.status == "completed" ? "note" : "error"): \(error)") }
        } else {
            lines.append("  none")
        }
        lines += ["", "Open drift:"]
        if drift.isEmpty {
            lines.append("  none")
        } else {
            lines += drift.map { "  #\($0.id) \($0.field): expected \($0.expected), actual \($0.actual) (since \(Store.timestamp($0.detectedAt)))" }
        }
        return lines.joined(separator: "\n")
    }
}
