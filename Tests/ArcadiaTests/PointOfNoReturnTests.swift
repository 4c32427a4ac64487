import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// Issue 10, defects 1, 3 and 9: cancel after a saga's point of no return, sagas that new changes
/// must not race, and droplets that lost their ownership tag. Each once destroyed or duplicated droplets.
@Suite struct PointOfNoReturnTests {
    /// A replace killed after it destroyed the old droplet cannot be cancelled (that would delete the
    /// replacement too, leaving nothing); resume finishes it.
    @Test(arguments: StoreEngine.allCases) func cancelAfterTheDestroyIsRefusedAndResumeFinishes(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])
            let outcome = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "replace:DestroyDroplet:after-ledger"))
            let id = try #require(outcome.sagas.first?.id)

            #expect(try await loop.store.requestCancel(id: id, pivotSteps: ["DestroyDroplet"]) == .pastPointOfNoReturn(step: "DestroyDroplet"))
            #expect(try await loop.store.saga(id: id)?.cancelRequested == false, "a refused cancel records nothing")
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.completed])
            let apps = try await loop.droplets(named: "app")
            #expect(apps.map { $0.image.slug } == ["debian-12-x64"], "exactly the replacement is left")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A cancel that arrives while the destroy is in flight is refused, and the saga completes; one that
    /// arrives before it starts wins, and the replacement is undone with the old droplet untouched.
    @Test(arguments: StoreEngine.allCases) func aLiveCancelRacesTheDestroyAtomically(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            let original = try #require(try await loop.droplets(named: "app").first)
            let store = loop.store
            let answer = Recorded<CancelRequest>()

            // Cancel during the DELETE: too late.
            try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])
            let during = try loop.runner { point in
                guard point.description == "replace:DestroyDroplet:before", let saga = try await store.unfinishedSagas().first else { return }
                await answer.set(try await store.requestCancel(id: saga.id, pivotSteps: ["DestroyDroplet"]))
            }
            let first = try await loop.apply(try await loop.plan(), runner: during)
            #expect(await answer.value == .pastPointOfNoReturn(step: "DestroyDroplet"))
            #expect(first.sagas.map(\.status) == [.completed])
            let replacement = try #require(try await loop.droplets(named: "app").first)
            #expect(replacement.id != original.id)

            // Cancel before the DELETE: the replacement is compensated, the live droplet untouched.
            try loop.write(["app.yaml": dropletSpec(name: "app", image: "ubuntu-24-04-x64")])
            let before = try loop.runner { point in
                guard point.description == "replace:WaitDropletActive:after-ledger", let saga = try await store.unfinishedSagas().first else { return }
                await answer.set(try await store.requestCancel(id: saga.id, pivotSteps: ["DestroyDroplet"]))
            }
            let second = try await loop.apply(try await loop.plan(), runner: before)
            #expect(await answer.value == .requested)
            #expect(second.sagas.map(\.status) == [.cancelled])
            #expect(try await loop.droplets(named: "app").map(\.id) == [replacement.id], "only the droplet that was live remains")
        }
    }

    /// A create killed before it posted, then planned again: the resource is left alone, never created twice.
    @Test(arguments: StoreEngine.allCases) func anUnfinishedCreateBlocksASecondCreate(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateDroplet:before"))
            let id = try #require(killed.sagas.first?.id)

            let again = try await loop.plan()
            #expect(again.changes.isEmpty, "no second create")
            #expect(again.blocked.map(\.sagaID) == [id])
            #expect(!again.isInSync)
            #expect(try await loop.apply(again).sagas.isEmpty)
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.completed])
            #expect(try await loop.droplets(named: "web").count == 1)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A destroy killed before it acted, then the spec restored with `protect: true`: resume supersedes
    /// the destroy instead of carrying it out.
    @Test(arguments: StoreEngine.allCases) func aDestroyWhoseSpecCameBackIsSuperseded(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["db.yaml": dropletSpec(name: "db"), "keep.yaml": dropletSpec(name: "keep")])
            #expect(try await loop.planAndApply())
            try loop.remove("db.yaml")
            let killed = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "destroy:DestroyDroplet:before"))
            let id = try #require(killed.sagas.first?.id)

            try loop.write(["db.yaml": dropletSpec(name: "db", policy: "policy:\n  protect: true\n")])
            let blocked = try await loop.plan()
            #expect(blocked.changes.isEmpty)
            #expect(blocked.blocked.map(\.name) == ["db"])
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.superseded])
            #expect(try await loop.droplets(named: "db").count == 1, "the protected droplet lives")
            #expect(try await loop.store.saga(id: id)?.error?.contains("is back") == true)
            #expect(try await loop.planAndApply(), "what is left is recording the new policy")
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A replace killed after it destroyed the old droplet, then applied again: no second droplet.
    @Test(arguments: StoreEngine.allCases) func aHalfDoneReplaceIsFinishedNotRepeated(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["app.yaml": dropletSpec(name: "app")])
            #expect(try await loop.planAndApply())
            try loop.write(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")])
            _ = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "replace:DestroyDroplet:after-ledger"))

            let again = try await loop.plan()
            #expect(again.changes.isEmpty, "not a create for a droplet 'deleted outside Arcadia'")
            #expect(again.blocked.map(\.name) == ["app"])
            #expect(try await loop.runner(rechecking: true).resume(parallelism: 2).map(\.status) == [.completed])
            #expect(try await loop.droplets(named: "app").count == 1)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// A droplet whose `managed-by-arcadia` tag was removed out of band is never destroyed: not by the
    /// plan, and not by a destroy planned before the tag went.
    @Test(arguments: StoreEngine.allCases) func aDropletWithoutTheManagedTagIsNeverDestroyed(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")])
            #expect(try await loop.planAndApply())
            let a = try #require(try await loop.droplets(named: "a").first)
            let b = try #require(try await loop.droplets(named: "b").first)

            // The tag goes, then the spec: the plan leaves the droplet alone and says why.
            try await untag(a.id, in: loop.sim)
            try loop.remove("a.yaml")
            let plan = try await loop.plan()
            #expect(plan.changes.isEmpty)
            #expect(plan.blocked.first?.reason.contains("no longer carries the tag managed-by-arcadia") == true)

            // The spec goes first, the tag between plan and apply: DestroyDroplet looks again and refuses.
            try loop.remove("b.yaml")
            let destroy = try await loop.plan()
            #expect(destroy.changes.map(\.change.name) == ["b"])
            try await untag(b.id, in: loop.sim)
            #expect(try await loop.apply(destroy).sagas.map(\.status) == [.rolledBack])
            #expect(try await loop.droplets(named: "a").count == 1)
            #expect(try await loop.droplets(named: "b").count == 1)
        }
    }

    private func untag(_ dropletID: Int, in sim: SimulatorHarness) async throws {
        let body = #"{"resources": [{"resource_id": "\#(dropletID)", "resource_type": "droplet"}]}"#
        let response = try await sim.request("DELETE", "/v2/tags/managed-by-arcadia/resources", body: body)
        #expect(response.status == 204)
    }
}

/// A value set from inside a hook and read by the test afterwards.
actor Recorded<T: Sendable> {
    private(set) var value: T?

    func set(_ value: T) {
        self.value = value
    }
}
