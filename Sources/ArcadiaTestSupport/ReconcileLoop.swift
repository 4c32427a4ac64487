import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation

/// The operator's loop in one place: spec files in a folder, a simulator, a SQLite state;
/// `plan()` and `apply(_:)` as `arcadia plan` and `arcadia apply` do them, minus the printing.
public struct ReconcileLoop: Sendable {
    public let sim: SimulatorHarness
    public let store: Store
    /// The spec folder.
    public let specs: URL

    /// A loop over a store and simulator the caller opened (e.g. a store with a short busy time-out).
    public init(sim: SimulatorHarness, store: Store, specs: URL) {
        self.sim = sim
        self.store = store
        self.specs = specs
    }

    /// A simulator on a free port, a temporary store on `engine` and an empty spec folder, for `body`.
    public static func with<T: Sendable>(
        engine: StoreEngine = .sqlite,
        timeScale: Double = 0.002,
        configure: (inout SimulatorConfiguration) -> Void = { _ in },
        _ body: @Sendable (ReconcileLoop) async throws -> T
    ) async throws -> T {
        try await SimulatorHarness.with(timeScale: timeScale, configure: configure) { sim in
            try await withTemporaryStore(engine: engine) { store, directory in
                let specs = directory.appendingPathComponent("specs")
                try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
                return try await body(ReconcileLoop(sim: sim, store: store, specs: specs))
            }
        }
    }

    /// Writes (or overwrites) spec files, `name.yaml` → contents.
    public func write(_ files: [String: String]) throws {
        try writeSpecs(files, to: specs)
    }

    public func remove(_ file: String) throws {
        try FileManager.default.removeItem(at: specs.appendingPathComponent(file))
    }

    /// Loads the specs and plans against the simulator, recording drift, as `arcadia plan` does.
    public func plan() async throws -> Plan {
        try await Reconciler(client: sim.client, store: store).plan(desired: try SpecLoader.load(directory: specs.path))
    }

    public func apply(_ plan: Plan, runner: SagaRunner? = nil) async throws -> PlanExecutor.Outcome {
        try await PlanExecutor(runner: runner ?? self.runner()).apply(plan)
    }

    /// A worker for this loop's sagas. `dyingAt` (`<saga-kind>:<step>:<moment>`) makes it stop there,
    /// writing nothing more, as a SIGKILL would; `hook` runs at every point first. With
    /// `rechecking`, it checks each saga against the spec folder first, as `arcadia sagas resume` does.
    public func runner(
        dyingAt point: String? = nil, rechecking: Bool = false, hook: @escaping @Sendable (SagaPoint) async throws -> Void = { _ in }
    ) throws -> SagaRunner {
        let target = point.flatMap(SagaPoint.init(parsing:))
        let hooks = SagaHooks { reached in
            try await hook(reached)
            if reached == target { throw SimulatedCrash(at: reached) }
        }
        let recheck = rechecking ? SagaRecheck(desired: try SpecLoader.load(directory: specs.path)) : nil
        // Each runner is a worker of its own, as each process is.
        let owner = WorkerIdentity(
            host: WorkerIdentity.current.host, pid: WorkerIdentity.current.pid, nonce: String(UUID().uuidString.prefix(8)).lowercased(),
            process: WorkerIdentity.current.process
        )
        return SagaRunner(environment: sim.stepEnvironment(store: store), owner: owner.description, hooks: hooks, recheck: recheck)
    }

    /// The live droplets named `name`.
    public func droplets(named name: String) async throws -> [Droplet] {
        try await sim.client.listDroplets().filter { $0.name == name }
    }

    /// Plans and applies; true when every saga completed.
    public func planAndApply() async throws -> Bool {
        try await apply(try await plan()).isSuccess
    }
}
