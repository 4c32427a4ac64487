import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Logging
import Testing

/// The drift inbox's actions through the real binary against the simulator over HTTP: list filters and
/// JSON in the API's names, show with the spec position and cause, revert now, the event log.
@Suite struct DriftInboxTests {
    private func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func aResizeByHandIsShownWithItsCauseAndRevertedOnRequest() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web"), "db.yaml": dropletSpec(name: "db")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "USER": "ops", "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let web = try #require(try await sim.client.listDroplets().first { $0.name == "web" })
                try await sim.performByHand(.powerOff, dropletID: web.id)
                try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web.id)
                try await sim.performByHand(.powerOn, dropletID: web.id)
                let refreshed = try await cli.run(["drift", "list", "--refresh", "--specs", specs.path], in: directory, environment: environment)
                #expect(refreshed.status == 0, "\(refreshed.stderr)")

                // List: filters, and JSON in the API's names.
                let listed = try #require(try json(try await cli.run(["drift", "list", "--json", "--name", "web"], in: directory).stdout) as? [[String: Any]])
                #expect(listed.count == 1)
                let record = try #require(listed.first)
                #expect(Set(record.keys) == ["id", "resource_id", "resource_name", "resource_kind", "field", "expected", "actual", "status",
                                             "detected_at", "last_seen_at", "resolved_at", "resolved_by", "cause"])
                #expect(record["field"] as? String == "size")
                #expect(record["actual"] as? String == "s-1vcpu-2gb")
                #expect((record["cause"] as? [String: Any])?["type"] as? String == "resize", "the resize by hand is the cause")
                let db = try await cli.run(["drift", "list", "--json", "--name", "db"], in: directory)
                #expect((try json(db.stdout) as? [Any])?.isEmpty == true, "--name narrows the list")
                let id = try #require(record["id"] as? Int)

                // Show: where the spec says it, and the cause.
                let shown = try await cli.run(["drift", "show", String(id), "--specs", specs.path], in: directory)
                #expect(shown.status == 0, "\(shown.stderr)")
                #expect(shown.stdout.contains("spec      \(specs.path)/web.yaml:7:9"), "\(shown.stdout)")
                #expect(shown.stdout.contains("a resize action ("))
                #expect(shown.stdout.contains("drift_detected"))

                // `show --json` carries the open drift in the same names as `drift list --json`.
                let resource = try await cli.run(["show", "Droplet/web", "--json", "--specs", specs.path], in: directory)
                let object = try #require(try json(resource.stdout) as? [String: Any], "\(resource.stderr)")
                #expect((object["drift"] as? [[String: Any]])?.first?["resource_name"] as? String == "web")

                // Revert now: DigitalOcean is back at the spec, the record closed by the operator.
                let reverted = try await cli.run(["drift", "revert", String(id), "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
                #expect(reverted.status == 0, "\(reverted.stdout)\(reverted.stderr)")
                #expect(try await sim.client.getDroplet(id: web.id).sizeSlug == "s-1vcpu-1gb")
                let closed = try #require(try json(try await cli.run(["drift", "list", "--json", "--status", "reverted"], in: directory).stdout) as? [[String: Any]])
                #expect(closed.map { $0["id"] as? Int } == [id])
                #expect((closed.first?["resolved_by"] as? String)?.hasPrefix("ops@") == true)
                #expect(try await cli.run(["plan", "--specs", specs.path, "--detailed-exitcode"], in: directory, environment: environment).status == 0)

                // A closed record is refused, saying so.
                let again = try await cli.run(["drift", "revert", String(id), "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
                #expect(again.status == 1)
                #expect(again.stderr.contains("drift \(id) is already reverted"))

                // The event log: drift and saga, with the actor.
                let events = try await cli.run(["events", "--name", "web", "--since", "1h"], in: directory)
                for type in ["resource_created", "drift_detected", "saga_started", "drift_reverted", "saga_completed"] {
                    #expect(events.stdout.contains(type), "\(type) in \(events.stdout)")
                }
                #expect(events.stdout.contains("ops@"))
                #expect(try await cli.run(["events", "--since", "soon"], in: directory).status == 64)
            }
        }
    }

    /// A tag added by hand is reverted by `drift revert` (in place: untagged, the same droplet). ipv6
    /// enabled by hand cannot be put back: refused with why and what to do instead, and nothing runs.
    @Test func aTagDriftIsRevertedAndAnIPv6DriftIsRefusedWithWhatToDoInstead() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                #expect(try await cli.run(["apply", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment).status == 0)
                let web = try #require(try await sim.client.listDroplets().first)
                #expect(try await sim.request("POST", "/v2/tags", body: #"{"name": "extra"}"#).status == 201)
                let tagged = try await sim.request(
                    "POST", "/v2/tags/extra/resources", body: #"{"resources": [{"resource_id": "\#(web.id)", "resource_type": "droplet"}]}"#
                )
                #expect(tagged.status == 204)
                #expect(try await cli.run(["drift", "list", "--refresh", "--specs", specs.path], in: directory, environment: environment).status == 0)
                let reverted = try await cli.run(["drift", "revert", "--all", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
                #expect(reverted.status == 0, "\(reverted.stderr)")
                #expect(reverted.stdout.contains("SetDropletTags"), "\(reverted.stdout)")
                let after = try await sim.client.getDroplet(id: web.id)
                #expect(!after.tags.contains("extra") && after.tags.contains("web") && after.tags.contains("managed-by-arcadia"))

                try await sim.performByHand(.enableIPv6, dropletID: web.id)
                #expect(try await cli.run(["drift", "list", "--refresh", "--specs", specs.path], in: directory, environment: environment).status == 0)
                let refused = try await cli.run(["drift", "revert", "--all", "--specs", specs.path, "--auto-approve"], in: directory, environment: environment)
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("(Droplet/web ipv6) cannot be reverted: "), "\(refused.stderr)")
                #expect(refused.stderr.contains("ipv6 cannot be turned off"), "\(refused.stderr)")
                #expect(refused.stderr.contains("Keep ipv6: true"), "\(refused.stderr)")
                #expect(try await sim.client.getDroplet(id: web.id).features.contains("ipv6"), "nothing ran")
            }
        }
    }
}

