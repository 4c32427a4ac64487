import ArcadiaSagas
import ArcadiaState
import ArcadiaTestSupport
import Foundation
import Logging
import Testing

/// `arcadia apply`'s lock and parallelism, `sagas resume`, `sagas cancel`, as an operator runs them.
@Suite struct SagaCommandTests {
    private static let logger: Logger = {
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        return logger
    }()

    @Test func aSecondApplyExitsNamingTheHolder() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
            let state = directory.appendingPathComponent(".arcadia/state.sqlite").path
            try FileManager.default.createDirectory(atPath: (state as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            let cli = try CommandRunner()
            try await Store.withStore(.sqlite(path: state), logger: Self.logger) { store in
                try await store.withApplyLock(holder: "arcadia apply, pid 999 on ops-1") {
                    let second = try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory)
                    #expect(second.status == 1)
                    #expect(second.stderr.contains("another apply holds the state lock"))
                    #expect(second.stderr.contains("arcadia apply, pid 999 on ops-1, since 20"), "\(second.stderr)")
                }
            }
            let after = try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory)
            #expect(after.status == 0, "the lock was released: \(after.stderr)")
            #expect(try await cli.run(["apply", "--sim", "--specs", specs.path, "--parallelism", "0"], in: directory).status != 0)
        }
    }

    @Test func cancelCompensatesAPendingSagaAndResumeRunsTheRest() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")], to: specs)
            let cli = try CommandRunner()
            // Plan, then write the sagas as an apply that died before running them would have left them.
            let plan = try await cli.run(["plan", "--sim", "--specs", specs.path, "--out", "plan.json"], in: directory)
            #expect(plan.status == 0)
            let document = try ApplyDocumentReader.changes(at: directory.appendingPathComponent("plan.json"))
            #expect(document == ["a", "b"])
            let apply = try await cli.run(["apply", "plan.json", "--sim", "--specs", specs.path], in: directory,
                                          environment: ["ARCADIA_CRASH_AT": "create:CreateDroplet:before"])
            #expect(apply.status == 9, "killed by SIGKILL: \(apply.status)")

            let listed = try await cli.run(["sagas", "list", "--json"], in: directory)
            let sagas = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
            #expect(sagas.count == 2)
            let a = try #require(sagas.first { $0["resourceName"] as? String == "a" }?["id"] as? String)
            let cancel = try await cli.run(["sagas", "cancel", String(a.prefix(8)), "--sim"], in: directory)
            #expect(cancel.status == 0, "\(cancel.stdout)\(cancel.stderr)")
            #expect(cancel.stdout.contains("ended cancelled"))

            let resume = try await cli.run(["sagas", "resume", "--sim"], in: directory)
            #expect(resume.status == 0, "\(resume.stderr)")
            #expect(resume.stdout.contains("Resumed 1 saga: 1 completed."))
            #expect(try await cli.run(["sagas", "list", "--state", "cancelled", "--json"], in: directory).stdout.contains(a))
            let again = try await cli.run(["sagas", "cancel", String(a.prefix(8)), "--sim"], in: directory)
            #expect(again.status == 1)
            #expect(again.stderr.contains("already ended cancelled"))
            // a was cancelled before it acted, b completed: a plan wants a again, and only a.
            let next = try await cli.run(["plan", "--sim", "--specs", specs.path, "--json"], in: directory)
            let changes = try #require((try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any])?["changes"] as? [[String: Any]])
            #expect(changes.map { $0["name"] as? String } == ["a"])
        }
    }

    /// Independent sagas of one plan overlap in time; with --parallelism 1 they do not.
    @Test(arguments: StoreEngine.allCases) func sagasOfOnePlanRunConcurrently(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine, timeScale: 0.005) { loop in
            try loop.write(Dictionary(uniqueKeysWithValues: (0..<4).map { ("p\($0).yaml", dropletSpec(name: "p\($0)")) }))
            let runner = SagaRunner(environment: loop.sim.stepEnvironment(store: loop.store))
            #expect(try await PlanExecutor(runner: runner, parallelism: 4).apply(try await loop.plan()).isSuccess)
            let concurrent = try await intervals(loop.store)
            #expect(overlaps(concurrent), "some sagas ran at the same time")

            try loop.write(Dictionary(uniqueKeysWithValues: (0..<4).map { ("p\($0).yaml", dropletSpec(name: "p\($0)", size: "s-1vcpu-2gb")) }))
            let before = Set(concurrent.map(\.id))
            #expect(try await PlanExecutor(runner: runner, parallelism: 1).apply(try await loop.plan()).isSuccess)
            let sequential = try await intervals(loop.store).filter { !before.contains($0.id) }
            #expect(sequential.count == 4)
            #expect(!overlaps(sequential), "one at a time")
        }
    }

    private func intervals(_ store: Store) async throws -> [(id: String, start: Date, end: Date)] {
        var result: [(id: String, start: Date, end: Date)] = []
        for saga in try await store.sagas() {
            let steps = try #require(try await store.saga(id: saga.id)).steps
            let start = try #require(steps.compactMap(\.startedAt).min(), "saga \(saga.id) has step start times")
            let end = try #require(steps.compactMap(\.finishedAt).max(), "saga \(saga.id) has step end times")
            result.append((saga.id, start, end))
        }
        return result
    }

    private func overlaps(_ intervals: [(id: String, start: Date, end: Date)]) -> Bool {
        let sorted = intervals.sorted { $0.start < $1.start }
        return zip(sorted, sorted.dropFirst()).contains { $1.start < $0.end }
    }
}

