import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import Testing

/// The simulator behaves as DigitalOcean does, over real HTTP.
@Suite struct SimulatorTests {
    private func create(_ sim: SimulatorHarness, _ name: String, size: String = "s-1vcpu-1gb", tags: [String] = []) async throws -> Droplet {
        try await sim.client.createDroplet(DropletCreateRequest(name: name, region: "nyc3", size: size, image: "ubuntu-24-04-x64", tags: tags)).droplet
    }

    @Test func listsPaginateWithLinksAndTotal() async throws {
        try await SimulatorHarness.with { sim in
            for index in 0..<45 { _ = try await create(sim, "d-\(index)", tags: index.isMultiple(of: 3) ? ["odd"] : []) }
            let first = try await sim.json("GET", "/v2/droplets?per_page=20")
            #expect((first.object["droplets"] as? [Any])?.count == 20)
            #expect((first.object["meta"] as? [String: Any])?["total"] as? Int == 45)
            let pages = try #require((first.object["links"] as? [String: Any])?["pages"] as? [String: String])
            #expect(pages["next"] == "\(sim.baseURL)/v2/droplets?page=2&per_page=20")
            #expect(pages["last"] == "\(sim.baseURL)/v2/droplets?page=3&per_page=20")
            #expect(pages["prev"] == nil)
            let last = try await sim.json("GET", "/v2/droplets?page=3&per_page=20")
            #expect((last.object["droplets"] as? [Any])?.count == 5)
            let lastPages = try #require((last.object["links"] as? [String: Any])?["pages"] as? [String: String])
            #expect(lastPages["first"] == "\(sim.baseURL)/v2/droplets?page=1&per_page=20")
            #expect(lastPages["next"] == nil)

            // The client follows the pages, and the tag filter applies before paging.
            #expect(try await sim.client.listDroplets().count == 45)
            #expect(try await sim.client.listDroplets(tagName: "ODD").count == 15, "tags match case-insensitively")
            #expect(try await sim.json("GET", "/v2/droplets?per_page=201").status == 400)
        }
    }

    @Test func requestsNeedTheBearerToken() async throws {
        try await SimulatorHarness.with { sim in
            let response = try await sim.request("GET", "/v2/account", token: "wrong")
            #expect(response.status == 401)
            let body = try #require(try JSONSerialization.jsonObject(with: response.body) as? [String: Any])
            #expect(body["id"] as? String == "unauthorized")
            #expect(body["message"] as? String == "Unable to authenticate you.")
            #expect(response.headers["ratelimit-limit"] == "5000")
            #expect(try await sim.request("GET", "/v2/account", sendsToken: false).status == 401)
        }
    }

    @Test func everyAnswerCarriesRateLimitHeaders() async throws {
        try await SimulatorHarness.with { sim in
            let first = try await sim.request("GET", "/v2/sizes")
            let second = try await sim.request("GET", "/v2/sizes")
            #expect(first.headers["ratelimit-limit"] == "5000")
            let remaining = try #require(Int(first.headers["ratelimit-remaining"] ?? ""))
            #expect(Int(second.headers["ratelimit-remaining"] ?? "") == remaining - 1)
            let reset = try #require(Int(first.headers["ratelimit-reset"] ?? ""))
            #expect(reset > Int(Date().timeIntervalSince1970))

            // The client keeps the latest budget for pacing.
            _ = try await sim.client.listSizes()
            let budget = try #require(sim.client.lastRateLimit)
            #expect(budget.limit == 5000)
            #expect(budget.remaining == remaining - 2)
        }
    }

    @Test func dropletsBootAndResizeFollowsDigitalOceansRules() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await create(sim, "web")
            #expect(droplet.status == "new")
            let booted = try await sim.waitUntilIdle(dropletID: droplet.id)
            #expect(booted.status == "active")
            #expect(booted.networks.v4.contains { $0.type == "public" })

            // Resize while running: refused.
            let running = try await sim.json("POST", "/v2/droplets/\(droplet.id)/actions", body: #"{"type": "resize", "size": "s-2vcpu-2gb"}"#)
            #expect(running.status == 422)
            #expect(running.object["message"] as? String == "Droplet must be off prior to resizing.")

            try await sim.performByHand(.powerOff, dropletID: droplet.id)

            // Grow the disk, then try to go below it: a disk never shrinks.
            try await sim.performByHand(.resize(to: "s-2vcpu-4gb", disk: true), dropletID: droplet.id)
            let grown = try await sim.client.getDroplet(id: droplet.id)
            #expect(grown.sizeSlug == "s-2vcpu-4gb")
            #expect(grown.disk == 80)
            let shrink = try await sim.json("POST", "/v2/droplets/\(droplet.id)/actions", body: #"{"type": "resize", "size": "s-1vcpu-2gb"}"#)
            #expect(shrink.status == 422)
            #expect((shrink.object["message"] as? String)?.contains("cannot be shrunk") == true)
        }
    }

