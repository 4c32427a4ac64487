import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import Foundation
import Hummingbird
import Logging

/// `/api/v1` and the unauthenticated probes: every route and what it answers.
struct ControllerAPI: Sendable {
    let settings: ControllerSettings
    let store: Store
    let status: ControllerStatus
    let metrics: ControllerMetrics
    let actions: DriftActions
    let reconcile: ReconcileService
    let authenticate: @Sendable (String?) async throws -> Caller?
    let logger: Logger

    func register(on router: Router<APIContext>) {
        router.middlewares.add(ErrorMiddleware(logger: logger))
        router.get("healthz") { _, _ in APIResponse.json(["status": "ok"]) }
        router.get("readyz") { _, _ in try await readiness() }
        router.get("metrics") { _, _ in
            if let remaining = actions.client.lastRateLimit?.remaining { metrics.rateLimit(remaining: remaining) }
            return APIResponse.text(metrics.exposition(), contentType: "text/plain; version=0.0.4; charset=utf-8")
        }
        let api = router.group("api/v1").add(middleware: AuthMiddleware(authenticate: authenticate))
        api.get("whoami") { _, context in
            let caller = try context.require(.read)
            return APIResponse.json(WhoAmI(caller))
        }
        api.get("drift") { request, context in try await driftList(request, context) }
        api.get("drift/:id") { _, context in try await driftRecord(context) }
        api.get("drift/:id/revert-preview") { _, context in
            _ = try context.require(.read)
            return APIResponse.json(try await actions.previewRevert(try context.driftID(), specs: await status.lastGoodSpecs))
        }
        api.post("drift/:id/accept") { _, context in
            let caller = try context.require(.accept)
            return APIResponse.json(try await actions.resolve(try context.driftID(), ignore: false, by: caller))
        }
        api.post("drift/:id/ignore") { _, context in
            let caller = try context.require(.ignore)
            return APIResponse.json(try await actions.resolve(try context.driftID(), ignore: true, by: caller))
        }
        api.post("drift/:id/revert") { _, context in
            let caller = try context.require(.revert)
            let id = try context.driftID()
            let saga = try await actions.revert(id, by: caller)
            return APIResponse.json(RevertStarted(status: "reverting", sagaID: saga, driftID: id), status: .accepted)
        }
        api.get("sagas") { request, context in try await sagaList(request, context) }
        api.get("sagas/:id") { _, context in
            _ = try context.require(.read)
            guard let id = context.parameters.get("id"), let saga = try await store.saga(id: id) else {
                throw APIError.notFound("no saga '\(context.parameters.get("id") ?? "")'; GET /api/v1/sagas lists them")
            }
            return APIResponse.json(SagaJSON(saga))
        }
        api.get("resources") { request, context in try await resources(request, context) }
        api.get("resources/:kind/:name") { _, context in try await resource(context) }
        api.get("events") { request, context in try await events(request, context) }
        api.get("status") { _, context in
            _ = try context.require(.read)
            return APIResponse.json(try await StatusJSON.make(status: status, store: store, settings: settings))
        }
        api.post("reconcile") { _, context in
            let caller = try context.require(.reconcile)
            guard await status.isLeader else {
                try await store.requestReconcile(by: caller.name)
                return APIResponse.json(ReconcileQueued(status: "forwarded", leader: false), status: .accepted)
            }
            reconcile.trigger("api")
            return APIResponse.json(ReconcileQueued(status: "queued", leader: true), status: .accepted)
        }
    }

    private func readiness() async throws -> Response {
        var problems: [String] = []
        do {
            _ = try await store.lastDriftCheck()
        } catch {
            problems.append("the state database does not answer")
        }
        if !(await status.specsLoadedOnce) { problems.append("the specs have not loaded yet") }
        return APIResponse.json(
            ["status": problems.isEmpty ? "ready" : "not_ready", "problems": problems.joined(separator: "; ")],
            status: problems.isEmpty ? .ok : .serviceUnavailable
        )
    }

    private func driftList(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        let query = request.uri.queryParameters
        var filter = DriftFilter(status: .open, kind: try Self.kindFilter(query["kind"]), name: query["name"].map(String.init))
        if let text = query["status"].map(String.init) {
            if text == "all" {
                filter.status = nil
            } else if let status = DriftRecord.Status(rawValue: text) {
                filter.status = status
            } else {
                throw APIError.badRequest("status must be all or one of \(DriftRecord.Status.allCases.map(\.rawValue).joined(separator: ", "))")
            }
        }
        let records = try await store.drift(filter)
        let specs = await status.lastGoodSpecs
        return APIResponse.json(DriftList(drift: records.map { DriftDetail(record: DriftJSON($0), spec: specs?.location(of: $0)) }, count: records.count))
    }

    private func driftRecord(_ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        let id = try context.driftID()
        guard let record = try await store.driftRecord(id: id) else { throw APIError.notFound("no drift record \(id); GET /api/v1/drift lists the open ones") }
        let events = try await store.events(EventFilter(kind: record.kind, name: record.name, limit: 20))
        // The specs as this replica last loaded them (every interval): no reading of the folder per request.
        let location = await status.lastGoodSpecs?.location(of: record)
        return APIResponse.json(DriftDetail(record: DriftJSON(record), spec: location, events: events))
    }

