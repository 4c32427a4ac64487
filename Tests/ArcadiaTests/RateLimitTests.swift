import ArcadiaCore
import ArcadiaSagas
import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// DigitalOcean's budgets, enforced by the simulator and respected by the client.
@Suite struct RateLimitTests {
    @Test func the251stRequestInAMinuteIsAnswered429WithRetryAfter() async throws {
        try await SimulatorHarness.with { sim in
            for index in 1...250 {
                let response = try await sim.request("GET", "/v2/account")
                #expect(response.status == 200, "request \(index)")
                if index == 250 { #expect(response.headers["ratelimit-remaining"] == "4750") }
            }
            let refused = try await sim.request("GET", "/v2/account")
            #expect(refused.status == 429)
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 >= 1)
            #expect(refused.headers["ratelimit-limit"] == "5000")
            #expect(refused.headers["ratelimit-remaining"] == "4750", "a refused request does not count")
            #expect(Int(refused.headers["ratelimit-reset"] ?? "") ?? 0 > Int(Date().timeIntervalSince1970))
            let body = try #require(try JSONSerialization.jsonObject(with: refused.body) as? [String: Any])
            #expect(body["id"] as? String == "too_many_requests")
            #expect(body["request_id"] is String)
            let stats = try await sim.json("GET", "/_sim/stats")
            #expect(stats.object["rate_limited"] as? Int == 1)
        }
    }

    @Test func theHourlyBudgetAndTurningLimitsOff() async throws {
        try await SimulatorHarness.with(configure: { $0.rateLimitPerMinute = 0; $0.rateLimitPerHour = 20 }) { sim in
            for _ in 1...20 {
                let response = try await sim.request("GET", "/v2/sizes")
                #expect(response.status == 200)
            }
            let refused = try await sim.request("GET", "/v2/sizes")
            #expect(refused.status == 429)
            #expect(Int(refused.headers["retry-after"] ?? "") ?? 0 > 3_000, "the hour's oldest request frees the next slot")
        }
        try await SimulatorHarness.with(configure: { $0.rateLimitPerMinute = 0; $0.rateLimitPerHour = 0 }) { sim in
            for _ in 1...300 {
                let response = try await sim.request("GET", "/v2/sizes")
                #expect(response.status == 200)
            }
        }
    }

    /// Twenty create sagas at once, polling every 10 ms, would ask for thousands of requests a minute;
    /// the shared client's pacer keeps them inside 250 and none is refused.
    @Test func twentyConcurrentSagasStayUnderTheBurstLimit() async throws {
        try await ReconcileLoop.with(timeScale: 0.005) { loop in
            var files: [String: String] = [:]
            for index in 0..<20 { files["web-\(index).yaml"] = dropletSpec(name: "web-\(index)") }
            try loop.write(files)
            let plan = try await loop.plan()
            #expect(plan.changes.count == 20)
            let runner = SagaRunner(environment: loop.sim.stepEnvironment(store: loop.store))
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for planned in plan.changes {
                    let saga = try PlanExecutor.makeSaga(for: planned)
                    try await loop.store.insertSaga(saga)
                    group.addTask { try await runner.run(sagaID: saga.id).rawValue }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: "completed", count: 20))
            let stats = try await loop.sim.json("GET", "/_sim/stats")
            #expect(stats.object["rate_limited"] as? Int == 0, "no 429 in normal operation")
            let total = try #require(stats.object["total"] as? Int)
            #expect(total <= 250, "all inside one minute's budget (\(total) requests)")
            print("20 concurrent sagas: \(total) requests, \(stats.object["rate_limited"] as? Int ?? -1) refused")
            let names = try await loop.sim.client.listDroplets().map(\.name).sorted()
            #expect(names == (0..<20).map { "web-\($0)" }.sorted())
        }
    }

    @Test func theClientWaitsAsRetryAfterSaysWhenA429ComesAnyway() async throws {
        // As if another tool on the same token had spent the budget: a 429 saying "retry after 1 s".
        let plan = FaultPlan(once: [.init(fault: .error, route: "GET /v2/regions", status: 429)])
        try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
            let started = ContinuousClock.now
            let regions = try await sim.client.listRegions()
            #expect(!regions.isEmpty)
            #expect(ContinuousClock.now - started >= .seconds(1), "it waited for retry-after")
            let stats = try await sim.json("GET", "/_sim/stats")
            #expect((stats.object["faults"] as? [String: Int])?["error"] == 1)
            #expect(stats.object["total"] as? Int == 2, "one refused, one retried")
        }
    }
}
