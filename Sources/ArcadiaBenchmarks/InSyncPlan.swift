import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import Foundation

/// `arcadia-bench N --in-sync`: the plan run every day. N droplet specs already applied (Arcadia's
/// record of each) and live, managed, with 1 in 100 drifted (a tag added by hand); the plan goes end to
/// end as `arcadia plan` does: load, sync, the three-way diff, drift records, fingerprint, render.
func inSyncPlan(count: Int, sim: SimulatorHarness, store: Store, specs: URL) async throws {
    try await seedInSync(count: count, drifted: count / 100, sim: sim, store: store, specs: specs)
    let before = try await requestTotal(sim)
    let ((plan, text), seconds) = try await timed {
        let desired = try SpecLoader.load(directory: specs.path)
        let plan = try await Reconciler(client: sim.client, store: store).plan(desired: desired)
        return (plan, PlanRenderer(useColor: false).text(plan))
    }
    print("arcadia-bench --in-sync: \(count) droplet specs applied and live, \(count / 100) drifted by hand")
    print(String(format: "  plan end to end    %8.3f s  (%d requests; %d changes, %d drift; %d bytes of plan)",
                 seconds, try await requestTotal(sim) - before, plan.changes.count, plan.drift.count, text.utf8.count))
    print(String(format: "  peak memory        %8.1f MiB (VmHWM, the simulator's world and the setup included)", peakResidentMegabytes()))
}

/// N droplets live and managed, N spec files saying what they are, Arcadia's record of each applied;
/// `drifted` of them with a tag added by hand.
func seedInSync(count: Int, drifted: Int, sim: SimulatorHarness, store: Store, specs: URL) async throws {
    _ = try await sim.json("POST", "/_sim/seed", body: #"{"droplets": \#(count), "prefix": "web", "tags": ["web", "managed-by-arcadia"]}"#)
    try writeSpecs(Dictionary(uniqueKeysWithValues: (0..<count).map { ("web-\($0).yaml", dropletSpec(name: "web-\($0)")) }), to: specs)
    let live = try await sim.client.listDroplets()
    let ids = Dictionary(live.map { ($0.name, $0.id) }, uniquingKeysWith: { first, _ in first })
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    for resource in try SpecLoader.load(directory: specs.path) {
        guard let id = ids[resource.name] else { continue }
        let document = String(decoding: try encoder.encode(AppliedDocument(spec: resource.spec, policy: resource.policy)), as: UTF8.self)
        try await store.recordApplied(kind: "Droplet", name: resource.name, resourceID: String(id), spec: document, sagaID: "bench")
    }
    guard drifted > 0 else { return }
    _ = try await sim.client.createTag(name: "hand-made")
    try await sim.client.tagResources(tag: "hand-made", droplets: live.prefix(drifted).map(\.id))
}
