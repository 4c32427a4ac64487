import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Logging
import Testing

/// `arcadia controller` as a team runs it: the real binary against the simulator over HTTP and a real
/// state, a git checkout with a bare remote, tokens from `arcadia tokens create`.
@Suite(.serialized) struct ControllerTests {
    private static func withDatabase(_ engine: StoreEngine, in directory: URL, _ body: @Sendable (String) async throws -> Void) async throws {
        switch engine {
        case .sqlite: try await body("sqlite:" + directory.appendingPathComponent("state.sqlite").path)
        case .postgres: try await withTemporaryPostgresDatabase(body)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func appliesCommitsDetectsDriftAndAnswersEachRoleAsDocumented(engine: StoreEngine) async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                try await Self.withDatabase(engine, in: directory) { database in
                    // A bare remote, an author's clone, and the controller's checkout.
                    let remote = directory.appendingPathComponent("remote.git")
                    try FileManager.default.createDirectory(at: remote, withIntermediateDirectories: true)
                    _ = try runGit(["init", "--quiet", "--bare"], in: remote)
                    let author = directory.appendingPathComponent("author")
                    _ = try runGit(["clone", "--quiet", remote.path, author.path], in: directory)
                    try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: author)
                    _ = try runGit(["add", "."], in: author)
                    _ = try runGit(["commit", "--quiet", "-m", "web"], in: author)
                    _ = try runGit(["push", "--quiet", "origin", "HEAD:main"], in: author)
                    let checkout = directory.appendingPathComponent("checkout")
                    _ = try runGit(["clone", "--quiet", "--branch", "main", remote.path, checkout.path], in: directory)

                    let admin = try await ControllerProcess.token("alice", role: "platform_admin", database: database, in: directory)
                    let operatorToken = try await ControllerProcess.token("olga", role: "operator", database: database, in: directory)
                    let viewer = try await ControllerProcess.token("victor", role: "viewer", database: database, in: directory)
                    let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                    let controller = try await ControllerProcess(
                        arguments: ["--specs", checkout.path, "--interval", "1s", "--git-push", "--database", database],
                        in: directory, environment: environment
                    )

                    // The checkout's spec is applied, and a spec committed later within about one interval.
                    #expect(try await ControllerProcess.eventually(30) { try await sim.client.listDroplets().contains { $0.name == "web" } }, "\(controller.log)")
                    try writeSpecs(["db.yaml": dropletSpec(name: "db")], to: author)
                    _ = try runGit(["add", "."], in: author)
                    _ = try runGit(["commit", "--quiet", "-m", "db"], in: author)
                    _ = try runGit(["push", "--quiet", "origin", "HEAD:main"], in: author)
                    #expect(try await ControllerProcess.eventually(15) { try await sim.client.listDroplets().contains { $0.name == "db" } }, "\(controller.log)")
                    let status = try await controller.request("GET", "/api/v1/status", token: viewer)
                    let last = try #require(status.body["last_reconcile"] as? [String: Any])
                    #expect((last["commit"] as? String)?.count == 40, "the commit reconciled is reported: \(status.body)")

                    // Drift made by hand shows in the API within an interval or two.
                    let web = try #require(try await sim.client.listDroplets().first { $0.name == "web" })
                    try await sim.performByHand(.powerOff, dropletID: web.id)
                    try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web.id)
                    try await sim.performByHand(.powerOn, dropletID: web.id)
                    var driftID = 0
                    #expect(try await ControllerProcess.eventually(15) {
                        let listed = try await controller.request("GET", "/api/v1/drift?name=web", token: viewer)
                        let records = listed.body["drift"] as? [[String: Any]] ?? []
                        driftID = records.first { $0["field"] as? String == "size" }?["id"] as? Int ?? 0
                        return driftID > 0
                    }, "\(controller.log)")

                    // Each role gets exactly its answers.
                    #expect(try await controller.request("GET", "/api/v1/drift").status == 401)
                    #expect(try await controller.request("GET", "/api/v1/drift", token: viewer + "x").body["error"] as? String == "unauthorized")
                    let refused = try await controller.request("POST", "/api/v1/drift/\(driftID)/accept", token: viewer)
                    #expect(refused.status == 403)
                    #expect(refused.body["error"] as? String == "platform_admin_required")
                    #expect(try await controller.request("POST", "/api/v1/drift/\(driftID)/accept", token: operatorToken).status == 403)
                    #expect(try await controller.request("POST", "/api/v1/reconcile", token: viewer).body["error"] as? String == "operator_required")
                    #expect(try await controller.request("POST", "/api/v1/reconcile", token: operatorToken).status == 202)
                    #expect(try await controller.request("GET", "/api/v1/drift/999999", token: viewer).body["error"] as? String == "not_found")
                    #expect(try await controller.request("GET", "/api/v1/drift/x", token: viewer).status == 400)
                    #expect(try await controller.request("GET", "/api/v1/drift?status=nonsense", token: viewer).status == 400)

                    // Accept: the patch comes back, a commit by the token's name reaches the remote.
                    let accepted = try await controller.request("POST", "/api/v1/drift/\(driftID)/accept", token: admin)
                    #expect(accepted.status == 200, "\(accepted.body)")
                    #expect(accepted.body["status"] as? String == "accepted")
                    let patch = try #require(accepted.body["patch"] as? String)
                    #expect(patch.contains("-  size: s-1vcpu-1gb") && patch.contains("+  size: s-1vcpu-2gb"), "\(patch)")
                    let log = try runGit(["log", "--format=%an %s", "-1", "main"], in: remote)
                    #expect(log.hasPrefix("alice arcadia: accept drift Droplet/web.size"), "\(log)")
                    let again = try await controller.request("POST", "/api/v1/drift/\(driftID)/accept", token: admin)
                    #expect(again.status == 409)
                    #expect(again.body["error"] as? String == "already_resolved")
                    #expect(again.body["current_status"] as? String == "accepted")
                    let events = try await controller.request("GET", "/api/v1/drift/\(driftID)", token: viewer)
                    #expect((events.body["events"] as? [[String: Any]] ?? []).contains { $0["actor"] as? String == "alice" && $0["type"] as? String == "drift_accepted" })

                    // Revert: the saga runs and DigitalOcean is back at the spec.
                    let db = try #require(try await sim.client.listDroplets().first { $0.name == "db" })
                    try await sim.performByHand(.powerOff, dropletID: db.id)
                    try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: db.id)
                    try await sim.performByHand(.powerOn, dropletID: db.id)
                    var dbDrift = 0
                    #expect(try await ControllerProcess.eventually(15) {
                        let listed = try await controller.request("GET", "/api/v1/drift?name=db", token: viewer)
                        // A pass between the power-off and the power-on may also have seen the power state drift.
                        dbDrift = (listed.body["drift"] as? [[String: Any]])?.first { $0["field"] as? String == "size" }?["id"] as? Int ?? 0
                        return dbDrift > 0
                    })
                    #expect(try await controller.request("POST", "/api/v1/drift/\(dbDrift)/revert", token: viewer).status == 403)
                    let reverting = try await controller.request("POST", "/api/v1/drift/\(dbDrift)/revert", token: operatorToken)
                    #expect(reverting.status == 202, "\(reverting.body)")
                    let sagaID = try #require(reverting.body["saga_id"] as? String)
                    #expect(try await ControllerProcess.eventually(20) {
                        try await controller.request("GET", "/api/v1/sagas/\(sagaID)", token: viewer).body["status"] as? String == "completed"
                    }, "\(controller.log)")
                    #expect(try await sim.client.getDroplet(id: db.id).sizeSlug == "s-1vcpu-1gb")

                    // Metrics: one leader, reconciles counted, no resource name in a label.
                    let metrics = try await controller.request("GET", "/metrics").body["text"] as? String ?? ""
                    #expect(metrics.contains("arcadia_leader 1"))
                    #expect(metrics.contains("arcadia_reconcile_total{result=\"succeeded\"}"))
                    #expect(metrics.contains("arcadia_drift_detected_total{kind=\"Droplet\"}"))
                    #expect(!metrics.contains("\"web\"") && !metrics.contains("\"db\""))
                    #expect(try await controller.request("GET", "/readyz").status == 200)

                    #expect(try await controller.terminate() == 0, "\(controller.log)")
                }
            }
        }
    }

    @Test func twoReplicasElectOneLeaderAndTheOtherTakesOverWhenItIsKilled() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                try await withTemporaryPostgresDatabase { database in
                    let specs = directory.appendingPathComponent("specs")
                    try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                    let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                    let arguments = ["--specs", specs.path, "--interval", "2s", "--database", database]
                    let first = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    let second = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    func leads(_ controller: ControllerProcess) async throws -> Bool {
                        (try await controller.request("GET", "/metrics").body["text"] as? String ?? "").contains("arcadia_leader 1")
                    }
                    #expect(try await ControllerProcess.eventually(10) { try await leads(first) != leads(second) }, "exactly one leads")
                    let (leader, follower) = try await leads(first) ? (first, second) : (second, first)
                    #expect(try await ControllerProcess.eventually(30) { try await sim.client.listDroplets().contains { $0.name == "web" } })
                    try await leader.kill()
                    #expect(try await follower.request("GET", "/readyz").status == 200, "a follower is ready too: it loads the specs")
                    #expect(try await ControllerProcess.eventually(15) { try await leads(follower) }, "\(follower.log)")
                    // And it reconciles: a new spec is applied by the new leader.
                    try writeSpecs(["db.yaml": dropletSpec(name: "db")], to: specs)
                    #expect(try await ControllerProcess.eventually(20) { try await sim.client.listDroplets().contains { $0.name == "db" } }, "\(follower.log)")
                    #expect(try await follower.terminate() == 0)
                }
            }
        }
    }

    /// The state database gone under a running controller: readiness and every API answer say 503
    /// `state_unavailable` (never a 500), liveness still answers, and the process stays up to recover.
    @Test func aStateDatabaseThatGoesAwayIsA503NeverA500() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                try await withTemporaryPostgresDatabase { database in
                    let specs = directory.appendingPathComponent("specs")
                    try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                    let token = try await ControllerProcess.token("victor", role: "viewer", database: database, in: directory)
                    let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                    let controller = try await ControllerProcess(
                        arguments: ["--specs", specs.path, "--interval", "1h", "--database", database], in: directory, environment: environment
                    )
                    #expect(try await ControllerProcess.eventually(30) { try await controller.request("GET", "/readyz").status == 200 }, "\(controller.log)")
                    #expect(try await controller.request("GET", "/api/v1/drift", token: token).status == 200)

                    try await dropTemporaryPostgresDatabase(database)
                    // Each answer comes after the store's 10 s wait for a connection: within the request's 30 s
                    // timeout, where the pool's own minute of retries ran past it.
                    #expect(try await controller.request("GET", "/readyz").status == 503, "\(controller.log)")
                    for path in ["/api/v1/drift", "/api/v1/status"] {
                        let answer = try await controller.request("GET", path, token: token)
                        #expect(answer.status == 503, "\(path): \(answer.status) \(answer.body)")
                        #expect(answer.body["error"] as? String == "state_unavailable", "\(path): \(answer.body)")
                    }
                    #expect(try await controller.request("GET", "/healthz").status == 200)
                    #expect(controller.isRunning)
                    try await controller.kill()
                }
            }
        }
    }

    /// A pass that finds the apply lock held (an apply, or a leader that died elsewhere with it) is
    /// tried again within seconds once the lock is free, not a whole interval (an hour here) later.
    @Test func aBusyPassIsTriedAgainSoonNotAnIntervalLater() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let path = directory.appendingPathComponent("state.sqlite").path
                let token = try await ControllerProcess.token("victor", role: "viewer", database: "sqlite:" + path, in: directory)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                var logger = Logger(label: "test")
                logger.logLevel = .warning
                let controller = try await Store.withStore(.sqlite(path: path), logger: logger) { store in
                    try await store.withApplyLock(holder: "arcadia apply, pid 4242 on ops-1") { () -> ControllerProcess in
                        let controller = try await ControllerProcess(
                            arguments: ["--specs", specs.path, "--interval", "1h", "--database", "sqlite:" + path], in: directory, environment: environment
                        )
                        #expect(try await ControllerProcess.eventually(20) {
                            let last = try await controller.request("GET", "/api/v1/status", token: token).body["last_reconcile"] as? [String: Any]
                            return last?["result"] as? String == "busy"
                        }, "\(controller.log)")
                        return controller
                    }
                }
                #expect(try await ControllerProcess.eventually(30) { try await sim.client.listDroplets().contains { $0.name == "web" } }, "\(controller.log)")
                #expect(try await controller.terminate() == 0)
            }
        }
    }

    /// A checkout that cannot follow its branch (here: its remote is gone) is reconciled as it is, and
    /// the pass says so as failed, with the reason, rather than "succeeded" on specs that may be stale.
    @Test func aCheckoutThatCannotBeUpdatedFailsThePassButStillReconciles() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let checkout = directory.appendingPathComponent("checkout")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: checkout)
                _ = try runGit(["init", "--quiet"], in: checkout)
                _ = try runGit(["add", "."], in: checkout)
                _ = try runGit(["commit", "--quiet", "-m", "web"], in: checkout)
                _ = try runGit(["remote", "add", "origin", directory.appendingPathComponent("gone.git").path], in: checkout)
                let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
                let token = try await ControllerProcess.token("victor", role: "viewer", database: database, in: directory)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let controller = try await ControllerProcess(
                    arguments: ["--specs", checkout.path, "--interval", "1h", "--database", database], in: directory, environment: environment
                )
                var last: [String: Any] = [:]
                #expect(try await ControllerProcess.eventually(30) {
                    let status = try await controller.request("GET", "/api/v1/status", token: token).body
                    last = status["last_reconcile"] as? [String: Any] ?? [:]
                    return status["running"] == nil && !last.isEmpty
                }, "\(controller.log)")
                #expect(last["result"] as? String == "failed", "\(last)")
                #expect((last["message"] as? String ?? "").contains("could not be brought up to date"), "\(last)")
                #expect(try await sim.client.listDroplets().contains { $0.name == "web" }, "the checkout as it is was still applied")
                #expect(try await controller.terminate() == 0)
            }
        }
    }

    /// Behind a load balancer "reconcile now" may reach either replica: a follower leaves the request in
    /// the state and the leader runs the pass at its next renewal (the interval, an hour, plays no part).
    @Test func reconcileNowOnAFollowerIsRunByTheLeader() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                try await withTemporaryPostgresDatabase { database in
                    let specs = directory.appendingPathComponent("specs")
                    try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                    let token = try await ControllerProcess.token("olga", role: "operator", database: database, in: directory)
                    let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                    let arguments = ["--specs", specs.path, "--interval", "1h", "--lease-duration", "4s", "--renew-interval", "1s", "--database", database]
                    let first = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    let second = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    func leads(_ controller: ControllerProcess) async throws -> Bool {
                        try await controller.request("GET", "/api/v1/status", token: token).body["leader"] as? Bool ?? false
                    }
                    #expect(try await ControllerProcess.eventually(10) { try await leads(first) != leads(second) }, "exactly one leads")
                    let (leader, follower) = try await leads(first) ? (first, second) : (second, first)
                    func lastTrigger() async throws -> String? {
                        let status = try await leader.request("GET", "/api/v1/status", token: token).body
                        return status["running"] == nil || status["running"] is NSNull ? (status["last_reconcile"] as? [String: Any])?["trigger"] as? String : nil
                    }
                    #expect(try await ControllerProcess.eventually(30) { try await lastTrigger() == "leader" }, "\(leader.log)")
                    #expect(try await sim.client.listDroplets().contains { $0.name == "web" })

                    try writeSpecs(["db.yaml": dropletSpec(name: "db")], to: specs)
                    let asked = try await follower.request("POST", "/api/v1/reconcile", token: token)
                    #expect(asked.status == 202)
                    #expect(asked.body["status"] as? String == "forwarded" && asked.body["leader"] as? Bool == false, "\(asked.body)")
                    #expect(try await ControllerProcess.eventually(20) { try await sim.client.listDroplets().contains { $0.name == "db" } }, "\(leader.log)")
                    #expect(try await ControllerProcess.eventually(20) { try await lastTrigger() == "api" }, "\(leader.log)")
                    #expect(try await follower.terminate() == 0)
                    #expect(try await leader.terminate() == 0)
                }
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func sigtermDuringAnApplyExitsCleanlyAndTheNextLeaderFinishesIt(engine: StoreEngine) async throws {
        try await SimulatorHarness.with(timeScale: 0.05) { sim in
            try await withTemporaryDirectory { directory in
                try await Self.withDatabase(engine, in: directory) { database in
                    let specs = directory.appendingPathComponent("specs")
                    try writeSpecs(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b"), "c.yaml": dropletSpec(name: "c")], to: specs)
                    let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.05"]
                    let arguments = ["--specs", specs.path, "--interval", "1s", "--database", database]
                    let token = try await ControllerProcess.token("ops", role: "viewer", database: database, in: directory)
                    let first = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    #expect(try await ControllerProcess.eventually(20) {
                        let running = try await first.request("GET", "/api/v1/sagas?status=running", token: token)
                        return (running.body["count"] as? Int ?? 0) > 0
                    }, "\(first.log)")
                    #expect(try await first.terminate() == 0, "\(first.log)")
                    let second = try await ControllerProcess(arguments: arguments, in: directory, environment: environment)
                    #expect(try await ControllerProcess.eventually(60) {
                        let sagas = try await second.request("GET", "/api/v1/sagas", token: token).body["sagas"] as? [[String: Any]] ?? []
                        return !sagas.isEmpty && sagas.allSatisfy { $0["status"] as? String == "completed" }
                    }, "\(second.log)")
                    let names = try await sim.client.listDroplets().map(\.name).sorted()
                    #expect(names == ["a", "b", "c"], "each droplet once, none lost, none doubled")
                    #expect(try await second.terminate() == 0)
                }
            }
        }
    }

    @Test func everyRouteAnswersABadRequestWithAClear4xxNeverA500() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
                let viewer = try await ControllerProcess.token("victor", role: "viewer", database: database, in: directory)
                let admin = try await ControllerProcess.token("alice", role: "platform_admin", database: database, in: directory)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let controller = try await ControllerProcess(
                    arguments: ["--specs", specs.path, "--interval", "1s", "--database", database], in: directory, environment: environment
                )
                let reads = [
                    "/api/v1/drift", "/api/v1/drift/1", "/api/v1/drift/1/revert-preview", "/api/v1/sagas", "/api/v1/sagas/x", "/api/v1/resources",
                    "/api/v1/resources/Droplet/web", "/api/v1/events", "/api/v1/status", "/api/v1/whoami",
                ]
                let writes = ["/api/v1/drift/1/accept", "/api/v1/drift/1/revert", "/api/v1/drift/1/ignore", "/api/v1/reconcile"]
                for path in reads {
                    #expect(try await controller.request("GET", path).status == 401, "\(path) without a token")
                    #expect(try await controller.request("GET", path, token: "arcadia_nope").status == 401, "\(path) with a malformed token")
                }
                for path in writes {
                    #expect(try await controller.request("POST", path).status == 401, "\(path) without a token")
                    let refused = try await controller.request("POST", path, token: viewer, body: "{not json")
                    #expect(refused.status == 403, "\(path) as a viewer, with a body that is not JSON")
                    #expect(["platform_admin_required", "operator_required"].contains(refused.body["error"] as? String ?? ""))
                }
                // Malformed ids and filters: 400 (or 404 for a saga id, which is any text), never 500.
                let malformed: [(String, String, Int)] = [
                    ("GET", "/api/v1/drift/abc", 400), ("GET", "/api/v1/drift/-1", 400), ("GET", "/api/v1/drift/99999999999999999999", 400),
                    ("POST", "/api/v1/drift/abc/accept", 400), ("POST", "/api/v1/drift/0/revert", 400), ("POST", "/api/v1/drift/1.5/ignore", 400),
                    ("GET", "/api/v1/drift?status=bogus", 400), ("GET", "/api/v1/drift?kind=Nope", 400), ("GET", "/api/v1/events?kind=droplet", 400),
                    ("GET", "/api/v1/resources?kind=Nope", 400), ("GET", "/api/v1/sagas?status=bogus", 400), ("GET", "/api/v1/sagas/%00", 404),
                    ("GET", "/api/v1/events?limit=0", 400), ("GET", "/api/v1/events?limit=many", 400), ("GET", "/api/v1/nothing", 404),
                    ("POST", "/api/v1/drift/7/accept", 404), ("DELETE", "/api/v1/drift", 404),
                    ("GET", "/api/v1/drift/abc/revert-preview", 400), ("GET", "/api/v1/drift/7/revert-preview", 404),
                    ("GET", "/api/v1/resources/Nothing/web", 400), ("GET", "/api/v1/resources/Droplet/nobody", 404),
                ]
                for (method, path, status) in malformed {
                    let answer = try await controller.request(method, path, token: admin, body: method == "POST" ? "\u{1}garbage" : nil)
                    #expect(answer.status == status, "\(method) \(path): \(answer.body)")
                    #expect(answer.body["error"] is String, "\(method) \(path) says what went wrong in JSON: \(answer.body)")
                }
                #expect(!controller.log.contains("request failed"), "no request ended in a 500: \(controller.log)")
                #expect(try await controller.terminate() == 0)
            }
        }
    }

    @Test func anAcceptInACheckoutWithoutPushIsHeldInTheStateUntilTheSpecSaysIt() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let remote = directory.appendingPathComponent("remote.git")
                try FileManager.default.createDirectory(at: remote, withIntermediateDirectories: true)
                _ = try runGit(["init", "--quiet", "--bare"], in: remote)
                let author = directory.appendingPathComponent("author")
                _ = try runGit(["clone", "--quiet", remote.path, author.path], in: directory)
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: author)
                _ = try runGit(["add", "."], in: author)
                _ = try runGit(["commit", "--quiet", "-m", "web"], in: author)
                _ = try runGit(["push", "--quiet", "origin", "HEAD:main"], in: author)
                let checkout = directory.appendingPathComponent("checkout")
                _ = try runGit(["clone", "--quiet", "--branch", "main", remote.path, checkout.path], in: directory)
                let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
                let admin = try await ControllerProcess.token("alice", role: "platform_admin", database: database, in: directory)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let controller = try await ControllerProcess(
                    arguments: ["--specs", checkout.path, "--interval", "1s", "--database", database], in: directory, environment: environment
                )
                #expect(try await ControllerProcess.eventually(30) { try await sim.client.listDroplets().contains { $0.name == "web" } }, "\(controller.log)")
                let web = try #require(try await sim.client.listDroplets().first { $0.name == "web" })
                try await sim.performByHand(.powerOff, dropletID: web.id)
                try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web.id)
                try await sim.performByHand(.powerOn, dropletID: web.id)
                var driftID = 0
                #expect(try await ControllerProcess.eventually(15) {
                    let listed = try await controller.request("GET", "/api/v1/drift?name=web", token: admin)
                    driftID = (listed.body["drift"] as? [[String: Any]])?.first { $0["field"] as? String == "size" }?["id"] as? Int ?? 0
                    return driftID > 0
                })
                let before = try String(contentsOf: checkout.appendingPathComponent("web.yaml"), encoding: .utf8)
                let accepted = try await controller.request("POST", "/api/v1/drift/\(driftID)/accept", token: admin)
                #expect(accepted.status == 200, "\(accepted.body)")
                #expect(accepted.body["pending"] as? Bool == true)
                let patch = try #require(accepted.body["patch"] as? String)
                #expect(patch.hasPrefix("--- a/web.yaml\n+++ b/web.yaml\n"), "the patch names the file in the checkout: \(patch)")
                #expect(patch.contains("+  size: s-1vcpu-2gb"))
                #expect(try String(contentsOf: checkout.appendingPathComponent("web.yaml"), encoding: .utf8) == before, "the checkout is not written")

                // Passes go by: the field is settled at the accepted value, not reverted to the file's.
                let passes = { try await controller.request("GET", "/metrics").body["text"] as? String ?? "" }
                let start = try await passes()
                #expect(try await ControllerProcess.eventually(10) { try await passes() != start })
                try await Task.sleep(for: .seconds(3))
                #expect(try await sim.client.getDroplet(id: web.id).sizeSlug == "s-1vcpu-2gb", "\(controller.log)")
                let waiting = try await controller.request("GET", "/api/v1/status", token: admin).body["pending_acceptances"] as? [[String: Any]]
                #expect(waiting?.map { $0["drift_id"] as? Int } == [driftID])

                // The author commits the patch: the acceptance is settled, and nothing changes at DigitalOcean.
                try writeSpecs(["web.yaml": dropletSpec(name: "web", size: "s-1vcpu-2gb")], to: author)
                _ = try runGit(["commit", "--quiet", "-am", "take the size"], in: author)
                _ = try runGit(["push", "--quiet", "origin", "HEAD:main"], in: author)
                #expect(try await ControllerProcess.eventually(15) {
                    (try await controller.request("GET", "/api/v1/status", token: admin).body["pending_acceptances"] as? [Any])?.isEmpty == true
                }, "\(controller.log)")
                #expect(try await sim.client.getDroplet(id: web.id).sizeSlug == "s-1vcpu-2gb")
                #expect(try await controller.terminate() == 0)
            }
        }
    }
}
