import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import Foundation

/// `GET /api/v1/resources/{kind}/{name}`: one resource as the page's resource view shows it. Desired
/// (its spec file's text and where the resource starts in it), live (the inventory as last synced),
/// the two side by side field by field as the diff compares them, its open drift, its sagas (newest
/// first) and its event history (newest first).
struct ResourceDetail: Encodable {
    struct Spec: Encodable {
        var file: String
        var line: Int
        var column: Int
        /// The whole file, as it is now.
        var text: String
    }

    /// One field of the kind's table: the values the diff compares, as it shows them.
    struct Field: Encodable {
        var field: String
        var desired: String?
        /// Nil where DigitalOcean does not report the value back, or there is no live resource.
        var live: String?
        var differs: Bool
    }

    struct Live: Encodable {
        var id: String
        var status: String?
        var managed: Bool
        var values: [String: SpecValue]
    }

    var kind: String
    var name: String
    var resourceID: String?
    var spec: Spec?
    var live: Live?
    var fields: [Field]
    var drift: [DriftJSON]
    var sagas: [SagaJSON]
    var events: [EventRecord]

    enum CodingKeys: String, CodingKey {
        case kind, name, spec, live, fields, drift, sagas, events
        case resourceID = "resource_id"
    }

    /// Reads the state and the spec file; nil when neither the specs, the state's record nor the
    /// inventory knows the resource.
    static func read(kind: ResourceKind, name: String, specs: [DesiredResource], reconciler: Reconciler) async throws -> ResourceDetail? {
        let store = reconciler.store
        let desired = specs.first { $0.kind == kind && $0.name == name }
        let applied = try await reconciler.appliedResources()
        let record = applied.first { $0.kind == kind && $0.name == name }
        let inventory = try await store.presentResources(kind: kind.rawValue)
        let row = inventory.first { $0.id == record?.resourceID } ?? inventory.first { $0.name == name && record == nil }
        guard desired != nil || record != nil || row != nil else { return nil }
        let live = row.flatMap { try? JSONDecoder().decode(LiveResource.self, from: Data($0.attributes.utf8)) }
        let references = ReferenceIDs(applied)
        let fields = Kinds.module(for: kind).fields.map { field in
            let wanted = desired.flatMap { field.desired($0.spec, references) }
            let reported = live.flatMap { resource in field.live.flatMap { $0(resource) } }
            return Field(field: field.name, desired: wanted, live: reported, differs: wanted != nil && reported != nil && wanted != reported)
        }
        let sagas = try await store.sagas()
            .filter { $0.resourceKind == kind.rawValue && $0.resourceName == name }
            .sorted { ($0.createdAt, $0.id) > ($1.createdAt, $1.id) }
        return ResourceDetail(
            kind: kind.rawValue, name: name, resourceID: record?.resourceID ?? row?.id,
            spec: desired.map { resource in
                Spec(
                    file: resource.source.path, line: resource.source.line, column: resource.source.column,
                    text: (try? String(contentsOfFile: resource.source.path, encoding: .utf8)) ?? ""
                )
            },
            live: live.map { Live(id: $0.id, status: $0.status, managed: $0.isManaged, values: $0.values) },
            fields: fields,
            drift: try await store.drift(DriftFilter(status: .open, kind: kind.rawValue, name: name)).map(DriftJSON.init),
            sagas: sagas.prefix(10).map(SagaJSON.init),
            events: try await store.events(EventFilter(kind: kind.rawValue, name: name, limit: 50)).reversed()
        )
    }
}
