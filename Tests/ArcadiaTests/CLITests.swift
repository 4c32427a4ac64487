import ArcadiaTestSupport
import Foundation
import Testing

/// The `arcadia` binary, run as a process: exit codes, output, and what it leaves on disk.
@Suite struct CLITests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func validatePrintsEveryErrorWithItsPositionAndWritesNothing() async throws {
        try await withTemporaryDirectory { directory in
            let broken = Self.root.appendingPathComponent("Tests/Fixtures/broken-specs").path
            let result = try await CommandRunner().run(["validate", "--specs", broken], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.split(separator: "\n").contains("\(broken)/typo.yaml:7:3: unknown key 'szie' in spec; did you mean 'size'?"))
            #expect(result.stderr.contains("\(broken)/syntax.yaml:6:1: YAML syntax error"))
            #expect(result.stderr.contains("15 problems in the specs; nothing was changed."))
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".arcadia").path), "no state written")

            // plan and apply refuse the same specs before touching anything.
            let plan = try await CommandRunner().run(["plan", "--sim", "--specs", broken], in: directory)
            #expect(plan.status == 1)
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".arcadia").path))
        }
    }

    @Test func quickstartPlansAppliesAndConverges() async throws {
        try await withTemporaryDirectory { directory in
            let specs = Self.root.appendingPathComponent("examples/quickstart").path
            let cli = try CommandRunner()
            let json = try await cli.run(["plan", "--sim", "--specs", specs, "--json", "--detailed-exitcode"], in: directory)
            #expect(json.status == 2)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(document["format_version"] as? String == "2")
            #expect(document["unmanaged"] as? Int == 0)
            let changes = try #require(document["changes"] as? [[String: Any]])
            #expect(changes.map { $0["action"] as? String } == ["create", "create", "create"])
            #expect(changes.first?["steps"] as? [String] == ["CreateDroplet", "WaitDropletActive", "RegisterDroplet"])

            let apply = try await cli.run(["apply", "--sim", "--specs", specs, "--auto-approve"], in: directory)
            #expect(apply.status == 0, "\(apply.stderr)")
            #expect(apply.stdout.contains("✓ WaitDropletActive"))
            #expect(apply.stdout.contains("Applied: 3 of 3 sagas completed."))
            #expect(try await cli.run(["plan", "--sim", "--specs", specs, "--detailed-exitcode"], in: directory).status == 0)

            let sagas = try await cli.run(["sagas", "list", "--json"], in: directory)
            let list = try #require(try JSONSerialization.jsonObject(with: Data(sagas.stdout.utf8)) as? [[String: Any]])
            #expect(list.count == 3)
            #expect(list.allSatisfy { $0["status"] as? String == "completed" })
            // The context is an object with stable names, the spec inside it too: no escaped JSON, no "_0".
            let id = try #require(list.first?["id"] as? String)
            let shown = try await cli.run(["sagas", "show", id, "--json"], in: directory)
            #expect(!shown.stdout.contains("_0") && !shown.stdout.contains("\\\""), "\(shown.stdout)")
            let saga = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            let context = try #require(saga["context"] as? [String: Any])
            let input = try #require(context["input"] as? [String: Any])
            let desired = try #require(input["desired"] as? [String: Any])
            let spec = try #require(desired["spec"] as? [String: Any])
            #expect((spec["region"] as? String)?.isEmpty == false, "the spec's fields by name")
        }
    }

    @Test func applyRefusesAPlanWhoseWorldChanged() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
            let cli = try CommandRunner()
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--out", "plan.json"], in: directory).status == 0)
            try writeSpecs(["web.yaml": dropletSpec(name: "web", size: "s-2vcpu-2gb")], to: specs)
            let stale = try await cli.run(["apply", "plan.json", "--sim", "--specs", specs.path], in: directory)
            #expect(stale.status == 1)
            #expect(stale.stderr.contains("no longer matches: specs, state or DigitalOcean changed"))
            #expect(try await cli.run(["sagas", "list"], in: directory).stdout.contains("No sagas."))

            // A fresh plan file applies without a prompt.
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--out", "plan.json"], in: directory).status == 0)
            let fresh = try await cli.run(["apply", "plan.json", "--sim", "--specs", specs.path], in: directory)
            #expect(fresh.status == 0, "\(fresh.stderr)")
        }
    }

    @Test func applyAsksForYesAndAnythingElseCancels() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
            let cli = try CommandRunner()
            let declined = try await cli.run(["apply", "--sim", "--specs", specs.path], in: directory, input: "y\n")
            #expect(declined.status == 1)
            #expect(declined.stdout.contains("Apply cancelled; nothing was changed."))
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--detailed-exitcode"], in: directory).status == 2)
            let accepted = try await cli.run(["apply", "--sim", "--specs", specs.path], in: directory, input: "yes\n")
            #expect(accepted.status == 0)
        }
    }

    @Test func theTokenNeverAppearsInOutputOrState() async throws {
        // Shaped like a real token, built at run time so no token-shaped literal sits in the repository.
        let secret = "dop_v1_" + String(repeating: "feedface", count: 8)
        try await SimulatorHarness.with(token: secret) { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": secret, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_LOG_LEVEL": "trace", "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                let apply = try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
                #expect(apply.status == 0, "\(apply.stderr)")
                let plan = try await cli.run(["plan", "--specs", specs.path, "--out", "plan.json", "--json"], in: directory, environment: environment)
                let wrong = try await cli.run(["plan", "--specs", specs.path], in: directory,
                                        environment: ["DIGITALOCEAN_TOKEN": secret + "x", "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"])
                #expect(wrong.status == 1)
                #expect(wrong.stderr.contains("401 unauthorized"))
                let state = try Data(contentsOf: directory.appendingPathComponent(".arcadia/state.sqlite"))
                let saved = try String(contentsOf: directory.appendingPathComponent("plan.json"), encoding: .utf8)
                for text in [apply.stdout, apply.stderr, plan.stdout, plan.stderr, wrong.stdout, wrong.stderr, saved, String(decoding: state, as: UTF8.self)] {
                    #expect(!text.contains(secret.dropFirst(7)))
                }
            }
        }
    }

    /// Drift made by hand shows in the inbox once detected, and plan proposes the revert.
    @Test func driftInboxListsWhatChangedByHand() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["app.yaml": dropletSpec(name: "app")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let droplet = try #require(try await sim.client.listDroplets().first)
                try await sim.performByHand(.powerOff, dropletID: droplet.id)
                try await sim.performByHand(.resize(to: "s-2vcpu-2gb", disk: false), dropletID: droplet.id)
                // Powered on again, so the only drift is the size (a droplet left off is drift of its own).
                try await sim.performByHand(.powerOn, dropletID: droplet.id)

                #expect(try await cli.run(["drift", "list"], in: directory).stdout.contains("No open drift."), "not detected until a sync")
                let refreshed = try await cli.run(["drift", "list", "--refresh", "--specs", specs.path], in: directory, environment: environment)
                #expect(refreshed.status == 0, "\(refreshed.stderr)")
                let row = try #require(refreshed.stdout.split(separator: "\n").first { $0.contains("app") })
                #expect(row.contains("open") && row.contains("size") && row.contains("s-1vcpu-1gb") && row.contains("s-2vcpu-2gb"))

                let json = try await cli.run(["drift", "list", "--json"], in: directory)
                let records = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
                #expect(records.count == 1)
                #expect(records.first?["status"] as? String == "open")

                let plan = try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment)
                #expect(plan.status == 2)
                #expect(plan.stdout.contains("~ revert app s-2vcpu-2gb → s-1vcpu-1gb (drift)"))
                #expect(plan.stdout.contains("! drift app size: expected s-1vcpu-1gb, found s-2vcpu-2gb (apply reverts it)"))
            }
        }
    }

    @Test func noTokenAndNoSimSaysWhatToDo() async throws {
        try await withTemporaryDirectory { directory in
            let specs = Self.root.appendingPathComponent("examples/quickstart").path
            let result = try await CommandRunner().run(["plan", "--specs", specs], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("set DIGITALOCEAN_TOKEN, or use --sim"))
        }
    }
}