    private func sagaList(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        var status: SagaStatus?
        if let text = request.uri.queryParameters["status"].map(String.init) {
            guard let parsed = SagaStatus(rawValue: text) else {
                throw APIError.badRequest("status must be one of \(SagaStatus.allCases.map(\.rawValue).joined(separator: ", ")), not \(text)")
            }
            status = parsed
        }
        let sagas = try await store.sagas(status: status)
        return APIResponse.json(SagaList(sagas: sagas.map(SagaJSON.init), count: sagas.count))
    }

    /// A `?kind=` filter: one of the kinds, or a 400 that lists them (a misspelt kind matched nothing
    /// and looked like an empty inbox).
    static func kindFilter(_ text: Substring?) throws -> String? {
        guard let text else { return nil }
        guard ResourceKind(rawValue: String(text)) != nil else {
            throw APIError.badRequest("kind must be one of \(ResourceKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return String(text)
    }

    private func resources(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        let kind = try Self.kindFilter(request.uri.queryParameters["kind"])
        let applied = try await store.provisioned(kind: kind)
        var live: [String: ResourceRecord] = [:]
        for kind in Set(applied.map(\.kind)) {
            for record in try await store.presentResources(kind: kind) { live["\(kind)/\(record.id)"] = record }
        }
        let open = Dictionary(grouping: try await store.drift(status: .open), by: { "\($0.kind)/\($0.name)" })
        let items = applied.map { record in
            ResourceJSON(
                kind: record.kind, name: record.name, resourceID: record.resourceID, specVersion: record.specVersion,
                applied: JSONTree(text: record.spec), live: live["\(record.kind)/\(record.resourceID)"].map { JSONTree(text: $0.attributes) },
                driftOpen: open["\(record.kind)/\(record.name)"]?.count ?? 0
            )
        }
        return APIResponse.json(ResourceList(resources: items, count: items.count))
    }

    private func resource(_ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        guard let kindText = try Self.kindFilter(context.parameters.get("kind").map { Substring($0) }), let kind = ResourceKind(rawValue: kindText),
              let name = context.parameters.get("name") else {
            throw APIError.notFound("a resource is addressed as /api/v1/resources/{kind}/{name}")
        }
        let reconciler = Reconciler(client: actions.client, store: store)
        guard let detail = try await ResourceDetail.read(kind: kind, name: name, specs: await status.lastGoodSpecs ?? [], reconciler: reconciler) else {
            throw APIError.notFound("no \(kind.rawValue) '\(name)' in the specs or the state; GET /api/v1/resources lists them")
        }
        return APIResponse.json(detail)
    }

    private func events(_ request: Request, _ context: APIContext) async throws -> Response {
        _ = try context.require(.read)
        let query = request.uri.queryParameters
        var limit = 100
        if let text = query["limit"].map(String.init) {
            guard let value = Int(text), (1...1000).contains(value) else { throw APIError.badRequest("limit must be a whole number from 1 to 1000") }
            limit = value
        }
        let events = try await store.events(EventFilter(kind: try Self.kindFilter(query["kind"]), name: query["name"].map(String.init), limit: limit))
        return APIResponse.json(EventList(events: events, count: events.count))
    }
}

extension APIContext {
    func driftID() throws -> Int {
        guard let text = parameters.get("id"), let id = Int(text), id > 0 else { throw APIError.badRequest("a drift id is a positive whole number") }
        return id
    }
}

/// `POST /api/v1/reconcile`: queued on the leader; on a follower, left in the state for the leader,
/// which takes it at its next lease renewal (`forwarded`).
struct ReconcileQueued: Encodable { var status: String; var leader: Bool }
struct RevertStarted: Encodable {
    var status: String
    var sagaID: String
    var driftID: Int

    enum CodingKeys: String, CodingKey { case status, sagaID = "saga_id", driftID = "drift_id" }
}
struct DriftList: Encodable { var drift: [DriftDetail]; var count: Int }

/// `GET /api/v1/whoami`: the token's name and role, and what the role may do, so a page can disable
/// what it may not.
struct WhoAmI: Encodable {
    var name: String
    var role: String
    var may: [String: Bool]

    init(_ caller: Caller) {
        name = caller.name
        role = caller.role
        may = Dictionary(uniqueKeysWithValues: APIAction.allCases.map { ($0.rawValue, caller.permits($0)) })
    }
}

extension [DesiredResource] {
    /// Where the record's field is written in these specs (the resource's start when the field is left out).
    func location(of record: DriftRecord) -> SourceLocation? {
        first { $0.kind.rawValue == record.kind && $0.name == record.name }.map { $0.fieldLocations[record.field] ?? $0.source }
    }
}
struct SagaList: Encodable { var sagas: [SagaJSON]; var count: Int }
struct EventList: Encodable { var events: [EventRecord]; var count: Int }
struct ResourceList: Encodable { var resources: [ResourceJSON]; var count: Int }

/// A drift record with where its field is written in the specs (`spec`), and for one record alone
/// the resource's recent events.
struct DriftDetail: Encodable {
    let record: DriftJSON
    let spec: SourceLocation?
    var events: [EventRecord]?

    private enum CodingKeys: String, CodingKey { case spec, events }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(events, forKey: .events)
    }
}

struct ResourceJSON: Encodable {
    var kind: String
    var name: String
    var resourceID: String
    var specVersion: Int
    var applied: JSONTree
    var live: JSONTree?
    var driftOpen: Int

    enum CodingKeys: String, CodingKey {
        case kind, name, applied, live
        case resourceID = "resource_id", specVersion = "spec_version", driftOpen = "drift_open"
    }
}
