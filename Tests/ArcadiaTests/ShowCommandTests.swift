import ArcadiaTestSupport
import Foundation
import Testing

/// `arcadia show KIND/NAME`: one resource from the specs, DigitalOcean and the state, read-only.
@Suite struct ShowCommandTests {
    @Test func showsSpecLiveDropletLastSagaAndDrift() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: directory.appendingPathComponent("specs"))
            let cli = try CommandRunner()
            #expect(try await cli.run(["apply", "--sim", "--auto-approve"], in: directory).status == 0)

            let show = try await cli.run(["show", "Droplet/web", "--sim"], in: directory)
            #expect(show.status == 0, "\(show.stderr)")
            #expect(show.stdout.contains("Spec:\n  specs/web.yaml\n"), "\(show.stdout)")
            #expect(show.stdout.contains("    name: web"))
            #expect(show.stdout.contains("region nyc3, size s-1vcpu-1gb, image ubuntu-24-04-x64"))
            #expect(show.stdout.contains(" create, completed, "))
            #expect(show.stdout.contains("Open drift:\n  none"))

            // The inventory is as the last plan synced it: after the create, a plan has not seen it yet.
            #expect(try await cli.run(["show", "Droplet/web"], in: directory).stdout.contains("Live:\n  not in the inventory"))
            #expect(try await cli.run(["plan", "--sim"], in: directory).status == 0)
            let json = try await cli.run(["show", "droplet/web", "--json"], in: directory)
            #expect(json.status == 0, "\(json.stderr)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect((object["spec"] as? [String: Any])?["file"] as? String == "specs/web.yaml")
            let live = try #require(object["live"] as? [String: Any])
            #expect(live["source"] as? String == "inventory", "without --sim or a token, the inventory")
            #expect((live["resource"] as? [String: Any])?["size"] as? String == "s-1vcpu-1gb")
            let saga = try #require(object["last_saga"] as? [String: Any])
            #expect(saga["status"] as? String == "completed")
            #expect(saga["failed_step"] is NSNull, "null, not absent")
            #expect((object["drift"] as? [Any])?.isEmpty == true)
        }
    }

    @Test func anUnknownResourceGetsADidYouMeanAndExit1() async throws {
        try await withTemporaryDirectory { directory in
            try writeSpecs(["web.yaml": dropletSpec(name: "web-1")], to: directory.appendingPathComponent("specs"))
            let cli = try CommandRunner()
            #expect(try await cli.run(["plan", "--sim"], in: directory).status == 0)
            let typo = try await cli.run(["show", "Droplet/web-2"], in: directory)
            #expect(typo.status == 1)
            #expect(typo.stderr.contains("no Droplet named 'web-2'"), "\(typo.stderr)")
            #expect(typo.stderr.contains("Did you mean Droplet/web-1?"))
            let kind = try await cli.run(["show", "Dropet/web-1"], in: directory)
            #expect(kind.status == 1)
            #expect(kind.stderr.contains("did you mean Droplet?"), "\(kind.stderr)")
        }
    }

    @Test func showCreatesNoState() async throws {
        try await withTemporaryDirectory { directory in
            let result = try await CommandRunner().run(["show", "Droplet/web", "--sim"], in: directory)
            #expect(result.status == 1)
            #expect(result.stderr.contains("no Arcadia state at .arcadia/state.sqlite"), "\(result.stderr)")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent(".arcadia").path))
        }
    }
}