/// Issue 11, part 4: diagnostics a machine can read, in `plan --json` and `validate --json`.
@Suite struct DiagnosticsJSONTests {
    @Test func planJSONCarriesErrorsAsObjectsWithTheirPosition() async throws {
        try await withTemporaryDirectory { directory in
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["web.yaml": dropletSpec(name: "web", size: "s-1vcpu-1gbb")], to: specs)
            let plan = try await CommandRunner().run(["plan", "--sim", "--specs", specs.path, "--json"], in: directory)
            #expect(plan.status == 1)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])
            #expect(document["format_version"] as? String == "2")
            let error = try #require((document["errors"] as? [[String: Any]])?.first)
            #expect(error["code"] as? String == "unknown_size")
            #expect(error["severity"] as? String == "error")
            #expect(error["kind"] as? String == "Droplet")
            #expect(error["name"] as? String == "web")
            #expect(error["file"] as? String == specs.appendingPathComponent("web.yaml").path)
            #expect(error["line"] as? Int == 7)
            #expect(error["column"] as? Int == 9)
            #expect((error["message"] as? String)?.hasPrefix("size 's-1vcpu-1gbb' does not exist at DigitalOcean; did you mean 's-1vcpu-1gb'?") == true)
        }
    }

    @Test func validateJSONPrintsTheSameObjects() async throws {
        try await withTemporaryDirectory { directory in
            let broken = CLITests.root.appendingPathComponent("Tests/Fixtures/broken-specs").path
            let validate = try await CommandRunner().run(["validate", "--specs", broken, "--json"], in: directory)
            #expect(validate.status == 1)
            let document = try #require(try JSONSerialization.jsonObject(with: Data(validate.stdout.utf8)) as? [String: Any])
            #expect(document["valid"] as? Bool == false)
            let diagnostics = try #require(document["diagnostics"] as? [[String: Any]])
            #expect(diagnostics.count == 15)
            let typo = try #require(diagnostics.first { ($0["message"] as? String)?.hasPrefix("unknown key 'szie'") == true })
            #expect(typo["code"] as? String == "invalid_spec")
            #expect(typo["file"] as? String == "\(broken)/typo.yaml")
            #expect(typo["line"] as? Int == 7)
            #expect(typo["column"] as? Int == 3)

            let valid = try await CommandRunner().run(["validate", "--specs", CLITests.root.appendingPathComponent("examples/quickstart").path, "--json"], in: directory)
            #expect(valid.status == 0)
            let ok = try #require(try JSONSerialization.jsonObject(with: Data(valid.stdout.utf8)) as? [String: Any])
            #expect(ok["valid"] as? Bool == true)
            #expect(ok["specs"] as? Int == 3)
        }
    }
}

