import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// `tags`, `backups` and `ipv6` change in place, against the simulator over real HTTP: one update saga,
/// the same droplet; drift of each is reverted; ipv6 never turns off.
@Suite struct DropletInPlaceTests {
    /// The starting spec: `tags: [web]`, no backups, no ipv6.
    static func spec(_ name: String = "web", tags: String = "[web]", backups: Bool? = nil, ipv6: Bool? = nil, size: String = "s-1vcpu-1gb") -> String {
        var extra = ""
        if let backups { extra += "\n  backups: \(backups)" }
        if let ipv6 { extra += "\n  ipv6: \(ipv6)" }
        return dropletSpec(name: name, size: size).replacingOccurrences(of: "tags: [web]", with: "tags: \(tags)\(extra)")
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var field: String
        var spec: String
        var steps: [String]
        var isIrreversible: Bool
        var testDescription: String { field }
    }

    static let edits = [
        Edit(field: "tags", spec: spec(tags: "[web, frontend]"), steps: ["SetDropletTags", "RecordApplied"], isIrreversible: false),
        Edit(field: "backups", spec: spec(backups: true), steps: ["SetDropletBackups", "RecordApplied"], isIrreversible: false),
        Edit(field: "ipv6", spec: spec(ipv6: true), steps: ["EnableIPv6", "RecordApplied"], isIrreversible: true),
    ]

    /// Each field edited in the spec: one update saga with that field's step, in place (the same
    /// droplet id), and the next plan is in sync.
    @Test(arguments: edits) func aSpecChangeIsOneUpdateSagaInPlace(edit: Edit) async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let before = try #require(try await loop.droplets(named: "web").first)

            try loop.write(["web.yaml": edit.spec])
            let plan = try await loop.plan()
            #expect(plan.errors.isEmpty && plan.warnings.isEmpty, "\(plan.errors) \(plan.warnings)")
            let planned = try #require(plan.changes.first)
            #expect(plan.changes.count == 1)
            #expect(planned.change.action == .update)
            #expect(planned.change.fields.map(\.field) == [edit.field])
            #expect(planned.sagaKind == "update")
            #expect(planned.steps == edit.steps)
            #expect(planned.irreversible.contains { $0.contains("DigitalOcean cannot turn it off") } == edit.isIrreversible)
            #expect(try await loop.apply(plan).isSuccess)

