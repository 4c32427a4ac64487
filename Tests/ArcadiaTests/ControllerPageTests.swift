import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation
import Testing

/// The drift inbox page and the API routes it added, on the real binary: the page's files and their
/// headers, `whoami`, a resource's desired/live/diff view, the revert preview, and the drift list's
/// spec positions. (scripts/browser_test.py drives the page itself in a browser.)
@Suite(.serialized) struct ControllerPageTests {
    @Test func thePageIsServedWithoutATokenUnderAPolicyThatAllowsOnlyItsOwnFiles() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
                let controller = try await ControllerProcess(
                    arguments: ["--specs", specs.path, "--interval", "1h", "--database", database], in: directory,
                    environment: ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL]
                )
                let page = try await controller.fetch("/")
                #expect(page.status == 200)
                #expect(page.headers["content-type"] == "text/html; charset=utf-8")
                let policy = try #require(page.headers["content-security-policy"])
                #expect(policy.contains("default-src 'self'") && policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(page.headers["x-content-type-options"] == "nosniff")
                #expect(page.headers["set-cookie"] == nil, "no cookie: a cookie would let another site's form act as the person")
                // Every script is a file of its own: the policy would refuse an inline one.
                #expect(page.text.contains(#"<script type="module" src="/ui/app.js"></script>"#))
                #expect(page.text.components(separatedBy: "<script").count == 2)
                #expect(!page.text.contains("style="))

                let modules = ["app", "dom", "session", "status", "dialog", "drift-actions", "inbox", "resource", "sagas"].map { "/ui/\($0).js" }
                var script = ""
                for (path, type) in modules.map({ ($0, "text/javascript") }) + [("/ui/app.css", "text/css"), ("/ui/icon.svg", "image/svg+xml")] {
                    let asset = try await controller.fetch(path)
                    #expect(asset.status == 200, "\(path)")
                    #expect(asset.headers["content-type"]?.hasPrefix(type) == true, "\(path): \(asset.headers)")
                    #expect(asset.headers["x-content-type-options"] == "nosniff", "\(path)")
                    if type == "text/javascript" { script += asset.text }
                }
                // The token is kept for the tab only; values go into the page as text, never as HTML.
                #expect(script.contains("sessionStorage.setItem") && !script.contains("localStorage") && !script.contains("document.cookie"))
                #expect(!script.contains("innerHTML") && !script.contains("eval("))
                #expect(try await controller.fetch("/ui/nothing.js").status == 404)
                #expect(try await controller.fetch("/ui/index.html").status == 404)

                // API answers are never cached and never sniffed.
                let status = try await controller.fetch("/api/v1/status")
                #expect(status.status == 401)
                #expect(status.headers["cache-control"] == "no-store")
                #expect(status.headers["x-content-type-options"] == "nosniff")
                #expect(try await controller.terminate() == 0)
            }
        }
    }

    @Test func whoamiResourceViewAndRevertPreviewShowWhatThePageNeedsAndWriteNothing() async throws {
        try await SimulatorHarness.with { sim in
            try await withTemporaryDirectory { directory in
                let specs = directory.appendingPathComponent("specs")
                try writeSpecs(["web.yaml": dropletSpec(name: "web")], to: specs)
                let database = "sqlite:" + directory.appendingPathComponent("state.sqlite").path
                let viewer = try await ControllerProcess.token("victor", role: "viewer", database: database, in: directory)
                let operatorToken = try await ControllerProcess.token("olga", role: "operator", database: database, in: directory)
                let admin = try await ControllerProcess.token("alice", role: "platform_admin", database: database, in: directory)
                let controller = try await ControllerProcess(
                    arguments: ["--specs", specs.path, "--interval", "1s", "--database", database], in: directory,
                    environment: ["DIGITALOCEAN_TOKEN": sim.token, "DIGITALOCEAN_API_URL": sim.baseURL, "ARCADIA_POLL_INTERVAL": "0.01"]
                )

                // whoami: the name and role, and what the role may do.
                let me = try await controller.request("GET", "/api/v1/whoami", token: viewer)
                #expect(me.status == 200)
                #expect(me.body["name"] as? String == "victor" && me.body["role"] as? String == "viewer")
                #expect(me.body["may"] as? [String: Bool] == ["read": true, "revert": false, "ignore": false, "reconcile": false, "accept": false])
                let may = try await controller.request("GET", "/api/v1/whoami", token: operatorToken).body["may"] as? [String: Bool]
                #expect(may?["revert"] == true && may?["accept"] == false)
                #expect(try await controller.request("GET", "/api/v1/whoami", token: admin).body["may"] as? [String: Bool] == [
                    "read": true, "revert": true, "ignore": true, "reconcile": true, "accept": true,
                ])
                #expect(try await controller.request("GET", "/api/v1/whoami", token: viewer + "x").status == 401)

                // Drift made by hand.
                #expect(try await ControllerProcess.eventually(30) { try await sim.client.listDroplets().contains { $0.name == "web" } }, "\(controller.log)")
                let web = try #require(try await sim.client.listDroplets().first { $0.name == "web" })
                try await sim.performByHand(.powerOff, dropletID: web.id)
                try await sim.performByHand(.resize(to: "s-1vcpu-2gb", disk: false), dropletID: web.id)
                try await sim.performByHand(.powerOn, dropletID: web.id)
                var record: [String: Any] = [:]
                #expect(try await ControllerProcess.eventually(15) {
                    let listed = try await controller.request("GET", "/api/v1/drift?name=web", token: viewer)
                    record = (listed.body["drift"] as? [[String: Any]])?.first { $0["field"] as? String == "size" } ?? [:]
                    return !record.isEmpty
                }, "\(controller.log)")

                // Each listed record says where its field is written.
                let spec = try #require(record["spec"] as? [String: Any], "\(record)")
                #expect((spec["path"] as? String)?.hasSuffix("specs/web.yaml") == true)
                #expect(spec["line"] as? Int == 7, "size is the spec's seventh line: \(spec)")

                // The resource view: the spec file, the live values, and the field that differs.
                let view = try await controller.request("GET", "/api/v1/resources/Droplet/web", token: viewer)
                #expect(view.status == 200, "\(view.body)")
                #expect(((view.body["spec"] as? [String: Any])?["text"] as? String)?.contains("name: web") == true)
                #expect(((view.body["live"] as? [String: Any])?["values"] as? [String: Any])?["size"] as? String == "s-1vcpu-2gb")
                let fields = view.body["fields"] as? [[String: Any]] ?? []
                let size = try #require(fields.first { $0["field"] as? String == "size" })
                #expect(size["desired"] as? String == "s-1vcpu-1gb" && size["live"] as? String == "s-1vcpu-2gb" && size["differs"] as? Bool == true)
                #expect(fields.filter { $0["differs"] as? Bool == true }.count == 1, "only the size differs: \(fields)")
                #expect((view.body["drift"] as? [[String: Any]])?.count ?? 0 >= 1)
                #expect((view.body["sagas"] as? [[String: Any]])?.first?["kind"] as? String == "create")
                #expect((view.body["events"] as? [[String: Any]] ?? []).contains { $0["type"] as? String == "drift_detected" })

                // The revert preview: the saga a revert would run, for a viewer too, and nothing is written.
                let id = try #require(record["id"] as? Int)
                let sagasBefore = try #require(try await controller.request("GET", "/api/v1/sagas", token: viewer).body["count"] as? Int)
                let preview = try await controller.request("GET", "/api/v1/drift/\(id)/revert-preview", token: viewer)
                #expect(preview.status == 200, "\(preview.body)")
                #expect(preview.body["revertible"] as? Bool == true, "\(preview.body)")
                #expect(preview.body["saga_kind"] as? String == "resize")
                #expect((preview.body["steps"] as? [String])?.contains("Resize") == true, "\(preview.body)")
                let moves = preview.body["changes"] as? [[String: Any]] ?? []
                #expect(moves.contains { $0["field"] as? String == "size" && $0["from"] as? String == "s-1vcpu-2gb" && $0["to"] as? String == "s-1vcpu-1gb" })
                #expect(try await controller.request("GET", "/api/v1/sagas", token: viewer).body["count"] as? Int == sagasBefore)
                #expect(try await controller.request("GET", "/api/v1/drift/\(id)", token: viewer).body["status"] as? String == "open")
                #expect(try await sim.client.getDroplet(id: web.id).sizeSlug == "s-1vcpu-2gb")

                // A record no longer open has nothing to preview.
                #expect(try await controller.request("POST", "/api/v1/drift/\(id)/accept", token: admin).status == 200)
                #expect(try await controller.request("GET", "/api/v1/drift/\(id)/revert-preview", token: viewer).status == 409)
                #expect(try await controller.terminate() == 0)
            }
        }
    }
}
