@testable import ArcadiaCore
@testable import ArcadiaState
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Reproductions from the review of the first hour and the hardening (each failed before its fix).
@Suite struct ReviewFindingsTests {
    /// A resize of a droplet powered off under policy.drift: report powers it on (the resize ends with
    /// PowerOn): the plan says so, and the record closes `reverted`, not left open.
    @Test func aResizeOfAPoweredOffDropletSaysItPowersItOn() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a")])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "a").first).id
            try await loop.sim.performByHand(.powerOff, dropletID: id)
            try loop.write(["a.yaml": dropletSpec(name: "a", size: "s-2vcpu-2gb")])
            let plan = try await loop.plan()
            let fields = try #require(plan.changes.first).change.fields
            #expect(fields.contains { $0.field == "status" && $0.isDriftRevert && $0.to == "active" }, "the plan shows the power-on")
            #expect(!plan.warnings.contains { $0.code == "drift_not_reverted" }, "not called reported-only")
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await loop.store.drift(status: .reverted).map(\.field) == ["status"])
            #expect(try await loop.store.drift(status: .open).isEmpty)
        }
    }

    /// A tag change in the spec is carried out in place (it was reported as not supported before), and
    /// a spec change Arcadia does not carry out (a `change_not_supported` warning, which no Droplet or
    /// SSHKey field raises today) is still not "in sync": --detailed-exitcode exits 2.
    @Test func aTagChangeIsAppliedAndAnUnsupportedSpecChangeIsNotInSync() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a")])
            #expect(try await loop.planAndApply())
            try loop.write(["a.yaml": dropletSpec(name: "a").replacingOccurrences(of: "tags: [web]", with: "tags: [web, frontend]")])
            let plan = try await loop.plan()
            #expect(!plan.warnings.map(\.code).contains("change_not_supported"))
            #expect(plan.changes.map(\.steps) == [["SetDropletTags", "RecordApplied"]])
            #expect(try await loop.apply(plan).isSuccess)
            #expect(try await loop.plan().isInSync)
        }
        var diff = Differ.Result()
        diff.warnings = [Diagnostic(code: "change_not_supported", severity: .warning, kind: "Droplet", name: "a", message: "not supported")]
        #expect(!Planner.plan(diff, fingerprint: "f").isInSync)
    }

    /// A worker killed but not reaped (a zombie: a container whose pid 1 does not reap) is dead.
    @Test func aZombieIsDead() throws {
        var pid: pid_t = 0
        let arguments: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
        defer { arguments.forEach { free($0) } }
        #expect(posix_spawn(&pid, "/bin/true", nil, nil, arguments, environ) == 0)
        var zombie = false
        for _ in 0..<500 where !zombie {
            zombie = WorkerIdentity.isZombie(pid: pid)
            if !zombie { usleep(2_000) }
        }
        #expect(zombie, "an exited, unreaped child reads as a zombie")
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        #expect(!WorkerIdentity.isZombie(pid: getpid()), "this process is alive")
    }

    /// `sagas resume` with sagas held by a live worker says so and exits 1, instead of "Nothing to resume." and 0.
    @Test func resumeNamesSagasALiveWorkerHolds() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent(".arcadia/state.sqlite").path
            try writeSpecs(["a.yaml": dropletSpec(name: "a")], to: directory.appendingPathComponent("specs"))
            let id = UUID().uuidString.lowercased()
            try await Store.withStore(.sqlite(path: path), logger: .init(label: "test")) { store in
                try await store.insertSaga(SagaRecord(
                    id: id, kind: "create", resourceKind: "Droplet", resourceName: "a", context: "{}",
                    steps: [SagaStepRecord(position: 0, name: "CreateDroplet")]
                ))
                #expect(try await store.claimSaga(id: id, owner: "elsewhere:101:aaaa1111", leaseSeconds: 300) == .claimed)
            }
            let resumed = try await CommandRunner().run(["sagas", "resume", "--sim"], in: directory)
            #expect(resumed.status == 1)
            #expect(resumed.stderr.contains("saga \(id.prefix(8)) (create a) is held by worker elsewhere:101:aaaa1111 until"), "\(resumed.stderr)")
            #expect(resumed.stderr.contains("sagas resume --sim --wait") || resumed.stderr.contains("sagas resume --wait"))
        }
    }

    /// A read-only command on a PostgreSQL database Arcadia never used refuses, creating nothing.
    @Test func aReadOnlyCommandCreatesNoTablesInAnEmptyPostgresDatabase() async throws {
        try await withTemporaryPostgresDatabase { url in
            try await withTemporaryDirectory { directory in
                let listed = try await CommandRunner().run(["sagas", "list", "--database", url], in: directory)
                #expect(listed.status == 1)
                #expect(listed.stderr.contains("no Arcadia state in the PostgreSQL database"), "\(listed.stderr)")
                #expect(!listed.stderr.contains("PSQLError"))
                let applied = try await CommandRunner().run(["drift", "list", "--database", url], in: directory)
                #expect(applied.status == 1, "still none: the first refusal created nothing")
            }
        }
    }

    /// A DIGITALOCEAN_API_URL that is no URL is refused at once, not retried as a network fault.
    @Test func aMalformedAPIURLIsRefusedAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["a.yaml": dropletSpec(name: "a")], to: directory.appendingPathComponent("specs"))
            let plan = try await CommandRunner().run(["plan"], in: directory, environment: ["DIGITALOCEAN_API_URL": "127.0.0.1:8089", "DIGITALOCEAN_TOKEN": "x"])
            #expect(plan.status == 1)
            #expect(plan.stderr.contains("DIGITALOCEAN_API_URL=127.0.0.1:8089 is not an http(s) URL"))
            #expect(!plan.stderr.contains("retrying"))
        }
    }
}
