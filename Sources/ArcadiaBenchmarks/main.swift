import ArcadiaCore
import ArcadiaSagas
import ArcadiaSpecs
import ArcadiaState
import ArcadiaTestSupport
import DigitalOceanAPI
import DigitalOceanSimulator
import Foundation

// `swift run -c release arcadia-bench [N] [--latency-ms MS] [--mixed | --in-sync | --controller | --apply]`: plan N droplet specs against an
// inventory of N droplets; with `--mixed`, also N/2 volume specs (each attached to a droplet) and 100
// SSHKey specs (each droplet names one), so loading resolves references and the plan orders by them. Prints requests, wall time per phase and peak memory. The simulator runs in the same
// process, so "sync" includes the simulator rendering its JSON. `--latency-ms` adds MS to every
// answer, as a round trip to DigitalOcean does (150 to 400 ms); without it the bench measures work,
// not waiting. Either way the simulator's rate limits are off and the client's pacer has a budget the
// bench cannot reach (it lists 10,000 droplets four times, 200 requests; DigitalOcean's budget is 250
// a minute, so real syncs of this size are paced after the second). `--in-sync` plans N specs already
// applied and in sync, some drifted (InSyncPlan.swift); `--controller` runs the real `arcadia controller`
// over N in-sync droplets and measures its passes (SteadyReconcile.swift); `--apply` counts the requests of creates and
// resizes at the default rate limits (ApplyBudget.swift).

let arguments = Array(CommandLine.arguments.dropFirst())
let count = arguments.first.flatMap(Int.init) ?? 10_000
let latencyMilliseconds = arguments.firstIndex(of: "--latency-ms").flatMap { arguments.dropFirst($0 + 1).first }.flatMap(Int.init) ?? 0
let mixed = arguments.contains("--mixed")
let latency = latencyMilliseconds > 0 ? FaultPlan(routes: [.init(route: "*", latencyMs: [latencyMilliseconds, latencyMilliseconds])]) : FaultPlan.none