/// An empty specs folder once planned the destruction of everything, without a word.
@Suite struct EmptySpecsTests {
    @Test func anEmptyFolderDestroysNothingWithoutAllowEmpty() async throws {
        try await withTemporaryDirectory { directory in
            let cli = try CommandRunner()
            let specs = directory.appendingPathComponent("specs")
            try writeSpecs(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")], to: specs)
            #expect(try await cli.run(["apply", "--sim", "--specs", specs.path, "--auto-approve"], in: directory).status == 0)
            let empty = directory.appendingPathComponent("empty")
            try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)

            let plan = try await cli.run(["plan", "--sim", "--specs", empty.path], in: directory)
            #expect(plan.status == 1)
            #expect(plan.stdout.contains("0 specs loaded from \(empty.path)."))
            #expect(plan.stderr.contains("\(empty.path):1:1: no specs were found here, so this plan would destroy every resource Arcadia manages (2)"))
            let apply = try await cli.run(["apply", "--sim", "--specs", empty.path, "--auto-approve"], in: directory)
            #expect(apply.status == 1)
            #expect(apply.stderr.contains("nothing was applied"))
            #expect(try CancelCommandTests.dropletNames(in: directory) == ["a", "b"])

            let allowed = try await cli.run(["plan", "--sim", "--specs", empty.path, "--allow-empty", "--detailed-exitcode"], in: directory)
            #expect(allowed.status == 2)
            #expect(allowed.stdout.contains("Plan: 0 to create, 0 to update, 0 to replace, 2 to destroy."))
            // One spec left is a choice, not an accident: its siblings' destroys are planned as usual.
            try FileManager.default.removeItem(at: specs.appendingPathComponent("b.yaml"))
            #expect(try await cli.run(["plan", "--sim", "--specs", specs.path, "--detailed-exitcode"], in: directory).status == 2)
        }
    }
}