/// Reads the resource names of a saved plan's changes.
enum ApplyDocumentReader {
    static func changes(at url: URL) throws -> [String] {
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        return (object?["changes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted()
    }
}

/// Issue 10, defect 1, as it was reproduced: the real binary, a real SIGKILL, the embedded simulator.
@Suite struct CancelCommandTests {
    @Test func cancelRefusesAfterTheDestroyAndResumeFinishesTheReplace() async throws {
        try await withTemporaryDirectory { directory in
            let (cli, specs, id) = try await Self.replaceKilled(at: "replace:DestroyDroplet:after-ledger", in: directory)

            let cancel = try await cli.run(["sagas", "cancel", id, "--sim"], in: directory)
            #expect(cancel.status == 1)
            #expect(cancel.stderr.contains("cannot be cancelled: its point of no return, DestroyDroplet, has started"), "\(cancel.stderr)")
            #expect(try Self.dropletNames(in: directory) == ["app"], "the cancel changed nothing")

            let resume = try await cli.run(["sagas", "resume", "--sim", "--specs", specs.path], in: directory)
            #expect(resume.status == 0, "\(resume.stderr)")
            #expect(try Self.dropletNames(in: directory) == ["app"])
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--detailed-exitcode"], in: directory).status == 0)
        }
    }

    /// Killed as the destroy began but before it acted: the droplet is there, so cancel may still undo.
    @Test func cancelUndoesAReplaceKilledBeforeItsDestroyActed() async throws {
        try await withTemporaryDirectory { directory in
            let (cli, specs, id) = try await Self.replaceKilled(at: "replace:DestroyDroplet:before", in: directory)
            #expect(try Self.dropletNames(in: directory) == ["app", "app"], "the replacement and the original")

            let cancel = try await cli.run(["sagas", "cancel", id, "--sim"], in: directory)
            #expect(cancel.status == 0, "\(cancel.stderr)")
            #expect(cancel.stdout.contains("ended cancelled"))
            #expect(try Self.dropletNames(in: directory) == ["app"], "the replacement is gone, the original kept")
            // The spec still asks for the new image: the next apply replaces again, from a clean ledger.
            #expect(try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory).status == 0)
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--detailed-exitcode"], in: directory).status == 0)
        }
    }

    /// Applies one droplet, changes its image, and applies again with `ARCADIA_CRASH_AT=point`: the
    /// replace dies there. Returns the runner, the spec folder and the unfinished saga's short id.
    static func replaceKilled(at point: String, in directory: URL) async throws -> (CommandRunner, URL, String) {
        let specs = directory.appendingPathComponent("specs")
        let cli = try CommandRunner()
        try writeSpecs(["app.yaml": dropletSpec(name: "app")], to: specs)
        #expect(try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory).status == 0)
        try writeSpecs(["app.yaml": dropletSpec(name: "app", image: "debian-12-x64")], to: specs)
        let killed = try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory, environment: ["ARCADIA_CRASH_AT": point])
        #expect(killed.status == 9, "killed by SIGKILL")
        return (cli, specs, try unfinishedSagaID(try await cli.run(["sagas", "list", "--json"], in: directory)))
    }

    static func unfinishedSagaID(_ listing: CommandRunner.Result) throws -> String {
        let sagas = try #require(try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [[String: Any]])
        let id = sagas.first { !["completed", "rolled_back", "cancelled", "superseded"].contains($0["status"] as? String ?? "") }?["id"] as? String
        return String(try #require(id).prefix(8))
    }

    /// The names of the droplets in the embedded simulator's saved world, sorted.
    static func dropletNames(in directory: URL) throws -> [String] {
        let data = try Data(contentsOf: directory.appendingPathComponent(".arcadia/sim-world.json"))
        let world = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let droplets: [Any] = (world["droplets"] as? [String: Any]).map { Array($0.values) } ?? (world["droplets"] as? [Any] ?? [])
        return droplets.compactMap { ($0 as? [String: Any])?["name"] as? String }.sorted()
    }
}
