import ArcadiaTestSupport
import Foundation
import Testing

/// What the CLI says when something is off: what happened, where, and a next command that works as given.
@Suite struct CLIMessageTests {
    @Test func aMissingSpecsDirectoryIsNamedWithoutAPosition() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await CommandRunner().run(["plan", "--sim", "--specs", "nosuch"], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("nosuch: no such directory; --specs names the folder that holds your spec files"), "\(result.stderr)")
            #expect(!result.stderr.contains("nosuch:1:1"))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".arcadia").path), "nothing written")

            try "not a folder".write(to: directory.appendingPathComponent("file.yaml"), atomically: true, encoding: .utf8)
            let file = try await CommandRunner().run(["validate", "--specs", "file.yaml"], in: directory)
            #expect(file.status == 1)
            #expect(file.stderr.contains("file.yaml: is a file, not a directory"), "\(file.stderr)")
        }
    }

    /// Durations an operator may mistype: a millisecond interval would spend DigitalOcean's budget in
    /// a second, and a huge one crashed the process (its nanoseconds overflowed).
    @Test func controllerDurationsOutOfRangeAreRefusedWithTheFlag() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
            for (flags, says) in [
                (["--interval", "1ms"], "--interval 1ms is shorter than 1s"),
                (["--interval", "2562047788015215h"], "--interval 2562047788015215h is longer than a week"),
                (["--lease-duration", "99999999999999h"], "--lease-duration 99999999999999h is longer than a week"),
            ] {
                let result = try await CommandRunner().run(["controller", "--sim", "--specs", "specs"] + flags, in: directory)
                #expect(result.status == 64, "\(flags): \(result.status) \(result.stderr)")
                #expect(result.stderr.contains(says), "\(result.stderr)")
            }
            let huge = try await CommandRunner().run(["plan", "--sim", "--specs", "specs"], in: directory, environment: ["ARCADIA_POLL_INTERVAL": "1e300"])
            #expect(huge.status == 1 && huge.stderr.contains("ARCADIA_POLL_INTERVAL=1e300 is not a positive number of at most 86400"), "\(huge.stderr)")
        }
    }

    /// The controller refuses a spec folder it could not work with before it starts, not after.
    @Test func controllerSpecsThatCannotWorkAreRefusedAtStart() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
            let push = try await CommandRunner().run(["controller", "--sim", "--specs", "specs", "--git-push", "--listen", "127.0.0.1:0"], in: directory)
            #expect(push.status == 1 && push.stderr.contains("--git-push needs --specs in a git checkout"), "\(push.stderr)")
            let file = try await CommandRunner().run(["controller", "--sim", "--specs", "specs/web.yaml", "--listen", "127.0.0.1:0"], in: directory)
            #expect(file.status == 1 && file.stderr.contains("is a file, not a directory"), "\(file.stderr)")
            // A port another process holds is named, with the flag to change.
            let holder = try await ControllerProcess(arguments: ["--sim", "--specs", "specs"], in: directory, environment: [:])
            let port = try #require(holder.baseURL.split(separator: ":").last)
            let busy = try await CommandRunner().run(["controller", "--sim", "--specs", "specs", "--listen", "127.0.0.1:\(port)"], in: directory)
            #expect(busy.status == 1 && busy.stderr.contains("cannot listen on 127.0.0.1:\(port): it is already in use"), "\(busy.stderr)")
            try await holder.kill()
        }
    }

    @Test func theSavedPlanHintRepeatsSimAndSpecs() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("infra"))
            let cli = try CommandRunner()
            let plan = try await cli.run(["plan", "--sim", "--specs", "infra", "--out", "plan.json"], in: directory)
            #expect(plan.status == 0, "\(plan.stderr)")
            #expect(plan.stdout.contains("apply it with: `arcadia apply plan.json --specs infra --sim`"), "\(plan.stdout)")
            // The hint, run as printed, applies the plan.
            let apply = try await cli.run(["apply", "plan.json", "--specs", "infra", "--sim"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
        }
    }

    @Test func aStalePlanSaysWhatChanged() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web"), "db.yaml": dropletSpec(name: "db")], to: specs)
            let cli = try CommandRunner()
            #expect(try await cli.run(["plan", "--sim", "--out", "plan.json"], in: directory).status == 0)
            // A change the plan document cannot show (a create's size) is still named as a change of inputs.
            try writeSpecs(["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")], to: specs)
            let unseen = try await cli.run(["apply", "plan.json", "--sim"], in: directory)
            #expect(unseen.status == 1)
            #expect(unseen.stderr.contains("the planned changes are the same, but what they were planned from is not"), "\(unseen.stderr)")
            #expect(unseen.stderr.contains("Nothing was applied; run `arcadia plan --out plan.json --sim` again"))

            try FileManager.default.removeItem(at: specs.appendingPathComponent("db.yaml"))
            let stale = try await cli.run(["apply", "plan.json", "--sim"], in: directory)
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("Droplet/db: the saved plan would create it; now nothing is planned for it"), "\(stale.stderr)")
            #expect(!stale.stderr.contains("Droplet/web"), "no difference claimed where the plan shows none")
            #expect(try await cli.run(["sagas", "list"], in: directory).stdout.contains("No sagas."))
        }
    }

    @Test func simOnABusyPortNamesThePortAndTheFlag() async throws {
        try await SimulatorHarness.with { sim in
            let port = try #require(URL(string: sim.baseURL)?.port)
            try await withTemporaryDirectory { directory in
                let result = try await CommandRunner().run(["sim", "--port", String(port)], in: directory)
                #expect(result.status == 1)
                #expect(result.stderr.contains("port \(port) on 127.0.0.1 is already in use"), "\(result.stderr)")
                #expect(result.stderr.contains("--port"))
                #expect(!result.stderr.contains("errno"))
            }
        }
    }

    @Test func helpTextsSayWhatIsTrueNow() async throws {
        try await withTemporaryDirectory { directory in
            let cli = try CommandRunner()
            let apply = try await cli.run(["apply", "--help"], in: directory)
            #expect(!apply.stdout.contains("advisory"))
            #expect(apply.stdout.contains("lease row"))
            let resume = try await cli.run(["sagas", "resume", "--help"], in: directory)
            let lease = resume.stdout.components(separatedBy: "  --lease-seconds <lease-seconds>").last ?? ""
            let text = lease.components(separatedBy: "\n  --").first ?? ""
            #expect(text.lowercased().components(separatedBy: "default").count == 2, "one default, said once: \(text)")
            let plan = try await cli.run(["plan", "--help"], in: directory)
            #expect(plan.stdout.contains("format_version 2"))
        }
    }
}
