import ArcadiaCore
import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// `arcadia snapshot DROPLET`: a standalone snapshot saga, end to end and step by step.
@Suite struct SnapshotCommandTests {
    private func environment(_ sim: SimulatorHarness) -> [String: String] {
        ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
    }

    private func snapshotNames(_ sim: SimulatorHarness) async throws -> [String] {
        let listed = try await sim.json("GET", "/v2/snapshots?resource_type=droplet&per_page=200").object["snapshots"] as? [[String: Any]] ?? []
        return listed.compactMap { $0["name"] as? String }.sorted()
    }

    /// One command, one saga, one snapshot named from the droplet, the label and the saga; listed by
    /// `sagas list` (kind snapshot) and `events`; the droplet keeps running and the plan stays clean.
    @Test func aSnapshotIsOneSagaListedWithItsEvent() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let cli = try CommandRunner()
                let environment = environment(sim)
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let web = try #require(try await sim.client.listDroplets().first)

                let taken = try await cli.run(["snapshot", "web", "--label", "nightly", "--specs", specs.path], in: directory, environment: environment)
                #expect(taken.status == 0, "\(taken.stderr)")
                let names = try await snapshotNames(sim)
                #expect(names.count == 1)
                let name = try #require(names.first)
                #expect(name.range(of: #"^web-nightly-arcadia-[0-9a-f]{8}$"#, options: .regularExpression) != nil, "\(name)")
                #expect(taken.stdout.contains("Snapshotting droplet web as \(name)."), "\(taken.stdout)")
                #expect(taken.stdout.contains("✓ SnapshotDroplet") && taken.stdout.contains("✓ RecordSnapshot"))
                #expect(taken.stdout.contains("Snapshot \(name) (id "), "\(taken.stdout)")
                #expect(try await sim.client.getDroplet(id: web.id).status == "active", "nothing was powered off")

                let listed = try await cli.run(["sagas", "list", "--json"], in: directory)
                let sagas = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
                let snapshot = try #require(sagas.first { $0["kind"] as? String == "snapshot" })
                #expect(snapshot["status"] as? String == "completed")
                #expect(snapshot["resourceName"] as? String == "web")
                #expect(name.hasSuffix(String((snapshot["id"] as? String ?? "").prefix(8))), "the name carries the saga's id")
                let events = try await cli.run(["events", "--name", "web"], in: directory)
                #expect(events.stdout.contains("snapshot_created") && events.stdout.contains(name), "\(events.stdout)")
                #expect(try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment).status == 0)