    @Test func aDropletIsLockedWhileAnActionRuns() async throws {
        // A slow clock: the power-off takes 4 s, so the second action surely meets the lock. Reads of the
        // new droplet are consistent at once here, so the first GET does not meet the 404 window.
        try await SimulatorHarness.with(timeScale: 0.5, configure: { $0.newDropletNotFoundSeconds = 0 }) { sim in
            let droplet = try await create(sim, "web")
            #expect(try await sim.client.getDroplet(id: droplet.id).locked, "locked while it boots")
            let locked = try await sim.json("POST", "/v2/droplets/\(droplet.id)/actions", body: #"{"type": "power_off"}"#)
            #expect(locked.status == 422)
            #expect(locked.object["message"] as? String == "Droplet already has a pending event.")
        }
    }

    @Test func snapshotsListOnlyAMomentAfterTheirActionCompletes() async throws {
        // A clock that moves only when told, so "just completed" and "listed" are told apart exactly.
        try await SimulatorHarness.with(configure: { $0.newDropletNotFoundSeconds = 0; $0.clock = SimulatorClock(manual: true) }) { sim in
            let droplet = try await create(sim, "web")
            _ = try await sim.waitUntilIdle(dropletID: droplet.id)
            let action = try await sim.client.performDropletAction(dropletID: droplet.id, .snapshot(named: "web-before"))
            sim.advance(byDigitalOceanSeconds: 149)
            #expect(try await sim.client.getAction(id: action.id).status == "in-progress", "a snapshot takes 150 s")
            sim.advance(byDigitalOceanSeconds: 2)
            #expect(try await sim.client.getAction(id: action.id).status == "completed")
            #expect(try await sim.client.listSnapshots().isEmpty, "not listed the instant the action completes")
            sim.advance(byDigitalOceanSeconds: 5)
            let snapshots = try await sim.client.listDropletSnapshots(dropletID: droplet.id)
            #expect(snapshots.map(\.name) == ["web-before"])
            let all = try await sim.client.listSnapshots(resourceType: "droplet")
            #expect(all.first?.resourceId == String(droplet.id))
            try await sim.client.deleteSnapshot(id: try #require(all.first).id)
            #expect(try await sim.client.listSnapshots().isEmpty)
        }
    }

    @Test func statsCountRequestsPerRouteTemplate() async throws {
        try await SimulatorHarness.with { sim in
            let droplet = try await create(sim, "web")
            _ = try await sim.client.getDroplet(id: droplet.id)
            _ = try await sim.client.getDroplet(id: droplet.id)
            _ = try await sim.client.listDroplets()
            let stats = try await sim.json("GET", "/_sim/stats")
            let requests = try #require(stats.object["requests"] as? [String: Int])
            #expect(requests["GET /v2/droplets/{droplet_id}"] == 2)
            #expect(requests["POST /v2/droplets"] == 1)
            #expect(requests["GET /v2/droplets"] == 1)
            #expect(stats.object["total"] as? Int == 4, "admin routes are not counted")
        }
    }

    @Test func catalogueIsDigitalOceans() async throws {
        try await SimulatorHarness.with { sim in
            let sizes = try await sim.client.listSizes()
            let basic = try #require(sizes.first { $0.slug == "s-1vcpu-1gb" })
            #expect((basic.vcpus, basic.memory, basic.disk, basic.priceMonthly) == (1, 1024, 25, 6))
            #expect(sizes.contains { $0.slug.hasPrefix("g-") } && sizes.contains { $0.slug.hasPrefix("c-") })
            let regions = try await sim.client.listRegions().map(\.slug)
            #expect(["nyc3", "sfo3", "ams3", "sgp1", "lon1", "fra1", "tor1", "blr1", "syd1"].allSatisfy(regions.contains))
            let images = try await sim.client.listImages(type: "distribution").compactMap(\.slug)
            #expect(images.contains("ubuntu-24-04-x64") && images.contains("debian-12-x64"))
        }
    }

    @Test func errorsComeInDigitalOceansShape() async throws {
        _ = try await SimulatorHarness.with { sim in
            await #expect {
                _ = try await sim.client.getDroplet(id: 1)
            } throws: { error in
                guard let error = error as? DigitalOceanError else { return false }
                return error.status == 404 && error.id == "not_found" && error.requestID != nil
            }
        }
    }
}

/// Lists at the scale of a real account, paged as DigitalOcean pages them.
@Suite struct PaginationTests {
    @Test func aThousandDropletsInFivePagesOfTwoHundred() async throws {
        try await SimulatorHarness.with { sim in
            #expect(try await sim.json("POST", "/_sim/seed", body: #"{"droplets": 1000}"#).status == 201)
            let url = { (page: Int) in "\(sim.baseURL)/v2/droplets?page=\(page)&per_page=200" }
            let expected: [Int: [String: String]] = [
                1: ["next": url(2), "last": url(5)],
                2: ["first": url(1), "prev": url(1), "next": url(3), "last": url(5)],
                3: ["first": url(1), "prev": url(2), "next": url(4), "last": url(5)],
                4: ["first": url(1), "prev": url(3), "next": url(5), "last": url(5)],
                5: ["first": url(1), "prev": url(4)],
            ]
            var ids: [Int] = []
            for page in 1...5 {
                let response = try await sim.json("GET", "/v2/droplets?page=\(page)&per_page=200")
                let droplets = try #require(response.object["droplets"] as? [[String: Any]])
                #expect(droplets.count == 200, "page \(page)")
                ids += droplets.compactMap { $0["id"] as? Int }
                #expect((response.object["links"] as? [String: Any])?["pages"] as? [String: String] == expected[page], "page \(page)")
                #expect((response.object["meta"] as? [String: Any])?["total"] as? Int == 1000)
            }
            #expect(Set(ids).count == 1000, "no droplet on two pages")
            let beyond = try await sim.json("GET", "/v2/droplets?page=6&per_page=200")
            #expect((beyond.object["droplets"] as? [Any])?.isEmpty == true)

            // The client reads them all in exactly five requests.
            let before = try await sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int]
            #expect(try await sim.client.listDroplets().count == 1000)
            let after = try await sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int]
            #expect((after?["GET /v2/droplets"] ?? 0) - (before?["GET /v2/droplets"] ?? 0) == 5)

            let single = try await sim.json("GET", "/v2/regions?per_page=200")
            #expect((single.object["links"] as? [String: Any])?.isEmpty == true, "one page: an empty links object")
            #expect(try await sim.json("GET", "/v2/droplets?per_page=0").status == 400)
        }
    }
}
