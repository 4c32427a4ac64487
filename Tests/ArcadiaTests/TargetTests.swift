import ArcadiaTestSupport
import Foundation
import Testing

/// `--target KIND/NAME` limits plan and apply to named resources; a saved targeted plan applies no more.
@Suite struct TargetTests {
    private func changes(_ stdout: String) throws -> [String] {
        let document = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return (document["changes"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }.sorted()
    }

    @Test func aTargetedPlanAndItsSavedPlanTouchOnlyTheTarget() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")], to: specs)
            let cli = try CommandRunner()
            let base = ["--sim", "--specs", specs.path]

            let plan = try await cli.run(["plan"] + base + ["--target", "droplet/a", "--json", "--out", "a.json"], in: directory)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(try changes(plan.stdout) == ["a"])
            #expect(plan.stdout.contains("targeted_plan"), "the plan says it is limited")

            // The saved plan keeps its target: b is not created although nothing else changed.
            #expect(try await cli.run(["apply", "a.json"] + base + ["--target", "Droplet/a"], in: directory).status == 64, "PLANFILE or --target")
            let apply = try await cli.run(["apply", "a.json"] + base, in: directory)
            #expect(apply.status == 0, "\(apply.stdout)\(apply.stderr)")
            #expect(apply.stdout.contains("Applied: 1 of 1 saga completed."), "\(apply.stdout)")
            #expect(try changes(try await cli.run(["plan"] + base + ["--json"], in: directory).stdout) == ["b"])
        }
    }

    @Test func anUnknownTargetIsAnErrorWithASuggestion() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web-1")], to: specs)
            let cli = try CommandRunner()
            let unknown = try await cli.run(["plan", "--sim", "--specs", specs.path, "--target", "Droplet/web-2"], in: directory)
            #expect(unknown.status == 1)
            #expect((unknown.stdout + unknown.stderr).contains("--target Droplet/web-2 is neither in the specs nor in this state; did you mean 'Droplet/web-1'?"))
            let malformed = try await cli.run(["plan", "--sim", "--specs", specs.path, "--target", "web-1"], in: directory)
            #expect(malformed.status == 64)
            #expect(malformed.stderr.contains("--target 'web-1' is not KIND/NAME, e.g. Droplet/web-1"))
        }
    }
}
