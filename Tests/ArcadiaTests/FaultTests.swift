import ArcadiaCore
import ArcadiaSagas
import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// Each fault the simulator can inject, and the client or the saga recovering from it without
/// doing anything twice.
@Suite struct FaultTests {
    private func faults(_ sim: SimulatorHarness) async throws -> [String: Int] {
        try await sim.json("GET", "/_sim/stats").object["faults"] as? [String: Int] ?? [:]
    }

    @Test func serverErrorsOnReadsAreRetried() async throws {
        let plan = FaultPlan(seed: 7, routes: [.init(route: "GET /v2/sizes", errorRate: 0.5)])
        try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
            for _ in 0..<10 {
                let sizes = try await sim.client.listSizes()
                #expect(sizes.count > 10)
            }
            let injected = try await faults(sim)
            #expect(injected["error"] ?? 0 > 0, "some 5xx were injected and retried through")
        }
    }

    @Test func droppedConnectionsAndLatencyOnReadsAreRetried() async throws {
        let plan = FaultPlan(
            routes: [.init(route: "GET /v2/regions", latencyMs: [60, 60])],
            once: [.init(fault: .drop, route: "GET /v2/regions")]
        )
        try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
            let started = ContinuousClock.now
            #expect(try await sim.client.listRegions().isEmpty == false)
            #expect(ContinuousClock.now - started >= .milliseconds(60), "the latency was added")
            let injected = try await faults(sim)
            #expect(injected["drop"] == 1)
            #expect(injected["latency"] ?? 0 >= 1)
        }
    }

    @Test func aFailedCreateIsNotRetriedBlindly() async throws {
        let plan = FaultPlan(once: [.init(fault: .error, route: "POST /v2/droplets", status: 503)])
        try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
            let request = DropletCreateRequest(name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64")
            let error = await #expect(throws: DigitalOceanError.self) { try await sim.client.createDroplet(request) }
            #expect(error?.code == .outcomeUnknown)
            #expect(error?.status == 503)
            #expect(try await sim.client.listDroplets().isEmpty, "the POST was sent once; the 503 came before any change")
            let stats = try await sim.json("GET", "/_sim/stats")
            #expect((stats.object["requests"] as? [String: Int])?["POST /v2/droplets"] == 1)
        }
    }

    @Test func aLostCreateResponseLeavesExactlyOneDroplet() async throws {
        let plan = FaultPlan(once: [.init(fault: .loseResponse, route: "POST /v2/droplets")])
        try await ReconcileLoop.with(configure: { $0.faults = plan }) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            #expect(try await faults(loop.sim)["lose_response"] == 1)
            let droplets = try await loop.sim.client.listDroplets()
            #expect(droplets.map(\.name) == ["web"], "adopted by its saga tag, not created twice")
            #expect(try await loop.plan().changes.isEmpty, "the ledger knows it")
        }
    }

    @Test func aLostActionResponseIsAdoptedNotRepeated() async throws {
        let plan = FaultPlan(once: [.init(fault: .loseResponse, route: "POST /v2/droplets/{droplet_id}/actions")])
        try await ReconcileLoop.with(configure: { $0.faults = plan }) { loop in
            let policy = "policy:\n  snapshotBeforeResize: true"
            try loop.write(["app.yaml": dropletSpec(name: "app", policy: policy)])
            #expect(try await loop.planAndApply())
            // The one-shot fires on the next droplet action: the snapshot before the resize.
            try loop.write(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb", policy: policy)])
            #expect(try await loop.planAndApply())
            #expect(try await faults(loop.sim)["lose_response"] == 1)
            let droplet = try #require(try await loop.sim.client.listDroplets().first)
            #expect(droplet.sizeSlug == "s-1vcpu-2gb")
            loop.sim.advance(byDigitalOceanSeconds: 10)
            #expect(try await loop.sim.client.listDropletSnapshots(dropletID: droplet.id).count == 1, "one snapshot, not two")
        }
    }

    @Test func aScriptedActionErrorHitsOnlyItsDroplet() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")])
            #expect(try await loop.planAndApply())
            let a = try #require(try await loop.sim.client.listDroplets().first { $0.name == "a" })
            let shot = #"{"once": [{"fault": "action_error", "action_type": "resize", "resource_id": \#(a.id)}]}"#
            #expect(try await loop.sim.request("POST", "/_sim/faults", body: shot).status == 200)
            try loop.write(["a.yaml": dropletSpec(name: "a", size: "s-1vcpu-2gb"), "b.yaml": dropletSpec(name: "b", size: "s-1vcpu-2gb")])
            let outcome = try await loop.apply(try await loop.plan())
            let byName = Dictionary(uniqueKeysWithValues: outcome.sagas.map { ($0.name, $0.status) })
            #expect(byName["a"] == .rolledBack, "a's resize errored and was compensated")
            #expect(byName["b"] == .completed)
            let sizes = Dictionary(uniqueKeysWithValues: try await loop.sim.client.listDroplets().map { ($0.name, ($0.sizeSlug, $0.status)) })
            #expect(sizes["a"]?.0 == "s-1vcpu-1gb")
            #expect(sizes["a"]?.1 == "active", "powered back on")
            #expect(sizes["b"]?.0 == "s-1vcpu-2gb")
        }
    }

    /// 10% 5xx on every route, 5% lost responses and some latency: every saga still completes and
    /// every droplet exists exactly once.
    @Test func mixedFaultsStillConvergeWithoutDuplicates() async throws {
        let plan = FaultPlan(seed: 42, routes: [.init(route: "*", errorRate: 0.1, latencyMs: [0, 5], loseResponseRate: 0.05)])
        try await ReconcileLoop.with(configure: { $0.faults = plan }) { loop in
            var files: [String: String] = [:]
            for index in 0..<5 { files["web-\(index).yaml"] = dropletSpec(name: "web-\(index)") }
            try loop.write(files)
            let outcome = try await loop.apply(try await loop.plan())
            #expect(outcome.isSuccess, "\(outcome.sagas.map { "\($0.name): \($0.status)" })")
            let names = try await loop.sim.client.listDroplets().map(\.name).sorted()
            #expect(names == (0..<5).map { "web-\($0)" })
            let injected = try await faults(loop.sim)
            #expect(injected["error"] ?? 0 > 0)
            #expect(try await loop.plan().changes.isEmpty)
        }
    }

    @Test func theSameSeedGivesTheSameFaults() async throws {
        let plan = FaultPlan(seed: 3, routes: [.init(route: "GET /v2/account", errorRate: 0.3, dropRate: 0.1)])
        @Sendable func statuses() async throws -> [Int] {
            try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
                var seen: [Int] = []
                for _ in 0..<40 {
                    do { seen.append(try await sim.request("GET", "/v2/account").status) } catch { seen.append(0) }
                }
                return seen
            }
        }
        let first = try await statuses()
        #expect(first == (try await statuses()))
        #expect(Set(first).count > 1, "faults were injected: \(first)")
    }

    @Test func faultFilesAreCheckedWithTheirPath() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("faults.json")
            try Data(#"{"routes": [{"route": "*", "error_rate": 1.5}]}"#.utf8).write(to: file)
            let outOfRange = #expect(throws: SimulatorConfigurationError.self) { try FaultPlan.load(path: file.path) }
            #expect(outOfRange?.message.hasPrefix(file.path) == true)
            #expect(outOfRange?.message.contains("between 0 and 1") == true)
            try Data(#"{"once": [{"fault": "explode"}]}"#.utf8).write(to: file)
            let unknown = #expect(throws: SimulatorConfigurationError.self) { try FaultPlan.load(path: file.path) }
            #expect(unknown?.message.contains("once[0].fault") == true)
            try Data(#"{"seed": 1, "routes": [{"route": "POST /v2/droplets", "statuses": [503], "error_rate": 0.2}], "actions": [{"type": "resize", "error_rate": 0.5}]}"#.utf8).write(to: file)
            #expect(try FaultPlan.load(path: file.path).actions?.first?.errorRate == 0.5)
        }
    }

    @Test func aNewDropletCanBeMissingFromReadsForAMoment() async throws {
        // A clock that stands still: the 404 window cannot pass while a loaded machine is slow to ask.
        try await SimulatorHarness.with(configure: { $0.newDropletNotFoundSeconds = 1_000; $0.clock = SimulatorClock(manual: true) }) { sim in
            let created = try await sim.client.createDroplet(DropletCreateRequest(name: "fresh", region: "nyc3", size: "s-1vcpu-1gb", image: "ubuntu-24-04-x64"))
            let error = await #expect(throws: DigitalOceanError.self) { try await sim.client.getDroplet(id: created.droplet.id) }
            #expect(error?.isNotFound == true)
            #expect(try await sim.client.listDroplets().map(\.id) == [created.droplet.id], "lists already show it")
        }
    }

    @Test func theRecordingMasksTheToken() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("traffic.jsonl").path
            try await SimulatorHarness.with(token: "recorded-secret-value", configure: { $0.recordPath = path }) { sim in
                _ = try await sim.client.listRegions()
                _ = try await sim.request("POST", "/v2/tags", body: #"{"name": "rec"}"#)
            }
            let text = try String(contentsOfFile: path, encoding: .utf8)
            let lines = text.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(!text.contains("recorded-secret-value"))
            let first = try #require(try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect((first["request_headers"] as? [String: String])?["authorization"] == "Bearer ***")
            #expect(first["status"] as? Int == 200)
            #expect((first["response_headers"] as? [String: String])?["ratelimit-limit"] == "5000")
            let second = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [String: Any])
            #expect((second["request_body"] as? [String: Any])?["name"] as? String == "rec")
        }
    }
}
