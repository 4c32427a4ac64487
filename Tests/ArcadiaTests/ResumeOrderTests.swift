import ArcadiaCore
import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Testing

/// `sagas resume` after an apply of ordered sagas (a key, then a droplet naming it) died in the first.
@Suite struct ResumeOrderTests {
    /// A saga that must wait for another gives its lease up when it finds it still unfinished: before,
    /// it kept the lease, so resume could not claim it again once the key was created, left it pending
    /// and exited 1 naming itself as the holder (found by the crash suite's sshkey-and-droplet trials).
    @Test(arguments: StoreEngine.allCases) func aSagaWaitingForAnotherGivesItsLeaseUpAndResumeRunsBoth(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["deploy.yaml": SSHKeyKindTests.keySpec("deploy"), "web.yaml": SSHKeyKindTests.dropletUsing("web", keys: ["deploy"])])
            _ = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:CreateSSHKey:before"))
            let droplet = try #require(try await loop.store.unfinishedSagas().first { $0.resourceKind == "Droplet" })

            #expect(try await loop.runner().run(sagaID: droplet.id) == .pending, "the key's saga is not done")
            #expect(try await loop.store.saga(id: droplet.id)?.owner == nil, "no lease kept by a saga that did not start")

            let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
            #expect(resumed.map(\.status) == [.completed, .completed])
            #expect(try await loop.sim.client.listSSHKeys().count == 1)
            #expect(try await loop.droplets(named: "web").count == 1)
            #expect(try await loop.plan().isInSync)
        }
    }

    /// Killed once the key's saga had done every step (but was not yet marked completed): resume runs
    /// both sagas at once; the droplet's may find the key's unfinished, and the key's then complete
    /// before the droplet's answer is back. It must be tried again, not reported pending (a race the
    /// crash suite's sshkey-and-droplet trials found on PostgreSQL).
    @Test(arguments: StoreEngine.allCases) func aSagaThatFoundItsPredecessorUnfinishedIsTriedAgainOnceItEnds(engine: StoreEngine) async throws {
        for _ in 0..<5 {
            try await ReconcileLoop.with(engine: engine) { loop in
                try loop.write(["deploy.yaml": SSHKeyKindTests.keySpec("deploy"), "web.yaml": SSHKeyKindTests.dropletUsing("web", keys: ["deploy"])])
                _ = try await loop.apply(try await loop.plan(), runner: try loop.runner(dyingAt: "create:RegisterSSHKey:after-ledger"))
                let resumed = try await loop.runner(rechecking: true).resume(parallelism: 2)
                #expect(resumed.map(\.status) == [.completed, .completed])
                #expect(try await loop.droplets(named: "web").count == 1)
            }
        }
    }
}