/// `drift accept` and `ignore` edit the spec file in place, in a git work tree, end to end.
@Suite struct DriftAcceptTests {
    private func openRecords(_ cli: CommandRunner, in directory: URL) async throws -> [[String: Any]] {
        let listed = try await cli.run(["drift", "list", "--json"], in: directory)
        return try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
    }

    @Test func acceptEditsOneLineAndThePlanIsClean() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                let original = """
                    # The web tier.
                    apiVersion: arcadia/v1
                    kind: Droplet
                    metadata:
                      name: web   # public
                    spec:
                      region: nyc3
                      size: s-1vcpu-1gb     # small for now
                      image: ubuntu-24-04-x64
                      tags: [web]

                    """
                try writeSpecs(["web.yaml": original], to: specs)
                for command in [["init", "-q"], ["config", "user.email", "ops@example.com"], ["config", "user.name", "Ops"], ["add", "."], ["commit", "-qm", "specs"]] {
                    try runGit(command, in: specs)
                }
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "USER": "ops", "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                let base = ["--specs", specs.path]
                #expect(try await cli.run(["apply"] + base + ["--auto-approve"], in: directory, environment: environment).status == 0)
                let web = try #require(try await sim.client.listDroplets().first)
                try await sim.performByHand(.powerOff, dropletID: web.id)
                try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web.id)
                try await sim.performByHand(.powerOn, dropletID: web.id)
                #expect(try await cli.run(["drift", "list", "--refresh"] + base, in: directory, environment: environment).status == 0)
                let id = try #require(try await openRecords(cli, in: directory).first?["id"] as? Int)

                let accepted = try await cli.run(["drift", "accept", String(id)] + base, in: directory, environment: environment)
                #expect(accepted.status == 0, "\(accepted.stdout)\(accepted.stderr)")
                let edited = try String(contentsOf: specs.appendingPathComponent("web.yaml"), encoding: .utf8)
                #expect(edited == original.replacingOccurrences(of: "size: s-1vcpu-1gb     #", with: "size: s-1vcpu-2gb     #"), "only the value changed")
                #expect(try runGit(["diff", "--numstat"], in: specs).hasPrefix("1\t1\tweb.yaml"), "a one-line diff")
                #expect(accepted.stdout.contains("+  size: s-1vcpu-2gb"), "the diff is shown")
                #expect(accepted.stdout.contains("arcadia: accept drift Droplet/web.size"), "a commit is suggested")
                #expect(try await cli.run(["plan"] + base + ["--detailed-exitcode"], in: directory, environment: environment).status == 0)
                #expect(try await sim.client.getDroplet(id: web.id).sizeSlug == "s-1vcpu-2gb", "DigitalOcean untouched")

                let again = try await cli.run(["drift", "accept", String(id)] + base, in: directory, environment: environment)
                #expect(again.status == 1)
                #expect(again.stderr.contains("drift \(id) is already accepted"))
                let version = try await Store.withStore(.sqlite(path: directory.appendingPathComponent(".arcadia/state.sqlite").path), logger: Logger(label: "test")) {
                    try await $0.provisioned(kind: "Droplet").first?.specVersion
                }
                #expect(version == 2, "the applied record took the live value: spec_version bumped")

                // Committed as suggested. The power state cannot be accepted; ignoring it edits policy.ignore and commits.
                try runGit(["commit", "-qm", "arcadia: accept drift Droplet/web.size", "--", "web.yaml"], in: specs)
                try await sim.performByHand(.powerOff, dropletID: web.id)
                #expect(try await cli.run(["drift", "list", "--refresh"] + base, in: directory, environment: environment).status == 0)
                let off = try #require(try await openRecords(cli, in: directory).first?["id"] as? Int)
                let refused = try await cli.run(["drift", "accept", String(off)] + base, in: directory, environment: environment)
                #expect(refused.status == 1)
                #expect(refused.stderr.contains("a droplet's power state is not a spec field"))
                let ignored = try await cli.run(["drift", "ignore", String(off), "--commit"] + base, in: directory, environment: environment)
                #expect(ignored.status == 0, "\(ignored.stdout)\(ignored.stderr)")
                #expect(try String(contentsOf: specs.appendingPathComponent("web.yaml"), encoding: .utf8).contains("ignore: [status]"))
                #expect(try runGit(["log", "-1", "--format=%s"], in: specs).contains("arcadia: ignore drift Droplet/web.status"))
                #expect(try await cli.run(["plan"] + base + ["--detailed-exitcode"], in: directory, environment: environment).status == 0,
                        "the power state is no longer watched")
            }
        }
    }

    /// Drift put back by hand closes `stale`; closing one by hand names who did it and moves the
    /// applied record; a closed record is refused. On both engines.
    @Test(arguments: StoreEngine.allCases) func driftRestoredByHandClosesStaleAndClosingByHandIsRecorded(engine: StoreEngine) async throws {
        try await ReconcileLoop.with(engine: engine) { loop in
            try loop.write(["web.yaml": dropletSpec(name: "web")])
            #expect(try await loop.planAndApply())
            let id = try #require(try await loop.droplets(named: "web").first).id
            try await loop.sim.performByHand(.powerOff, dropletID: id)
            _ = try await loop.plan()
            #expect(try await loop.store.drift(status: .open).map(\.field) == ["status"])
            try await loop.sim.performByHand(.powerOn, dropletID: id)
            _ = try await loop.plan()
            #expect(try await loop.store.drift(status: .stale).map(\.field) == ["status"])
            #expect(try await loop.store.drift(status: .open).isEmpty)

            try await loop.sim.performByHand(.powerOff, dropletID: id)
            _ = try await loop.plan()
            let record = try #require(try await loop.store.drift(status: .open).first)
            let before = try #require(try await loop.store.provisioned(kind: "Droplet").first)
            try await loop.store.closeDrift(id: record.id, as: .ignored, applied: before.spec)
            let closed = try #require(try await loop.store.driftRecord(id: record.id))
            #expect(closed.status == .ignored)
            #expect(closed.resolvedBy == loop.store.actor)
            #expect(try await loop.store.provisioned(kind: "Droplet").first?.specVersion == before.specVersion + 1)
            await #expect(throws: DriftNotOpen.self) { try await loop.store.closeDrift(id: record.id, as: .accepted) }
            let types = try await loop.store.events(kind: "Droplet", name: "web").map(\.type)
            #expect(types.filter { $0.hasPrefix("drift_") } == ["drift_detected", "drift_stale", "drift_detected", "drift_ignored"])
        }
    }
}

