import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// What `plan`, `apply` and `drift list` tell an operator, through the real binary: an honest
/// headline, errors on standard error, drift a CI check cannot miss, and how old the drift inbox is.
@Suite struct PlanHonestyTests {
    /// A plan with an error says apply would change nothing, prints the error on standard error (not
    /// stdout, which stays pure JSON with --json), and apply says nothing was applied and why.
    @Test func aPlanWithErrorsSaysSoAndApplyAppliesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web", size: "s-99vcpu-1gb")], to: specs)
            let cli = try CommandRunner()

            let plan = try await cli.run(["plan", "--sim", "--specs", specs.path], in: directory)
            #expect(plan.status == 1)
            #expect(plan.stdout.contains("This plan has 1 error (on standard error); apply would change nothing."))
            #expect(plan.stdout.contains("Plan (not applicable, 1 error): 1 to create"))
            #expect(!plan.stdout.contains("No changes."))
            #expect(!plan.stdout.contains("error:"), "errors go to standard error: \(plan.stdout)")
            #expect(plan.stderr.contains("error: \(specs.path)/web.yaml:"))
            #expect(plan.stderr.contains("s-99vcpu-1gb"))

            let json = try await cli.run(["plan", "--sim", "--specs", specs.path, "--json"], in: directory)
            #expect(json.status == 1)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "stdout is one JSON document")
            #expect((document["errors"] as? [Any])?.count == 1)
            #expect(json.stderr.contains("error: "))

            let apply = try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory)
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("nothing was applied: the plan has 1 error (above), and apply runs no saga while any remains"))
            #expect(try await cli.run(["sagas", "list"], in: directory).stdout.contains("No sagas."))
        }
    }

    /// A spec named like a droplet Arcadia does not manage: the plan warns (on standard error, at the
    /// spec's position) that it makes a second one and how to import the existing one instead.
    @Test func aNameClashWithAnUnmanagedDropletIsWarned() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                _ = try await sim.client.createDroplet(DropletCreateRequest(name: "web", region: "nyc3", size: "s-1vcpu-1gb", image: "debian-12-x64"))
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let plan = try await CommandRunner().run(["plan", "--specs", specs.path], in: directory, environment: environment)
                #expect(plan.status == 0, "\(plan.stderr)")
                #expect(plan.stdout.contains("+ create web"))
                let warning = try #require(plan.stderr.split(separator: "\n").first { $0.contains("already exists") })
                #expect(warning.hasPrefix("warning: \(specs.path)/web.yaml:1:1: a droplet named 'web' already exists (id "))
                #expect(warning.contains("arcadia import --kind Droplet --name web"))
            }
        }
    }

    /// Drift the plan only reports (a droplet powered off under policy.drift: report) makes
    /// --detailed-exitcode exit 2, with a headline that says so; drift list says when it was checked.
    @Test func reportedDriftFailsTheDetailedExitcodeAndDriftListSaysWhenItWasChecked() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let list = try await cli.run(["drift", "list"], in: directory)
                #expect(list.stdout.contains("No open drift."))
                #expect(list.stdout.contains("Last checked by a plan at 20"))
                #expect(list.stdout.contains("`arcadia drift list --refresh` syncs inventory and checks again"))

                let droplet = try #require(try await sim.client.listDroplets().first)
                try await sim.performByHand(.powerOff, dropletID: droplet.id)
                let plan = try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment)
                #expect(plan.status == 2)
                #expect(plan.stdout.hasPrefix("1 spec loaded from \(specs.path).\nNo changes to apply, but 1 drifted field is open"))
                #expect(plan.stdout.contains("! drift web status: expected active, found off (reported only)"))
                #expect(plan.stderr.contains("warning: "), "the warning says how to have it reverted")
                #expect(plan.stderr.contains("set policy.drift: revert"))

                let refreshed = try await cli.run(["drift", "list", "--refresh", "--specs", specs.path], in: directory, environment: environment)
                #expect(refreshed.status == 0, "\(refreshed.stderr)")
                #expect(refreshed.stdout.contains("status") && refreshed.stdout.contains("off"))
                #expect(refreshed.stdout.contains("Checked just now"))
                let json = try await cli.run(["drift", "list", "--json"], in: directory)
                #expect(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) is [Any], "stdout stays pure JSON")
                #expect(json.stderr.contains("note: Last checked by a plan at"))
            }
        }
    }
}
