import ArcadiaTestSupport
@testable import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation
import NIOConcurrencyHelpers
import Testing

/// Long lists are read a few pages at a time once the first page gives the total, over real HTTP.
@Suite struct ListPagesTests {
    /// Requests the simulator counted for `GET /v2/droplets` so far.
    private func listRequests(_ sim: SimulatorHarness) async throws -> Int {
        let requests = try await sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int]
        return requests?["GET /v2/droplets"] ?? 0
    }

    private func seed(_ sim: SimulatorHarness, _ count: Int, prefix: String, tags: [String] = []) async throws {
        let tagList = tags.map { "\"\($0)\"" }.joined(separator: ",")
        let response = try await sim.json("POST", "/_sim/seed", body: #"{"droplets": \#(count), "prefix": "\#(prefix)", "tags": [\#(tagList)]}"#)
        try #require(response.status == 201)
    }

    /// The client's page reader for droplets, counting how many pages are being read at any moment.
    private func droplets(_ sim: SimulatorHarness, inFlight: InFlight) -> @Sendable (Int) async throws -> ListPage<Droplet> {
        { [client = sim.client] number in
            inFlight.enter()
            defer { inFlight.leave() }
            return try await client.page("/v2/droplets", key: "droplets", number: number, as: Droplet.self)
        }
    }

    @Test func aThousandAndOneDropletsArriveOnceEachInOrderForSixRequests() async throws {
        try await SimulatorHarness.with { sim in
            try await seed(sim, 1_001, prefix: "web")
            let before = try await listRequests(sim)
            let droplets = try await sim.client.listDroplets()
            #expect(droplets.map(\.name) == (0..<1_001).map { "web-\($0)" }, "every droplet once, in the list's order")
            #expect(droplets.map(\.id) == droplets.map(\.id).sorted())
            #expect(try await listRequests(sim) - before == 6, "ceil(1001 / 200) requests")
        }
    }

    @Test func pagesAreReadAFewAtATimeAndOneByOneWithoutATotal() async throws {
        try await SimulatorHarness.with { sim in
            try await seed(sim, 1_601, prefix: "web")
            let expected = (0..<1_601).map { "web-\($0)" }

            let parallel = InFlight()
            let all = try await DigitalOceanClient.collectPages(concurrency: 4, fetch: droplets(sim, inFlight: parallel))
            #expect(all.map(\.name) == expected)
            #expect((2...4).contains(parallel.maximum), "pages after the first read at once, at most four")

            // A list whose answers lack meta.total is followed by links.pages.next, one page after another.
            let serial = InFlight()
            let fetch = droplets(sim, inFlight: serial)
            let before = try await listRequests(sim)
            let followed = try await DigitalOceanClient.collectPages(concurrency: 4) { number in
                var page = try await fetch(number)
                page.total = nil
                return page
            }
            #expect(followed.map(\.name) == expected)
            #expect(serial.maximum == 1)
            #expect(try await listRequests(sim) - before == 9)
        }
    }

    /// Droplets deleted after the first page was read: the list ends where it now ends, on a short last
    /// page (101 deleted) or on a full one, the page after it empty (201 deleted).
    @Test(arguments: [101, 201])
    func aListThatShrinksBetweenPagesEndsWhereItNowEnds(deleted: Int) async throws {
        try await SimulatorHarness.with { sim in
            try await seed(sim, 1_001 - deleted, prefix: "kept")
            try await seed(sim, deleted, prefix: "gone", tags: ["gone"])
            let fetch = droplets(sim, inFlight: InFlight())
            let listed = try await DigitalOceanClient.collectPages(concurrency: 4) { number in
                let page = try await fetch(number)
                if number == 1 {
                    #expect(page.total == 1_001)
                    #expect(try await sim.request("DELETE", "/v2/droplets?tag_name=gone").status == 204)
                }
                return page
            }
            #expect(listed.map(\.name) == (0..<(1_001 - deleted)).map { "kept-\($0)" })
        }
    }

    @Test func aListThatGrowsBetweenPagesIsFollowedPastItsFirstTotal() async throws {
        try await SimulatorHarness.with { sim in
            try await seed(sim, 1_001, prefix: "first")
            let fetch = droplets(sim, inFlight: InFlight())
            let before = try await listRequests(sim)
            let listed = try await DigitalOceanClient.collectPages(concurrency: 4) { number in
                let page = try await fetch(number)
                if number == 1 { try await seed(sim, 250, prefix: "later") }
                return page
            }
            #expect(listed.map(\.name) == (0..<1_001).map { "first-\($0)" } + (0..<250).map { "later-\($0)" })
            #expect(try await listRequests(sim) - before == 7, "six pages at once, then the seventh that page 6 names")
        }
    }

    /// A 429 on one of the pages read at once: the pacer holds every request for retry-after, that page
    /// is asked again, and the list is whole.
    @Test func aRefusedPageIsRetriedAndTheListIsWhole() async throws {
        let plan = FaultPlan(once: [.init(fault: .error, route: "GET /v2/droplets", status: 429, after: 2)])
        try await SimulatorHarness.with(configure: { $0.faults = plan }) { sim in
            try await seed(sim, 1_001, prefix: "web")
            let droplets = try await sim.client.listDroplets()
            #expect(droplets.map(\.name) == (0..<1_001).map { "web-\($0)" })
            let stats = try await sim.json("GET", "/_sim/stats").object
            #expect((stats["faults"] as? [String: Int])?["error"] == 1)
            #expect(try await listRequests(sim) == 7, "six pages and one retry")
        }
    }
}

/// How many calls are inside at once, and the most there ever were.
private final class InFlight: Sendable {
    private let counts = NIOLockedValueBox((current: 0, maximum: 0))

    func enter() {
        counts.withLockedValue { counts in
            counts.current += 1
            counts.maximum = max(counts.maximum, counts.current)
        }
    }

    func leave() {
        counts.withLockedValue { $0.current -= 1 }
    }

    var maximum: Int { counts.withLockedValue { $0.maximum } }
}
