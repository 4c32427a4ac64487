import ArcadiaTestSupport
import Foundation
import Testing

/// A slow step is not silence: while it runs, apply says so (on a pipe, a line every 5 s).
@Suite struct ProgressTests {
    @Test func aSlowStepIsReportedWhileItRuns() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            let policy = "policy:\n  snapshotBeforeResize: true"
            // 150 s of DigitalOcean's snapshot take 7.5 s at this scale.
            let environment = ["ARCADIA_SIM_TIME_SCALE": "0.05"]
            let cli = try CommandRunner()
            try writeSpecs(["app.yaml": dropletSpec(name: "app", policy: policy)], to: specs)
            #expect(try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
            try writeSpecs(["app.yaml": dropletSpec(name: "app", size: "s-1vcpu-2gb", policy: policy)], to: specs)
            let resize = try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
            #expect(resize.status == 0, "\(resize.stderr)")
            let lines = resize.stdout.split(separator: "\n").map(String.init)
            let running = try #require(lines.firstIndex { $0.contains("SnapshotDroplet still running (5s)") }, "\(resize.stdout)")
            let done = try #require(lines.firstIndex { $0.contains("✓ SnapshotDroplet") })
            #expect(running < done, "said while it ran, before it finished")
            #expect(!resize.stdout.contains("\u{1B}["), "no terminal codes on a pipe")
        }
    }
}
