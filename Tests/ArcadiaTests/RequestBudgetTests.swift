import ArcadiaSagas
import ArcadiaTestSupport
import Foundation
import Testing

/// DigitalOcean's 250 requests a minute decide how fast an apply goes: what the simulator counts for
/// the work an operator does most.
@Suite struct RequestBudgetTests {
    /// A create's first attempt does not look for a droplet it cannot have posted, and a lone wait
    /// reads its droplet when it can plausibly be ready: a POST and one read.
    @Test func aCreateCostsAPostAndARead() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a")])
            let plan = try await loop.plan()
            let before = try await loop.sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int] ?? [:]
            #expect(try await loop.apply(plan).isSuccess)
            let after = try await loop.sim.json("GET", "/_sim/stats").object["requests"] as? [String: Int] ?? [:]
            let spent = after.merging(before.mapValues { -$0 }, uniquingKeysWith: +).filter { $0.value != 0 }
            #expect(spent["POST /v2/droplets"] == 1)
            #expect(spent["GET /v2/droplets"] == nil, "no look by saga tag on a first attempt: \(spent)")
            #expect(spent.values.reduce(0, +) <= 3, "the POST and a droplet read or two: \(spent)")
        }
    }

    /// Creating N droplets costs a POST each plus a shared poll or two per batch of ten sagas, not five
    /// requests a droplet: within N + ceil(N/10) + 5, the plan's inventory lists included.
    @Test func creatingDropletsCostsAboutOneRequestEach() async throws {
        // A boot of 0.8 s and polls 0.1 s apart, so a first look (40 s of DigitalOcean's time in
        // intervals, 1.3 s) has room to spare on a loaded machine.
        try await ReconcileLoop.with(timeScale: 0.02) { loop in
            let count = 20
            try loop.write(Dictionary(uniqueKeysWithValues: (0..<count).map { ("web-\($0).yaml", dropletSpec(name: "web-\($0)")) }))
            _ = try await loop.plan()  // the catalogue is read once and kept for the hour
            let before = try await requests(loop)
            var environment = loop.sim.stepEnvironment(store: loop.store)
            environment.pollInterval = .milliseconds(100)
            #expect(try await loop.apply(try await loop.plan(), runner: SagaRunner(environment: environment)).isSuccess)
            let spent = try await requests(loop) - before
            #expect(spent <= count + (count + 9) / 10 + 5, "\(spent) requests")
            #expect(try await loop.sim.client.listDroplets().count == count)
            #expect(try await loop.plan().changes.isEmpty)
        }
    }

    /// A plan lists each kind in play once (droplets alone, here: no spec names a key, a volume or a
    /// firewall); one that creates reads the catalogue only when the cached one is an hour old or lacks
    /// a slug the specs name.
    @Test func theCatalogueIsCachedForAnHour() async throws {
        try await ReconcileLoop.with { loop in
            try loop.write(["a.yaml": dropletSpec(name: "a")])
            var before = try await requests(loop)
            _ = try await loop.plan()
            #expect(try await requests(loop) - before == 4, "droplets listed, then regions, sizes and images")
            before = try await requests(loop)
            _ = try await loop.plan()
            #expect(try await requests(loop) - before == 1, "the droplets only: the catalogue came from the state")

            try loop.write(["a.yaml": dropletSpec(name: "a", size: "s-1vcpu-1gbb")])
            before = try await requests(loop)
            #expect(try await loop.plan().errors.count == 1)
            #expect(try await requests(loop) - before == 4, "a slug the cache lacks is asked for before it is refused")

            let reconciler = Reconciler(client: loop.sim.client, store: loop.store)
            #expect(try await reconciler.cachedCatalogue().isFresh == false)
            #expect(try await reconciler.cachedCatalogue(now: Date().addingTimeInterval(3_601)).isFresh)
        }
    }

    private func requests(_ loop: ReconcileLoop) async throws -> Int {
        try await loop.sim.json("GET", "/_sim/stats").object["total"] as? Int ?? 0
    }
}