/// Issue 18: Ctrl-C during an apply printed nothing and left a saga running unseen.
@Suite struct InterruptTests {
    @Test func ctrlCSaysWhatWasLeftUnfinishedAndHowToGoOn() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["w1.yaml": dropletSpec(name: "w1")], to: directory.appendingPathComponent("specs"))
            let process = Process()
            process.executableURL = try CommandRunner().executable
            process.arguments = ["apply", "--sim", "--auto-approve"]
            process.currentDirectoryURL = directory
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ARCADIA_") && !$0.key.hasPrefix("DIGITALOCEAN_") }
            environment["NO_COLOR"] = "1"
            environment["ARCADIA_SIM_TIME_SCALE"] = "0.5"  // a 40 s boot takes 20 s: the saga is surely waiting
            process.environment = environment
            let (output, errors) = (Pipe(), Pipe())
            process.standardOutput = output
            process.standardError = errors
            try process.run()
            // Once CreateDroplet is done the saga waits for the boot: interrupt it there.
            let reached = try await Self.readUntil("✓ CreateDroplet", from: output.fileHandleForReading)
            #expect(reached)
            kill(process.processIdentifier, SIGINT)
            process.waitUntilExit()
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(process.terminationStatus == 130)
            #expect(stderr.contains("interrupted:"), "\(stderr)")
            #expect(stderr.contains("(create w1, "), "names the saga and where it stopped")
            #expect(stderr.contains(") was left unfinished; nothing was rolled back. `arcadia sagas resume --sim` continues it"))
        }
    }

    /// Reads lines until one contains `marker` (true) or the stream ends (false), on a thread of its own.
    static func readUntil(_ marker: String, from handle: FileHandle) async throws -> Bool {
        await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var seen = ""
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { return continuation.resume(returning: false) }
                    seen += String(decoding: chunk, as: UTF8.self)
                    if seen.contains(marker) { return continuation.resume(returning: true) }
                }
            }
        }
    }
}

/// Issue 18: settings from the environment are checked, and --version answers.
@Suite struct SettingsTests {
    @Test func malformedEnvironmentSettingsAreRefused() async throws {
        try await withTemporaryDirectory { directory in
            let cli = try CommandRunner()
            let quickstart = CLITests.root.appendingPathComponent("examples/quickstart").path
            let level = try await cli.run(["validate", "--specs", quickstart], in: directory, environment: ["ARCADIA_LOG_LEVEL": "verbose"])
            #expect(level.status == 1)
            #expect(level.stderr.contains("ARCADIA_LOG_LEVEL=verbose is not a log level; use one of trace, debug"))
            let poll = try await cli.run(["validate", "--specs", quickstart], in: directory, environment: ["ARCADIA_POLL_INTERVAL": "abc"])
            #expect(poll.status == 1)
            #expect(poll.stderr.contains("ARCADIA_POLL_INTERVAL=abc is not a positive number"))
            let version = try await cli.run(["--version"], in: directory)
            #expect(version.status == 0)
            #expect(version.stdout.hasPrefix("arcadia 0.3.0"))
        }
    }
}
