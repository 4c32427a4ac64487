import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaTestSupport
import DigitalOceanSimulator
import Foundation

/// `arcadia-bench --apply`: API requests and wall time for the applies an operator runs most, as
/// `arcadia apply` runs them: against the simulator at DigitalOcean's default rate limits (250 a
/// minute), the client pacing itself, DigitalOcean's timings scaled by 0.05 and a poll every 0.15 s
/// (3 s scaled), ten sagas at a time.
func applyBudget(latency: FaultPlan) async throws {
    try await SimulatorHarness.with(timeScale: 0.05, configure: { $0.faults = latency }) { sim in
        try await withTemporaryStore { store, directory in
            let specs = directory.appendingPathComponent("specs")
            try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
            var environment = sim.stepEnvironment(store: store)
            environment.pollInterval = .milliseconds(150)
            environment.waitTimeout = .seconds(600)
            let runner = SagaRunner(environment: environment)
            let reconciler = Reconciler(client: sim.client, store: store)

            /// Plans the spec folder and applies it; the requests and seconds both took.
            func apply(_ name: String, _ files: [String: String]) async throws {
                try writeSpecs(files, to: specs)
                let before = try await requestTotal(sim)
                let (outcome, seconds) = try await timed {
                    let plan = try await reconciler.plan(desired: try SpecLoader.load(directory: specs.path))
                    return try await PlanExecutor(runner: runner).apply(plan)
                }
                let spent = try await requestTotal(sim) - before
                let what = "  " + name
                let failed = outcome.sagas.filter { $0.status != .completed }.count
                print(what.padding(toLength: 34, withPad: " ", startingAt: 0)
                      + String(format: "%5d requests %7.1f s", spent, seconds) + (failed > 0 ? " (\(failed) sagas failed)" : ""))
            }

            func droplets(_ range: Range<Int>, size: String = "s-1vcpu-1gb") -> [String: String] {
                Dictionary(uniqueKeysWithValues: range.map { ("web-\($0).yaml", dropletSpec(name: "web-\($0)", size: size)) })
            }
            print("arcadia-bench --apply: simulator at default rate limits, time scale 0.05, poll every 0.15 s, 10 sagas at a time")
            try await apply("create 20 (catalogue not cached)", droplets(0..<20))
            try await apply("resize 20", droplets(0..<20, size: "s-2vcpu-2gb"))
            try await apply("create 200 (catalogue cached)", droplets(0..<20, size: "s-2vcpu-2gb").merging(droplets(20..<220)) { first, _ in first })
            let before = try await requestTotal(sim)
            let plan = try await reconciler.plan(desired: try SpecLoader.load(directory: specs.path))
            let spent = try await requestTotal(sim) - before
            print("  plan, 220 droplets in sync".padding(toLength: 34, withPad: " ", startingAt: 0)
                      + String(format: "%5d requests (%d changes; the droplets listed)", spent, plan.changes.count))
        }
    }
}