/// Reproductions from the review of the drift inbox.
@Suite struct DriftInboxReviewTests {
    /// Two resolutions of one record at once (accept and ignore from two shells): one wins, the other
    /// is told the record is closed. On both engines.
    @Test(arguments: StoreEngine.allCases) func concurrentResolutionsHaveOneWinner(engine: StoreEngine) async throws {
        try await withTemporaryStore(engine: engine) { store, _ in
            try await store.openDrift(kind: "Droplet", name: "web", resourceID: "1", field: "size", expected: "a", actual: "b")
            let id = try #require(try await store.drift(status: .open).first?.id)
            async let first: Bool = { do { try await store.closeDrift(id: id, as: .accepted); return true } catch is DriftNotOpen { return false } }()
            async let second: Bool = { do { try await store.closeDrift(id: id, as: .ignored); return true } catch is DriftNotOpen { return false } }()
            let outcomes = try await [first, second]
            #expect(outcomes.filter { $0 }.count == 1, "exactly one resolution closes it")
            #expect(try await store.events(kind: "Droplet", name: "web").filter { ["drift_accepted", "drift_ignored"].contains($0.type) }.count == 1)
        }
    }

    /// Accept writes through a symbolic link (the link stays), keeps the file's mode, refuses a
    /// read-only file, and `--commit` refuses a file with uncommitted edits of its own.
    @Test func acceptKeepsLinksAndModesAndRefusesWhatItShouldNotWrite() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs"), real = directory.appendingPathComponent("real")
                try writeSpecs(["a.yaml": dropletSpec(name: "a"), "b.yaml": dropletSpec(name: "b")], to: real)
                try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
                try FileManager.default.createSymbolicLink(atPath: specs.appendingPathComponent("a.yaml").path, withDestinationPath: real.appendingPathComponent("a.yaml").path)
                try FileManager.default.copyItem(at: real.appendingPathComponent("b.yaml"), to: specs.appendingPathComponent("b.yaml"))
                let bFile = specs.appendingPathComponent("b.yaml").path
                let environment = ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                let cli = try CommandRunner()
                let base = ["--specs", specs.path]
                #expect(try await cli.run(["apply"] + base + ["--auto-approve"], in: directory, environment: environment).status == 0)
                for droplet in try await sim.client.listDroplets() {
                    try await sim.performByHand(.powerOff, dropletID: droplet.id)
                    try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: droplet.id)
                    try await sim.performByHand(.powerOn, dropletID: droplet.id)
                }
                #expect(try await cli.run(["drift", "list", "--refresh"] + base, in: directory, environment: environment).status == 0)
                let listed = try await cli.run(["drift", "list", "--json"], in: directory)
                let records = try #require(try JSONSerialization.jsonObject(with: Data(listed.stdout.utf8)) as? [[String: Any]])
                func id(_ name: String) throws -> String { String(try #require(records.first { $0["resource_name"] as? String == name }?["id"] as? Int)) }

                try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: real.appendingPathComponent("a.yaml").path)
                let accepted = try await cli.run(["drift", "accept", try id("a")] + base, in: directory, environment: environment)
                #expect(accepted.status == 0, "\(accepted.stderr)")
                #expect(try FileManager.default.destinationOfSymbolicLink(atPath: specs.appendingPathComponent("a.yaml").path) == real.appendingPathComponent("a.yaml").path, "the link stays")
                #expect(try String(contentsOf: real.appendingPathComponent("a.yaml"), encoding: .utf8).contains("size: s-1vcpu-2gb"), "its target is edited")
                #expect((try FileManager.default.attributesOfItem(atPath: real.appendingPathComponent("a.yaml").path)[.posixPermissions] as? NSNumber)?.intValue == 0o640)

                let before = try String(contentsOfFile: bFile, encoding: .utf8)
                try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: bFile)
                let readOnly = try await cli.run(["drift", "accept", try id("b")] + base, in: directory, environment: environment)
                #expect(readOnly.status == 1)
                #expect(readOnly.stderr.contains("is read-only"), "\(readOnly.stderr)")
                #expect(try String(contentsOfFile: bFile, encoding: .utf8) == before)
                try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: bFile)

                // In git, with an uncommitted edit of its own: --commit refuses, touching nothing.
                for command in [["init", "-q"], ["add", "b.yaml"], ["commit", "-qm", "specs"]] { try runGit(command, in: specs) }
                try (before + "# not ready\n").write(toFile: bFile, atomically: true, encoding: .utf8)
                let dirty = try await cli.run(["drift", "accept", try id("b"), "--commit"] + base, in: directory, environment: environment)
                #expect(dirty.status == 1)
                #expect(dirty.stderr.contains("has uncommitted changes of its own"), "\(dirty.stderr)")
                #expect(try String(contentsOfFile: bFile, encoding: .utf8) == before + "# not ready\n")
            }
        }
    }

    @Test func eventsSinceTakesLongDurationsAndDecimalDigitsOnly() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["a.yaml": dropletSpec(name: "a")], to: directory.appendingPathComponent("specs"))
            let cli = try CommandRunner()
            #expect(try await cli.run(["apply", "--sim", "--auto-approve"], in: directory).status == 0)
            let long = try await cli.run(["events", "--since", "3650000d"], in: directory)
            #expect(long.status == 0)
            #expect(long.stdout.contains("resource_created"), "a decade of events is every event")
            #expect(try await cli.run(["events", "--since", "0x10m"], in: directory).status == 64)
        }
    }
}
