import ArcadiaState
import ArcadiaTestSupport
import Foundation

/// `arcadia-bench N --controller`: the steady-state cost of the controller. N droplets applied, live
/// and in sync; the real `arcadia controller` process on the same SQLite state runs its first pass when
/// it becomes leader, then `passes` more on `POST /api/v1/reconcile`. Prints, per pass, the requests the
/// simulator counted, the pass's own wall time as the controller reports it, and the controller
/// process's peak memory (its VmHWM: the simulator and this bench are in another process).
func steadyReconcile(count: Int, passes: Int = 3, sim: SimulatorHarness, store: Store, directory: URL) async throws {
    let specs = directory.appendingPathComponent("specs")
    try await seedInSync(count: count, drifted: 0, sim: sim, store: store, specs: specs)
    let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
    let created = try await CommandRunner().run(["tokens", "create", "--name", "bench", "--role", "operator", "--database", database], in: directory)
    guard created.status == 0, let token = created.stdout.split(separator: "\n").last.map(String.init) else {
        throw BenchFailure("arcadia tokens create failed: \(created.stderr)")
    }
    let controller = try await ControllerProcess(
        arguments: ["--specs", specs.path, "--interval", "1h", "--database", database],
        in: directory, environment: ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL]
    )
    print("arcadia-bench --controller: \(count) droplets applied, live and in sync; arcadia controller (pid \(controller.processIdentifier))")
    var before = try await requestTotal(sim)
    var last = try await finishedPass(controller, token: token, after: nil)
    report("first pass (leader)", last, requests: try await requestTotal(sim) - before, controller: controller)
    for pass in 1...passes {
        before = try await requestTotal(sim)
        let answer = try await controller.request("POST", "/api/v1/reconcile", token: token)
        guard answer.status == 202 else { throw BenchFailure("POST /api/v1/reconcile answered \(answer.status): \(answer.body)") }
        last = try await finishedPass(controller, token: token, after: last["started_at"] as? String)
        report("pass \(pass) (reconcile now)", last, requests: try await requestTotal(sim) - before, controller: controller)
    }
    _ = try await controller.terminate()
}

/// Waits for a finished pass that started after `previous`; its report from `GET /api/v1/status`.
private func finishedPass(_ controller: ControllerProcess, token: String, after previous: String?) async throws -> [String: Any] {
    let deadline = Date().addingTimeInterval(600)
    while Date() < deadline {
        let status = try await controller.request("GET", "/api/v1/status", token: token).body
        if status["running"] == nil || status["running"] is NSNull, let last = status["last_reconcile"] as? [String: Any],
           let started = last["started_at"] as? String, started != previous {
            return last
        }
        try await Task.sleep(for: .milliseconds(20))
    }
    throw BenchFailure("no reconcile finished within 600 s:\n\(controller.log)")
}

private func report(_ label: String, _ pass: [String: Any], requests: Int, controller: ControllerProcess) {
    print(String(
        format: "  %-26@ %@, %8.3f s, %3d requests, %3d changes; controller peak memory %6.1f MiB",
        label as NSString, (pass["result"] as? String ?? "?") as NSString, pass["duration_seconds"] as? Double ?? 0, requests,
        pass["changes_planned"] as? Int ?? 0, peakResidentMegabytes(pid: controller.processIdentifier)
    ))
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