            let after = try #require(try await loop.droplets(named: "web").first)
            #expect(after.id == before.id, "changed in place, not replaced")
            #expect(try await loop.droplets(named: "web").count == 1)
            #expect(DropletKind.normalise(after)[edit.field]?.description != DropletKind.normalise(before)[edit.field]?.description)
            #expect(try await loop.store.sagas().map(\.kind).sorted() == ["create", "update"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// All three with a resize: one resize saga, the in-place steps after the droplet is back up and
    /// the irreversible EnableIPv6 last before the record.
    @Test func withAResizeTheyJoinTheResizeSaga() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try loop.write(["web.yaml": Self.spec(tags: "[web, frontend]", backups: true, ipv6: true, size: "s-2vcpu-2gb")])
            let plan = try await loop.plan()
            #expect(plan.changes.map(\.sagaKind) == ["resize"])
            #expect(plan.changes.first?.steps == [
                "PowerOff", "Resize", "PowerOn", "WaitDropletActive", "SetDropletTags", "SetDropletBackups", "EnableIPv6", "RecordApplied",
            ])
            #expect(try await loop.apply(plan).isSuccess)
            let droplet = try await loop.sim.client.getDroplet(id: id)
            #expect(droplet.sizeSlug == "s-2vcpu-2gb")
            #expect(Set(droplet.tags) == ["web", "frontend", Ownership.managedTag, try #require(droplet.tags.first { $0.hasPrefix(Ownership.sagaTagPrefix) })])
            #expect(droplet.features.contains("backups") && droplet.features.contains("ipv6"))
            #expect(droplet.status == "active")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Tags, backups and ipv6 changed by hand are drift; apply puts tags and backups back and closes
    /// their records `reverted`. Backups are turned off by hand too: that reverts with enable_backups.
    @Test(arguments: StoreEngine.allCases) func driftByHandIsReportedAndRevertedByApply(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": Self.spec(backups: true)])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            // By hand: a tag added, the spec's tag taken away, backups turned off.
            #expect(try await loop.sim.request("POST", "/v2/tags", body: #"{"name": "extra"}"#).status == 201)
            try await loop.sim.client.tagResources(tag: "extra", droplets: [id])
            try await loop.sim.client.untagResources(tag: "web", droplets: [id])
            try await loop.sim.performByHand(.disableBackups, dropletID: id)

            let plan = try await loop.plan()
            #expect(plan.drift.map { "\($0.field): \($0.expected) → \($0.actual), revert \($0.isRevertPlanned)" }.sorted() == [
                "backups: true → false, revert true", "tags: [web] → [extra], revert true",
            ])
            #expect(plan.warnings.isEmpty, "\(plan.warnings)")
            #expect(plan.changes.first?.steps == ["SetDropletTags", "SetDropletBackups", "RecordApplied"])
            #expect(try await loop.store.drift(status: .open).first { $0.field == "backups" }?.cause?.type == "disable_backups")
            #expect(try await loop.apply(plan).isSuccess)

            let droplet = try await loop.sim.client.getDroplet(id: id)
            #expect(droplet.tags.filter { !Ownership.isOwnershipTag($0) } == ["web"])
            #expect(droplet.tags.contains(Ownership.managedTag), "Arcadia's own tags stay")
            #expect(droplet.features.contains("backups"))
            #expect(try await loop.store.drift(status: .reverted).map(\.field).sorted() == ["backups", "tags"])
            #expect(try await loop.plan().isInSync)
        }
    }

    /// ipv6 enabled by hand cannot be put back: reported, with a warning saying what to do, and
    /// the plan is not in sync (plan --detailed-exitcode exits 2).
    @Test func ipv6EnabledByHandIsReportedNotReverted() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try await loop.sim.performByHand(.enableIPv6, dropletID: id)
            let plan = try await loop.plan()
            #expect(plan.drift.map { "\($0.field) \($0.actual) \($0.isRevertPlanned)" } == ["ipv6 true false"])
            #expect(plan.changes.isEmpty)
            let warning = try #require(plan.warnings.first)
            #expect(warning.code == "drift_not_revertible")
            #expect(warning.message.contains("Arcadia cannot put it back: ipv6 cannot be turned off"), "\(warning.message)")
            #expect(warning.message.contains("Keep ipv6: true"))
            #expect(!plan.isInSync)
            // Accepting it in the spec closes the record and only Arcadia's record changes.
            try loop.write(["web.yaml": Self.spec(ipv6: true)])
            let accepted = try await loop.plan()
            #expect(accepted.changes.first?.steps == ["RecordApplied"])
            #expect(try await loop.apply(accepted).isSuccess)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// `ipv6: true` → `false` is an error at the field, saying it takes a replacement and how.
    @Test func turningIPv6OffIsAPlanErrorAtTheField() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec(ipv6: true)])
            #expect(try await loop.planAndApply())
            try loop.write(["web.yaml": Self.spec(ipv6: false)])
            let plan = try await loop.plan()
            #expect(plan.changes.isEmpty)
            let error = try #require(plan.errors.first)
            #expect(error.code == "change_impossible")
            let path = loop.specs.appendingPathComponent("web.yaml").path
            #expect(error.description.hasPrefix("\(path):10:9: droplet 'web': ipv6 cannot be turned off"), "\(error.description)")
            #expect(error.message.contains("remove this spec and apply"))
            #expect(error.message.contains("under another name"))
        }
    }

    /// A tag change costs three requests: the droplet read, the tag's create, the tagging; nothing
    /// is touched twice and Arcadia's own tags never move.
    @Test func aTagChangeCostsThreeRequests() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            try loop.write(["web.yaml": Self.spec(tags: "[web, frontend]")])
            let plan = try await loop.plan()
            var applied = false
            let cost = try await Self.requests(loop) { applied = try await loop.apply(plan).isSuccess }
            #expect(applied)
            #expect(cost == ["GET /v2/droplets/{droplet_id}": 1, "POST /v2/tags": 1, "POST /v2/tags/{tag_id}/resources": 1], "\(cost)")
        }
    }

    /// SetDropletTags compares case-insensitively, uses the account's spelling of a tag that exists,
    /// runs twice to the same result, and its compensation restores the set the plan started from.
    @Test func setDropletTagsIsIdempotentAndCompensationRestoresTheOldSet() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec(tags: "[web, old]")])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            _ = try await loop.sim.client.createTag(name: "Frontend")
            try loop.write(["web.yaml": Self.spec(tags: "[WEB, frontend]")])
            let plan = try await loop.plan()
            #expect(plan.changes.first?.change.fields.map { "\($0.field): \($0.from ?? "") → \($0.to ?? "")" } == ["tags: [old, web] → [frontend, web]"])
            let saga = try PlanExecutor.makeSaga(for: try #require(plan.changes.first))
            let context = try JSONDecoder().decode(SagaContext.self, from: Data(saga.context.utf8))
            let environment = loop.sim.stepEnvironment(store: loop.store)

            _ = try await SetDropletTags().execute(context, in: environment)
            _ = try await SetDropletTags().execute(context, in: environment)
            var tags = try await loop.sim.client.getDroplet(id: id).tags
            #expect(tags.filter { !Ownership.isOwnershipTag($0) }.sorted() == ["Frontend", "web"], "the account's spelling; WEB is web")
            #expect(tags.contains(Ownership.managedTag) && tags.contains { $0.hasPrefix(Ownership.sagaTagPrefix) })

            try await SetDropletTags().compensate(context, in: environment)
            try await SetDropletTags().compensate(context, in: environment)
            tags = try await loop.sim.client.getDroplet(id: id).tags
            #expect(tags.filter { !Ownership.isOwnershipTag($0) }.sorted() == ["old", "web"])
            #expect(tags.contains(Ownership.managedTag))
        }
    }

    /// SetDropletBackups runs twice with one action, and its compensation is the opposite action.
    @Test func setDropletBackupsIsIdempotentAndCompensatesWithTheOppositeAction() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try loop.write(["web.yaml": Self.spec(backups: true)])
            let saga = try PlanExecutor.makeSaga(for: try #require(try await loop.plan().changes.first))
            let context = try JSONDecoder().decode(SagaContext.self, from: Data(saga.context.utf8))
            let environment = loop.sim.stepEnvironment(store: loop.store)
            _ = try await SetDropletBackups().execute(context, in: environment)
            _ = try await SetDropletBackups().execute(context, in: environment)
            #expect(try await loop.sim.client.getDroplet(id: id).features.contains("backups"))
            try await SetDropletBackups().compensate(context, in: environment)
            try await SetDropletBackups().compensate(context, in: environment)
            #expect(!(try await loop.sim.client.getDroplet(id: id).features.contains("backups")))
            let types = try await loop.sim.client.recentDropletActions(dropletID: id).map(\.type)
            #expect(types.filter { $0.hasSuffix("_backups") } == ["disable_backups", "enable_backups"], "one of each, newest first")
        }
    }

    /// An enable_ipv6 that ends errored enabled nothing: the saga rolls back (tags restored) rather
    /// than halting at its point of no return, and the droplet has no IPv6.
    @Test func anErroredEnableIPv6RollsTheSagaBack() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try loop.write(["web.yaml": Self.spec(tags: "[web, frontend]", ipv6: true)])
            let plan = try await loop.plan()
            #expect(plan.changes.first?.steps == ["SetDropletTags", "EnableIPv6", "RecordApplied"])
            try await loop.sim.failNextAction("enable_ipv6")
            #expect(try await !loop.apply(plan).isSuccess)
            let saga = try #require(try await loop.store.sagas().first { $0.kind == "update" })
            #expect(saga.status == .rolledBack, "\(saga.error ?? "")")
            #expect(saga.error?.contains("IPv6 was not enabled") == true, "\(saga.error ?? "")")
            let droplet = try await loop.sim.client.getDroplet(id: id)
            #expect(!droplet.features.contains("ipv6"))
            #expect(droplet.tags.filter { !Ownership.isOwnershipTag($0) } == ["web"], "the tag step was compensated")
        }
    }

    /// Killed while its enable_ipv6 is in flight, the saga is past its point of no return: a cancel is
    /// refused and changes nothing, and resume finishes it.
    @Test func aCancelAfterEnableIPv6StartedIsRefusedAndResumeFinishes() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["web.yaml": Self.spec()])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try loop.write(["web.yaml": Self.spec(backups: true, ipv6: true)])
            let plan = try await loop.plan()
            _ = try await loop.apply(plan, runner: try loop.runner(dyingAt: "update:EnableIPv6:polling"))
            let saga = try #require(try await loop.store.unfinishedSagas().first)
            let refused = try await loop.runner().cancel(sagaID: saga.id)
            guard case .refused(let step) = refused else {
                Issue.record("expected the cancel to be refused, got \(refused)")
                return
            }
            #expect(step == "EnableIPv6")
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 1).map(\.status) == [.completed])
            let droplet = try await loop.sim.client.getDroplet(id: id)
            #expect(droplet.features.contains("ipv6") && droplet.features.contains("backups"))
            let types = try await loop.sim.client.recentDropletActions(dropletID: id).map(\.type)
            #expect(types.filter { $0 == "enable_ipv6" }.count == 1, "the in-flight action was adopted, not posted again")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Requests the simulator served while `body` ran, by route.
    static func requests(_ loop: ReconcileLoop, _ body: () async throws -> Void) async throws -> [String: Int] {
        func counts() async throws -> [String: Int] {
            (try await loop.sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int]) ?? [:]
        }
        let before = try await counts()
        try await body()
        let after = try await counts()
        var served: [String: Int] = [:]
        for (route, count) in after where count != before[route, default: 0] && route != "GET /_sim/stats" {
            served[route] = count - before[route, default: 0]
        }
        return served
    }
}