/// The value `body` returns and the seconds it took.
func timed<T>(_ body: () async throws -> T) async rethrows -> (T, Double) {
    let start = ContinuousClock.now
    let value = try await body()
    let elapsed = start.duration(to: .now)
    return (value, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}

/// VmHWM of this process, or of `pid`.
func peakResidentMegabytes(pid: Int32? = nil) -> Double {
    guard let status = try? String(contentsOfFile: "/proc/\(pid.map(String.init) ?? "self")/status", encoding: .utf8),
          let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
          let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
    else { return 0 }
    return kilobytes / 1024
}

func requestTotal(_ sim: SimulatorHarness) async throws -> Int {
    try await sim.json("GET", "/_sim/stats").object["total"] as? Int ?? 0
}

if arguments.contains("--apply") {
    try await applyBudget(latency: latency)
    exit(0)
}

try await SimulatorHarness.with(timeScale: 0.001, configure: {
    $0.rateLimitPerMinute = 0
    $0.rateLimitPerHour = 0
    $0.faults = latency
}) { harness in
    let client = DigitalOceanClient(apiURL: harness.baseURL, token: APIToken(harness.token), pacer: RequestPacer(perMinute: 1_000_000))
    let sim = SimulatorHarness(baseURL: harness.baseURL, token: harness.token, client: client, clock: harness.clock, timeScale: harness.timeScale)
    try await withTemporaryStore { store, directory in
        if arguments.contains("--controller") {
            return try await steadyReconcile(count: count, sim: sim, store: store, directory: directory)
        }
        if arguments.contains("--in-sync") {
            return try await inSyncPlan(count: count, sim: sim, store: store, specs: directory.appendingPathComponent("specs"))
        }
        // Setup, not timed: N droplets at DigitalOcean, N spec files on disk.
        _ = try await sim.json("POST", "/_sim/seed", body: #"{"droplets": \#(count), "prefix": "live"}"#)
        let specs = directory.appendingPathComponent("specs")
        var files = Dictionary(uniqueKeysWithValues: (0..<count).map { ("web-\($0).yaml", dropletSpec(name: "web-\($0)")) })
        if mixed {
            for index in 0..<count {
                files["web-\(index).yaml"] = files["web-\(index).yaml"]!.replacingOccurrences(of: "tags: [web]", with: "tags: [web]\n  sshKeys: [key-\(index % 100)]")
            }
            for index in 0..<100 { files["key-\(index).yaml"] = keySpec(index) }
            for index in 0..<(count / 2) { files["data-\(index).yaml"] = volumeSpec(index) }
        }
        try writeSpecs(files, to: specs)

        let (desired, load) = try await timed { try SpecLoader.load(directory: specs.path) }

        let before = try await requestTotal(sim)
        let sync = InventorySync(client: sim.client, store: store)
        let (_, firstSync) = try await timed { try await sync.sync() }
        let syncRequests = try await requestTotal(sim) - before
        let (live, secondSync) = try await timed { try await sync.sync() }
        let (listed, list) = try await timed { try await sim.client.listDroplets() }
        let (pages, raw) = try await timed {
            var bodies: [Data] = []
            for page in 1...max(1, (count + 199) / 200) {
                bodies.append(try await sim.request("GET", "/v2/droplets?page=\(page)&per_page=200").body)
            }
            return bodies
        }
        let (_, decode) = try await timed {
            let decoder = JSONDecoder()
            decoder.keyDecodingStrategy = .convertFromSnakeCase
            struct Page: Decodable { var droplets: [Droplet] }
            return try pages.map { try decoder.decode(Page.self, from: $0).droplets.count }
        }
        let (_, write) = try await timed { try await sync.record(listed.map(DropletKind.normalise), kind: .droplet) }

        let (plan, diff) = await timed {
            Planner.plan(
                Differ.diff(desired: desired, applied: [], live: live, kinds: Kinds.book), kinds: Kinds.book,
                fingerprint: Fingerprint.make(desired: desired, applied: [], live: live)
            )
        }
        let (result, diffOnly) = await timed { Differ.diff(desired: desired, applied: [], live: live, kinds: Kinds.book) }
        let (_, fingerprint) = await timed { Fingerprint.make(desired: desired, applied: [], live: live) }
        let (_, planOnly) = await timed { Planner.plan(result, kinds: Kinds.book, fingerprint: "") }
        let (text, render) = await timed { PlanRenderer(useColor: false).text(plan) }

        if mixed { print("arcadia-bench --mixed: \(count) droplet, \(count / 2) volume and 100 SSHKey specs; the plan's order by references") }
        print("arcadia-bench: \(desired.count) specs, \(count) droplets at DigitalOcean (simulator in-process, \(latencyMilliseconds) ms a round trip)")
        print(String(format: "  load specs         %8.3f s", load))
        print(String(format: "  inventory sync     %8.3f s  (%d requests for %d droplets; one transaction)", firstSync, syncRequests, count))
        print(String(format: "  inventory re-sync  %8.3f s  (upserts over existing rows)", secondSync))
        print(String(format: "    of which list    %8.3f s  (HTTP, simulator rendering, client decoding)", list))
        print(String(format: "      raw pages      %8.3f s  (HTTP and simulator rendering only)", raw))
        print(String(format: "      decoding       %8.3f s  (JSONDecoder, snake_case keys)", decode))
        print(String(format: "    of which write   %8.3f s  (normalise, encode, one transaction)", write))
        print(String(format: "  diff + plan        %8.3f s  (%d changes, %d unmanaged)", diff, plan.changes.count, plan.unmanagedCount))
        print(String(format: "    of which diff    %8.3f s", diffOnly))
        print(String(format: "    fingerprint      %8.3f s  (SHA-256 of the canonical world)", fingerprint))
        print(String(format: "    planner          %8.3f s  (sagas and their order)", planOnly))
        print(String(format: "  render plan        %8.3f s  (%d bytes)", render, text.utf8.count))
        print(String(format: "  peak memory        %8.1f MiB (VmHWM)", peakResidentMegabytes()))
    }
}

/// An SSHKey spec with a key of its own (32 bytes that differ by index).
func keySpec(_ index: Int) -> String {
    var blob = Data([0, 0, 0, 11] + Array("ssh-ed25519".utf8) + [0, 0, 0, 32])
    blob += Data((0..<32).map { UInt8(($0 * 7 + index) % 256) })
    return """
        apiVersion: arcadia/v1
        kind: SSHKey
        metadata: {name: key-\(index)}
        spec:
          publicKey: ssh-ed25519 \(blob.base64EncodedString()) bench@arcadia

        """
}

func volumeSpec(_ index: Int) -> String {
    """
    apiVersion: arcadia/v1
    kind: Volume
    metadata: {name: data-\(index)}
    spec:
      region: nyc3
      sizeGigabytes: 100
      attachTo: web-\(index)

    """
}