                // Again, without a label: a second saga, a second snapshot, under the default word.
                #expect(try await cli.run(["snapshot", "web", "--specs", specs.path], in: directory, environment: environment).status == 0)
                let both = try await snapshotNames(sim)
                #expect(both.count == 2)
                #expect(both.contains { $0.hasPrefix("web-snapshot-arcadia-") })
            }
        }
    }

    /// What Arcadia has no record of is refused with a suggestion, a bad label is a usage error, and
    /// neither changes anything.
    @Test func refusesWhatArcadiaDoesNotManageAndBadLabels() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let cli = try CommandRunner()
                let environment = environment(sim)
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let typo = try await cli.run(["snapshot", "wbe"], in: directory, environment: environment)
                #expect(typo.status == 1)
                #expect(typo.stderr.contains("Arcadia has no record of a droplet 'wbe' in this state"), "\(typo.stderr)")
                #expect(typo.stderr.contains("did you mean 'web'?") && typo.stderr.contains("nothing was changed"), "\(typo.stderr)")
                let label = try await cli.run(["snapshot", "web", "--label", "before upgrade"], in: directory, environment: environment)
                #expect(label.status == 64)
                #expect(label.stderr.contains("--label 'before upgrade' is not a usable label"), "\(label.stderr)")
                #expect(try await snapshotNames(sim).isEmpty)
                #expect(try await sim.client.listDroplets().count == 1)
            }
        }
    }

    /// Killed while the snapshot action is in flight: the droplet is left alone (plan exits 2), a new
    /// snapshot of it is refused, and `sagas resume` finishes the saga with exactly one snapshot.
    @Test func aKilledSnapshotIsRefusedAgainAndResumeFinishesItWithOneSnapshot() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let cli = try CommandRunner()
                let environment = environment(sim)
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                var dying = environment
                dying["ARCADIA_CRASH_AT"] = "snapshot:SnapshotDroplet:polling"
                #expect(try await cli.run(["snapshot", "web", "--specs", specs.path], in: directory, environment: dying).status == SIGKILL)

                let again = try await cli.run(["snapshot", "web", "--specs", specs.path], in: directory, environment: environment)
                #expect(again.status == 1)
                #expect(again.stderr.contains("droplet 'web' has an unfinished snapshot saga"), "\(again.stderr)")
                #expect(again.stderr.contains("`arcadia sagas resume --specs \(specs.path)` finishes it"), "\(again.stderr)")
                #expect(try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment).status == 2)

                let resumed = try await cli.run(["sagas", "resume", "--specs", specs.path], in: directory, environment: environment)
                #expect(resumed.status == 0, "\(resumed.stderr)")
                #expect(try await snapshotNames(sim).count == 1)
                #expect(try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment).status == 0)
            }
        }
    }

    /// The saga a snapshot of `web` would run, as the command makes it.
    private func snapshotSaga(_ loop: ReconcileLoop) async throws -> (SagaRecord, SagaContext) {
        try loop.write(["web.yaml": dropletSpec(name: "web")])
        #expect(try await loop.planAndApply())
        let saga = try await DropletSnapshotSaga.make(droplet: "web", label: "test", store: loop.store)
        return (saga, try JSONDecoder().decode(SagaContext.self, from: Data(saga.context.utf8)))
    }

    /// Each step run twice does its work once; the compensation run twice deletes the snapshot, the
    /// second time finding it gone (404 counts as done).
    @Test(arguments: StoreEngine.allCases) func eachStepRunTwiceTakesOneSnapshotAndCompensationDeletesIt(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            let (saga, context) = try await snapshotSaga(loop)
            let environment = loop.sim.stepEnvironment(store: loop.store)
            var first = try await SnapshotDroplet().execute(context, in: environment)
            // As after a kill between the step and the ledger write: the same step, the old context.
            first = try await SnapshotDroplet().execute(context, in: environment)
            #expect(try await snapshotNames(loop.sim) == [try #require(context.input.snapshotName)])
            _ = try await RecordSnapshot().execute(first, in: environment)
            _ = try await RecordSnapshot().execute(first, in: environment)
            #expect(try await loop.store.events(kind: "Droplet", name: "web").filter { $0.type == "snapshot_created" && $0.sagaID == saga.id }.count == 1)
            try await SnapshotDroplet().compensate(first, in: environment)
            try await SnapshotDroplet().compensate(first, in: environment)
            #expect(try await snapshotNames(loop.sim).isEmpty)
        }
    }

    /// A snapshot that finishes within DigitalOcean's usual 150 s costs four requests: the droplet read
    /// (is it locked?), the action POST, one look at the action, one listing that finds the snapshot.
    @Test func aSnapshotCostsFourRequests() async throws {
        try await ReconcileLoop.with { loop in
            let (saga, _) = try await snapshotSaga(loop)
            try await loop.store.insertSaga(saga)
            var status: SagaStatus?
            let cost = try await DropletInPlaceTests.requests(loop) { status = try await loop.runner().run(sagaID: saga.id) }
            #expect(status == .completed)
            #expect(cost == [
                "GET /v2/droplets/{droplet_id}": 1, "POST /v2/droplets/{droplet_id}/actions": 1,
                "GET /v2/droplets/{droplet_id}/actions/{action_id}": 1, "GET /v2/droplets/{droplet_id}/snapshots": 1,
            ], "\(cost)")
        }
    }

    /// Killed between the steps or inside them, then resumed: one snapshot. Killed and cancelled: none.
    @Test(arguments: ["SnapshotDroplet:after-post", "SnapshotDroplet:after-call", "SnapshotDroplet:after-ledger", "RecordSnapshot:after-call"])
    func aKillThenResumeTakesOneSnapshotAndAKillThenCancelLeavesNone(point: String) async throws {
        for ending in ["resume", "cancel"] {
            try await ReconcileLoop.with { loop in
                let (saga, context) = try await snapshotSaga(loop)
                try await loop.store.insertSaga(saga)
                await #expect(throws: SimulatedCrash.self) { try await loop.runner(dyingAt: "snapshot:\(point)").run(sagaID: saga.id) }
                if ending == "resume" {
                    #expect(try await loop.runner(rechecking: true).resume(parallelism: 1).map(\.status) == [.completed])
                    #expect(try await snapshotNames(loop.sim) == [try #require(context.input.snapshotName)], "\(point)")
                } else {
                    _ = try await loop.runner().cancel(sagaID: saga.id)
                    #expect(try await loop.store.saga(id: saga.id)?.status == .cancelled)
                    #expect(try await snapshotNames(loop.sim).isEmpty, "\(point)")
                }
                #expect(try await loop.plan().isInSync)
            }
        }
    }
}
