import ArcadiaTestSupport
import Foundation
import Testing

/// Issue 11, part 2: an endpoint that cannot be reached fails at once with what to check, and long
/// work says on standard error when it retries.
@Suite struct ReachabilityTests {
    /// A refused connection on the first request: one clear error within seconds (it used to print
    /// nothing for 2 min 36 s, the connection pool retrying the connect until each attempt's deadline).
    @Test func aRefusedEndpointFailsAtOnceNamingTheURL() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
            let plan = try await CommandRunner().run(["plan"], in: directory, environment: [
                "DIGITALOCEAN_API_URL": "http://127.0.0.1:1", "DIGITALOCEAN_TOKEN": "not-a-real-token",
            ])
            #expect(plan.status == 1)
            #expect(plan.stderr.contains("cannot reach the DigitalOcean API at http://127.0.0.1:1: connection refused"), "\(plan.stderr)")
            #expect(plan.stderr.contains("Check DIGITALOCEAN_API_URL"))
            #expect(!plan.stderr.contains("not-a-real-token"))
            // One attempt, not a retry loop over a connection that is refused.
            #expect(!plan.stderr.contains("retrying"), "\(plan.stderr)")
        }
    }

    @Test func anUnknownHostFailsAtOnce() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
            let plan = try await CommandRunner().run(["plan"], in: directory, environment: [
                "DIGITALOCEAN_API_URL": "http://no-such-host.invalid", "DIGITALOCEAN_TOKEN": "t",
            ])
            #expect(plan.status == 1)
            #expect(plan.stderr.contains("cannot reach the DigitalOcean API at http://no-such-host.invalid: unknown host"), "\(plan.stderr)")
        }
    }

    /// A 503 on the inventory listing is retried, and the retry is said at the default log level.
    @Test func retriesAreSaidOnStandardError() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
                let faults = #"{"once": [{"fault": "error", "route": "GET /v2/droplets", "status": 503}]}"#
                #expect(try await sim.request("POST", "/_sim/faults", body: faults).status == 200)
                let plan = try await CommandRunner().run(["plan"], in: directory, environment: [
                    "DIGITALOCEAN_API_URL": sim.baseURL, "DIGITALOCEAN_TOKEN": sim.token,
                ])
                #expect(plan.status == 0, "\(plan.stderr)")
                let line = plan.stderr.split(separator: "\n").first { $0.hasPrefix("retrying GET /v2/droplets in ") }
                #expect(line?.hasSuffix("after 503 (attempt 1 of 5)") == true, "\(plan.stderr)")
            }
        }
    }
}
