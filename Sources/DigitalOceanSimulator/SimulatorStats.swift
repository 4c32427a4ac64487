import NIOConcurrencyHelpers

/// Requests counted per `METHOD /route/{template}`, the way benchmarks count API calls.
final class SimulatorStats: Sendable {
    private let counts = NIOLockedValueBox<[String: Int]>([:])

    func record(method: String, route: String) {
        counts.withLockedValue { $0["\(method) \(route)", default: 0] += 1 }
    }

    /// `{"total": N, "requests": {"GET /v2/droplets": n, …}}`; admin routes are not counted.
    func snapshot() -> [String: Any] {
        let requests = counts.withLockedValue { $0 }
        return ["total": requests.values.reduce(0, +), "requests": requests]
    }
}
