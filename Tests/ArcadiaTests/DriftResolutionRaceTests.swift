import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Testing

/// Two people at one drift record: whoever comes second is refused before any file is touched, and a
/// spec someone edited since the drift was found keeps their edit.
@Suite struct DriftResolutionRaceTests {
    /// `web` applied, then a tag added by hand: one open record on `tags`.
    private static func taggedByHand(_ loop: ReconcileLoop) async throws -> DriftRecord {
        try loop.write(["web.yaml": dropletSpec(name: "web")])
        #expect(try await loop.planAndApply())
        let id = try #require(try await loop.droplets(named: "web").first).id
        try await loop.sim.client.tagResources(tag: try await loop.sim.client.createTag(name: "debug"), droplets: [id])
        _ = try await loop.plan()
        return try #require(try await loop.store.drift(status: .open).first { $0.field == "tags" })
    }

    private static func specText(_ loop: ReconcileLoop) throws -> String {
        try String(contentsOf: loop.specs.appendingPathComponent("web.yaml"), encoding: .utf8)
    }

    /// The API read the record before taking the lock: an ignore closed it meanwhile. The accept
    /// that read it open is refused as already resolved, and the file has only the ignore's edit.
    @Test func anAcceptOfARecordClosedSinceItWasReadWritesNothing() async throws {
        try await ReconcileLoop.with { loop in
            let record = try await Self.taggedByHand(loop)
            let acceptor = DriftAcceptor(client: loop.sim.client, store: loop.store)
            _ = try await acceptor.ignore(record, specs: loop.specs.path)
            let ignored = try Self.specText(loop)
            let refused = await #expect(throws: DriftNotOpen.self) { try await acceptor.accept(record, specs: loop.specs.path) }
            #expect(refused?.status == .ignored)
            #expect(try Self.specText(loop) == ignored)
        }
    }

    /// A revert saga is under way for the resource: accepting now would write the value the revert is
    /// taking away. Refused, nothing written, the record still open for after the saga.
    @Test func anAcceptWhileARevertRunsIsRefused() async throws {
        try await ReconcileLoop.with { loop in
            let record = try await Self.taggedByHand(loop)
            let desired = try SpecLoader.load(directory: loop.specs.path)
            let revert = try await DriftReverter(reconciler: Reconciler(client: loop.sim.client, store: loop.store)).plan(reverting: [record], desired: desired)
            let inserted = try await PlanExecutor(runner: loop.runner()).insert(revert.plan)
            let before = try Self.specText(loop)
            let acceptor = DriftAcceptor(client: loop.sim.client, store: loop.store)
            let busy = await #expect(throws: DriftResourceBusy.self) { try await acceptor.accept(record, specs: loop.specs.path) }
            #expect(busy?.sagaID == inserted.sagas.first?.id)
            await #expect(throws: DriftResourceBusy.self) { try await acceptor.ignore(record, specs: loop.specs.path) }
            #expect(try Self.specText(loop) == before)
            #expect(try await loop.store.driftRecord(id: record.id)?.status == .open)
        }
    }

    /// Alice changed the tags in the spec after the drift was found: accepting the live tags would
    /// silently undo her edit, so it is refused and her line stays.
    @Test func anAcceptDoesNotOverwriteAFieldEditedInTheSpecSince() async throws {
        try await ReconcileLoop.with { loop in
            let record = try await Self.taggedByHand(loop)
            let file = loop.specs.appendingPathComponent("web.yaml")
            let edited = try Self.specText(loop).replacingOccurrences(of: "tags: [web]", with: "tags: [web, frontend]  # alice")
            try edited.write(to: file, atomically: true, encoding: .utf8)
            let refused = await #expect(throws: DriftNotAcceptable.self) {
                try await DriftAcceptor(client: loop.sim.client, store: loop.store).accept(record, specs: loop.specs.path)
            }
            #expect(refused?.description.contains("was changed in") == true, "\(refused?.description ?? "")")
            #expect(try Self.specText(loop) == edited)
            #expect(try await loop.store.driftRecord(id: record.id)?.status == .open)
        }
    }

    /// The droplet was deleted by hand after its drift was found: a revert says it is gone and how it
    /// comes back, not that DigitalOcean matches the spec again.
    @Test func aRevertOfADeletedDropletSaysItIsGone() async throws {
        try await ReconcileLoop.with { loop in
            let record = try await Self.taggedByHand(loop)
            try await loop.sim.client.deleteDroplet(id: Int(record.resourceID) ?? 0)
            let desired = try SpecLoader.load(directory: loop.specs.path)
            let outcome = try await DriftReverter(reconciler: Reconciler(client: loop.sim.client, store: loop.store)).plan(reverting: [record], desired: desired)
            let reason = try #require(outcome.refused.first?.1)
            #expect(reason.contains("Droplet/web no longer exists at DigitalOcean"), "\(reason)")
            #expect(outcome.plan.changes.isEmpty, "a revert recreates nothing")
        }
    }
}
